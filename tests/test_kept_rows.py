"""Issue 24, one more document: the rows each file gives a query of the index's facts are kept,
marshalled, in the index (``Mentions._kept_facts``), and forgotten when the file, or a file
stating facts of a subject it states facts of, changes. What is read from them must be what
the table of facts gives, after every kind of change, and a row that cannot be read or kept
must give way to the table."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import copy_home

from policygraph.build import GIVEN, GIVEN_ABOUT
from policygraph.checks import mentions as mentions_module
from policygraph.checks.mentions import _DEPARTMENTS, DOCUMENTS, KEPT_QUERIES, Mentions
from policygraph.corpus import Corpus

W, A = [str(t) for t in GIVEN], [str(t) for t in GIVEN_ABOUT]
QUERIES = [(W, A), (DOCUMENTS, []), (_DEPARTMENTS, [])]
DOC = "https://w3id.org/policygraph/doc/test/kept"
ELI = "http://data.europa.eu/eli/ontology#"
PG = "https://w3id.org/policygraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def index_of(home: Corpus) -> Mentions:
    found = Mentions.open(home)
    assert found is not None
    found.refresh()
    return found


def asked(
    m: Mentions, wanted: list[str], about: list[str], under: str = "", exclude: Iterable[Path] = ()
) -> list[tuple[str, str, str, str, str | None, str | None]]:
    """The facts as the table gives them (no row kept read)."""
    kept = m._kept_facts
    m._kept_facts = lambda *args: None
    try:
        return m._facts(wanted, under, exclude, about)
    finally:
        m._kept_facts = kept


def same_every_way(m: Mentions, home: Corpus) -> None:
    """Every query, whole, under a folder and with a file left out: as the table gives it."""
    left_out = [home.sources / "departments.ttl"]
    for wanted, about in QUERIES:
        for under, exclude in [("", ()), ("data/sources/", ()), ("", left_out)]:
            found = m._facts(wanted, under, exclude, about)
            assert found == asked(m, wanted, about, under, exclude)
    assert m.db.execute("SELECT count(*) FROM kept").fetchone()[0] > 0  # read from kept rows


def kept_of(m: Mentions, name: str) -> int:
    return int(m.db.execute("SELECT count(*) FROM kept WHERE name = ?", (name,)).fetchone()[0])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    return copy_home(tmp_path / "home")


def test_the_kept_rows_are_the_rows_of_the_table(home: Corpus) -> None:
    m = index_of(home)
    same_every_way(m, home)
    assert m._facts(W, "", (), A)  # not every answer empty
    same_every_way(m, home)  # read again from what was kept


def test_a_subject_another_file_names_changes_the_kept_rows_of_the_files_about_it(
    home: Corpus,
) -> None:
    """A file of its own gives a subject of another file a title, then takes it back: that
    subject's facts in the other file are in the build's rows, then out of them."""
    (home.sources / "kept-a.ttl").write_text(
        f"<{DOC}> <{PG}jurisdiction> <https://w3id.org/policygraph/place/cn> ;\n"
        f"    a <{PG}PolicyDocument> .\n",
        encoding="utf-8",
    )
    m = index_of(home)
    same_every_way(m, home)
    assert not [f for f in m._facts(W, "", (), A) if f[1] == DOC]  # no fact of ``about``
    assert kept_of(m, "data/sources/kept-a.ttl") == len(QUERIES)
    other = home.sources / "kept-b.ttl"
    other.write_text(f'<{DOC}> <{ELI}id_local> "测试〔2026〕1号" .\n', encoding="utf-8")
    m.refresh()
    assert kept_of(m, "data/sources/kept-a.ttl") == 0  # forgotten: b states facts of its subject
    same_every_way(m, home)
    assert [f[2] for f in m._facts(W, "", (), A) if f[1] == DOC] == [
        f"{PG}jurisdiction",
        RDF_TYPE,
        f"{ELI}id_local",
    ]
    other.unlink()
    m.refresh()
    same_every_way(m, home)
    assert not [f for f in m._facts(W, "", (), A) if f[1] == DOC]


def test_the_files_read_over_the_index_pick_subjects_of_its_files(home: Corpus) -> None:
    """A file read over the index (an ingest's, not indexed yet) gives a subject of a file of
    the index a title: that file's facts of it are read, as the table gives them."""
    (home.sources / "kept-a.ttl").write_text(
        f"<{DOC}> a <{PG}PolicyDocument> .\n", encoding="utf-8"
    )
    m = index_of(home)
    m._facts(W, "", (), A)  # kept before the overlay
    written = home.sources / "kept-b.ttl"
    written.write_text(f'<{DOC}> <{ELI}id_local> "测试〔2026〕1号" .\n', encoding="utf-8")
    m.overlay([written])
    found = m._facts(W, "", (), A)
    assert found == asked(m, W, A)
    assert [f[2] for f in found if f[1] == DOC] == [RDF_TYPE, f"{ELI}id_local"]


def test_a_damaged_row_gives_way_to_the_table(home: Corpus) -> None:
    m = index_of(home)
    whole = m._facts(W, "", (), A)
    m.db.execute("UPDATE kept SET rows = X'00ff' WHERE rows IS NOT NULL")
    assert m._facts(W, "", (), A) == whole
    m.db.execute("UPDATE kept SET rows = X'e9' || rows WHERE rows IS NOT NULL")  # not a list
    assert m._facts(W, "", (), A) == whole


def test_a_connection_that_only_reads_asks_the_table(home: Corpus) -> None:
    m = index_of(home)
    whole = m._facts(W, "", (), A)
    m.db.execute("DELETE FROM kept")
    reader = m.reader()
    try:
        assert reader._facts(W, "", (), A) == whole
    finally:
        reader.close()
    assert m.db.execute("SELECT count(*) FROM kept").fetchone()[0] == 0  # none kept by it


def test_the_rows_of_the_queries_made_longest_ago_are_dropped(home: Corpus) -> None:
    m = index_of(home)
    predicates = sorted(mentions_module.FACTS)
    for k in range(KEPT_QUERIES + 3):
        m._facts(predicates[: k + 1], "", (), [])
    queries = m.db.execute("SELECT count(DISTINCT q) FROM kept").fetchone()[0]
    assert queries == m.db.execute("SELECT count(*) FROM queries").fetchone()[0] == KEPT_QUERIES
    assert m._facts(predicates[:1], "", (), []) == asked(m, predicates[:1], [])  # made again


def test_the_document_index_is_kept_for_the_next_process(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The document index one process made is read back by the next one (no title normalised
    again) where its rows are the same, grown where a document was added, made again where it
    is damaged or of another version; always the index its rows make."""
    from policygraph.text.citations import DocumentIndex

    made: list[int] = []
    add_rows = DocumentIndex.add_rows

    def counted(self: DocumentIndex, rows: Iterable[object], won: object) -> None:
        rows = list(rows)
        if rows:  # (an empty index is made to grow one)
            made.append(len(rows))
        add_rows(self, rows, won)  # type: ignore[arg-type]

    monkeypatch.setattr(DocumentIndex, "add_rows", counted)

    def next_process() -> DocumentIndex:
        monkeypatch.setattr(mentions_module, "_DOCUMENTS_MADE", [None, None, None])
        m = index_of(home)
        try:
            found = m.documents()
            whole = DocumentIndex.from_rows(m.rows(DOCUMENTS))
        finally:
            m.close()
        assert (found.by_number, found.by_title) == (whole.by_number, whole.by_title)
        made.pop()  # the whole index made to compare
        return found

    next_process()
    assert made.pop() > 0 and made == []  # the first made it
    next_process()
    assert made == []  # read back: nothing indexed
    (home.sources / "kept-a.ttl").write_text(
        f'<{DOC}> <{ELI}id_local> "测试〔2026〕1号" ; <{ELI}title> "测试办法"@zh .\n',
        encoding="utf-8",
    )
    assert next_process().find("测试〔2026〕1号", None) is not None
    assert made.pop() == 2 and made == []  # grown by the new document's two rows
    m = index_of(home)
    m.db.execute("UPDATE made SET body = X'00ff'")
    m.close()
    next_process()
    assert made.pop() > 2  # damaged: made again
    monkeypatch.setattr(mentions_module, "_documents_version", lambda: "another")
    next_process()
    assert made.pop() > 2  # another version (the code's, OpenCC's): made again


def test_a_batch_keeps_no_rows_and_reads_the_table(home: Corpus) -> None:
    """A batch's index (``hold`` off: its files change between asks, and it holds the write
    lock while its workers read) neither keeps nor reads kept rows."""
    m = index_of(home)
    whole = asked(m, W, A)
    m.hold = False
    assert m._facts(W, "", (), A) == whole
    assert m.db.execute("SELECT count(*) FROM kept").fetchone()[0] == 0


def test_another_writer_holding_the_index_is_not_waited_for(home: Corpus) -> None:
    """Rows not kept yet, and another connection holding the index's write lock (a batch, a
    refresh): the table is asked at once, not after the lock's wait (a worker of a batch
    waited five seconds an ask)."""
    import sqlite3
    import threading

    m = index_of(home)
    whole = asked(m, W, A)
    other = sqlite3.connect(m.where, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    found: list[object] = []

    def ask_it() -> None:  # (a connection of its own: SQLite's stay in their thread)
        mine = Mentions.open(home)
        assert mine is not None
        mine.db.execute("PRAGMA busy_timeout = 600000")  # ten minutes: a wait would show
        found.append(mine._facts(W, "", (), A))
        found.append(mine.db.execute("PRAGMA busy_timeout").fetchone()[0])  # as it was
        mine.close()

    try:
        ask = threading.Thread(target=ask_it)
        ask.start()
        ask.join(120)
        assert not ask.is_alive(), "the ask waited for the other writer"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert found == [whole, 600000]
    assert m.db.execute("SELECT count(*) FROM kept").fetchone()[0] == 0


def test_a_batch_keeps_the_rows_the_next_document_asks_for(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a batch, every file's rows of the queries one more document asks are kept: the
    next ingest makes rows only of the files it changed, not of the whole corpus."""
    from typer.testing import CliRunner

    from policygraph.cli.app import app
    from policygraph.ingest.ondisk import ONE_MORE

    fixtures = Path(__file__).resolve().parent / "fixtures" / "ingest"
    runner = CliRunner()

    def ingest(*names: str) -> None:
        args = ["ingest", *(str(fixtures / n) for n in names), "--jurisdiction", "cn-yn"]
        r = runner.invoke(app, [*args, "--home", str(home.root)])
        assert r.exit_code == 0, r.output

    ingest("yunnan-measures.txt", "kunming-measures.txt")  # a batch
    m = index_of(home)
    for wanted, about in ONE_MORE:
        q = mentions_module._query_key(set(wanted), set(about))
        assert mentions_module._not_kept(m.db, q) == []
    held = dict(m.db.execute("SELECT name, sha256 FROM files"))  # as the batch left them
    m.close()
    made: set[str] = set()
    keep_rows = mentions_module._keep_rows

    def counted(db: object, q: str, wanted: set[str], about: set[str], names: list[str]) -> None:
        made.update(names)
        keep_rows(db, q, wanted, about, names)  # type: ignore[arg-type]

    monkeypatch.setattr(mentions_module, "_keep_rows", counted)
    ingest("qujing-plan.txt")  # one more
    m = index_of(home)
    now = dict(m.db.execute("SELECT name, sha256 FROM files"))
    m.close()
    assert made <= {name for name, sha in now.items() if held.get(name) != sha}  # only those
