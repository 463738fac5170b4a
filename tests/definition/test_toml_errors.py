"""Each syntax error tomllib raises is told in Chinese, with its place."""

from __future__ import annotations

import tomllib

import pytest

from server.mistake import Bilingual
from server.toml_errors import toml_problem
from tests.definition.test_chinese import stray_english
from tests.pages.test_languages import CJK

BROKEN = [
    ('title = "x"\ntitle = "y"\n', "第 2 行"),
    ("[a]\nx = 1\n[a]\n", "重复定义"),
    ("a = [1, 2\n", "数组没有结束"),
    ("a = {x = 1\n", "内联表没有结束"),
    ('a = "open\n', "没有结束（缺少引号）"),
    ("a = open\n", "值无效"),
    ("a 1\n", "缺少“=”"),
    ("[a\n", "缺少结尾的“]”"),
    ("[[a]\n", "缺少结尾的“]]”"),
    ("a = 1 b = 2\n", "应换行"),
    ("a = 1979-02-30\n", "日期或时间无效"),
    ('a = "\\q"\n', "第 1 行"),
    ("a = {x = 1, x = 2}\n", "重复"),
    ("= 1\n", "无法识别的语句"),
    ("a = 1\n[", "文件末尾"),
]


def _problem(text: str) -> Bilingual:
    with pytest.raises(tomllib.TOMLDecodeError) as caught:
        tomllib.loads(text)
    return toml_problem(caught.value)


@pytest.mark.parametrize(("text", "said"), BROKEN, ids=[t for t, _ in BROKEN])
def test_said_in_chinese_with_the_place(text: str, said: str) -> None:
    problem = _problem(text)
    assert problem.zh.startswith("不是有效的 TOML：")
    assert said in problem.zh, problem.zh
    assert "原文" not in problem.zh, problem.zh
    assert not stray_english(problem.zh), problem.zh
    assert CJK.search(problem.zh.removeprefix("不是有效的 TOML："))
    assert problem.en.startswith("not valid TOML: ")


def test_unknown_wording_keeps_tomllib_words() -> None:
    """Another Python's wording is not lost: it follows the place in Chinese."""
    problem = toml_problem(tomllib.TOMLDecodeError("Something new (at line 3, column 4)"))
    assert problem.zh == "不是有效的 TOML：第 3 行第 4 列：有语法错误（原文：Something new）"
