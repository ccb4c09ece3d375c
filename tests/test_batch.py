"""Batch ingest (issue 24): many files, folders and globs in one command; every file's outcome
to the terminal and to --report; one bad file never stops the batch; exit 1 when some were
refused (nothing of theirs written); an interrupted or killed batch leaves the corpus as it was
(every document before or after)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import JOURNAL, Corpus, remove, transaction, write_atomic

GENRE = Path(__file__).resolve().parent / "genre" / "gov-cn"
FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
runner = CliRunner()


def state(home: Corpus) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((home.root / "data").rglob("*")) if p.is_file()}


@pytest.fixture()
def crawl(tmp_path: Path) -> Path:
    """A crawl folder: the real gov.cn pages, a fixture, an empty file and one that is no
    document of the genre (nested one level down)."""
    root = tmp_path / "crawl"
    (root / "more").mkdir(parents=True)
    for page in sorted(GENRE.glob("*.html"))[:2]:
        shutil.copy(page, root / page.name)
    shutil.copy(FIX / "yunnan-measures.txt", root / "more" / "yunnan-measures.txt")
    (root / "more" / "empty.txt").write_bytes(b"")
    (root / "more" / "notes.txt").write_text("没有编号的文字。\n", encoding="utf-8")
    (root / "more" / "ignored.png").write_bytes(b"\x89PNG")
    return root


def ingest(home: Corpus, *args: str) -> object:
    return runner.invoke(app, ["ingest", *args, "--jurisdiction", "cn", "--home", str(home.root)])


def test_a_folder_every_file_has_its_outcome(tmp_home: Corpus, crawl: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    r = runner.invoke(
        app,
        ["ingest", str(crawl), "--jobs", "2", "--report", str(out), "--home", str(tmp_home.root)],
    )
    assert r.exit_code == 1, r.output  # two files refused
    with out.open(encoding="utf-8") as f:
        rows = {Path(row["file"]).name: row for row in csv.DictReader(f)}
    assert set(rows) == {p.name for p in sorted(GENRE.glob("*.html"))[:2]} | {
        "yunnan-measures.txt",
        "empty.txt",
        "notes.txt",
    }  # the .png is no document: not taken
    assert rows["empty.txt"]["status"] == "refused" and "empty" in rows["empty.txt"]["reason"]
    assert (
        rows["notes.txt"]["status"] == "refused"
        and "no numbered items" in rows["notes.txt"]["reason"]
    )
    added = [row for row in rows.values() if row["status"].startswith("added")]
    assert len(added) == 3 and all(row["document"] for row in added)
    assert "2 refused of 5 file(s)" in r.stdout
    v = runner.invoke(app, ["validate", "--home", str(tmp_home.root)])
    assert v.exit_code == 0, v.stdout  # the corpus is valid after the batch
    # the same batch again: every document unchanged, the same two refused, nothing written
    before = state(tmp_home)
    again = runner.invoke(
        app,
        ["ingest", str(crawl), "--report", str(tmp_path / "r.json"), "--home", str(tmp_home.root)],
    )
    assert again.exit_code == 1
    outcomes = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(o["status"] for o in outcomes) == [
        "refused",
        "refused",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert state(tmp_home) == before


def test_a_large_batch_lists_each_file_on_a_line_of_its_own(
    tmp_home: Corpus, crawl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``TABLE_UP_TO`` files (a rich table of 10,000 took 18 s to draw), every file's
    outcome is still on the terminal: one line each, its reason on the same line."""
    import policygraph.cli.ingest as cli_ingest

    monkeypatch.setattr(cli_ingest, "TABLE_UP_TO", 2)
    r = runner.invoke(app, ["ingest", str(crawl), "--home", str(tmp_home.root)])
    assert r.exit_code == 1, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["file", "outcome", "document", "reason", "/", "warnings"]
    files = sorted(p for p in crawl.rglob("*") if p.suffix in (".txt", ".html"))
    for path in files:
        (line,) = [x for x in lines if x.startswith(f"{path} ")]
        if path.name == "empty.txt":
            assert " refused " in line and "empty" in line
        elif path.name == "notes.txt":
            assert " refused " in line and "no numbered items" in line
        else:
            assert " added" in line and "https://" in line
    assert "2 refused of 5 file(s)" in lines[-1] and "│" not in r.stdout


def test_globs_and_exit_zero_when_all_are_added(tmp_home: Corpus, crawl: Path) -> None:
    r = runner.invoke(app, ["ingest", f"{crawl}/*.html", "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    assert "0 unchanged, 0 refused of 2 file(s)" in r.stdout  # the two pages, both added


def test_usage_errors_exit_2(tmp_home: Corpus, crawl: Path, tmp_path: Path) -> None:
    home = ["--home", str(tmp_home.root)]
    cases = [
        (["ingest", str(crawl), "--title", "x"], "--title describe one document"),
        (["ingest", str(crawl), "--dry-run"], "--dry-run shows one file's plan"),
        (
            ["ingest", str(crawl), "--report", str(tmp_path / "r.txt")],
            "--report writes a .csv or a .json",
        ),
        (["ingest", str(tmp_path / "nothing-here")], "no such file or folder"),
        (["ingest", f"{crawl}/*.docx"], "names no file to ingest"),
    ]
    before = state(tmp_home)
    for args, said in cases:
        r = runner.invoke(app, [*args, *home])
        assert r.exit_code == 2 and said in r.stderr, (args, r.stderr)
    assert state(tmp_home) == before


def test_a_document_that_brings_a_violation_is_taken_out_and_the_others_added(
    tmp_home: Corpus, crawl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policygraph.ingest.batch as batch

    real = batch.plan_known  # the plan from the index on disk (the suite has a cache)

    def broken_yunnan(corpus: Corpus, path: Path, *args: object) -> object:
        p = real(corpus, path, *args)  # type: ignore[arg-type]
        if path.name == "yunnan-measures.txt":  # a responsibility with no department: a violation
            rel = f"data/ttl/ingested-{p.stem}.ttl"
            p.files[rel] += (
                f"\n<{p.doc}/measure/1/lead/99> a <https://w3id.org/policygraph/ontology#Responsibility> .\n"
            )
        return p

    monkeypatch.setattr(batch, "plan_known", broken_yunnan)
    r = runner.invoke(
        app,
        [
            "ingest",
            str(crawl),
            "--report",
            str(crawl.parent / "r.json"),
            "--home",
            str(tmp_home.root),
        ],
    )
    assert r.exit_code == 1
    rows = {
        Path(o["file"]).name: o for o in json.loads((crawl.parent / "r.json").read_text("utf-8"))
    }
    yunnan = rows["yunnan-measures.txt"]
    assert yunnan["status"] == "refused" and yunnan["reason"].startswith("brings violations")
    assert not list((tmp_home.root / "data" / "sources").glob("*云政办发*"))  # nothing of it
    assert sum(o["status"].startswith("added") for o in rows.values()) == 2
    assert runner.invoke(app, ["validate", "--home", str(tmp_home.root)]).exit_code == 0


def test_an_interrupted_batch_leaves_the_corpus_as_it_was(
    tmp_home: Corpus, crawl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import policygraph.ingest.batch as batch

    before = state(tmp_home)
    real = batch.plan_known  # the plan from the index on disk (the suite has a cache)
    seen: list[Path] = []

    def interrupted(corpus: Corpus, path: Path, *args: object) -> object:
        seen.append(path)
        if len(seen) == 3:  # two documents written already
            raise KeyboardInterrupt
        return real(corpus, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "plan_known", interrupted)
    r = runner.invoke(app, ["ingest", str(crawl), "--home", str(tmp_home.root)])
    assert r.exit_code != 0
    assert state(tmp_home) == before and not (tmp_home.root / JOURNAL).exists()


def test_an_index_that_fails_the_batch_is_one_line_naming_it_and_nothing_is_written(
    tmp_home: Corpus, crawl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index on disk failing while the batch rebuilds (another process holding it locked
    too long, a full disk): one line naming its file and SQLite's reason, exit 2, and the
    corpus as it was (before: a traceback)."""
    import sqlite3

    import policygraph.ingest.batch as batch

    before = state(tmp_home)

    def locked(*args: object) -> object:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(batch, "build", locked)
    r = runner.invoke(app, ["ingest", str(crawl), "--home", str(tmp_home.root)])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    (line,) = [x for x in r.output.splitlines() if x.startswith("Error:")]
    assert ".sqlite: the corpus's index in the cache failed (database is locked)" in line
    assert "Traceback" not in r.output
    assert state(tmp_home) == before and not (tmp_home.root / JOURNAL).exists()


def test_a_killed_batch_is_undone_by_the_next_writer(tmp_home: Corpus, crawl: Path) -> None:
    before = state(tmp_home)
    script = (
        "import os, sys, policygraph.ingest.batch as b\n"
        "def killed(*args):\n"
        "    os.kill(os.getpid(), 9)\n"
        "b._settle = killed\n"  # every document written, not yet rebuilt
        "from policygraph.cli.app import main\n"
        "sys.argv = ['policygraph', 'ingest', sys.argv[1], '--home', sys.argv[2]]\n"
        "main()\n"
    )
    died = subprocess.run(
        [sys.executable, "-c", script, str(crawl), str(tmp_home.root)], capture_output=True
    )
    assert died.returncode == -9
    assert (tmp_home.root / JOURNAL).exists() and state(tmp_home) != before  # half written
    r = runner.invoke(app, ["build", "--home", str(tmp_home.root), "-q"])
    assert r.exit_code == 0, r.output
    assert state(tmp_home) == before and not (tmp_home.root / JOURNAL).exists()


def test_extract_is_a_pure_function_of_the_file(tmp_home: Corpus, tmp_path: Path) -> None:
    """`extract` gives the same Turtle for the same file, in any corpus, writing nothing there."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    page = GENRE / "2018-gf-38.html"
    before = state(tmp_home)
    one, two = tmp_path / "one.ttl", tmp_path / "two.ttl"
    r = runner.invoke(app, ["extract", str(page), "-o", str(one), "--home", str(tmp_home.root)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["extract", str(page), "-o", str(two)])  # another corpus
    assert r.exit_code == 0 and one.read_bytes() == two.read_bytes()
    assert state(tmp_home) == before
    g = Graph().parse(one)
    doc = URIRef("https://w3id.org/policygraph/eli/cn/国发/2018/38")
    pg = "https://w3id.org/policygraph/ontology#"
    assert (doc, RDF.type, URIRef(pg + "Document")) in g or any(g.triples((doc, None, None)))
    assert len(set(g.subjects(RDF.type, URIRef(pg + "Responsibility")))) > 10
    bad = runner.invoke(app, ["extract", str(tmp_path / "missing.html")])
    assert bad.exit_code == 2 and "missing.html" in bad.stderr


def test_the_cached_curated_graph_follows_the_files(tmp_home: Corpus) -> None:
    """The corpus's graphs are kept per process (a batch asks for them a thousand times): a new
    file is added to them, a changed or removed one makes them again; never stale."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    s = URIRef("https://example.org/x")
    first = tmp_home.curated_graph()
    assert (s, None, None) not in first and tmp_home.curated_graph() is first
    extra = tmp_home.ttl / "extra.ttl"
    extra.write_text(f'<{s}> <{RDFS.label}> "one" .\n', encoding="utf-8")
    grown = tmp_home.curated_graph()
    assert grown.value(s, RDFS.label) == Literal("one")
    from policygraph.corpus import write_atomic

    write_atomic({extra: f'<{s}> <{RDFS.label}> "two" .\n'.encode()})
    changed = tmp_home.curated_graph()
    assert set(changed.objects(s, RDFS.label)) == {Literal("two")}
    extra.unlink()
    assert (s, None, None) not in tmp_home.curated_graph()


def test_a_plans_new_departments_stay_in_its_own_layer(home: Corpus) -> None:
    from rdflib import URIRef

    from policygraph.corpus import parts_of
    from policygraph.departments import DepartmentIndex

    curated = home.curated_graph()
    base = DepartmentIndex.of(curated, parts_of(curated))
    layer = base.copy()
    new = URIRef("https://w3id.org/policygraph/org/cn-gx/test-body")
    layer.add(new, "cn-gx", "自治区测试局", ["自治区测试局", "测试局"])
    assert layer.lookup("测试局", "cn-gx") == new and new in layer
    assert base.lookup("测试局", "cn-gx") is None and new not in base
    assert DepartmentIndex.of(curated, parts_of(curated)) is base  # the cached one, untouched
    assert layer.lookup("科技厅", "cn-gx") == base.lookup("科技厅", "cn-gx") is not None


def test_a_corpus_held_by_a_batch_sees_every_file_it_writes_and_removes(tmp_home: Corpus) -> None:
    """While a transaction holds the corpus, its listing and stamps are kept and only the files
    written through write_atomic or remove are looked at again: they must all be seen."""
    from rdflib import Literal, URIRef

    a, p = URIRef("http://example.org/a"), URIRef("http://example.org/p")
    extra = tmp_home.ttl / "zz-extra.ttl"
    with transaction(tmp_home, "test"):
        before = tmp_home.curated_files()
        tmp_home.curated_graph()  # the union, kept while held
        write_atomic({extra: b'<http://example.org/a> <http://example.org/p> "1" .\n'})
        assert tmp_home.curated_files() == [*before, extra]
        assert (a, p, Literal("1")) in tmp_home.curated_graph()
        write_atomic({extra: b'<http://example.org/a> <http://example.org/p> "2" .\n'})
        graph = tmp_home.curated_graph()
        assert (a, p, Literal("2")) in graph and (a, p, Literal("1")) not in graph
        remove(extra)
        assert tmp_home.curated_files() == before
        assert (a, p, None) not in tmp_home.curated_graph()
    assert tmp_home.curated_files() == before  # listed afresh, not held: the same


def test_the_batch_validates_in_parts_when_the_corpus_is_large(
    tmp_home: Corpus, crawl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus over the size (made small here) is validated in parts at the batch's end: the
    index the batch holds is committed first, so the parts read it rather than wait for it and
    fall back to the one store."""
    from policygraph.checks import parts

    made: list[object] = []
    real = parts.validate

    def spy(*args: object, **kwargs: object) -> object:
        made.append(real(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(parts, "validate", spy)
    monkeypatch.setattr(parts, "ABOVE", 5)
    monkeypatch.setattr(parts, "SIZE", 10)
    assert ingest(tmp_home, str(crawl / "more" / "yunnan-measures.txt"), str(crawl)).exit_code == 1
    assert made and all(report is not None for report in made)


def test_violations_the_batch_did_not_bring_leave_its_built_files_its_own(
    tmp_home: Corpus, crawl: Path
) -> None:
    """A violation already in the corpus, naming no document of the batch, is looked for in
    the corpus without the batch (rebuilt and validated): the batch is then written and built
    again, so a build after it has nothing to write."""
    from policygraph.build import build

    curated = tmp_home.ttl / "targets.ttl"
    curated.write_text(
        curated.read_text(encoding="utf-8") + "\n<https://w3id.org/policygraph/test/alone> a "
        "<https://w3id.org/policygraph/ontology#Responsibility> .\n",
        encoding="utf-8",
    )
    for page in sorted(crawl.glob("*.html")):
        page.unlink()
    r = ingest(tmp_home, str(crawl / "more" / "yunnan-measures.txt"), str(FIX / "qujing-plan.txt"))
    assert r.exit_code == 0, r.output
    result = build(tmp_home)
    assert result.written == [] and result.removed == []


def test_a_batch_killed_while_its_workers_read_leaves_the_corpus_to_the_next_writer(
    tmp_home: Corpus, crawl: Path
) -> None:
    """kill -9 while the files are read on worker processes: the workers end with the batch.
    A worker left waiting for work held the corpus's lock it was forked with, and every later
    ingest was refused as "another policygraph command" until it was killed by hand."""
    import fcntl
    import time

    from policygraph.corpus import LOCK

    script = (
        "import os, sys, time, policygraph.ingest.batch as b\n"
        "def read(path):\n"  # in a worker: the batch killed while it reads
        "    os.kill(os.getppid(), 9)\n"
        "    time.sleep(120)\n"
        "b._read = read\n"
        "from policygraph.cli.app import main\n"
        "sys.argv = ['policygraph', 'ingest', sys.argv[1], '--home', sys.argv[2], '-j', '2']\n"
        "main()\n"
    )
    died = subprocess.run(
        [sys.executable, "-c", script, str(crawl), str(tmp_home.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    assert died.returncode == -9
    deadline = time.monotonic() + 20
    with (tmp_home.root / LOCK).open("a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "a worker of the killed batch holds the lock"
                time.sleep(0.2)
        fcntl.flock(lock, fcntl.LOCK_UN)
    r = runner.invoke(app, ["build", "--home", str(tmp_home.root), "-q"])
    assert r.exit_code == 0, r.output
