"""Issue 24: the plan and the build of one more document read the curated files through the
index kept on disk (``checks.mentions``: departments, documents, sources, curated quotes, kept
per file), not the union of every curated file. What they read must be what the union says,
the index must follow a file edited by hand, and an ingest must write byte for byte what it
wrote from the union."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from conftest import copy_home
from rdflib import BNode, URIRef
from typer.testing import CliRunner

from policygraph import ingest
from policygraph.checks.mentions import FACTS, Mentions
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.departments import DepartmentIndex
from policygraph.ingest.model import Options
from policygraph.text.citations import DocumentIndex

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
QUJING = FIX / "qujing-plan.txt"
runner = CliRunner()


def index_of(home: Corpus) -> Mentions:
    mentions = Mentions.open(home)
    assert mentions is not None
    mentions.refresh()
    return mentions


def union_facts(home: Corpus) -> set[tuple[object, object, object]]:
    """The triples of the index's predicates in the curated graph (named subjects, no blank
    objects): what the index must hold."""
    return {
        (s, p, o)
        for s, p, o in home.curated_graph()
        if str(p) in FACTS and isinstance(s, URIRef) and not isinstance(o, BNode)
    }


def test_the_index_holds_what_the_curated_graph_says(tmp_home: Corpus) -> None:
    mentions = index_of(tmp_home)
    assert set(mentions.graph(FACTS)) == union_facts(tmp_home)
    curated = tmp_home.curated_graph()
    from_rows, from_graph = mentions.departments(), DepartmentIndex(curated)
    assert from_rows.labels == from_graph.labels
    assert from_rows.pref_label == from_graph.pref_label
    assert from_rows.jurisdiction == from_graph.jurisdiction
    assert from_rows.fingerprint(None) == from_graph.fingerprint(None)
    documents, whole = mentions.documents(), DocumentIndex(curated)
    assert documents.by_number == whole.by_number
    assert documents.by_title == whole.by_title  # no two documents of it share a title


def test_a_curated_file_edited_by_hand_is_seen(tmp_home: Corpus) -> None:
    """The index is never stale: a label changed in a curated file is the index's at once."""
    index_of(tmp_home).close()
    departments = tmp_home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    assert '"自治区科技厅"' in text
    departments.write_text(text.replace('"自治区科技厅"', '"自治区科学技术厅（改）"'), "utf-8")
    mentions = index_of(tmp_home)
    assert set(mentions.graph(FACTS)) == union_facts(tmp_home)
    labels = set().union(*mentions.departments().labels.values())
    assert "自治区科学技术厅(改)" in labels or "自治区科学技术厅（改）" in labels
    assert "自治区科技厅" not in labels


def test_a_file_read_over_the_index_leaves_it_as_it_was(tmp_home: Corpus) -> None:
    """``overlay``: the files an ingest wrote read as they are, the index untouched (the scoped
    validation asks it afterwards what the ingest changed)."""
    mentions = index_of(tmp_home)
    source = sorted(tmp_home.sources.glob("*.ttl"))[0]
    source.write_text(
        source.read_text(encoding="utf-8")
        + "\n<https://w3id.org/policygraph/doc/x> <https://w3id.org/policygraph/ontology#"
        'shortName> "x-overlay" .\n',
        encoding="utf-8",
    )
    mentions.overlay([source])
    assert set(mentions.graph(FACTS)) == union_facts(tmp_home)
    assert mentions.changed()[0] == [source]  # the index itself still holds the file as it was


def generated(tmp_path: Path, count: int) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from documents import generate

    return generate(tmp_path / "docs", count, seed=5)


def test_a_plan_from_the_index_is_the_plan_from_the_union(tmp_path: Path) -> None:
    """The same files, notes, departments and links planned either way, for new documents and
    for one planned again (its own files left out)."""
    home = copy_home(tmp_path / "home")
    docs = generated(tmp_path, 24)
    crawl = tmp_path / "first"
    crawl.mkdir()
    for d in docs[:-3]:
        shutil.copy(d, crawl / d.name)
    assert runner.invoke(app, ["ingest", str(crawl), "--home", str(home.root)]).exit_code == 0
    for d in [*docs[-3:], docs[2]]:
        on_disk = ingest.plan(home, d, Options())
        union = ingest.plan(home, d, Options(), on_disk=False)
        assert on_disk.written() == union.written(), d.name
        assert (on_disk.unread, on_disk.new, on_disk.known) == (
            union.unread,
            union.new,
            union.known,
        )
        assert (on_disk.implements, on_disk.suggested, on_disk.unchanged) == (
            union.implements,
            union.suggested,
            union.unchanged,
        )


def ingested(tmp_path: Path, name: str, docs: list[Path], cache: str) -> dict[str, bytes]:
    """Every file of a corpus after a batch of ``docs[:-2]`` and then the last two one by one,
    with the cache ``cache`` (``off``: the union, as without the index)."""
    home = copy_home(tmp_path / name)
    crawl = tmp_path / f"{name}-first"
    crawl.mkdir()
    for d in docs[:-2]:
        shutil.copy(d, crawl / d.name)
    env = {"POLICYGRAPH_CACHE": cache}
    args = ["ingest", str(crawl), "--home", str(home.root)]
    assert runner.invoke(app, args, env=env).exit_code == 0
    for d in docs[-2:]:
        args = ["ingest", str(d), "--home", str(home.root)]
        assert runner.invoke(app, args, env=env).exit_code == 0
    return {
        p.relative_to(home.root).as_posix(): p.read_bytes()
        for p in sorted(home.root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_an_ingest_writes_what_it_wrote_from_the_union(tmp_path: Path) -> None:
    docs = generated(tmp_path, 16)
    with_index = ingested(tmp_path, "indexed", docs, str(tmp_path / "cache"))
    without = ingested(tmp_path, "union", docs, "off")
    assert with_index.keys() == without.keys()
    assert [n for n in with_index if with_index[n] != without[n]] == []


@pytest.mark.parametrize("cache", ["off"])
def test_without_a_cache_the_plan_reads_the_union(tmp_home: Corpus, cache: str) -> None:
    """No cache directory: no index, and the plan reads the curated graph as before."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv("POLICYGRAPH_CACHE", cache)
        assert Mentions.open(tmp_home) is None
        p = ingest.plan(tmp_home, QUJING, Options(jurisdiction="cn-yn-qujing"))
    assert p.files


def test_a_curated_file_that_is_not_turtle_is_said_as_without_the_index(
    tmp_home: Corpus,
) -> None:
    """The index cannot read it: the plan reads the curated graph, which names the file."""
    from policygraph.errors import GraphSyntaxError

    index_of(tmp_home).close()
    (tmp_home.ttl / "broken.ttl").write_text("<urn:x:a> <urn:x:b> .\n", encoding="utf-8")
    with pytest.raises(GraphSyntaxError, match=r"broken\.ttl"):
        ingest.plan(tmp_home, QUJING, Options(jurisdiction="cn-yn-qujing"))


def test_files_restamped_are_hashed_in_one_call_and_kept_in_the_index(
    tmp_home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files touched (or checked out again) keep their bytes under a new stamp: the index keeps
    them, and their digests are remembered in one write, not one a file (each write is the
    whole list: a copied corpus of 10,000 documents took minutes)."""
    import os

    import policygraph.corpus as corpus_module

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    mentions = Mentions.open(tmp_home)
    assert mentions is not None
    try:
        mentions.refresh()
        graphs = sorted(tmp_home.ttl.glob("*.ttl"))
        assert len(graphs) >= 4  # the instrument: several files restamped
        for path in graphs:
            st = path.stat()
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**10))
        writes: list[int] = []
        real = corpus_module._keep
        monkeypatch.setattr(
            corpus_module, "_keep", lambda p, held: (writes.append(len(held)), real(p, held))
        )
        assert mentions.refresh() == ([], [])
        assert len(writes) == 1
    finally:
        mentions.close()


def test_either_way_of_reading_gives_the_same_rows_and_a_batchs_index_keeps_nothing(
    tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index reads each ask's predicates alone, by the index of predicates where they are
    few and by the index of files' names where they are many: either way the same rows in the
    same order (the files' names, each file's triples), as the curated files have them. A
    batch's index (``Mentions.hold`` off) keeps no department or document index in the
    process; it reads what the one that keeps them reads."""
    from policygraph.build import GIVEN, GIVEN_ABOUT
    from policygraph.checks import mentions as module

    held, alone = index_of(tmp_home), index_of(tmp_home)
    alone.hold = False
    wanted, about = [str(t) for t in GIVEN], [str(t) for t in GIVEN_ABOUT]
    read = {}
    for few in (frozenset(), FACTS):  # by the index of names; by the index of predicates
        monkeypatch.setattr(module, "_FEW", few)
        read[few] = (
            list(alone.graph(wanted, about=about)),
            alone.rows(sorted(FACTS)),
            alone.rows(wanted, under="data/sources/"),
        )
    assert read[frozenset()] == read[FACTS]
    assert read[FACTS][0] and read[FACTS][1] and read[FACTS][2]
    assert set(read[FACTS][0]) <= union_facts(tmp_home)
    assert set(held.graph(sorted(FACTS))) == union_facts(tmp_home)
    made = module._MADE[:], module._DOCUMENTS_MADE[:]
    departments, documents = alone.departments(), alone.documents()
    assert (module._MADE[:], module._DOCUMENTS_MADE[:]) == made  # kept nothing
    whole = held.departments()
    assert departments is not whole
    assert departments.labels == whole.labels and departments.written == whole.written
    assert departments.fingerprint(None) == whole.fingerprint(None)
    assert (documents.by_number, documents.by_title) == (
        held.documents().by_number,
        held.documents().by_title,
    )


def _picked_in_python(
    mentions: Mentions, wanted: set[str], about: set[str], left_out: set[str]
) -> list[tuple[str, ...]]:
    """The rows ``graph(wanted, about=about)`` must read from the index, as the index read them
    before it picked the subjects in its query: every fact of ``wanted`` and ``about`` read,
    the subjects with a fact of ``about`` (or of a file read over it) kept."""
    every = mentions._facts_of(wanted | about)
    at: dict[str, list[int]] = {}
    for i, f in enumerate(every):
        at.setdefault(f[2], []).append(i)
    picked = {every[i][1] for p in about for i in at.get(p, ())} | {
        f[0] for facts in mentions.over.values() for f in facts if f[1] in about
    }
    positions = sorted(i for p in wanted for i in at.get(p, ()))
    return [every[i] for i in positions if every[i][0] not in left_out and every[i][1] in picked]


def test_the_subjects_a_build_is_given_are_picked_in_the_query(tmp_home: Corpus) -> None:
    """The build's facts of every source, document and curated quote (``about``): the
    subjects picked by the index's query are those the rows of every fact picked, in the same
    order, with files read over the index (a new subject there, a file rewritten) and a file
    left out."""
    from policygraph.build import GIVEN, GIVEN_ABOUT

    held = tmp_home.ttl / "held.ttl"  # indexed: a fact of the subject the overlay names
    held.write_text(
        '<urn:x:new> <https://w3id.org/policygraph/ontology#jurisdiction> "cn-x" .\n',
        encoding="utf-8",
    )
    mentions = index_of(tmp_home)
    wanted, about = {str(t) for t in GIVEN}, {str(t) for t in GIVEN_ABOUT}
    new = tmp_home.ttl / "over.ttl"
    new.write_text(
        '<urn:x:new> <http://data.europa.eu/eli/ontology#id_local> "X〔2024〕1号" .\n',
        encoding="utf-8",
    )
    rewritten, excluded = tmp_home.ttl / "implementation-links.ttl", tmp_home.ttl / "responses.ttl"
    mentions.overlay([new, rewritten])
    over = {mentions.name(new), mentions.name(rewritten)}
    expected = _picked_in_python(mentions, wanted, about, {mentions.name(excluded), *over})
    got = mentions._facts(sorted(wanted), "", [excluded], sorted(about))
    from_index = [f for f in got if f[0] not in over]
    assert from_index == expected and len(expected) > 50
    assert (mentions.name(held), "urn:x:new") in {f[:2] for f in from_index}  # the overlay's
    assert (mentions.name(new), "urn:x:new") in {f[:2] for f in got}  # read over the index
    mentions.close()
