"""A mistake in a file the organiser wrote, said in English and in Chinese.

Each mistake has a place (the file, then the field path or the spreadsheet
row and column) and a problem; both come in the two languages of the pages,
so the console shows a zh-CN organiser the Chinese one. ``str`` is the
English line the command line prints.
"""

from __future__ import annotations

import errno
from typing import NamedTuple


class Bilingual(NamedTuple):
    """One text in English and in Chinese (zh-CN)."""

    en: str
    zh: str

    @classmethod
    def same(cls, text: str) -> Bilingual:
        """Text that reads the same in both (a field path, a value)."""
        return cls(text, text)

    def pick(self, chinese: bool) -> str:
        return self.zh if chinese else self.en


class Mistake(Exception):
    """``source`` is the file (``None`` when ``where`` names it), ``where`` the
    place in it (``None`` for the whole file), ``problem`` what is wrong."""

    def __init__(self, source: str | None, where: Bilingual | None, problem: Bilingual) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        super().__init__(self.line(chinese=False))

    def line(self, *, chinese: bool, source: str | None = None) -> str:
        """The one-line message; ``source`` replaces the file's name (a translated one)."""
        parts = [source or self.source, self.where and self.where.pick(chinese)]
        parts.append(self.problem.pick(chinese))
        return ("：" if chinese else ": ").join(part for part in parts if part)


_UNREADABLE = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
}


def cannot_read(exc: OSError) -> Bilingual:
    """``cannot read: No such file or directory`` and its Chinese."""
    reason = exc.strerror or str(exc)
    known = _UNREADABLE.get(exc.errno or 0)
    return Bilingual(f"cannot read: {reason}", f"无法读取：{known or f'系统报告 {reason}'}")
