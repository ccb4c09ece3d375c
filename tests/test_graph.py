"""The built graph against facts read off the source texts by hand."""

from __future__ import annotations

import pytest
from conftest import CN, DEPT, GX, LZ
from rdflib import URIRef

from policygraph.paths import Home
from policygraph.store import EmbeddedStore

ROLES = """
PREFIX pg: <https://w3id.org/policygraph/ontology#>
SELECT ?role ?position ?dept ?written WHERE {
  ?r pg:provision ?measure ; pg:role/<http://www.w3.org/2004/02/skos/core#notation> ?role ;
     pg:position ?position ; pg:department ?dept ; pg:quote ?written .
} ORDER BY ?role ?position
"""


def lists(store: EmbeddedStore, n: int) -> dict[str, list[tuple[str, str]]]:
    rows = store.select(ROLES, {"measure": URIRef(f"{GX}/measure/{n}")})
    out: dict[str, list[tuple[str, str]]] = {"lead": [], "co-lead": []}
    for role, _, dept, written in rows.rows:
        out[str(role)].append((str(dept).removeprefix(DEPT), str(written)))
    return out


CITY = ("gx/prefecture-city-governments", "设区市人民政府")

# Lead and co-lead lists of the trickiest Guangxi measures, read off the source by hand:
# (department slug, name as written), in source order.
EXPECTED = {
    # Two leads; the second inherits 自治区; 工业和信息化厅 is in both lists.
    11: {
        "lead": [("gx/industry-it", "自治区工业和信息化厅"), ("gx/science-technology", "科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/commerce", "商务厅"),
            ("gx/natural-resources", "自然资源厅"),
        ],
    },
    # The CBIRC Guangxi branch is listed twice, under its full name and as 广西银保监局.
    14: {
        "lead": [("gx/development-reform", "自治区发展改革委")],
        "co-lead": [
            CITY,
            ("gx/science-technology", "自治区科技厅"),
            ("gx/education", "教育厅"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/finance", "财政厅"),
            ("gx/commerce", "商务厅"),
            ("gx/local-financial-regulation", "地方金融监管局"),
            ("gx/cbirc-branch", "中国银行保险监督管理委员会广西监管局"),
            ("gx/pboc-nanning", "人民银行南宁中心支行"),
            ("gx/cbirc-branch", "广西银保监局"),
        ],
    },
    # 国家税务总局广西税务局 here, 广西税务局 in (十八): one bureau.
    15: {
        "lead": [("gx/science-technology", "自治区科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/finance", "财政厅"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/tax", "国家税务总局广西税务局"),
        ],
    },
    # 市场监管局 after 自治区科技厅: inherits the prefix; the same bureau as 市场监督管理局 in (二十一).
    16: {
        "lead": [("gx/science-technology", "自治区科技厅"), ("gx/market-regulation", "市场监管局")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/ecology-environment", "生态环境厅"),
            ("gx/commerce", "商务厅"),
        ],
    },
    18: {
        "lead": [("gx/science-technology", "自治区科技厅")],
        "co-lead": [
            CITY,
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/industry-it", "工业和信息化厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/ecology-environment", "生态环境厅"),
            ("gx/tax", "广西税务局"),
        ],
    },
    # 党委编办 after 自治区党委组织部: 自治区党委编办, a party organ.
    19: {
        "lead": [CITY],
        "co-lead": [
            ("gx/party-organization-department", "自治区党委组织部"),
            ("gx/party-establishment-office", "党委编办"),
            ("gx/science-technology", "科技厅"),
            ("gx/finance", "财政厅"),
            ("gx/commerce", "商务厅"),
            ("gx/human-resources-social-security", "人力资源社会保障厅"),
            ("gx/justice", "司法厅"),
        ],
    },
    # Three leads.
    20: {
        "lead": [
            ("gx/development-reform", "自治区发展改革委"),
            ("gx/commerce", "商务厅"),
            ("gx/big-data", "大数据发展局"),
        ],
        "co-lead": [
            ("gx/science-technology", "自治区科技厅"),
            ("gx/natural-resources", "自然资源厅"),
            ("gx/housing-urban-rural", "住房城乡建设厅"),
            ("gx/finance", "财政厅"),
            ("gx/market-regulation", "市场监管局"),
            CITY,
        ],
    },
    # Ends 广西证监局。) — the full stop is not part of the name.
    21: {
        "lead": [("gx/local-financial-regulation", "自治区地方金融监管局")],
        "co-lead": [
            ("gx/finance", "自治区财政厅"),
            ("gx/development-reform", "发展改革委"),
            ("gx/science-technology", "科技厅"),
            ("gx/market-regulation", "市场监督管理局"),
            ("gx/commerce", "商务厅"),
            CITY,
            ("gx/pboc-nanning", "人民银行南宁中心支行"),
            ("gx/cbirc-branch", "广西银保监局"),
            ("gx/csrc-branch", "广西证监局"),
        ],
    },
    # A government and a department lead together.
    23: {
        "lead": [("gx/finance", "自治区财政厅"), CITY],
        "co-lead": [("gx/science-technology", "自治区科技厅")],
    },
    # A stray space inside the name, kept as written.
    24: {
        "lead": [("gx/housing-urban-rural", "自治区住房城乡 建设厅")],
        "co-lead": [CITY, ("gx/science-technology", "自治区科技厅")],
    },
}


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_lead_and_co_lead_lists(store: EmbeddedStore, n: int) -> None:
    assert lists(store, n) == EXPECTED[n]


def test_inherited_prefix_recorded(store: EmbeddedStore) -> None:
    rows = store.select(
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> "
        "SELECT ?p WHERE { ?r pg:quote ?q ; pg:provision ?m ; pg:inheritedPrefix ?p }",
        {"m": URIRef(f"{GX}/measure/19"), "q": __import__("rdflib").Literal("党委编办")},
    )
    assert [str(r[0]) for r in rows.rows] == ["自治区"]


def count(store: EmbeddedStore, where: str, bindings: dict | None = None) -> int:
    q = (
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> "
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    )
    return int(store.select(q, bindings).rows[0][0])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("doc", "parts", "provisions", "measures"),
    [(GX, 7, 27, 24), (LZ, 5, 21, 21), (CN, 7, 21, 18)],
)
def test_document_counts(
    store: EmbeddedStore, doc: str, parts: int, provisions: int, measures: int
) -> None:
    b = {"d": URIRef(doc)}
    assert count(store, "?p a pg:Part ; eli:is_part_of ?d", b) == parts
    assert (
        count(
            store,
            "{ ?p a pg:Measure } UNION { ?p a pg:GeneralProvision } ?p eli:is_part_of/eli:is_part_of ?d",
            b,
        )
        == provisions
    )
    assert count(store, "?p a pg:Measure ; eli:is_part_of/eli:is_part_of ?d", b) == measures


def test_every_guangxi_measure_has_a_lead(store: EmbeddedStore) -> None:
    q = "?m a pg:Measure ; eli:is_part_of/eli:is_part_of ?d . FILTER NOT EXISTS { ?r pg:provision ?m ; pg:role pg:Lead }"
    assert count(store, q, {"d": URIRef(GX)}) == 0


def test_national_body_text_not_held(store: EmbeddedStore) -> None:
    b = {"d": URIRef(CN)}
    assert (
        count(store, "?p a pg:Measure ; eli:is_part_of/eli:is_part_of ?d ; pg:textHeld false", b)
        == 18
    )


def test_collective_has_fourteen_members(store: EmbeddedStore) -> None:
    q = "?c <http://www.w3.org/ns/org#hasMember> ?m"
    assert count(store, q, {"c": URIRef(DEPT + "gx/prefecture-city-governments")}) == 14


def test_every_quote_is_at_its_offsets(home: Home, store: EmbeddedStore) -> None:
    rows = store.select(
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT ?node ?quote ?start ?end ?file WHERE { ?node pg:quote ?quote ; "
        "prov:wasDerivedFrom ?src . ?src pg:fileName ?file . "
        "OPTIONAL { ?node pg:quoteStart ?start ; pg:quoteEnd ?end } }"
    )
    texts: dict[str, str] = {}
    # gx: 7 parts, 27 items, 153 names, 18 amounts; lz: 5 + 21; cn: 7 + 21; 16 date statements.
    assert len(rows) == (7 + 27 + 153 + 18) + (5 + 21) + (7 + 21) + 16
    for node, quote, start, end, file in rows.rows:
        assert start is not None, f"{node} has no offsets"
        text = texts.setdefault(str(file), (home.root / str(file)).read_text(encoding="utf-8"))
        assert text[int(start) : int(end)] == str(quote), f"{node}: quote not at its offsets"  # type: ignore[arg-type]
