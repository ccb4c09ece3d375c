"""What the site says (issue 26, items 1, 2, 3 and 6): the search over the whole text of every
measure, department, document and source (a count, "no results", a ranked order); the chain on a
measure's page as a tree; every IRI of the graph a user can meet dereferences to a page or an
anchor on one; document pages that give each funding commitment once with its amount, the dates
as the sources write them and counts that say what they count. Built once from the real corpus;
the search and the tree are checked in headless Chromium (skipped with a reason where absent)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from rdflib import Literal
from test_site import (  # noqa: F401  (the Chromium fixture, a page opener, the search's answer)
    answered,
    browser,
    open_page,
)
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.render.site.paths import BASE, address, fragment, page_of
from policygraph.store import open_store

GX = "eli/cn-gx/guizhengbanfa/2021/81"
GX_IRI = BASE + GX
NATIONAL_MEASURE = "eli/cn/guofa/2020/7/measure/11"
GX_MEASURE = f"{GX}/measure/11"
PREFIXES = """PREFIX pg: <https://w3id.org/policygraph/ontology#>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site-content") / "site"
    result = CliRunner().invoke(app, ["site", "-o", str(out)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def store() -> object:
    return open_store(Corpus.locate(), endpoint="")


def parse(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(page)).getroot()


def texts(root: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in root.xpath(xpath)]


# --- every IRI a page or an anchor ---------------------------------------------------------------


def test_address_is_the_page_or_an_anchor_on_the_nearest_page_above() -> None:
    measure = BASE + "eli/x/1/measure/8"
    pages = {BASE + "eli/x/1", measure}
    assert address(measure, pages) == ("eli/x/1/measure/8/index.html", "")
    assert address(measure + "/funding/2", pages) == ("eli/x/1/measure/8/index.html", "funding-2")
    assert address(BASE + "eli/x/1/part/3", pages) == ("eli/x/1/index.html", "part-3")
    assert address(BASE + "indicator/exports", pages) is None
    assert address(BASE + "ontology#Measure", {BASE + "ontology"}) == (
        "ontology/index.html",
        "Measure",
    )
    assert address(BASE + "ontology#Measure", pages) is None
    assert fragment(BASE + "doc/cited/a", BASE + "doc/cited/a/date revised") == "date-revised"


def test_every_iri_of_the_graph_dereferences(site: Path, store: object) -> None:
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }").rows  # type: ignore[attr-defined]
    # every IRI under the graph's base: documents and what is in them, departments, sources,
    # indicators and reported figures, the ontology's terms; no exception
    claimed = [str(s) for (s,) in rows if str(s).startswith(BASE)]
    assert len(claimed) > 600
    kinds = {iri.removeprefix(BASE).split("/")[0].split("#")[0] for iri in claimed}
    assert {"eli", "doc", "org", "source", "indicator", "figure", "ontology"} <= kinds
    ids: dict[str, set[str]] = {}
    missing = []
    for iri in claimed:
        found = address(iri, lambda i: (site / page_of(i)).is_file())
        if found is None:
            missing.append(f"{iri}: no page")
            continue
        path, anchor = found
        if anchor:
            if path not in ids:
                ids[path] = set(parse(site / path).xpath("//@id"))
            if anchor not in ids[path]:
                missing.append(f"{iri}: no #{anchor} on {path}")
    assert missing == []


def test_general_provisions_parts_and_cited_documents_have_pages(site: Path) -> None:
    guiding = parse(site / GX / "measure" / "1" / "index.html")
    assert texts(guiding, "//h1") == ["(一)指导思想"]
    assert "习近平新时代中国特色社会主义思想" in texts(guiding, "//p[@class='quote']")[0]
    part = parse(site / GX / "part" / "1" / "index.html")
    assert texts(part, "//h1") == ["一、总体要求"]
    structure = texts(parse(site / GX / "index.html"), "//ul[@class='structure']/li")
    assert [s.split(" ", 1)[1] for s in structure[:3]] == [
        "一、总体要求",
        "(一)指导思想",
        "(二)基本原则",
    ]
    law = parse(site / page_of(BASE + "doc/cited/中华人民共和国科学技术进步法"))
    assert texts(law, "//h1") == ["中华人民共和国科学技术进步法"]
    assert "未收录" in texts(law, "//p[@class='notice']")[0]
    cited_by = texts(law, "//h2[@data-en='Cited by']/following-sibling::ul[1]/li")
    assert cited_by and all(c.startswith("《柳州市") for c in cited_by), cited_by


def test_responsibilities_are_anchors_on_their_measures_page(site: Path) -> None:
    page = parse(site / GX / "measure" / "14" / "index.html")
    (lead,) = page.xpath("//li[@id='lead-1']")
    assert " ".join(lead.text_content().split()).startswith("职责分工 lead-1 自治区发展改革委")


# --- document pages ------------------------------------------------------------------------------


def test_each_funding_commitment_once_with_its_amount(site: Path, store: object) -> None:
    query = (
        PREFIXES
        + """SELECT ?f ?amount ?quote WHERE {
      ?f a pg:FundingCommitment ; pg:amountText ?amount ; pg:quote ?quote ; pg:provision ?m .
      FILTER(STRSTARTS(STR(?m), STR(?doc))) }"""
    )
    graph = store.select(query, {"doc": Literal(GX_IRI + "/")}).rows  # type: ignore[attr-defined]
    assert len(graph) > 10
    page = parse(site / GX / "index.html")
    items = page.xpath("//ul[@class='funding']/li")
    quotes = [" ".join(i.xpath("string(.//span[@class='quote'])").split()) for i in items]
    assert len(quotes) == len(set(quotes)) == len({str(q) for _, _, q in graph})  # each once
    amounts = [a.text for a in page.xpath("//ul[@class='funding']/li/strong")]
    assert sorted(amounts) == sorted(str(a) for _, a, _ in graph)  # every amount, once
    (both,) = [i for i in items if "分别给予100万元和50万元" in i.text_content()]
    assert [a.text for a in both.xpath("strong")] == ["100万元", "50万元"]


def test_dates_as_the_sources_write_them(site: Path) -> None:
    gx = parse(site / GX / "index.html")
    said = texts(gx, "//ul[@class='dates']/li")
    assert any(s.startswith("2021年8月4日 印发") for s in said), said
    assert any(s.startswith("2021-03-01 10:43 发布") for s in said), said
    interpretation = parse(site / "doc/cn-gx-liuzhou/interpretation/liuzhenggui-2021-18/index.html")
    (published,) = interpretation.xpath(
        "//dt[@data-en='Made public']/following-sibling::dd[1]/span"
    )
    assert (published.text, published.get("data-en")) == ("2022年2月24日", "2022-02-24")
    lz = parse(site / "eli/cn-gx-liuzhou/liuzhenggui/2021/18/index.html")
    problems = lz.xpath("//ul[@class='dates']//span[@class='badge'][contains(., '疑为')]")
    assert problems and all(p.get("data-en").startswith(("year", "year,")) for p in problems)


def test_home_counts_say_what_they_count_and_show_no_short_names(site: Path) -> None:
    home = parse(site / "index.html")
    held_rows = home.xpath(
        "//h2[@data-en='Documents and what they implement']/following::table[1]/tbody/tr"
    )
    cited_rows = home.xpath("//h2[@id='cited']/following::table[1]/tbody/tr")
    counts = home.xpath("//p[span[@data-en='documents held']]")[0].text_content()
    assert f"{len(held_rows)} 份收录文件" in counts and f"{len(cited_rows)} 份被引用文件" in counts
    assert len(held_rows) == 9 and len(cited_rows) > 0
    numbers = [" ".join(r.xpath("string(td[1])").split()) for r in held_rows]
    assert "国发〔2020〕7号" in numbers
    assert not [n for n in numbers if n.isascii()], numbers  # no press-2021-09-08, gx, …


# --- the chain as a tree -------------------------------------------------------------------------


def test_the_chain_is_a_tree_national_region_city(site: Path) -> None:
    page = parse(site / GX_MEASURE / "index.html")
    (top,) = page.xpath("//ul[@class='chain']/li")
    assert top.xpath("string(span[@data-en])") == "国家级"
    (region,) = top.xpath("ul/li[.//a[contains(., '桂政办发〔2021〕81号 (十一)')]]")
    assert region.get("class") == "focus" and region.xpath("span[@data-en='this provision']")
    assert "置信度" in region.xpath("string(span[@class='badge'][last()])")
    cities = region.xpath("ul/li")
    assert cities and all(c.xpath("string(span[@data-en])") == "市级" for c in cities)
    assert all(c.xpath("span[@class='badge' and contains(., '置信度')]") for c in cities)


def test_the_tree_is_legible_on_a_phone(browser: object, site: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    open_page(browser, site / GX_MEASURE / "index.html", 390)
    for item in browser.find_elements(By.CSS_SELECTOR, "ul.chain li"):  # type: ignore[attr-defined]
        assert item.size["width"] >= 250, item.text  # nested, not squeezed to a column
    scroll = browser.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert scroll <= 390


# --- the search ----------------------------------------------------------------------------------


def measures_naming(store: object, term: str) -> set[str]:
    query = PREFIXES + "SELECT ?m WHERE { ?m a pg:Measure ; pg:quote ?q FILTER(CONTAINS(?q, ?t)) }"
    rows = store.select(query, {"t": Literal(term)}).rows  # type: ignore[attr-defined]
    return {page_of(str(m)) for (m,) in rows}


def search(driver: object, site: Path, term: str) -> list[tuple[str, str, str]]:
    """The results for ``term``: (kind, page relative to the site, title) in the order shown."""
    from selenium.webdriver.common.by import By

    open_page(driver, site / "search" / "index.html")
    box = driver.find_element(By.ID, "search")  # type: ignore[attr-defined]
    box.clear()
    box.send_keys(term)
    answered(driver, term)
    out = []
    for li in driver.find_elements(By.CSS_SELECTOR, "#results li"):  # type: ignore[attr-defined]
        a = li.find_element(By.TAG_NAME, "a")
        page = Path(unquote(urlsplit(a.get_attribute("href")).path)).relative_to(site).as_posix()
        out.append((li.find_element(By.CLASS_NAME, "badge").text, page, a.text))
    count = driver.find_element(By.ID, "count").text  # type: ignore[attr-defined]
    assert count == str(len(out))
    return out


@pytest.mark.parametrize("term", ["科技厅", "财政厅"])
def test_search_finds_every_measure_that_names_a_department(
    browser: object,  # noqa: F811
    site: Path,
    store: object,
    term: str,
) -> None:
    wanted = measures_naming(store, term)
    assert len(wanted) > 10
    found = search(browser, site, term)
    assert wanted <= {page for _, page, _ in found}
    assert found[0][0] == "部门"  # a department written exactly so comes first


def test_search_ranks_titles_before_texts(browser: object, site: Path) -> None:  # noqa: F811
    for term in ("产业集聚", "创新"):
        found = search(browser, site, term)
        in_title = [term in title for _, _, title in found]
        assert True in in_title and False in in_title, term  # both kinds of hit, so it can fail
        assert in_title == sorted(in_title, reverse=True), term  # titles first


def test_search_says_no_results_in_both_languages(browser: object, site: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    assert search(browser, site, "量子纠缠喵喵") == []
    none = browser.find_element(By.ID, "none")  # type: ignore[attr-defined]
    assert none.is_displayed() and none.text == "未找到结果"
    browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    try:
        assert none.text == "No results"
    finally:
        browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    search(browser, site, "科技厅")
    assert not browser.find_element(By.ID, "none").is_displayed()  # type: ignore[attr-defined]


def test_every_suggested_example_finds_something(browser: object, site: Path) -> None:  # noqa: F811
    examples = parse(site / "search" / "index.html").xpath("//p[@class='examples']/a/text()")
    assert examples
    for example in examples:
        assert search(browser, site, example), example


def test_search_finds_what_only_a_response_says(browser: object, site: Path) -> None:  # noqa: F811
    found = search(browser, site, "广西新能源汽车实验室")  # in the reply letter's text only
    assert [kind for kind, _, _ in found] == ["原文"], found
    assert found[0][1] == "source/reply-npc-2022317/index.html"
