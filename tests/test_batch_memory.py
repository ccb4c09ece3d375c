"""A batch without the union of the curated files (issue 24: 10,000 documents, memory flat): each
document is planned, and the batch built, from the index on disk (``checks.mentions``) brought up
to the files the batch writes; the corpus a batch makes is the one the documents ingested one by
one make; and generated corpora have chains (a city's government written with its province
first is a city's)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.text.metadata import guess_level

runner = CliRunner()


def data(home: Corpus) -> dict[str, bytes]:
    root = home.root / "data"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A province implementing the national document the corpus holds, and three of its
    cities implementing it."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from documents import generate

    return generate(tmp_path_factory.mktemp("docs"), 4, seed=7)


@pytest.fixture()
def watched(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, int]]:
    """How often the curated union and the metadata union are asked for, outside the
    validation and inside it."""
    import policygraph.checks as checks
    import policygraph.ingest.batch as batch

    calls = {"curated": 0, "metadata": 0, "metadata in validate": 0}
    validating = [False]
    real_curated, real_metadata, real_validate = (
        Corpus.curated_graph,
        Corpus.metadata,
        checks.validate,
    )

    def curated(self: Corpus, *args: Any, **kw: Any) -> Any:
        calls["curated"] += 1
        return real_curated(self, *args, **kw)

    def metadata(self: Corpus) -> Any:
        calls["metadata in validate" if validating[0] else "metadata"] += 1
        return real_metadata(self)

    def validate(*args: Any, **kw: Any) -> Any:
        validating[0] = True
        try:
            return real_validate(*args, **kw)
        finally:
            validating[0] = False

    monkeypatch.setattr(Corpus, "curated_graph", curated)
    monkeypatch.setattr(Corpus, "metadata", metadata)
    monkeypatch.setattr(batch.checks, "validate", validate)
    yield calls


def test_a_batch_never_parses_the_curated_union(
    tmp_home: Corpus, docs: list[Path], watched: dict[str, int]
) -> None:
    folder = docs[0].parent
    r = runner.invoke(app, ["ingest", str(folder), "--jobs", "1", "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert "4 added" in r.output or "added with warnings" in r.output
    # planned and built from the index on disk: the union of the curated files never made
    assert watched["curated"] == 0
    assert watched["metadata"] == 0  # the validation's own reading of the sources aside
    assert watched["metadata in validate"] >= 1  # (the instrument sees what it should)


def test_after_a_batch_the_index_is_up_to_the_built_files(
    tmp_home: Corpus, docs: list[Path]
) -> None:
    """The next ingest finds nothing to index again: the batch indexed the files its rebuild
    wrote, not only the curated ones (at 10,000 documents the first ingest after a batch
    otherwise indexed every built file again)."""
    from policygraph.checks.mentions import Mentions

    folder = docs[0].parent
    r = runner.invoke(app, ["ingest", str(folder), "--jobs", "1", "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    built = {p.name for p in tmp_home.ttl.glob("doc-*.ttl")}
    assert len(built) >= 3 + 4  # the instrument: the rebuild wrote the documents' files
    mentions = Mentions.open(tmp_home)
    assert mentions is not None
    try:
        changed, gone = mentions.refresh()
    finally:
        mentions.close()
    assert (changed, gone) == ([], [])


def test_the_rebuild_is_given_what_was_read_kept_on_disk(
    tmp_home: Corpus, docs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch keeps each written document's text and structure in a file until the rebuild
    (not in memory: 46 KB a document); the rebuild gets exactly what reading the file gives."""
    import policygraph.ingest.batch as batch
    from policygraph.ingest.plan import read_file

    given: list[dict[str, Any]] = []
    real = batch.build

    def build(corpus: Any, read: Any = None, *args: Any) -> Any:
        if read:
            given.append({doc: read[doc] for doc in read})
        return real(corpus, read, *args)

    monkeypatch.setattr(batch, "build", build)
    folder = docs[0].parent
    r = runner.invoke(app, ["ingest", str(folder), "--jobs", "1", "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert len(given) == 1 and len(given[0]) == len(docs)
    kept = list(given[0].values())
    for path in docs:
        fresh = read_file(path)
        assert (fresh.source.text, fresh.structure) in kept


def test_a_batch_keeps_no_fact_of_the_index_in_the_process(
    tmp_home: Corpus, docs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan and the rebuild of a batch read from the index the facts each asks for, and the
    process keeps none of them after (every fact of 10,000 documents and their departments
    indexed, kept for one more document's next ask, held ~700 MB through the batch's
    validation)."""
    from policygraph.checks import mentions

    monkeypatch.setattr(mentions, "_MADE", [None, None])
    monkeypatch.setattr(mentions, "_DOCUMENTS_MADE", [None, None, None])
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert len(list(tmp_home.ttl.glob("doc-*.ttl"))) >= 3 + 4  # the batch was rebuilt
    assert mentions._MADE == [None, None] and mentions._DOCUMENTS_MADE == [None, None, None]


def test_the_rebuild_indexes_departments_by_jurisdiction_and_shares_repeated_values(
    tmp_home: Corpus, docs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch's rebuild is given the departments read from the index and indexed a
    jurisdiction at a time as its documents are built (every department indexed at once:
    ~100 MB at 5,000 documents; every department's rows held: ~65 MB), and the index's rows
    with each repeated value one string."""
    import policygraph.ingest.batch as batch
    from policygraph.departments import LazyIndex

    given: list[Any] = []
    real = batch.build

    def build(corpus: Any, read: Any = None, known: Any = None) -> Any:
        given.append(known)
        return real(corpus, read, known)

    monkeypatch.setattr(batch, "build", build)
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert given and all(isinstance(g.departments, LazyIndex) for g in given)
    rows = given[0].curated.store.rows
    predicates = {id(p) for _, p, *_ in rows}
    assert len(predicates) == len({p for _, p, *_ in rows})  # one string a predicate


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux alone")
def test_a_rebuild_on_workers_reads_departments_through_their_own_connections(
    tmp_path: Path, docs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the rebuild runs on forked workers, each reads the departments of its documents
    from the index through a connection of its own (a parent's SQLite connection must not be
    used after a fork), and reads what the batch wrote (committed before the workers start):
    the corpus is the one the rebuild in one process makes, and the process that forked them
    indexed no department (it read the digests alone)."""
    import os

    import policygraph.ingest.batch as batch
    from policygraph.checks.mentions import Mentions
    from policygraph.store import parallel

    alone = copy_home(tmp_path / "alone")
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(alone.root)])
    assert r.exit_code == 0, r.output
    readers, given, real_reader, real_build = tmp_path / "readers", [], Mentions.reader, batch.build

    def reader(self: Mentions) -> Mentions:
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real_reader(self)

    def build(corpus: Any, read: Any = None, known: Any = None) -> Any:
        given.append(known)
        return real_build(corpus, read, known)

    monkeypatch.setattr(Mentions, "reader", reader)
    monkeypatch.setattr(batch, "build", build)
    monkeypatch.setattr(parallel, "MIN_JOBS", 1)
    forked = copy_home(tmp_path / "forked")
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(forked.root)])
    assert r.exit_code == 0, r.output
    pids = set(readers.read_text().split())
    assert pids and str(os.getpid()) not in pids
    assert given and given[0].departments.labels == {}
    assert data(forked) == data(alone)


def test_without_a_cache_the_batch_still_reads_the_union(
    tmp_home: Corpus, docs: list[Path], watched: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    r = runner.invoke(app, ["ingest", str(docs[0]), "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert watched["curated"] >= 1  # the instrument can fail the test above


def test_a_batch_makes_the_corpus_one_by_one_ingests_make(tmp_path: Path, docs: list[Path]) -> None:
    batch, single = copy_home(tmp_path / "batch"), copy_home(tmp_path / "single")
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(batch.root)])
    assert r.exit_code == 0, r.output
    for doc in docs:  # provinces first, then their cities: the order of the batch
        r = runner.invoke(app, ["ingest", str(doc), "--home", str(single.root)])
        assert r.exit_code == 0, (doc, r.output)
    made, expected = data(batch), data(single)
    assert sorted(made) == sorted(expected)
    assert [name for name in made if made[name] != expected[name]] == []


def test_a_document_planned_again_in_a_batch_is_unchanged(
    tmp_home: Corpus, docs: list[Path]
) -> None:
    """Its own files (already in the index) are left out of what its plan reads."""
    folder = str(docs[0].parent)
    assert runner.invoke(app, ["ingest", folder, "--home", str(tmp_home.root)]).exit_code == 0
    before = data(tmp_home)
    r = runner.invoke(app, ["ingest", folder, "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert "4 unchanged" in r.output
    assert data(tmp_home) == before


def test_generated_documents_have_chains(tmp_home: Corpus, docs: list[Path]) -> None:
    """The province implements the national document, each city its province."""
    from policygraph.corpus import parse_turtle
    from policygraph.rdf import ELI

    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert "not of a higher level" not in r.output
    graph = parse_turtle(sorted((tmp_home.root / "data" / "ttl").glob("ingested-*.ttl")))
    implements = {
        str(lower).rsplit("/eli/", 1)[1]: str(higher).rsplit("/eli/", 1)[1]
        for lower, higher in graph.subject_objects(ELI.ensures_implementation_of)
    }
    province = "cn-yn/云政办发/2021/1"
    assert implements.pop(province) == "cn/guofa/2020/7", implements
    assert len(implements) == 3, implements  # every city
    assert all(k.startswith("cn-yn-") and v == province for k, v in implements.items())
    # a city's 市科技局 is the city's, named with the city (云南省德州市科技局), not the province
    for city in sorted((tmp_home.root / "data" / "ttl").glob("ingested-cn-yn-*-2022-*.ttl")):
        labels = re.findall(r'skos:prefLabel "([^"]+)"@zh', city.read_text("utf-8"))
        assert labels and all(re.match(r"云南省..市", label) for label in labels), labels


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("云南省安宁市人民政府办公室", "city"),  # a city written with its province first
        ("广西壮族自治区柳州市人民政府", "city"),
        ("四川省凉山彝族自治州人民政府", "city"),
        ("浙江省嘉善县人民政府", "county"),
        ("昆明市人民政府办公室", "city"),
        ("云南省人民政府办公厅", "region"),
        ("广东省市场监督管理局", "region"),  # 市场 is no city
        ("云南省人民政府办公厅关于促进高新技术产业开发区高质量发展的实施意见", "region"),
        ("国务院办公厅", "national"),
    ],
)
def test_the_level_is_the_innermost_places(name: str, level: str) -> None:
    assert guess_level(name) == level


@pytest.mark.parametrize("apart", [True, False])
def test_a_large_batch_is_validated_by_a_process_of_its_own(
    tmp_path: Path,
    docs: list[Path],
    runs: list[object],
    monkeypatch: pytest.MonkeyPatch,
    apart: bool,
) -> None:
    """From ``APART`` documents, the batch's validation runs first in a new Python process,
    which keeps its report for the batch to read (what the validation takes is then not added
    to what the batch holds after its rebuild); where that process fails, the batch validates
    itself. Either way, the corpus and the report the batch gives are those of a small batch."""
    import policygraph.ingest.batch as batch

    small = copy_home(tmp_path / "small")
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(small.root)])
    assert r.exit_code == 0, r.output
    runs.clear()
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))  # no report kept of it
    monkeypatch.setattr(batch, "APART", 1)
    if not apart:
        monkeypatch.setattr(batch.sys, "executable", "/bin/false")  # that process fails
    large = copy_home(tmp_path / "large")
    r = runner.invoke(app, ["ingest", str(docs[0].parent), "--home", str(large.root)])
    assert r.exit_code == 0, r.output
    assert (runs == []) is apart  # the validation read as the process kept it
    assert data(large) == data(small)
