"""tomllib's syntax errors said in Chinese.

tomllib words each error in English, "<what> (at line L, column C)". The
organiser working in Chinese is told the place and what is wrong in Chinese;
tomllib's words follow only for a message this table does not know (another
Python's wording), so that nothing is lost.
"""

from __future__ import annotations

import re
import tomllib

from server.mistake import Bilingual

_PLACE = re.compile(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", re.DOTALL)

_WHAT: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), zh)
    for pattern, zh in [
        (r"Cannot overwrite a value", "不能覆盖已有的值"),
        (r"Escaped character is not a Unicode scalar value", "转义字符不是有效的 Unicode 字符"),
        (r"Expected '=' after a key in a key/value pair", "键的后面缺少“=”"),
        (r"Expected '\]' at the end of a table declaration", "表头缺少结尾的“]”"),
        (r"Expected '\]\]' at the end of an array declaration", "表数组的表头缺少结尾的“]]”"),
        (
            r"Expected newline or end of document after a statement",
            "一条语句之后应换行（同一行里不能再写别的内容）",
        ),
        (r"Invalid date or datetime", "日期或时间无效"),
        (r"Invalid hex value", "十六进制转义无效"),
        (r"Invalid initial character for a key part", "键名的第一个字符无效"),
        (r"Invalid statement", "无法识别的语句"),
        (r"Invalid value", "值无效（字符串要加引号，数字不要加引号）"),
        (r"Unclosed array", "数组没有结束（缺少“]”）"),
        (r"Unclosed inline table", "内联表没有结束（缺少“}”）"),
        (r"Unescaped '\\' in a string", "字符串中的“\\”没有转义（写作“\\\\”）"),
        (r"Unterminated string", "字符串没有结束（缺少引号）"),
        (r"Cannot declare (.+) twice", "{0} 重复定义"),
        (r"Cannot mutate immutable namespace (.+)", "不能修改已定义完的 {0}"),
        (r"Cannot redefine namespace (.+)", "不能重新定义 {0}"),
        (r"Duplicate inline table key (.+)", "内联表中的键 {0} 重复"),
        (r"Expected (.+)", "此处应为 {0}"),
        (r"Found invalid character (.+)", "出现无效字符 {0}"),
        (r"Illegal character '\\n'", "字符串在行尾没有结束（缺少引号）"),
        (r"Illegal character (.+)", "非法字符 {0}"),
    ]
]


def toml_problem(error: tomllib.TOMLDecodeError) -> Bilingual:
    """``error`` in English (tomllib's words) and in Chinese."""
    detail = str(error)
    placed = _PLACE.fullmatch(detail)
    what = placed[1] if placed else detail
    if placed is None:
        where = ""
    elif placed[2] is None:
        where = "文件末尾"
    else:
        where = f"第 {placed[2]} 行第 {placed[3]} 列"
    said = _chinese(what)
    zh = f"不是有效的 TOML：{where}{'：' if where else ''}{said or f'有语法错误（原文：{what}）'}"
    return Bilingual(f"not valid TOML: {detail}", zh)


def _chinese(what: str) -> str | None:
    for pattern, zh in _WHAT:
        match = pattern.fullmatch(what)
        if match:
            return zh.replace("{0}", match[1]) if match.groups() else zh
    return None
