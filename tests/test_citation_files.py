"""Each citing document's citations in a file of its own (``data/ttl/citations-<source>.ttl``),
the stubs of documents cited and not held in ``citations.ttl``: one more document writes its
own file and leaves the others alone, a document whose citations change has its file written
again, one that cites nothing any more has it removed, and the files together are the one
citation graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rdflib import Graph, URIRef
from typer.testing import CliRunner

from policygraph import build as build_package
from policygraph.build import build
from policygraph.build.citations import Triple, citation_graph
from policygraph.cli.app import app
from policygraph.corpus import GENERATED, Corpus

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
YUNNAN, QUJING = FIX / "yunnan-measures.txt", FIX / "qujing-plan.txt"


@pytest.fixture
def home(yunnan_home: Corpus) -> Corpus:
    return yunnan_home


def citation_files(home: Corpus) -> dict[str, tuple[bytes, int]]:
    """Each citations file's bytes and modification time."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(home.ttl.glob("citations*.ttl"))
    }


def test_the_files_together_are_the_citation_graph(home: Corpus) -> None:
    """The stubs file and every citing document's file hold the triples of the one graph, each
    triple in one file: the stubs in ``citations.ttl``, a document's citations in its own."""
    curated = home.curated_graph()
    texts = {s.iri: home.read_text(s) for s in build_package.source_files(curated)}
    whole = citation_graph(curated, texts)
    found: list[tuple[object, object, object]] = []
    for path in sorted(home.ttl.glob("citations*.ttl")):
        triples = list(Graph().parse(path, format="turtle"))
        found += triples
        if path.name == "citations.ttl":
            assert {str(s) for s, _, _ in triples} <= {
                str(s) for s, p, o in whole if str(p).endswith("#stub")
            }
        else:
            assert GENERATED in path.read_text(encoding="utf-8").splitlines()[0]
    assert len(found) == len(set(found)) and set(found) == whole
    assert len(list(home.ttl.glob("citations-*.ttl"))) >= 4  # the seed's citing sources and more


def test_one_more_document_writes_its_own_citations_file_alone(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only its own citations are made: every other document's key (what its triples are made
    of) is the recorded one, so their triples are neither made nor serialised."""
    from policygraph.build.citations import Citations

    made: list[str] = []
    real = Citations.triples

    def triples(self: Citations, doc: URIRef) -> set[Triple]:
        made.append(str(doc))
        return real(self, doc)

    monkeypatch.setattr(Citations, "triples", triples)
    before = citation_files(home)
    args = ["ingest", str(QUJING), "--jurisdiction", "cn-yn-qujing", "--home", str(home.root)]
    assert CliRunner().invoke(app, args).exit_code == 0
    after = citation_files(home)
    new = sorted(after.keys() - before.keys())
    assert len(new) == 1 and "qujing" in new[0]  # it cites the Yunnan measures
    assert len(made) == 1 and "qujing" in made[0]
    assert {n: after[n] for n in before if n != "citations.ttl"} == {
        n: v for n, v in before.items() if n != "citations.ttl"
    }  # the others neither changed nor written again


def test_a_file_no_longer_made_goes_and_one_edited_by_hand_is_made_again(home: Corpus) -> None:
    """A citations file the build made and no longer makes is removed; one it did not make (no
    generated header) is left; one edited by hand is written again."""
    stale = home.ttl / "citations-gone.ttl"
    stale.write_text(f"# {GENERATED}: citations found in a source gone.\n", "utf-8")
    curated = home.ttl / "citations-mine.ttl"
    curated.write_text("# written by hand\n", encoding="utf-8")
    before = citation_files(home)
    result = build(home, None)
    assert not stale.exists() and curated.exists()
    assert result.removed == [stale]
    assert citation_files(home) == {k: v for k, v in before.items() if k != "citations-gone.ttl"}
    curated.unlink()
    one = next(n for n in before if n.startswith("citations-") and n != "citations-mine.ttl")
    (home.ttl / one).write_text("# edited by hand\n", encoding="utf-8")
    result = build(home, None)
    assert [p.name for p in result.written] == [one]  # the others kept
    assert (home.ttl / one).read_bytes() == before[one][0]


def test_citations_that_resolve_otherwise_are_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Qujing plan cites the Yunnan measures: ingested first, it cites a stub; once the
    measures are ingested, its citations resolve to them, its file is written again and the stub
    leaves ``citations.ttl``."""
    from conftest import copy_home

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    home = copy_home(tmp_path / "home")
    run = CliRunner().invoke
    args = ["ingest", str(QUJING), "--jurisdiction", "cn-yn-qujing", "--home", str(home.root)]
    assert run(app, args).exit_code == 0
    before = citation_files(home)
    qujing = next(n for n in before if n.startswith("citations-") and "qujing" in n)
    stubs = before["citations.ttl"][0]
    args = ["ingest", str(YUNNAN), "--jurisdiction", "cn-yn", "--home", str(home.root)]
    assert run(app, args).exit_code == 0
    after = citation_files(home)
    assert after[qujing][0] != before[qujing][0]
    cited = Graph().parse(home.ttl / qujing, format="turtle")
    assert all("/doc/cited/" not in str(o) for o in cited.objects())
    assert len(after["citations.ttl"][0]) < len(stubs)


def test_each_citing_document_has_a_file_name_of_its_own() -> None:
    """Named by the stem of its first source; by the whole name where two stems are one; by a
    digest of the document where the names still are."""

    from policygraph.corpus import SourceFile

    def source(name: str) -> SourceFile:
        return SourceFile(URIRef(f"urn:src:{name}"), f"data/sources/{name}", "0", "none", None)

    files = ["a.txt", "a.html", "b.txt", "c.txt", "x/d.txt", "x-d.txt"]
    sources = [source(n) for n in files]
    cited = {URIRef(f"urn:doc:{k}"): [s.iri] for k, s in enumerate(sources)}
    cited[URIRef("urn:doc:0")].append(sources[3].iri)
    stems = build_package._stems(build_package.first_names(sources, cited))
    assert len(set(stems.values())) == len(stems) == len(files)
    assert stems[URIRef("urn:doc:0")] == "a.txt"  # its first source (a.txt before c.txt)
    assert stems[URIRef("urn:doc:1")] == "a.html"
    assert stems[URIRef("urn:doc:2")] == "b"
    assert stems[URIRef("urn:doc:4")].startswith("x-d.txt-")


@given(st.text(alphabet="a.-_文x", max_size=8))
def test_a_names_stem_is_the_one_a_path_gives(name: str) -> None:
    """The stem of a citations file's name is made without a path of each name: the same (a
    name ending in a dot aside, whose stem Python 3.14 changed; ours is the one before)."""
    assume(name not in ("", ".", "..") and not name.endswith("."))
    assert build_package._stem(name) == Path(name).stem


def test_the_unchanged_files_are_paths_in_the_folder_each_made_when_asked(tmp_path: Path) -> None:
    found = build_package.InFolder(tmp_path, ["a.ttl", "b.ttl", "c.ttl"])
    assert len(found) == 3 and list(found) == [tmp_path / n for n in ("a.ttl", "b.ttl", "c.ttl")]
    assert found[-1] == tmp_path / "c.ttl" and found[1:] == [tmp_path / "b.ttl", tmp_path / "c.ttl"]
    assert tmp_path / "b.ttl" in found and tmp_path / "d.ttl" not in found
    assert found == [tmp_path / n for n in ("a.ttl", "b.ttl", "c.ttl")] != found[:2]
    assert build_package._stem("a.") == "a." and build_package._stem(".a") == ".a"


def test_the_anchors_from_the_index_rows_are_those_from_the_curated_graph(home: Corpus) -> None:
    """``anchors.ttl`` made from what ``ingest`` gives the build (the index's rows, where the
    quotes already placed are left out before any term is made) is the one the curated graph
    gives; and there are quotes to place."""
    from policygraph.build import GIVEN, GIVEN_ABOUT
    from policygraph.build.anchors import anchor_quotes
    from policygraph.checks.mentions import Mentions

    curated = home.curated_graph()
    sources = build_package.source_files(curated)
    texts = {s.iri: home.read_text(s) for s in sources}
    whole = anchor_quotes(curated, sources, texts)
    mentions = Mentions.open(home)
    assert mentions is not None
    try:
        mentions.refresh()
        rows = mentions.graph([str(t) for t in GIVEN], about=[str(t) for t in GIVEN_ABOUT])
    finally:
        mentions.close()
    assert hasattr(rows.store, "subjects_of")
    assert set(anchor_quotes(rows, sources, texts)) == set(whole) and len(whole) > 20
