"""`policygraph site` (issue 13): the static site of the real corpus, checked on disk (every link
and anchor resolves, nothing is fetched from the network, metadata parses) and in a real
browser (headless Chromium through selenium: no console error, the search finds Chinese terms,
no horizontal scrolling on a phone; screenshots kept in out/screenshots/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from conftest import REPO
from openpyxl import load_workbook
from rdflib import Graph
from typer.testing import CliRunner

from policygraph.cli.app import app

GX = "eli/cn-gx/guizhengbanfa/2021/81"
MEASURE = f"{GX}/measure/11/index.html"
DEPARTMENT = "org/gx/science-technology/index.html"
SCREENSHOTS = REPO / "out" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = CliRunner().invoke(app, ["site", "-o", str(out)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return out


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_pages_mirror_the_iris(site: Path) -> None:
    for path in ("index.html", f"{GX}/index.html", MEASURE, DEPARTMENT, "checks/index.html"):
        assert (site / path).is_file(), path
    assert (site / "source" / "gx-measures" / "index.html").is_file()
    assert len(pages(site)) > 100


def test_every_link_and_anchor_resolves_and_nothing_is_fetched(site: Path) -> None:
    ids: dict[Path, set[str]] = {}
    broken = []
    for page in pages(site):
        doc = lxml.html.parse(str(page)).getroot()
        for el in doc.iter("a", "link", "script", "img"):
            target = el.get("href") or el.get("src")
            if not target:
                continue
            parts = urlsplit(target)
            if el.tag in ("script", "img") or (el.tag == "link" and el.get("rel") == "stylesheet"):
                assert not parts.scheme, f"{page}: fetches {target}"
            if parts.scheme in ("http", "https", "mailto"):
                continue
            file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not file.exists():
                broken.append(f"{page.relative_to(site)} → {target}")
                continue
            if parts.fragment and file.suffix == ".html":
                if file not in ids:
                    ids[file] = set(lxml.html.parse(str(file)).getroot().xpath("//@id"))
                if parts.fragment not in ids[file]:
                    broken.append(f"{page.relative_to(site)} → {target} (no anchor)")
    assert broken == []


def test_metadata_turtle_and_downloads(site: Path) -> None:
    for page in (site / f"{GX}/index.html", site / MEASURE, site / DEPARTMENT):
        doc = lxml.html.parse(str(page)).getroot()
        (script,) = doc.xpath("//script[@type='application/ld+json']")
        data = json.loads(script.text)
        assert data["@id"].startswith("https://w3id.org/policygraph/")
        turtle = page.parent / "data.ttl"
        assert len(Graph().parse(turtle, format="turtle")) > 3
    workbook = load_workbook(site / GX / "任务分工表.xlsx")
    assert workbook.active["A2"].value == "序号"
    assert (site / GX / "任务分工表.docx").stat().st_size > 5000


def test_the_measure_page_says_what_a_researcher_looks_for(site: Path) -> None:
    text = (site / MEASURE).read_text(encoding="utf-8")
    assert "<mark" in text and "自治区工业和信息化厅" in text  # the quoted names highlighted
    assert "国发〔2020〕7号" in text and "柳政规〔2021〕18号" in text  # its chain, both ways
    department = (site / DEPARTMENT).read_text(encoding="utf-8")
    assert "广西壮族自治区科学技术厅" in department and department.count("<tr>") > 20
    listed = load_workbook(site / "org/gx/science-technology/任务清单.xlsx").active
    assert listed.max_row == 2 + 13 + 11  # title, header, 13 led and 11 co-led
    document = (site / GX / "index.html").read_text(encoding="utf-8")
    assert "11154.81" in document and "已达到" in document  # a target already met


def test_a_rebuild_replaces_the_site_whole(site: Path, tmp_path: Path) -> None:
    other = tmp_path / "notasite"
    other.mkdir()
    (other / "precious.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(app, ["site", "-o", str(other)])
    assert result.exit_code == 2 and "holds something else" in result.stderr
    assert (other / "precious.txt").read_text(encoding="utf-8") == "mine"


# --- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> object:
    webdriver = pytest.importorskip("selenium.webdriver")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ):
        options.add_argument(arg)
    options.binary_location = chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def open_page(browser: object, path: Path, width: int = 1280) -> None:
    browser.set_window_size(width, 900)  # type: ignore[attr-defined]
    browser.get(path.as_uri())  # type: ignore[attr-defined]


def answered(driver: object, term: str) -> None:
    """Wait until the search has answered ``term`` (it loads the index's shards it needs)."""
    from selenium.webdriver.support.ui import WebDriverWait

    def done(d: object) -> bool:
        found = d.find_element("id", "results").get_attribute("data-query")  # type: ignore[attr-defined]
        return bool(found == term)

    WebDriverWait(driver, 10).until(done)


def test_every_page_loads_without_a_console_error(browser: object, site: Path) -> None:
    errors = []
    for page in pages(site):
        open_page(browser, page)
        for entry in browser.get_log("browser"):  # type: ignore[attr-defined]
            if entry["level"] == "SEVERE":
                errors.append(f"{page.relative_to(site)}: {entry['message']}")
    assert errors == []


@pytest.mark.parametrize("term", ["自治区科技厅", "研发", "上市"])
def test_search_finds_chinese_terms(browser: object, site: Path, term: str) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "search" / "index.html")
    box = browser.find_element(By.ID, "search")  # type: ignore[attr-defined]
    box.send_keys(term)
    answered(browser, term)
    results = browser.find_elements(By.CSS_SELECTOR, "#results li a")  # type: ignore[attr-defined]
    assert results, f"no result for {term}"
    first = results[0].get_attribute("href")
    assert first.startswith("file://") and Path(unquote(urlsplit(first).path)).exists()


def test_the_english_switch(browser: object, site: Path) -> None:
    from selenium.webdriver.common.by import By

    open_page(browser, site / "index.html")
    browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    heading = browser.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    assert heading == "Chinese policy provisions, as a graph"


@pytest.mark.parametrize("page", ["index.html", MEASURE, DEPARTMENT, f"{GX}/index.html"])
def test_no_horizontal_scrolling_on_a_phone_and_screenshots(
    browser: object, site: Path, page: str
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = page.replace("/", "_").removesuffix("_index.html").removesuffix(".html") or "home"
    for width in (1280, 390):
        open_page(browser, site / page, width)
        browser.save_screenshot(str(SCREENSHOTS / f"{name}-{width}.png"))  # type: ignore[attr-defined]
        scroll = browser.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        client = browser.execute_script("return document.documentElement.clientWidth")  # type: ignore[attr-defined]
        assert scroll <= client, f"{page} scrolls sideways at {width} px ({scroll} > {client})"
