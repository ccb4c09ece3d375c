"""Issue 24, one more document: one pass over a corpus's files per process (``corpus.Snapshot``)
shared by the index of ``checks.mentions``, the build's inputs (``build.state``) and the kept
report's key (``checks.kept``), with each file's SHA-256 remembered by its stamp; the index's
facts read as rows (``checks.rows``); the citation graph as a set of triples. Faster must not be
staler: a curated file edited by hand, a source text edited and a file removed are each seen,
and what an ingest writes and keeps is what it wrote and kept before."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_home
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from test_scoped_ingest import fresh, results
from typer.testing import CliRunner

from policygraph import checks, corpus
from policygraph.build import state
from policygraph.checks import kept
from policygraph.checks.mentions import FACTS, Mentions
from policygraph.checks.rows import Rows
from policygraph.cli.app import app
from policygraph.corpus import Corpus, remove, snapshot, transaction, write_atomic
from policygraph.rdf import PG

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
YUNNAN, QUJING = FIX / "yunnan-measures.txt", FIX / "qujing-plan.txt"
runner = CliRunner()


def ingest(home: Corpus, path: Path, jurisdiction: str, cache: str | None = None) -> int:
    args = ["ingest", str(path), "--jurisdiction", jurisdiction, "--home", str(home.root)]
    env = {"POLICYGRAPH_CACHE": cache} if cache is not None else None
    return runner.invoke(app, args, env=env).exit_code


def files_of(home: Corpus) -> dict[str, bytes]:
    return {
        p.relative_to(home.root).as_posix(): p.read_bytes()
        for p in sorted(home.root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.parts)
    }


@pytest.fixture
def home(yunnan_home: Corpus) -> Corpus:
    return yunnan_home


def passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every pass over a corpus's files (each folder walked from the top)."""
    walked: list[str] = []
    real = corpus._walk

    def spy(directory: Path, prefix: str, into: dict[str, corpus.FileStamp]) -> None:
        if prefix in ("data/", "ontology/"):
            walked.append(prefix)
        real(directory, prefix, into)

    monkeypatch.setattr(corpus, "_walk", spy)
    return walked


def test_one_more_document_is_one_pass_over_the_files_under_the_lock(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan and the write both run under the lock (``ingest.held``): the plan's index,
    the index brought up to the corpus before the write, the kept report's key (before and
    after), the build's inputs and what the build kept share one pass, brought up to the
    files the ingest wrote (the plan refreshed the index before the lock: two passes, 1.3 s
    at 10,000 documents)."""
    walked = passes(monkeypatch)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert walked == ["data/", "ontology/"]


def test_the_kept_report_is_the_corpus_report(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    report = kept.load(kept.key(home, "auto"))
    assert report is not None  # validate would read it
    assert results(report) == results(fresh(home, monkeypatch))


def test_an_ingest_writes_what_it_writes_without_a_cache(home: Corpus, tmp_path: Path) -> None:
    """Byte for byte the files of an ingest from the index and the snapshot (the second into a
    corpus whose digests are remembered) and of one with the cache off."""
    plain = copy_home(tmp_path / "plain")
    assert ingest(plain, YUNNAN, "cn-yn", cache="off") == 0
    assert ingest(plain, QUJING, "cn-yn-qujing", cache="off") == 0
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    mine, theirs = files_of(home), files_of(plain)
    assert mine.keys() == theirs.keys()
    assert [n for n in mine if mine[n] != theirs[n]] == []


def test_a_curated_file_edited_by_hand_is_seen(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edited by hand right after it was read: the key of the kept report and the build's
    inputs change, the index reads the file again, and `validate` is the corpus's."""
    mentions = Mentions.open(home)
    assert mentions is not None
    mentions.refresh()  # up to the files the ingest wrote
    mentions.close()
    before_key, before_inputs = kept.key(home, "auto"), state.digest_of(state.input_files(home))
    departments = home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    assert '"自治区科技厅"' in text
    departments.write_text(text.replace('"自治区科技厅"', '"自治区科学技术厅（改）"'), "utf-8")
    assert kept.key(home, "auto") != before_key
    assert state.digest_of(state.input_files(home)) != before_inputs
    mentions = Mentions.open(home)
    assert mentions is not None
    assert mentions.refresh()[0] == [departments]
    labels = set().union(*mentions.departments().labels.values())
    mentions.close()
    assert "自治区科技厅" not in labels
    result = runner.invoke(app, ["validate", "-f", "json", "--home", str(home.root)])
    assert result.exit_code in (0, 1)
    assert results(checks.validate(home)) == results(fresh(home, monkeypatch))


def test_the_same_size_and_time_within_two_seconds_of_reading_is_read_again(
    home: Corpus,
) -> None:
    """A file rewritten in place to the same size and modification time just after its digest
    was taken: within 2 s of the reading its remembered digest is not trusted (git's rule)."""
    target = home.ttl / "departments.ttl"
    target.write_bytes(target.read_bytes())  # written now: its digest is read within 2 s
    before_key = kept.key(home, "auto")
    st = target.stat()
    data = target.read_bytes()
    at = data.index("自治区科技厅".encode())
    edited = data[:at] + "自治区科技局".encode() + data[at + len("自治区科技厅".encode()) :]
    assert len(edited) == len(data)
    now = os.stat(target).st_mtime_ns
    with target.open("r+b") as fh:  # in place: the same inode
        fh.write(edited)
    os.utime(target, ns=(st.st_atime_ns, now))
    assert target.stat().st_size == st.st_size and target.stat().st_ino == st.st_ino
    assert kept.key(home, "auto") != before_key


def test_a_source_text_edited_is_seen(home: Corpus) -> None:
    """The build's inputs change, so `build` reads the text and refuses it (its SHA-256 is not
    the recorded one) instead of keeping what it built."""
    before = state.digest_of(state.input_files(home))
    text = next(p for p in sorted(home.sources.glob("*.txt")) if "plain" not in p.name)
    text.write_text(text.read_text(encoding="utf-8") + "\n附：", encoding="utf-8")
    assert state.digest_of(state.input_files(home)) != before
    result = runner.invoke(app, ["build", "--home", str(home.root)])
    assert result.exit_code == 2
    assert "SHA-256" in result.output


def test_a_file_removed_is_seen(home: Corpus) -> None:
    """A file removed by hand: the key of the kept report and the build's inputs change, and
    the index says it is gone."""
    before_key, before_inputs = kept.key(home, "auto"), state.digest_of(state.input_files(home))
    gone = next(p for p in sorted(home.ttl.glob("*.ttl")) if not corpus.is_generated(p))
    gone.unlink()
    assert kept.key(home, "auto") != before_key
    assert state.digest_of(state.input_files(home)) != before_inputs
    mentions = Mentions.open(home)
    assert mentions is not None
    assert mentions.refresh()[1] == [gone.relative_to(home.root).as_posix()]
    mentions.close()


def test_a_held_snapshot_follows_what_the_process_writes(home: Corpus) -> None:
    """While the corpus is held, one pass is kept and the files written or removed through
    ``write_atomic`` and ``remove`` are looked at again; outside, every snapshot is a pass."""
    extra = home.ttl / "extra.ttl"
    with transaction(home, "test"):
        first = snapshot(home)
        assert snapshot(home) is first
        assert "data/ttl/extra.ttl" not in first.names("data")  # the names sorted, kept
        write_atomic({extra: b"<urn:x:a> <urn:x:b> <urn:x:c> .\n"})
        again = snapshot(home)
        assert again is first and again.stamp("data/ttl/extra.ttl") is not None
        assert "data/ttl/extra.ttl" in again.names("data")
        assert again.sha256("data/ttl/extra.ttl") == corpus.sha256_of(extra)
        write_atomic({extra: b"<urn:x:a> <urn:x:b> <urn:x:d> .\n"})
        assert snapshot(home).sha256("data/ttl/extra.ttl") == corpus.sha256_of(extra)
        remove(extra)
        assert snapshot(home).stamp("data/ttl/extra.ttl") is None
        assert "data/ttl/extra.ttl" not in snapshot(home).names("data")
    assert snapshot(home) is not snapshot(home)


def test_the_names_sort_as_paths_sort(home: Corpus) -> None:
    """The kept report's key lists the files as ``files_under`` sorted them."""
    (home.root / "data" / "ttl-x").mkdir()
    (home.root / "data" / "ttl-x" / "a.txt").write_text("a", encoding="utf-8")
    (home.root / "data" / ".hidden.ttl").write_text("#", encoding="utf-8")
    names = snapshot(home).names("data", "ontology")
    listed = [p.relative_to(home.root).as_posix() for p in home.files_under("data", "ontology")]
    assert names == listed


def test_the_facts_as_rows_are_a_read_only_graph(home: Corpus) -> None:
    mentions = Mentions.open(home)
    assert mentions is not None
    mentions.refresh()
    graph = mentions.graph(FACTS)
    mentions.close()
    union = home.curated_graph()
    some = next(iter(graph.subjects(PG.shortName, None)))
    assert graph.value(some, PG.shortName) == union.value(some, PG.shortName)
    assert (some, PG.shortName, union.value(some, PG.shortName)) in graph
    assert set(graph.subjects(PG.shortName, None)) <= set(union.subjects(PG.shortName, None))
    with pytest.raises(TypeError):
        graph.add((some, PG.shortName, Literal("x")))
    rows = Graph(store=Rows([("urn:a", "urn:p", "1", None, None)], lambda o, *_: Literal(o)))
    assert list(rows.triples((URIRef("urn:a"), None, None))) == [
        (URIRef("urn:a"), URIRef("urn:p"), Literal("1"))
    ]
    assert list(rows.triples((Literal("urn:a"), None, None))) == []
    assert len(rows) == 1


def test_a_copied_corpus_is_read_again(home: Corpus, tmp_path: Path) -> None:
    """Another corpus (a copy: other inodes, another root) does not take the digests of this
    one; its key is made from its own files, and they are the same bytes."""
    key = kept.key(home, "auto")
    other = tmp_path / "copy"
    shutil.copytree(home.root, other, ignore=shutil.ignore_patterns(".*"))
    assert kept.key(Corpus.locate(other), "auto") == key  # the same names and bytes


def test_the_department_index_grown_is_the_index_made(home: Corpus) -> None:
    """The build after a plan takes the plan's department index with the new departments added
    (``mentions._department_index``): what ``from_rows`` makes of every row, and the plan's own
    index is left as it was."""
    from policygraph.checks import mentions as module
    from policygraph.departments import DepartmentIndex

    index = Mentions.open(home)
    assert index is not None
    index.refresh()
    rows = index.rows(module._DEPARTMENTS)
    index.close()
    subjects = sorted({r[0] for r in rows if r[1] == str(PG.jurisdiction)})
    new = set(subjects[::7])  # every seventh department new
    before = [r for r in rows if r[0] not in new]
    last = module._department_index(before)
    labels_before = {k: set(v) for k, v in last.labels.items()}
    grown = module._department_index(rows)
    assert grown is not last
    made = DepartmentIndex.from_rows(rows)
    assert grown.labels == made.labels and grown.pref_label == made.pref_label
    assert grown.jurisdiction == made.jurisdiction
    assert grown.fingerprint(None) == made.fingerprint(None)
    assert dict(grown._by_label_in()) == {k: v for k, v in made._by_label_in().items() if v}
    assert {k: v for k, v in grown._labels_in().items() if v} == {
        k: v for k, v in made._labels_in().items() if v
    }
    assert last.labels == labels_before
    assert module._department_index(rows) is grown  # the same rows: the same index
    changed = [(s, p, o + "改" if p != str(PG.jurisdiction) else o, lang) for s, p, o, lang in rows]
    assert module._department_index(changed).labels == DepartmentIndex.from_rows(changed).labels


def test_a_new_documents_plan_shares_the_indexes_it_leaves_nothing_out_of(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan leaves out the document's own files (planned again); a new document has none, so
    the indexes read once serve both, and the plan is the one made with them read twice."""
    import sys

    import policygraph.ingest.plan  # noqa: F401 (the module: the package names its function)

    planning = sys.modules["policygraph.ingest.plan"]
    shared = planning.plan(home, QUJING, planning.Options())
    made: list[object] = []
    real = planning.Known.without

    def twice(self: planning.Known, own: set[Path]) -> planning.Known:
        other = real(self, own)
        made.append(other.__dict__.get("documents"))
        other.__dict__.pop("documents", None)
        other.__dict__.pop("facts", None)
        return other

    monkeypatch.setattr(planning.Known, "without", twice)
    again = planning.plan(home, QUJING, planning.Options())
    assert made and made[0] is not None  # shared: read for the jurisdiction, not again
    assert again.written() == shared.written()
    assert (again.implements, again.citations) == (shared.implements, shared.citations)


def test_a_held_snapshot_writes_its_remembered_digests_once_when_the_transaction_ends(
    home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked file by file under a transaction (a caller that loops), the digests learnt are
    written once, when it ends, not once a file with every digest each time (quadratic)."""
    writes: list[int] = []
    real = corpus._keep

    def spy(path: Path, remembered: dict[str, object]) -> None:
        writes.append(len(remembered))
        real(path, remembered)

    monkeypatch.setattr(corpus, "_keep", spy)
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    for path in (home.root / "data").rglob("*"):  # not modified just before it is read
        os.utime(path, (1_600_000_000, 1_600_000_000))
    with transaction(home, "test"):
        files = snapshot(home, tmp_path / "cache")
        names = files.names("data")
        assert len(names) > 5
        digests = {name: files.sha256(name) for name in names}
        assert writes == []
    assert len(writes) == 1 and writes[0] >= len(names)
    again = snapshot(home, tmp_path / "cache")  # a new pass: the digests remembered, not read
    monkeypatch.setattr(corpus, "_first_line", lambda data: pytest.fail("a file read again"))
    assert {name: again.sha256(name) for name in names} == digests
    outside = snapshot(home, tmp_path / "other")
    outside.sha256(names[0])
    assert len(writes) == 2  # outside a transaction, written as learnt


# --- the plan and the write under one lock (ingest.held) ----------------------------------------


def test_a_transaction_inside_one_that_saved_nothing_rolls_back_what_it_wrote(
    tmp_home: Corpus,
) -> None:
    """One more document holds the lock while it plans (an outer transaction that saves
    nothing), and ``apply``'s own transaction, inside it, rolls back the document it refuses:
    the outer one then goes on with the corpus as it was, and what it writes itself is kept."""
    departments, new = tmp_home.ttl / "departments.ttl", tmp_home.ttl / "new.ttl"
    was = departments.read_bytes()
    with transaction(tmp_home, "test"):
        with pytest.raises(ValueError), transaction(tmp_home, "test") as journal:
            journal.save([departments, new], [tmp_home.ttl])
            write_atomic({departments: b"# changed\n", new: b"# new\n"})
            raise ValueError("refused")
        assert departments.read_bytes() == was and not new.exists()
        with transaction(tmp_home, "test") as journal:
            journal.save([new], [tmp_home.ttl])
            write_atomic({new: b"# kept\n"})
    assert new.read_bytes() == b"# kept\n" and departments.read_bytes() == was
    assert not (tmp_home.root / corpus.JOURNAL).exists()


def test_a_transaction_inside_one_that_saved_leaves_the_rollback_to_it(tmp_home: Corpus) -> None:
    """Where the outer transaction has saved files already (a build inside ``apply``), the
    inner one joins it: its exception rolls back nothing by itself, and the outer one, when
    the exception reaches it, rolls back both."""
    departments, new = tmp_home.ttl / "departments.ttl", tmp_home.ttl / "new.ttl"
    was = departments.read_bytes()
    with pytest.raises(ValueError), transaction(tmp_home, "test") as outer:
        outer.save([departments], [tmp_home.ttl])
        write_atomic({departments: b"# changed\n"})
        with pytest.raises(KeyError), transaction(tmp_home, "test") as inner:
            assert inner is outer
            inner.save([new])
            write_atomic({new: b"# new\n"})
            raise KeyError("inner")
        assert new.exists() and departments.read_bytes() == b"# changed\n"
        raise ValueError("outer")
    assert departments.read_bytes() == was and not new.exists()


def test_one_more_document_is_planned_under_the_lock(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (another open of the lock) is refused while the document is planned,
    and the document is then written; a dry run plans without the lock."""
    import fcntl

    from policygraph import ingest as lib

    locked: list[bool] = []
    real = lib.plan

    def spy(*args: object, **kw: object) -> object:
        with (home.root / corpus.LOCK).open("a") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                locked.append(True)
            else:
                fcntl.flock(other, fcntl.LOCK_UN)
                locked.append(False)
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(lib, "plan", spy)
    args = ["ingest", str(QUJING), "--jurisdiction", "cn-yn-qujing", "--home", str(home.root)]
    assert runner.invoke(app, [*args, "--dry-run"]).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0
    assert locked == [False, True]
    assert list(home.sources.glob("cn-yn-qujing-*"))


@given(
    st.lists(
        st.lists(
            st.text(alphabet="-./ab_A~ 中", min_size=1, max_size=4), min_size=1, max_size=4
        ).map(lambda parts: "/".join(p.replace("/", "") or "x" for p in parts)),
        max_size=30,
    )
)
def test_the_snapshots_names_sort_as_paths_sort_part_by_part(names: list[str]) -> None:
    """One string a name (each ``/`` the least of characters) sorts names as their parts do,
    ``-`` and ``.`` (which sort before ``/``) and all."""
    assert sorted(names, key=corpus._by_part) == sorted(names, key=lambda n: n.split("/"))
