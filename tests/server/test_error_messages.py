"""Every English error message is a sentence starting with a capital letter.

The rehearsal's console showed refusals such as "no contestant '999'" and "the
round “Final” has no contestants" beside Chinese ones written as sentences.
The messages are written where the errors are made: ``Rejection`` (decide's
refusals) and ``ApiError`` (the server's), some through helpers that take the
message as a parameter. This reads the source of every package for them, follows
a message passed as a parameter to each call of its function, and requires each
to begin with literal text whose first letter is a capital, so a message cannot
start with a name, an id or a round as a variable spells it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("events", "projections", "server")

MAKERS = {"Rejection": (1, "message_en"), "ApiError": (2, "message")}
"""The classes an error message is given to: the English one's position and keyword."""

PASSED_ON = {
    "rejection.message_en": "a Rejection's, checked where it is made",
    "str(exc.detail)": "starlette's reason phrase of a 404 or 405 (Not Found …)",
    "str(error)": "a competition file's mistake: its file, place and problem "
    "(tests/server/test_upload.py)",
}
"""Messages handed on from elsewhere, with where they are checked."""


@dataclass
class Module:
    path: Path
    tree: ast.Module
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)

    def enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None


def modules() -> list[Module]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = Module(path, ast.parse(path.read_text(encoding="utf-8")))
            for node in ast.walk(module.tree):
                for child in ast.iter_child_nodes(node):
                    module.parents[child] = node
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    module.functions[node.name] = node
            found.append(module)
    return found


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for given in call.keywords:
        if given.arg == keyword:
            return given.value
    return call.args[position] if len(call.args) > position else None


def messages() -> Iterator[tuple[str, ast.expr | str]]:
    """(where, the English message's expression) for every error message made,
    or (where, why it cannot be read) for one that cannot be followed."""
    every = modules()
    makers = dict(MAKERS)
    checked: set[tuple[str, int]] = set()
    while True:
        before = len(makers)
        for module in every:
            for call in (n for n in ast.walk(module.tree) if isinstance(n, ast.Call)):
                name = _callee(call)
                if name not in makers:
                    continue
                message = _argument(call, *makers[name])
                where = f"{module.path.relative_to(ROOT)}:{call.lineno}"
                if message is None or (where, id(message)) in checked:
                    continue
                checked.add((where, id(message)))
                yield from _follow(module, call, message, where, makers)
        if len(makers) == before:
            return


def _follow(
    module: Module,
    call: ast.Call,
    message: ast.expr,
    where: str,
    makers: dict[str, tuple[int, str]],
) -> Iterator[tuple[str, ast.expr | str]]:
    if isinstance(message, ast.IfExp):
        for branch in (message.body, message.orelse):
            yield from _follow(module, call, branch, where, makers)
        return
    if isinstance(message, ast.Name):
        function = module.enclosing(call)
        if function is not None:
            params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
            if message.id in params + [a.arg for a in function.args.kwonlyargs]:
                # a helper given the message: each of its calls is a maker's
                position = params.index(message.id) if message.id in params else 10**6
                makers.setdefault(function.name, (position, message.id))
                return
            assigned = [
                node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == message.id for t in node.targets)
            ]
            if assigned:
                for value in assigned:
                    yield from _follow(module, call, value, where, makers)
                return
        yield where, f"the message {message.id!r} cannot be followed"
        return
    if (
        isinstance(message, ast.JoinedStr)
        and message.values
        and isinstance(opening := message.values[0], ast.FormattedValue)
        and isinstance(opening.value, ast.Name)
    ):  # f"{message}." begins as its variable does
        yield from _follow(module, call, opening.value, where, makers)
        return
    if isinstance(message, ast.Constant | ast.JoinedStr | ast.BinOp):
        yield where, message
        return
    text = ast.unparse(message)
    if text not in PASSED_ON:
        yield where, f"the message {text!r} cannot be followed"


def _opening(message: ast.expr) -> str | None:
    """The literal text a message starts with, if it starts with one."""
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        return _opening(message.left)
    if isinstance(message, ast.Constant) and isinstance(message.value, str):
        return message.value
    if isinstance(message, ast.JoinedStr) and message.values:
        return _opening(message.values[0])
    return None


def test_every_english_error_message_starts_with_a_capital_letter() -> None:
    found = list(messages())
    assert len(found) > 80  # decide's refusals and the server's errors
    wrong = []
    for where, message in found:
        if isinstance(message, str):
            wrong.append(f"{where}: {message}")
            continue
        opening = _opening(message)
        letters = [c for c in opening or "" if c.isalpha()]
        if not letters or not letters[0].isupper():
            wrong.append(f"{where}: {ast.unparse(message)}")
    assert not wrong, "\n".join(wrong)


def test_the_pages_own_error_messages_start_with_a_capital_letter() -> None:
    """The pages' catalogue says some refusals itself (the server unreachable, a
    mark the form refuses, a link refused): those too, beside the server's."""
    from tests.pages.test_languages import catalogue

    refusals = {
        key: message["en"]
        for key, message in catalogue().items()
        if key.startswith(("error.", "mark.")) or key.endswith(("refused", "_needed", "no_upload"))
    }
    assert len(refusals) > 12
    wrong = {key: en for key, en in refusals.items() if not en[:1].isupper()}
    assert wrong == {}
