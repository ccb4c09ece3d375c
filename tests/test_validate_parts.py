"""Issue 24: the whole-corpus validation in parts (checks/parts.py) gives the report of one store.

On the project's corpus with files added for the corners (a department named only in another
part, one named nowhere, a cycle of implementation across parts, a count of a document in
another part, a quote checked against a source in another part, a curated file edited, a
violation in several parts), the report in parts of a forced small size equals the whole
corpus's: the same results in the same order, and the same SHACL report graph."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from rdflib import Graph
from rdflib.compare import isomorphic

from policygraph import checks
from policygraph.checks import parts
from policygraph.checks.report import Report
from policygraph.corpus import Corpus

HEAD = """@prefix pg:   <https://w3id.org/policygraph/ontology#> .
@prefix eli:  <http://data.europa.eu/eli/ontology#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix src:  <https://w3id.org/policygraph/source/> .
@prefix t:    <https://w3id.org/policygraph/org/test/> .
"""
GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
LZ = "https://w3id.org/policygraph/eli/cn-gx-liuzhou/liuzhenggui/2021/18"
PRESS = "https://w3id.org/policygraph/doc/cn-gx/press-conference/2021-09-08"
CORNERS = {
    # two departments in a file of their own: one named only by another file, one by nothing
    "zz-departments.ttl": """
t:named a pg:Department ; skos:prefLabel "测试甲局"@zh ; pg:level pg:National ;
    pg:kind pg:Government ; pg:jurisdiction "cn" .
t:unnamed a pg:Department ; skos:prefLabel "测试乙局"@zh ; pg:level pg:National ;
    pg:kind pg:Government ; pg:jurisdiction "cn" .
""",
    "zz-names.ttl": """
<https://w3id.org/policygraph/org/cn/most> org:hasMember t:named .
""",
    # the other half of a cycle whose first half is in implementation-links.ttl
    "zz-cycle.ttl": f"""
<{GX}/measure/9> eli:applies <{LZ}/measure/1> .
""",
    # a count of a document held in another file, wrong; a quote not at its offsets in a
    # source described in another file; a pg: term no file declares
    "zz-statements.ttl": f"""
<{PRESS}/count/test> a pg:CountStatement ; pg:about <{LZ}> ; pg:statedBy <{PRESS}> ;
    pg:countOf pg:Measure ; pg:statedCount 99 ; pg:quote "提出99条" .
<{PRESS}/quote/test> pg:quote "不在此处的引文" ; pg:quoteStart 0 ; pg:quoteEnd 7 ;
    prov:wasDerivedFrom src:gx-measures ; pg:undeclaredTerm "x" .
""",
}


def corner_home(root: Path) -> Corpus:
    home = copy_home(root)
    for name, body in CORNERS.items():
        (home.ttl / name).write_text(HEAD + body, encoding="utf-8")
    departments = home.ttl / "departments.ttl"  # a curated file edited: a kind taken out
    text = departments.read_text(encoding="utf-8")
    edited = text.replace(
        "pg:level pg:National ; pg:kind pg:Government ;", "pg:level pg:National ;", 1
    )
    assert edited != text
    departments.write_text(edited, encoding="utf-8")
    return home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return corner_home(tmp_path_factory.mktemp("parts") / "home")


@pytest.fixture(scope="module")
def whole(home: Corpus) -> Report:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("POLICYGRAPH_CACHE", "off")
        return checks.validate(home)


def same(a: Report, b: Report) -> None:
    assert a.results == b.results
    assert isomorphic(Graph().parse(data=a.graph_ttl), Graph().parse(data=b.graph_ttl))


def test_the_corners_are_in_the_whole_report(whole: Report) -> None:
    """The corpus has what the corners are meant to give (else equality would prove little)."""
    rules = {(r.rule, r.focus) for r in whole.results}
    unnamed, named = "https://w3id.org/policygraph/org/test/unnamed", "test/named"
    assert ("DepartmentUsed", unnamed) in rules
    assert not any(shape == "DepartmentUsed" and named in focus for shape, focus in rules)
    assert ("NoImplementationCycle", f"{GX}/measure/9") in rules
    assert ("NoImplementationCycle", f"{LZ}/measure/1") in rules
    assert ("CountMatches", f"{PRESS}/count/test") in rules
    assert ("QuoteAtOffsets", "https://w3id.org/policygraph/source/gx-measures") in rules
    assert ("DepartmentShape", "https://w3id.org/policygraph/org/cn/state-council") in rules
    assert any(r.rule == "ClosedVocabulary" and "undeclaredTerm" in r.value for r in whole.results)
    assert len({r.focus for r in whole.of("Violation")}) > 3


@pytest.mark.parametrize("size", [1, 2, 5])
@pytest.mark.parametrize("shared", [1 << 30, 20_000])
@pytest.mark.parametrize("forked", [False, True], ids=["in-process", "on-workers"])
def test_the_parts_give_the_whole_report(
    home: Corpus,
    whole: Report,
    size: int,
    shared: int,
    forked: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In parts, in this process or each part on a forked worker (a large corpus's), with its
    own connection to the index: the same report."""
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(parts, "FORKED_ABOVE", 0 if forked else 10**9)
    found = parts.validate(home, checks.shapes_graph(home), size, shared)
    assert found is not None
    same(found, whole)


def test_validate_in_parts_keeps_the_report(
    home: Corpus, whole: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    made: list[bool] = []
    real = parts.validate

    def spy(*args: object, **kwargs: object) -> Report | None:
        report = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(report is not None)
        return report

    monkeypatch.setattr(parts, "validate", spy)
    same(checks.validate(home, part_size=3), whole)
    assert made == [True]
    same(checks.validate(home, part_size=3), whole)  # the kept report
    assert made == [True]


def test_a_small_corpus_is_one_store(
    home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    assert parts.validate(home, checks.shapes_graph(home)) is None
    assert parts.validate(home, checks.shapes_graph(home), 2, above=10_000) is None
    assert parts.validate(home, checks.shapes_graph(home), 2, above=2) is not None


def test_without_a_cache_or_with_a_blank_node_one_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = corner_home(tmp_path / "home")
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    assert parts.validate(home, checks.shapes_graph(home), 2) is None
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    (home.ttl / "zz-blank.ttl").write_text(
        HEAD + "t:named skos:note [ skos:note 1 ] .\n", encoding="utf-8"
    )
    assert parts.validate(home, checks.shapes_graph(home), 2) is None
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    whole = checks.validate(home)
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache2"))
    same(checks.validate(home, part_size=2), whole)


def in_parts_of_five(home: Corpus, whole: Report) -> None:
    """``home`` validated in parts of five files, no file large: the whole report."""
    found = parts.validate(home, checks.shapes_graph(home), 5, 1 << 30)
    assert found is not None
    same(found, whole)


def test_each_file_is_parsed_once_a_part(
    home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part parses each file it reads once: the store it grows and the store it makes again
    in the one store's order come from the same triples (a profile at 10,000 documents had each
    file parsed twice). Counted by part, and outside the parts (the one pass over every file)."""
    from policygraph.store import embedded

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    part, made = [0], [0]
    reads: dict[tuple[int, Path], int] = {}
    real_part, real_parse, real_load = parts._part, parts._parse, embedded.load_into

    def count(paths: list[Path]) -> None:
        for path in paths:
            reads[(part[0], Path(path))] = reads.get((part[0], Path(path)), 0) + 1

    def in_part(*args: object, **kwargs: object) -> object:
        made[0] += 1
        part[0] = made[0]
        try:
            return real_part(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            part[0] = 0

    def parse(path: Path) -> list[object]:
        count([path])
        return real_parse(path)

    def load_into(store: object, files: list[Path], graph: str | None = None) -> object:
        count(files)
        return real_load(store, files, graph)

    monkeypatch.setattr(parts, "_part", in_part)
    monkeypatch.setattr(parts, "_parse", parse)
    monkeypatch.setattr(embedded, "load_into", load_into)
    assert parts.validate(home, checks.shapes_graph(home), 5, 20_000) is not None
    assert len({k for k, _ in reads}) > 3  # parts were made
    assert max(n for (k, _), n in reads.items() if k) == 1


def test_a_part_holds_of_other_files_only_what_it_reads(
    home: Corpus, whole: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of a file of another part, a part's store holds the triples of the nodes it describes and
    those pointing at a node by a predicate read backwards, not the file whole (a part's
    documents' own files and the documents they cite or implement, whole, doubled the stores
    at 10,000 documents); the report is the same (as the tests above hold it)."""
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    seen: list[tuple[set[Path], set[object], set[str], set[tuple[str, str]]]] = []
    real_part, real_store = parts._part, parts._store
    own: list[set[Path]] = []

    def in_part(run: parts.Run, files: list[Path], *args: object) -> object:
        own.append(set(files))
        return real_part(run, files, *args)  # type: ignore[arg-type]

    def store(run: parts.Run, grow: parts.Grower, texts: dict[str, str]) -> object:
        described, pointing = set(grow.described), set(grow.pointing)
        made = real_store(run, grow, texts)
        seen.append((own[-1], set(made), described, pointing))
        return made

    monkeypatch.setattr(parts, "_part", in_part)
    monkeypatch.setattr(parts, "_store", store)
    in_parts_of_five(home, whole)
    files = [p for p in home.graph_files() if p != home.ontology]
    parsed = {p: parts._parse(p) for p in files}
    foreign = 0
    for mine, held, described, pointing in seen[1:]:  # the first part reads files whole
        in_own = {q for p in mine for q in parsed[p]}
        for path in set(files) - mine:
            for q in parsed[path]:
                if q in held and q not in in_own:
                    foreign += 1
                    key = (q.predicate.value, getattr(q.object, "value", None))
                    assert q.subject.value in described or key in pointing
    assert foreign > 0


def test_a_part_asks_the_index_only_of_nodes_its_files_do_not_describe(
    home: Corpus, whole: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part does not ask the index which files describe a node of its own that its file
    describes alone: the nodes more than one file describes are read once, the others are
    known from the files the part holds (at 10,000 documents the index was asked of 30,000
    nodes a part, half of the part's time)."""
    from policygraph.checks.mentions import Mentions

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    asked: set[str] = set()
    own: set[str] = set()
    real_describing, real_subjects = Mentions.describing, parts._subjects

    def describing(self: Mentions, iris: object) -> set[Path]:
        iris = set(iris)  # type: ignore[call-overload]
        asked.update(iris & own)
        return real_describing(self, iris)

    def subjects(mentions: Mentions, files: list[Path]) -> set[str]:
        found = real_subjects(mentions, files)
        own.clear()
        own.update(i for i in found if len(real_describing(mentions, [i])) == 1)
        return found

    monkeypatch.setattr(Mentions, "describing", describing)
    monkeypatch.setattr(parts, "_subjects", subjects)
    in_parts_of_five(home, whole)
    assert own and not asked


USER_SHAPE = """@prefix sh:   <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t:    <https://w3id.org/policygraph/org/test/> .
t:EveryTargetHasAnAltLabel a sh:NodeShape ;
    sh:targetNode t:nowhere , t:unnamed , <https://w3id.org/policygraph/org/cn/most> ;
    sh:property [ sh:path skos:altLabel ; sh:minCount 1 ] .
"""


def test_a_shape_aiming_at_nodes_no_file_describes_gives_the_same_rows_in_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shape of the user's whose targets are a node no data file describes (its rows come
    from the first part alone), one described only by a file of a late part, and one of the
    curated departments (which passes): the parts give the whole store's rows, each once."""
    home = corner_home(tmp_path / "home")
    (home.shapes / "zz-user.shapes.ttl").write_text(USER_SHAPE, encoding="utf-8")
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    whole = checks.validate(home)
    test = "https://w3id.org/policygraph/org/test/"
    mine = sorted(r.focus for r in whole.results if r.rule == f"{test}EveryTargetHasAnAltLabel")
    assert mine == [f"{test}nowhere", f"{test}unnamed"]  # the ministry has its altLabel
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    for size in (1, 2):
        found = parts.validate(home, checks.shapes_graph(home), size)
        assert found is not None
        same(found, whole)


@pytest.mark.skipif(
    sys.platform != "linux" or (os.cpu_count() or 1) < 2, reason="workers are forked on Linux"
)
def test_a_large_corpus_validates_its_parts_on_workers(
    home: Corpus, whole: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``FORKED_ABOVE`` files, the parts run on forked workers (each part a job, on its
    own connection to the index); the findings come back without the shapes graph each names,
    and name it again here: the report is the whole report, its SHACL graph too."""
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(parts, "FORKED_ABOVE", 0)
    pids = tmp_path / "pids"
    real = parts._part_rows

    def logged(*args: Any) -> Any:
        with pids.open("a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args)

    graphed: list[Any] = []
    real_graph = parts.report_graph

    def report_graph(findings: list[Any]) -> Any:
        graphed.extend(findings)
        return real_graph(findings)

    monkeypatch.setattr(parts, "_part_rows", logged)
    monkeypatch.setattr(parts, "report_graph", report_graph)
    shapes = checks.shapes_graph(home)
    found = parts.validate(home, shapes, 2, 20_000)
    assert found is not None
    same(found, whole)
    ran = set(pids.read_text(encoding="utf-8").split())
    assert ran and str(os.getpid()) not in ran
    assert graphed and all(f.source is shapes for f in graphed)  # (its complex paths)
