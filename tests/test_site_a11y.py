"""The site on a phone and to a screen reader (issue 26, items 4, 5 and 8).

One page of each kind (home, document, measure, department, the departments, checks, search,
source, and any kind a page's path and outline make new: see :func:`kinds`), of the real corpus
and of a corpus with progress reported (its document and department pages draw the status chart
and the progress tables), opened in headless Chromium (selenium):

- axe-core finds no violation of any impact, at 1366 and at 390 px, in Chinese and after the
  language switch. axe-core comes from npm: ``POLICYGRAPH_AXE=/path/to/axe.min.js``, or
  ``.cache/npm/node_modules/axe-core/axe.min.js`` (``npm install --prefix .cache/npm
  axe-core@4``, which ``.ci/run`` does); without it these tests are skipped with that reason.
- at 390 px: nothing scrolls sideways, every table cell is at least 8 characters wide (tables
  are stacked cards there, each cell named by its column), and every diagram's labels are
  legible (at least 10 px), inside the diagram and the screen, and overlap no other label.
- every page kind is photographed at 1366 and 390 px, the whole page down to 4000 px, into
  ``artifacts/screenshots/<kind>-<width>.png`` (the CI artefacts; gitignored).
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import FIXTURES, REPO, copy_home
from openpyxl import load_workbook
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.render.site.svg import chain_diagram

SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE_CACHED = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1366
MIN_CELL_CHARS = 8
MIN_LABEL_PX = 10.0


def run(*args: str) -> None:
    result = CliRunner().invoke(app, list(args), env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "site"
    run("site", "-o", str(out))
    return out


@pytest.fixture(scope="module")
def progress_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Qujing plan with one department's return form filled in and read back."""
    where = tmp_path_factory.mktemp("a11y-progress")
    home = copy_home(where / "home")
    for name in ("yunnan-measures.txt", "qujing-plan.txt"):
        run("ingest", str(FIXTURES / "ingest" / name), "--home", str(home.root))
    form = where / "财政局.xlsx"
    args = ["--doc", "曲政办发〔2023〕8号", "--return-form", "--dept", "曲靖市财政局"]
    run("tasks", *args, "-o", str(form), "--home", str(home.root))
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    ws.cell(row=3, column=headers["进展情况"], value="资金已拨付")
    wb.save(form)
    run("progress", "import", str(form), "--received", "2024-06-20", "--home", str(home.root))
    out = where / "site"
    run("site", "-o", str(out), "--home", str(home.root))
    return out


def kinds(site: Path, prefix: str = "") -> dict[str, Path]:
    """One page of each kind: pages grouped by their path's first folder and depth and by the
    outline of their ``<main>`` (its children's tags and classes), the largest of each group
    (the one with most to show). Named by its path, ``home`` for the home page."""
    groups: dict[tuple[object, ...], list[Path]] = {}
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site)
        main = lxml.html.parse(str(page)).getroot().find(".//main")
        outline = tuple(sorted({(str(c.tag), c.get("class") or "") for c in main}))
        groups.setdefault((rel.parts[0], len(rel.parts), outline), []).append(page)
    found = {}
    for members in groups.values():
        page = max(members, key=lambda p: (p.stat().st_size, str(p)))
        rel = page.relative_to(site).as_posix().removesuffix("index.html").strip("/")
        found[prefix + (rel.replace("/", "_") or "home")] = page
    return found


@pytest.fixture(scope="module")
def every_kind(site: Path, progress_site: Path) -> dict[str, Path]:
    found = kinds(site)
    charted = {
        f"progress-{name}": page
        for name, page in kinds(progress_site).items()
        if "status-chart" in page.read_text(encoding="utf-8")
    }
    assert len(charted) >= 2, "the progress site draws no status chart"
    return {**found, **charted}


def test_the_kinds_cover_the_site(every_kind: dict[str, Path]) -> None:
    names = set(every_kind)
    for kind in ("home", "checks", "search", "org"):
        assert kind in names, kind
    assert any(n.startswith("source_") for n in names)
    assert any("_measure_" in n for n in names)  # a measure page
    assert any(n.startswith("org_") for n in names)  # a department


def test_every_cell_is_named_by_its_column(site: Path, progress_site: Path) -> None:
    """Stacked as cards on a phone, a cell shows its column's name (data-label, and
    data-label-en where the header has English for the switch)."""
    wrong = []
    for page in [*site.rglob("*.html"), *progress_site.rglob("*.html")]:
        for table in lxml.html.parse(str(page)).getroot().iterfind(".//table"):
            heads = [(th.text_content().strip(), th.get("data-en")) for th in table.iter("th")]
            for tr in table.iterfind("./tbody/tr"):
                cells = tr.findall("td")
                if len(cells) == 1 and cells[0].get("colspan"):
                    continue  # "nothing": one cell across the table
                got = [(td.get("data-label"), td.get("data-label-en")) for td in cells]
                if got != heads:
                    wrong.append(f"{page.name} {page.parent}: {got} under {heads}")
                    break
    assert wrong == []


def test_a_row_of_several_documents_is_drawn_again_one_a_row_for_a_phone() -> None:
    docs = [
        {"iri": f"d{i}", "label": f"桂政办发〔2021〕{i}号", "level": lv, "href": f"{i}.html"}
        for i, lv in enumerate(["national", "region", "region", "region", "region", "region"])
    ]
    drawn = chain_diagram(docs, [("d1", "d0"), ("d2", "d0")])
    widths = {
        m[1]: float(m[0])
        for m in re.findall(r'<svg [^>]*width="([0-9.]+)"[^>]*class="([^"]+)"', drawn)
    }
    assert set(widths) == {"diagram chain wide", "diagram chain narrow"}
    assert widths["diagram chain narrow"] <= PHONE - 30 < widths["diagram chain wide"]
    assert drawn.count("<a ") == 2 * len(docs) and len(set(re.findall(r'id="([^"]+)"', drawn))) == 2
    alone = chain_diagram(docs[:2], [("d1", "d0")])
    assert alone.count("<svg") == 1 and "narrow" not in alone and 'role="group"' in alone


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--no-first-run")
    options.binary_location = chromium
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def axe() -> str:
    path = Path(os.environ.get("POLICYGRAPH_AXE") or AXE_CACHED)
    if not path.is_file():
        pytest.skip(
            f"axe-core is not installed ({path}): npm install --prefix .cache/npm axe-core@4, "
            "or POLICYGRAPH_AXE=/path/to/axe.min.js"
        )
    return path.read_text(encoding="utf-8")


def open_page(browser: Any, page: Path, width: int, english: bool = False) -> None:
    """The page as a phone (390 px: a mobile viewport) or a laptop shows it, in Chinese or
    after pressing the language switch."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": width,
            "height": 844 if width < 600 else 900,
            "deviceScaleFactor": 1,
            "mobile": width < 600,
        },
    )
    browser.get(page.as_uri())
    browser.execute_script("try { localStorage.clear(); } catch (e) {}")
    browser.get(page.as_uri())
    if english:
        browser.find_element("id", "lang").click()
        assert browser.execute_script("return document.documentElement.lang") == "en"


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (r) => done(r.violations.map((v) => [v.id, v.impact,
    v.nodes.slice(0, 3).map((n) => n.target.join(" "))])),
  (e) => done([["axe failed", String(e), []]]));
"""


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_axe_finds_no_violation(
    browser: Any, axe: str, every_kind: dict[str, Path], width: int
) -> None:
    browser.set_script_timeout(60)
    found = []
    for name, page in every_kind.items():
        for english in (False, True):
            open_page(browser, page, width, english)
            browser.execute_script(axe)
            for rule, impact, where in browser.execute_async_script(AXE_RUN):
                found.append(f"{name} ({'en' if english else 'zh'}): {rule} [{impact}] {where}")
    assert found == []


CELLS = """
return Array.from(document.querySelectorAll("td")).filter((td) => td.offsetParent !== null)
  .map((td) => {
    const s = getComputedStyle(td);
    const inner = td.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    return [td.getAttribute("data-label"), inner / parseFloat(s.fontSize)];
  });
"""

LABELS = """
const vw = document.documentElement.clientWidth;
return Array.from(document.querySelectorAll("svg")).filter((s) => s.getBoundingClientRect().width > 0)
  .map((svg) => {
    const box = svg.getBoundingClientRect();
    const scale = svg.getScreenCTM().a;
    const texts = Array.from(svg.querySelectorAll("text")).map((t) => {
      const r = t.getBoundingClientRect();
      return [t.textContent, scale * parseFloat(getComputedStyle(t).fontSize),
              r.left, r.top, r.right, r.bottom];
    });
    return [svg.getAttribute("class"), [box.left, box.top, box.right, box.bottom], vw, texts];
  });
"""


def label_problems(svg: list[Any]) -> list[str]:
    """What makes a diagram's labels hard to read: too small, cut off, on top of each other."""
    kind, (left, top, right, bottom), viewport, texts = svg
    found = []
    for i, (text, px, x1, y1, x2, y2) in enumerate(texts):
        if px < MIN_LABEL_PX:
            found.append(f"{kind}: {text!r} drawn at {px:.1f} px")
        if (
            x1 < max(left, 0) - 1
            or x2 > min(right, viewport) + 1
            or y1 < top - 1
            or y2 > bottom + 1
        ):
            found.append(f"{kind}: {text!r} cut off")
        for other, _, u1, v1, u2, v2 in texts[i + 1 :]:
            if x1 < u2 - 0.5 and u1 < x2 - 0.5 and y1 < v2 - 0.5 and v1 < y2 - 0.5:
                found.append(f"{kind}: {text!r} overlaps {other!r}")
    return found


def test_a_phone_reads_every_page_kind(browser: Any, every_kind: dict[str, Path]) -> None:
    found = []
    for name, page in every_kind.items():
        for english in (False, True):
            open_page(browser, page, PHONE, english)
            scroll, client = browser.execute_script(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth]"
            )
            if scroll > client:
                found.append(f"{name}: scrolls sideways ({scroll} > {client})")
            for label, chars in browser.execute_script(CELLS):
                if chars < MIN_CELL_CHARS:
                    found.append(f"{name}: a cell of {label} is {chars:.1f} characters wide")
            for svg in browser.execute_script(LABELS):
                found += [f"{name}: {p}" for p in label_problems(svg)]
    assert found == []


def test_no_column_header_wraps_on_a_laptop(browser: Any, every_kind: dict[str, Path]) -> None:
    """A column as wide as its header at least: no 条目 or 职责 one character a line."""
    found = []
    for name, page in every_kind.items():
        open_page(browser, page, DESKTOP)
        found += [f"{name}: {text}" for text in browser.execute_script(WRAPPED)]
    assert found == []


WRAPPED = """
return Array.from(document.querySelectorAll("th")).filter((th) => {
  const line = parseFloat(getComputedStyle(th).lineHeight);
  const range = document.createRange();
  range.selectNodeContents(th);
  return range.getBoundingClientRect().height > 1.5 * line;
}).map((th) => th.textContent);
"""


def test_the_department_network_fits_a_phone(browser: Any, site: Path) -> None:
    """The largest network (科技厅: 21 departments, names up to 22 characters) on a phone."""
    page = site / "org" / "gx" / "science-technology" / "index.html"
    open_page(browser, page, PHONE)
    (network,) = [s for s in browser.execute_script(LABELS) if "network" in s[0]]
    assert len(network[3]) > 20 and label_problems(network) == []


def test_screenshots_of_every_page_kind(browser: Any, every_kind: dict[str, Path]) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, page in every_kind.items():
        for width in (DESKTOP, PHONE):
            open_page(browser, page, width)
            height = browser.execute_script("return document.documentElement.scrollHeight")
            shot = browser.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": min(height, 4000),
                        "scale": 1,
                    },
                },
            )
            png = base64.b64decode(shot["data"])
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            assert int.from_bytes(png[16:20], "big") == width  # the IHDR's width
            (SCREENSHOTS / f"{name}-{width}.png").write_bytes(png)
