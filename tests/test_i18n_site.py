"""The Chinese site is Chinese everywhere (issue 25, item 3): what a Chinese reader sees on every
page has no English words (levels, kinds, link kinds and bases, dates, empty values, targets),
and every English word is in ``data-en`` beside its Chinese for the 中 / EN switch. Levels and
kinds are the ontology's labels; the curated basis of each implementation link is written in
Chinese too (``@zh`` beside ``@en``)."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from conftest import REPO
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, SKOS
from test_progress import fill, form, home, plan, run  # noqa: F401  (a corpus under supervision)
from test_site import browser, open_page  # noqa: F401  (the Chromium fixture, and a page opener)
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus

PG = Namespace("https://w3id.org/policygraph/ontology#")
GX = "eli/cn-gx/guizhengbanfa/2021/81"
NATIONAL_MEASURE = "eli/cn/guofa/2020/7/measure/11/index.html"
RESPONSE_MEASURE = f"{GX}/measure/8/index.html"

# Where a Chinese reader sees no words of the site's own: the English already given for the
# switch, code (file names, digests, IRIs), and what quotes a source (marked facts, quotes, the
# source page's text, which may itself be English, as the national outline is).
NOT_THE_SITES = ("code", "mark", "script", "style")
QUOTING = ("quote", "source-text")
# Names, identifiers and formats that are the same in both languages.
NAMES = {"policygraph", "Turtle", "xlsx", "docx", "csv", "EN", "SHA"}
TOKENS = re.compile(r"\S*[\d/\\.=@<>_:]\S*|https?://\S+")  # paths, IRIs, digests, numbers
WORD = r"[A-Za-z][A-Za-z'’&-]*"
ENGLISH = re.compile(rf"{WORD}(?:[\s,;·()（）\"“”]+{WORD})+")  # two English words in a row


def english_words(text: str) -> list[str]:
    """The runs of at least two English words in ``text``, names and identifiers aside."""
    text = TOKENS.sub(" ", text)
    text = re.sub(WORD, lambda m: " " if m.group(0) in NAMES else m.group(0), text)
    return ENGLISH.findall(text)


def chinese_view(root: lxml.html.HtmlElement) -> list[str]:
    """Every text a Chinese reader sees that is the site's own: the text nodes not inside an
    element carrying data-en, nor in code, a mark, a quote of a source or the source's text."""
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        around = [el, *el.iterancestors()]
        if any(
            a.get("data-en") is not None
            or a.tag in NOT_THE_SITES
            or set((a.get("class") or "").split()) & set(QUOTING)
            for a in around
        ):
            continue
        out += [t for t in [el.text, *(child.tail for child in el)] if t and t.strip()]
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built while the tool speaks English (conftest): the site is Chinese whatever the command
    # speaks, its Chinese taken from the catalogue's Chinese.
    out = tmp_path_factory.mktemp("site-zh") / "site"
    result = CliRunner().invoke(app, ["site", "-o", str(out)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return out


def parse(page: Path) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(page)).getroot()


def test_the_scan_finds_english_where_it_is_shown_and_not_where_it_is_given() -> None:
    shown = lxml.html.fromstring(
        "<div><dd>region · measures</dd><p>R&amp;D 经费 policygraph</p></div>"
    )
    assert [w for t in chinese_view(shown) for w in english_words(t)] == ["region · measures"]
    given = lxml.html.fromstring(
        '<div><dd><span data-en="region · measures">省级 · 措施</span></dd>'
        '<p class="quote">“same subject”</p><code>data/sources/a b.txt</code>'
        "<p>文件: data/sources/gx-measures.txt · SHA-256 Turtle</p></div>"
    )
    assert [w for t in chinese_view(given) for w in english_words(t)] == []


def test_every_page_is_chinese_to_a_chinese_reader(site: Path) -> None:
    found = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        for text in chinese_view(parse(page)):
            found += [f"{page.relative_to(site)}: {w!r}" for w in english_words(text)]
    assert found == []


def test_every_switchable_word_has_its_english(site: Path) -> None:
    empty = []
    for page in sorted(site.rglob("*.html")):
        for el in parse(page).xpath("//*[@data-en]"):
            if not el.get("data-en").strip() or not (el.text_content() or "").strip():
                empty.append(f"{page.relative_to(site)}: <{el.tag}> {el.text_content()!r}")
    assert empty == []


def ontology_labels(scheme: str, lang: str) -> set[str]:
    g = Graph().parse(REPO / "ontology" / "policygraph.ttl")
    return {
        str(label)
        for concept in g.subjects(SKOS.inScheme, PG[scheme])
        for label in g.objects(concept, SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == lang
    }


def test_levels_and_kinds_are_the_ontologys_words(site: Path) -> None:
    levels = ontology_labels("Levels", "zh")
    for page, column in (("index.html", 3), ("org/index.html", 2)):
        cells = parse(site / page).xpath(f"//tbody/tr/td[{column}]/span")
        assert cells and {c.text for c in cells} <= levels, page
        assert {c.get("data-en") for c in cells} <= ontology_labels("Levels", "en")
    (level,) = parse(site / GX / "index.html").xpath(
        "//dt[@data-en='Level']/following-sibling::dd[1]/span"
    )
    assert (level.text, level.get("data-en")) == ("省级 · 措施", "region (province) · measures")
    (kind,) = parse(site / "doc/cn-gx/reply-letter/cppcc-proposal-20210124/index.html").xpath(
        "//dt[@data-en='Level']/following-sibling::dd[1]/span"
    )
    assert kind.text == "省级 · 答复函" and kind.get("data-en").endswith("· reply letter")


def test_dates_and_empty_values_in_both_languages(site: Path) -> None:
    document = parse(site / GX / "index.html")
    (date,) = document.xpath("//dt[@data-en='Date']/following-sibling::dd[1]/span")
    assert (date.text, date.get("data-en")) == ("无", "none")  # the sources disagree: no date
    measure = parse(site / RESPONSE_MEASURE)
    dates = measure.xpath(
        "//h2[@data-en='What the responses report']/following-sibling::ul[1]//span[@data-en]"
    )
    assert ("2021年9月8日", "2021-09-08") in {(d.text, d.get("data-en")) for d in dates}
    empty = parse(site / NATIONAL_MEASURE).xpath("//dt[.='牵头单位']/following-sibling::dd[1]/span")
    assert [(e.text, e.get("data-en")) for e in empty] == [("无", "none")]


def test_a_chain_link_says_its_kind_and_basis_in_chinese(site: Path) -> None:
    badges = parse(site / NATIONAL_MEASURE).xpath("//ul[@class='chain']//span[@class='badge']")
    said = {(b.text, b.get("data-en")) for b in badges}
    assert (
        "研判 · 置信度 0.6 · 主题相同，据措施正文研判：产业集聚与特色主导产业（产业集聚 / 特色主导产业）",
        "a judgement of correspondence · confidence 0.6 · same subject, judged from the text of "
        "the measure: industrial clusters and leading industries (产业集聚 / 特色主导产业)",
    ) in said


def test_targets_in_chinese_with_their_english(site: Path) -> None:
    targets = parse(site / GX / "index.html").xpath(
        "//h2[@data-en='Targets against reported figures']/following-sibling::ul[1]/li/span"
    )
    said = {(t.text, t.get("data-en")) for t in targets}
    assert any(
        zh.startswith("到2025年，高新区营业总收入超10000亿元；")
        and zh.endswith("11154.81亿元，已达到")
        and en.endswith("reports 11154.81亿元 for 2021; already met")
        for zh, en in said
    ), said


def test_progress_pages_are_chinese_with_their_english(home: Corpus, tmp_path: Path) -> None:  # noqa: F811
    finance = form(home, tmp_path, "曲靖市财政局")
    fill(finance, {"建设创新平台": {"完成状态": "推进中", "进展情况": "资金已拨付"}})
    run("progress", "import", str(finance), "--received", "2024-06-20", "--home", str(home.root))
    site = tmp_path / "site"
    run("site", "-o", str(site), "--home", str(home.root))
    found, shown = [], 0
    for page in sorted(site.rglob("*.html")):
        root = parse(page)
        # 说明 (the last column): the progress view writes its notes in English only, as text
        # (views/progress.py); they can be shown in Chinese once they are catalogue messages.
        for cell in root.xpath("//table[@class='progress']//td[last()]"):
            cell.drop_tree()
        shown += len(root.xpath("//table[@class='progress']"))
        for text in chinese_view(root):
            found += [f"{page.relative_to(site)}: {w!r}" for w in english_words(text)]
    assert shown >= 2 and found == []
    (page,) = [
        p for p in site.rglob("index.html") if "<h1>曲靖市财政局</h1>" in p.read_text("utf-8")
    ]
    root = parse(page)
    chart = {(t.text, t.get("data-en")) for t in root.xpath("//svg//text[@data-en]")}
    assert {("推进中", "in progress"), ("未报送", "not reported"), ("逾期", "overdue")} <= chart
    received = root.xpath("//table[@class='progress']//td/span[@data-en='2024-06-20']")
    assert [r.text for r in received] == ["2024年6月20日"]


def test_every_curated_basis_is_written_in_english_and_in_chinese() -> None:
    g = Graph().parse(REPO / "data" / "ttl" / "implementation-links.ttl")
    links = set(g.subjects(RDF.type, PG.ImplementationLink))
    assert len(links) > 40
    for link in links:
        langs = sorted(str(b.language) for b in g.objects(link, PG.basis))  # type: ignore[union-attr]
        assert langs == ["en", "zh"], link


def test_the_switch_shows_english_on_a_document_page(browser: object, site: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    open_page(browser, site / GX / "index.html")
    level = "//dt[@data-en='Level']/following-sibling::dd[1]/span"
    assert browser.find_element(By.XPATH, level).text == "省级 · 措施"  # type: ignore[attr-defined]
    browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    try:
        shown = browser.find_element(By.XPATH, level).text  # type: ignore[attr-defined]
        heading = browser.find_element(By.XPATH, "//dt[@data-en='Level']").text  # type: ignore[attr-defined]
    finally:
        browser.find_element(By.ID, "lang").click()  # type: ignore[attr-defined]
    assert (heading, shown) == ("Level", "region (province) · measures")
    assert browser.find_element(By.XPATH, level).text == "省级 · 措施"  # type: ignore[attr-defined]
