"""The venue screen at 1920×1080 and 3840×2160 with 100 contestants: nothing
overflows or overlaps, and the stage fills the display, large enough to read
from the back of a hall."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import OUTPUT, ROOT, Server, start_server

GROUPS = ("agency", "enterprise", "school")
PANEL_JUDGES = {
    "agency": ("J7", "J8", "J9"),
    "enterprise": ("J1", "J2", "J3"),
    "school": ("J4", "J5", "J6"),
}
REVEALED = 24


def hundred_contestants(folder: Path) -> Path:
    """The example competition with 100 contestants with long names instead of 12."""
    text = (ROOT / "examples" / "contest.toml").read_text()
    head, rest = text.split("[[contestants]]", 1)
    judges = rest[rest.index("[[judges]]") :]
    people = []
    for n in range(100):
        group = GROUPS[n % 3]
        people.append(
            f'[[contestants]]\nid = "c{n:03d}"\nname = "欧阳思远 Ouyang Siyuan {n}"\n'
            f'organisation = "江城市第{n}中学附属国际双语实验学校"\ngroup = "{group}"\n'
            f"prior = {{ expert = {80 + n % 17} }}\n"
        )
    path = folder / "hundred.toml"
    path.write_text(head + "\n".join(people) + "\n" + judges)
    return path


@pytest.fixture
def big(tmp_path: Path) -> Iterator[Server]:
    yield from start_server(tmp_path, hundred_contestants(tmp_path))


def reveal_some(server: Server) -> None:
    for n in range(REVEALED):
        contestant, group = f"c{n:03d}", GROUPS[n % 3]
        server.admin_post("stage", {"contestant": contestant})
        for k, judge in enumerate(PANEL_JUDGES[group]):
            mark = str(70 + (n * 7 + k * 3) % 30)
            server.call(
                "POST",
                f"/api/competitions/{server.cid}/scores",
                {
                    "contestant": contestant,
                    "points": {"content": mark, "delivery": mark, "presence": mark},
                    "submission_id": f"layout-{contestant}-{judge}",
                },
                server.judges[judge],
            )
        server.admin_post("close", {"contestant": contestant})
        server.admin_post("reveal", {"contestant": contestant})
    server.admin_post("stage", {"contestant": f"c{REVEALED:03d}"})


BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
      && getComputedStyle(el).visibility !== 'hidden' && getComputedStyle(el).opacity !== '0'; };
  const pick = (sel) => [...document.querySelectorAll(sel)].filter(visible);
  return {
    regions: pick('.top, .now, .board, .qr').map((el) => ({name: el.className, box: box(el)})),
    rows: pick('#rows .row').map((el) => ({box: box(el),
      cells: [...el.children].filter(visible).map((c) => ({box: box(c), fits: c.scrollWidth <= c.clientWidth + 1
        || getComputedStyle(c).textOverflow === 'ellipsis'})),
      name: box(el.querySelector('.name')), org: visible(el.querySelector('.org')) ? box(el.querySelector('.org')) : null})),
    list: box(document.getElementById('rows')),
    names: pick('#rows .row .name').map((el) => box(el)),
    texts: pick('.top > *, .now-body > *, .board-head > *, .qr > *').map((el) => ({name: el.className, box: box(el),
      fits: el.scrollWidth <= el.clientWidth + 1 || getComputedStyle(el).textOverflow === 'ellipsis'})),
  };
}"""


def inside(inner: list[float], outer: list[float]) -> bool:
    return (
        inner[0] >= outer[0] - 1
        and inner[1] >= outer[1] - 1
        and inner[2] <= outer[2] + 1
        and inner[3] <= outer[3] + 1
    )


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


SIZES = [(1920, 1080), (3840, 2160)]
LEGIBLE = 0.03
"""A board row's name is at least this share of the display's height: about
3 cm on a 1 m tall projection, which reads from some 20 m."""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screen_with_100_contestants_fits(
    big: Server, browser: Any, width: int, height: int
) -> None:
    reveal_some(big)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(big.page("screen", lang="zh-CN"))
    expect(page.get_by_test_id("now-name")).to_have_text(f"欧阳思远 Ouyang Siyuan {REVEALED}")
    expect(page.locator("#page")).to_have_text(re.compile(r"^第 1/\d+ 页$"))  # it pages by itself
    boxes = page.evaluate(BOXES)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"screen-100-contestants-{width}x{height}.png"))

    screen = [0.0, 0.0, float(width), float(height)]
    regions = boxes["regions"]
    assert len(regions) == 4
    for region in regions:
        assert inside(region["box"], screen), region
    for i, a in enumerate(regions):
        for b in regions[i + 1 :]:
            assert not overlap(a["box"], b["box"]), (a, b)
    # the layout uses the display: the regions reach (nearly) every edge
    left = min(r["box"][0] for r in regions)
    top = min(r["box"][1] for r in regions)
    right = max(r["box"][2] for r in regions)
    bottom = max(r["box"][3] for r in regions)
    assert right - left >= 0.9 * width and bottom - top >= 0.9 * height, (left, top, right, bottom)
    rows = boxes["rows"]
    assert len(rows) >= 10  # legible from the back of the hall, yet a fair share of the board
    assert page.locator("#page").inner_text() == f"第 1/{math.ceil(100 / len(rows))} 页"
    for name in boxes["names"]:
        assert name[3] - name[1] >= LEGIBLE * height, name
    for i, row in enumerate(rows):
        assert inside(row["box"], boxes["list"]), row
        for cell in row["cells"]:
            assert inside(cell["box"], row["box"]) and cell["fits"], (row, cell)
        for other in rows[i + 1 :]:
            assert not overlap(row["box"], other["box"])
        # the organisation is read under the name, across the name's whole column
        org, name = row["org"], row["name"]
        assert org is not None and inside(org, row["box"]), row
        assert org[1] >= name[3] - 1 and org[2] - org[0] >= name[2] - name[0] - 1, row
    for text in boxes["texts"]:
        assert inside(text["box"], screen) and text["fits"], text
