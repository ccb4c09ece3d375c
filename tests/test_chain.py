"""Implementation chains, responses, citations, targets and link suggestions (issue 4)."""

from __future__ import annotations

import json

import pytest
from conftest import CN, GX, LZ
from rdflib import URIRef
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import InputError
from policygraph.store import sparql as query
from policygraph.store.embedded import EmbeddedStore
from policygraph.views import chain, internal, links, tasks

runner = CliRunner()
PG = "PREFIX pg: <https://w3id.org/policygraph/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "


def test_every_lower_measure_links_up_or_says_why(store: EmbeddedStore) -> None:
    q = (
        PG
        + """SELECT ?m WHERE { ?m a pg:Measure ; eli:is_part_of+ ?d .
        FILTER NOT EXISTS { ?m eli:applies ?h }
        FILTER NOT EXISTS { ?n a pg:NoUpwardLink ; pg:provision ?m ; pg:reason ?r } }"""
    )
    for doc in (GX, LZ):
        assert store.select(q, {"d": URIRef(doc)}).rows == [], doc


def test_links_go_from_lower_to_higher_level(store: EmbeddedStore) -> None:
    q = (
        PG
        + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?link WHERE { ?link a pg:ImplementationLink ; pg:lower ?l ; pg:higher ?h .
        ?l (eli:is_part_of*)/pg:level/pg:rank ?rl . ?h (eli:is_part_of*)/pg:level/pg:rank ?rh .
        FILTER(?rl <= ?rh) }"""
    )
    assert store.select(q).rows == []


def test_document_level_links_are_stated(store: EmbeddedStore) -> None:
    rows = store.select(PG + "SELECT ?l ?h WHERE { ?l eli:ensures_implementation_of ?h }").rows
    assert {(str(a), str(b)) for a, b in rows} == {(GX, CN), (LZ, GX)}


def chain_json(ref: str) -> dict:
    result = runner.invoke(app, ["chain", ref, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_same_chain_from_each_level() -> None:
    views = [chain_json(ref) for ref in ("cn:6", "gx:9", "lz:1")]
    node_sets = [{n["iri"] for n in v["nodes"]} for v in views]
    link_sets = [{(lk["lower"], lk["higher"]) for lk in v["links"]} for v in views]
    assert node_sets[0] == node_sets[1] == node_sets[2]
    assert link_sets[0] == link_sets[1] == link_sets[2]
    # cn (六) <- gx (九), gx (十) <- lz (一), lz (四): read off the curated links.
    assert node_sets[0] == {
        f"{CN}/measure/6",
        f"{GX}/measure/9",
        f"{GX}/measure/10",
        f"{LZ}/measure/1",
        f"{LZ}/measure/4",
    }


def test_a_chain_larger_than_one_query_binds_is_read_in_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A chain's cards are read a batch of provisions at a time (Virtuoso 7.2 refuses a VALUES
    block of ~5,000 IRIs): the same chain, departments and reports, in batches of two."""
    whole = chain_json("gx:9")
    monkeypatch.setattr(chain, "BATCH", 2)
    batched = chain_json("gx:9")
    assert len(whole["nodes"]) > 2 and batched == whole


def test_chain_shows_departments_basis_and_reports() -> None:
    view = chain_json("gx:9")
    gx9 = next(n for n in view["nodes"] if n["iri"] == f"{GX}/measure/9")
    assert gx9["lead"] == ["自治区科技厅"]
    assert gx9["co_lead"] == ["自治区发展改革委", "财政厅", "商务厅", "设区市人民政府"]
    assert any("配套支持" in r["quote"] for r in gx9["reports"])
    assert all(lk["basis"] and lk["confidence"] for lk in view["links"])
    assert {d["kind"] for d in view["document_level"]} == {"stated"}


def test_chain_by_words_best_match_first(home: Corpus, store: EmbeddedStore) -> None:
    found = chain.find_measures(store, "优化营商环境")
    titles = [str(m) for m in found]
    assert titles[0] == f"{GX}/measure/20" or titles[0] == f"{CN}/measure/16"
    assert f"{LZ}/measure/16" in titles  # “放管服”优化营商环境 contains the words too


def test_chain_unknown_words_exit_2_with_suggestions() -> None:
    result = runner.invoke(app, ["chain", "集聚创新资源高端"])
    assert result.exit_code == 2
    assert "closest:" in result.stderr and "集聚" in result.stderr


def test_chain_formats() -> None:
    tree = runner.invoke(app, ["chain", "gx:4"])
    assert (
        tree.exit_code == 0
        and "[region] 桂政办发〔2021〕81号 (四)推动国家高新区创建" in tree.stdout
    )
    md = runner.invoke(app, ["chain", "lz:10", "-f", "md"])
    assert md.exit_code == 0 and md.stdout.startswith(
        "# Implementation chain of 柳政规〔2021〕18号 (十)"
    )


def test_measure_without_upward_link_shows_document_level(
    home: Corpus, store: EmbeddedStore
) -> None:
    # (二十四) has no national counterpart and no Liuzhou article below it.
    ch = chain.chain(store, URIRef(f"{GX}/measure/24"))
    assert list(ch.nodes) == [URIRef(f"{GX}/measure/24")] and ch.links == []
    assert [(s["lower"], s["higher"]) for s in ch.stated] == [
        ("桂政办发〔2021〕81号", "国发〔2020〕7号")
    ]


def test_every_link_and_report_quote_is_verbatim(home: Corpus, store: EmbeddedStore) -> None:
    rows = store.select(
        PG + "PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?q ?f WHERE { "
        "{ ?n a pg:ImplementationLink } UNION { ?n a pg:Report } UNION { ?n a pg:Citation } "
        "?n pg:quote ?q ; prov:wasDerivedFrom/pg:fileName ?f }"
    ).rows
    assert len(rows) == 45 + 16 + 20
    for quote, file in rows:
        assert str(quote) in (home.root / str(file)).read_text(encoding="utf-8")


def test_reply_letters(store: EmbeddedStore) -> None:
    q = PG + "SELECT ?p ?d WHERE { ?r pg:answers ?p . OPTIONAL { ?r pg:coHandledBy ?d } }"
    rows = store.select(
        q,
        {
            "r": URIRef(
                "https://w3id.org/policygraph/doc/cn-gx/reply-letter/cppcc-proposal-20210124"
            )
        },
    )
    assert {str(d).rsplit("/", 1)[-1] for _, d in rows.rows} == {
        "big-data",
        "finance",
        "industry-it",
    }


def test_citations_and_stubs(home: Corpus, store: EmbeddedStore) -> None:
    rows = store.select(query.load(home.queries, "citation-network").text).dicts()
    stubs = {str(r["citedtitle"]) for r in rows if str(r["stub"]) == "true"}
    assert "广西壮族自治区开发区条例" in stubs and "中华人民共和国科学技术进步法" in stubs
    three_year = [r for r in rows if str(r["citednumber"]) == "桂政办发〔2021〕14号"]
    assert len(three_year) == 2  # cited by two texts, with brackets of different widths: one stub
    assert len({str(r["cited"]) for r in three_year}) == 1


def test_targets_already_met(home: Corpus, store: EmbeddedStore) -> None:
    rows = store.select(query.load(home.queries, "target-progress").text).dicts()
    met = {str(r["indicator"]): str(r["figure"]) for r in rows if str(r["met"]) == "true"}
    # 营业总收入 11154.81 亿元 (2021) > 1万亿元; 高新技术企业占比 73.55% (2020) > 65%.
    assert met == {"高新区营业总收入": "11154.81", "高新区高新技术企业数量占全区比例": "73.55"}


# --- suggest-links -----------------------------------------------------------------------------

# The README reports these figures; this test reproduces them from the curated links.
README_FIGURES = {("lz", "gx"): (21, 21, 22), ("gx", "cn"): (14, 20, 21)}


@pytest.mark.parametrize(("lower", "higher"), sorted(README_FIGURES))
def test_suggest_links_figures(home: Corpus, store: EmbeddedStore, lower: str, higher: str) -> None:
    low, high = tasks.find_document(store, lower), tasks.find_document(store, higher)
    suggestions = links.suggest(links.provisions(store, low), links.provisions(store, high))
    ev = links.evaluate(suggestions, links.curated_pairs(store, low, high))
    assert (ev.top1_correct, ev.lower_provisions, ev.curated_links) == README_FIGURES[
        (lower, higher)
    ]


def test_readme_states_the_figures(home: Corpus) -> None:
    readme = (home.root / "README.md").read_text(encoding="utf-8")
    assert (
        "| 柳政规〔2021〕18号 → 桂政办发〔2021〕81号 | 22 | 1.00 (21/21) | 0.95 (21/22) |" in readme
    )
    assert "| 桂政办发〔2021〕81号 → 国发〔2020〕7号 | 21 | 0.70 (14/20) | 0.67 (14/21) |" in readme


def test_suggest_links_cli() -> None:
    result = runner.invoke(
        app,
        ["suggest-links", "--from", "柳政规〔2021〕18号", "--to", "gx", "--top", "2", "-f", "csv"],
    )
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1 + 21 * 2
    assert lines[1].startswith("(一),加强关键核心技术攻关,1,(九),加强关键核心技术攻关,")


def test_unknown_document_for_links() -> None:
    result = runner.invoke(app, ["suggest-links", "--from", "nope", "--to", "gx"])
    assert result.exit_code == 2 and "no document 'nope'" in result.stderr


def test_find_measures_errors(home: Corpus, store: EmbeddedStore) -> None:
    with pytest.raises(InputError, match="no measure 99"):
        chain.find_measures(store, "gx:99")


# The README reports these figures for --accept-links margin=M: (accepted, correct, curated).
MARGIN_FIGURES = {
    (0.0, "lz", "gx"): (21, 21, 22),
    (0.0, "gx", "cn"): (24, 14, 21),
    (0.3, "lz", "gx"): (19, 19, 22),
    (0.3, "gx", "cn"): (15, 13, 21),
}


@pytest.mark.parametrize(("margin", "lower", "higher"), sorted(MARGIN_FIGURES))
def test_accept_rule_figures(store: EmbeddedStore, margin: float, lower: str, higher: str) -> None:
    low, high = tasks.find_document(store, lower), tasks.find_document(store, higher)
    suggestions = links.suggest(links.provisions(store, low), links.provisions(store, high), top=2)
    rule = links.AcceptRule("margin", margin)
    got = links.evaluate_rule(suggestions, links.curated_pairs(store, low, high), rule)
    assert got == MARGIN_FIGURES[(margin, lower, higher)]


def test_readme_states_the_accept_rule_figures(home: Corpus) -> None:
    readme = (home.root / "README.md").read_text(encoding="utf-8")
    assert (
        "| margin=0.3 | 柳政规〔2021〕18号 → 桂政办发〔2021〕81号 | 1.00 (19/19) | 0.86 (19/22) |"
        in readme
    )
    assert (
        "| margin=0.3 | 桂政办发〔2021〕81号 → 国发〔2020〕7号 | 0.87 (13/15) | 0.62 (13/21) |"
        in readme
    )


@pytest.mark.parametrize("spec", ["0.3x", "margin=2", "ratio=0.3", "margin="])
def test_accept_rule_refuses_what_it_does_not_know(spec: str) -> None:
    with pytest.raises(InputError, match="the accept rule must be margin=M or score=S"):
        links.AcceptRule.parse(spec)


def test_the_sites_chains_come_from_two_queries_and_equal_one_query_each(
    store: EmbeddedStore,
) -> None:
    """The site reads the links of every chain once (Components) instead of asking
    measure-chain once per measure page: the same chain, link for link, for every measure."""
    measures = [r["measure"] for r in store.select(internal.query("measure-search")).dicts()]
    assert len(measures) > 50
    cache = chain.Cache()
    asked = []
    select = store.select

    def counted(sparql: str, bindings: object = None) -> object:
        asked.append(sparql)
        return select(sparql, bindings)  # type: ignore[arg-type]

    for m in measures:
        alone = chain.chain(store, m)
        store.select = counted  # type: ignore[method-assign]
        try:
            shared = chain.chain(store, m, cache)
        finally:
            store.select = select  # type: ignore[method-assign]
        assert shared.links == alone.links, m
        assert shared.nodes == alone.nodes and shared.stated == alone.stated
    assert not any("eli:applies|^eli:applies" in q for q in asked)  # measure-chain never asked
