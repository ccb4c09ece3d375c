"""The site's pages of the graph's vocabulary, and how the site is made (issues 26 and 28): each
indicator a page (its targets, its figures), each reported figure an anchor on the page of
figures, each term of the ontology an anchor on the ontology's page, the kinds of the other
nodes linked to their class there; the site's data given by the views, render only renders.
Built once from the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from test_site import answered, browser, open_page  # noqa: F401  (the Chromium fixture)
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.render.site.paths import BASE, address, link, page_of
from policygraph.render.site.search import part, shards

GX = "eli/cn-gx/guizhengbanfa/2021/81"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-pages") / "site"
    result = CliRunner().invoke(app, ["site", "-o", str(out)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return out


def parse(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(page)).getroot()


def texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]


def test_an_indicator_has_a_page_with_its_targets_and_figures(site: Path) -> None:
    page = parse(site / page_of(BASE + "indicator/zones"))
    assert texts(page, "//h1") == ["高新区总数"]
    assert page.xpath("//h1/@data-en") == ["number of high-tech zones (national and regional)"]
    (target,) = texts(page, "//h2[@data-en='Targets']/following-sibling::ul[1]/li")
    assert "高新区总数" in target and "20家" in target and "2025" in target
    (href,) = page.xpath("//h2[@data-en='Targets']/following-sibling::ul[1]/li/a/@href")
    assert href == link(page_of(BASE + "indicator/zones"), page_of(BASE + GX + "/measure/3"))
    years = texts(page, "//tbody/tr/td[@data-label='年份']")
    assert years == sorted(years) and {"2020", "2022"} <= set(years)


def test_every_figure_is_an_anchor_on_the_page_of_figures(site: Path) -> None:
    figure = BASE + "figure/exports/2020/press-conference"
    assert address(figure, {BASE + "figure"}) == (
        "figure/index.html",
        "exports-2020-press-conference",
    )
    page = parse(site / "figure" / "index.html")
    (row,) = page.xpath("//tr[@id='exports-2020-press-conference']")
    cells = [" ".join(td.text_content().split()) for td in row.xpath("td")]
    assert cells[:3] == ["高新区出口总额", "2020", "125.19亿美元"]
    assert "完成出口总额125.19亿美元" in cells[4]
    # the indicator's page links each of its figures to its anchor there
    exports = parse(site / page_of(BASE + "indicator/exports"))
    assert "../../figure/index.html#exports-2020-press-conference" in exports.xpath("//a/@href")


def test_every_term_of_the_ontology_is_an_anchor_on_its_page(site: Path) -> None:
    page = parse(site / "ontology" / "index.html")
    ids = set(page.xpath("//dt/@id"))
    assert {"Measure", "Responsibility", "setBy", "Levels", "AtLeast"} <= ids
    headings = {h.get("data-en"): h.text for h in page.xpath("//h2")}
    assert headings == {
        "Classes": "类",
        "Properties": "属性",
        "Concept schemes": "概念体系",
        "Concepts": "概念",
    }
    (measure,) = page.xpath("//dt[@id='Measure']")
    assert measure.xpath("code/text()") == ["pg:Measure"]


def test_the_kind_of_a_node_links_to_its_class_on_the_ontologys_page(site: Path) -> None:
    path = f"{GX}/measure/14/index.html"
    badges = parse(site / path).xpath("//details[@class='facts']//a[@class='badge']/@href")
    to_ontology = link(path, "ontology/index.html") + "#"
    assert badges and all(b.startswith(to_ontology) for b in badges)
    names = {b.split("#", 1)[1] for b in badges}
    ontology = set(parse(site / "ontology" / "index.html").xpath("//dt/@id"))
    assert names and names <= ontology


def test_the_home_page_leads_to_the_figures_and_the_ontology(site: Path) -> None:
    hrefs = parse(site / "index.html").xpath("//main//a/@href")
    assert "figure/index.html" in hrefs and "ontology/index.html" in hrefs


# --- the search index in shards ------------------------------------------------------------------


def test_the_index_is_split_into_a_small_head_and_shards_by_character() -> None:
    index = [
        {"k": "measure", "t": "甲", "u": "a/index.html", "x": "科技厅负责"},
        {"k": "department", "t": "自治区科技厅", "u": "b/index.html", "a": "科技厅"},
        {"k": "source", "t": "原文", "u": "c/index.html", "x": "财政厅 " + "字" * 50},
    ]
    files = shards(index)
    head = files["search-index.js"]
    assert "科技厅负责" not in head and "字" not in head  # the texts are not in the head
    assert '"chars":16' in head
    postings: dict[str, list[int]] = {}
    for name, body in files.items():
        if name.startswith("search/c"):
            n = int(name.removeprefix("search/c").removesuffix(".js"))
            found = json.loads(body.split(", ", 1)[1].removesuffix(");\n"))
            assert all(ord(ch) % 16 == n for ch in found), name
            postings.update(found)
    assert postings["科"] == [0, 1] and postings["财"] == [2] and " " not in postings
    texts = [b for n, b in files.items() if n.startswith("search/t")]
    assert len(texts) == 1 and "科技厅负责" in texts[0] and '"2":"财政厅' in texts[0]


def test_the_index_made_in_two_parts_is_the_index_made_at_once() -> None:
    """The site makes the part of the index of the documents' pages early (``search.part``, on
    its worker) and the rest at the end: split anywhere, the files are those made at once, and
    the head lists every entry without its text, in order."""
    index = [
        {"k": "measure", "t": "甲", "u": "a/index.html", "x": "科技厅负责"},
        {"k": "department", "t": "自治区科技厅", "u": "b/index.html", "a": "科技厅"},
        {"k": "measure", "t": "乙", "u": "d/index.html", "x": "财政厅配合\n科技厅"},
        {"k": "department", "t": "财政厅", "u": "e/index.html"},
        {"k": "source", "t": "原文", "u": "c/index.html", "x": "财政厅 " + "字" * 50},
    ]
    whole = shards(index)
    assert len(whole) > 3
    for upto in range(len(index) + 1):
        assert shards(index, (upto, part(index[:upto]))) == whole, upto
    head = whole["search-index.js"].removeprefix("window.PG_INDEX = ").split(";\n", 1)[0]
    assert json.loads(head) == [{k: v for k, v in e.items() if k != "x"} for e in index]
    assert shards([]) == shards([], (0, part([])))


def test_a_term_whose_shard_is_not_the_first_is_found_loading_its_shards_only(
    browser: object,  # noqa: F811
    site: Path,
) -> None:
    term = "财政厅"
    wanted = {f"c{ord(ch) % 16}.js" for ch in term}
    assert "c0.js" not in wanted
    head = (site / "static" / "search-index.js").read_text(encoding="utf-8")
    shards_size = sum(p.stat().st_size for p in (site / "static" / "search").iterdir())
    assert '"chars":16' in head and '"x":' not in head and len(head) < shards_size / 2
    open_page(browser, site / "search" / "index.html")
    browser.find_element("id", "search").send_keys(term)  # type: ignore[attr-defined]
    answered(browser, term)
    titles = [a.text for a in browser.find_elements("css selector", "#results li a")]  # type: ignore[attr-defined]
    assert titles[0] == "广西壮族自治区财政厅" and len(titles) > 10  # the department first
    fetched = browser.execute_script(  # type: ignore[attr-defined]
        "return Array.from(document.querySelectorAll('script[src]'), function (s) {"
        " return s.src; });"
    )
    shards_fetched = {n.rsplit("/", 1)[1] for n in fetched if "/static/search/c" in n}
    assert shards_fetched == wanted  # those of its characters, and no other
