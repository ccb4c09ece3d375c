"""The persistent embedded store (store/cache.py): a large corpus parsed once into an on-disk
store named by the SHA-256 of its files, opened read-only by later commands; the same answers
as parsing; a changed file is a new store; two commands starting at once share one; a cache
that cannot be written, or turned off, is parsing in memory; a broken file is still one error
naming it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import cache
from policygraph.store.embedded import EmbeddedStore

runner = CliRunner()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own, and every corpus large enough to be kept in it."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_CACHE, str(where))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    return where


def stores(where: Path) -> list[Path]:
    """The stores kept (directories named by a SHA-256), not the digests beside them."""
    if not where.exists():
        return []
    return sorted(p for p in where.iterdir() if p.is_dir() and len(p.name) == 64)


def test_a_corpus_is_parsed_once_and_answers_the_same(
    cache_dir: Path, home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["tasks", "-f", "csv", "--home", str(home.root)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    (kept,) = stores(cache_dir)
    assert kept.name == cache.key(home.graph_files())
    loaded: list[object] = []
    monkeypatch.setattr(cache, "_build", lambda *a: loaded.append(a))
    again = runner.invoke(app, args)  # opened, not built again
    assert again.exit_code == 0 and again.stdout == first.stdout and loaded == []
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    parsed = runner.invoke(app, args)
    assert parsed.stdout == first.stdout


def test_a_changed_file_is_a_new_store(cache_dir: Path, tmp_home: Corpus) -> None:
    args = ["summary", "-f", "csv", "--home", str(tmp_home.root)]
    before = runner.invoke(app, args)
    departments = tmp_home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(
        text.replace('"柳州市人民政府"@zh', '"柳州市人民政府（改）"@zh'), "utf-8"
    )
    depts = runner.invoke(app, ["depts", "-f", "csv", "--home", str(tmp_home.root)])
    assert "柳州市人民政府（改）" in depts.stdout  # not the store of the old files
    assert len(stores(cache_dir)) == 2
    assert runner.invoke(app, args).stdout == before.stdout


def test_two_commands_starting_at_once_share_one_store(cache_dir: Path, home: Corpus) -> None:
    code = (
        "import sys; from policygraph.store import cache; cache.MIN_BYTES = 0\n"
        "from policygraph.store.embedded import EmbeddedStore\n"
        f"from policygraph.corpus import Corpus; c = Corpus.locate({str(home.root)!r})\n"
        "n = EmbeddedStore(c.graph_files()).select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')\n"
        "print(n.rows[0][0])"
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    counts = {run.communicate(timeout=120)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert len(counts) == 1 and int(counts.pop()) > 5000
    assert len(stores(cache_dir)) == 1
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".building-")]


def test_a_cache_that_cannot_be_written_is_no_cache(
    tmp_path: Path, home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_CACHE, str(blocked / "cache"))
    monkeypatch.setattr(cache, "MIN_BYTES", 0)
    assert cache.cached(home.graph_files(), lambda *a: None) is None
    assert EmbeddedStore(home.graph_files()).query("ASK { ?s ?p ?o }") is True  # in memory


def test_a_broken_file_is_one_error_and_leaves_no_store(cache_dir: Path, tmp_home: Corpus) -> None:
    (tmp_home.ttl / "broken.ttl").write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    result = runner.invoke(app, ["summary", "--home", str(tmp_home.root)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "broken.ttl" in result.stderr
    assert result.stderr.count("\n") == 1
    assert stores(cache_dir) == []
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".building-")]


def test_old_stores_are_removed(cache_dir: Path) -> None:
    cache_dir.mkdir(parents=True)
    for k in range(cache.KEEP + 3):
        (cache_dir / f"{k:064d}").mkdir()
    keep = cache_dir / ("f" * 64)
    keep.mkdir()
    cache._prune(cache_dir, keep)
    assert len(stores(cache_dir)) == cache.KEEP + 1 and keep.exists()


def test_small_corpora_are_parsed_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    assert cache.cached(Corpus.locate(REPO).graph_files(), lambda *a: None) is None
    assert not (tmp_path / "cache").exists()


def test_files_unchanged_since_read_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digests remember each file's SHA-256; a file changed since (its stat differs), or one
    modified within 2 s of being read, is read again."""
    import os
    import time

    files = [tmp_path / "a.ttl", tmp_path / "b.ttl"]
    for k, f in enumerate(files):
        f.write_text(f"<urn:a> <urn:b> {k} .\n", encoding="utf-8")
        old = time.time() - 60
        os.utime(f, (old, old))
    digests = tmp_path / "digests.json"
    read: list[Path] = []
    real = cache._sha256
    monkeypatch.setattr(cache, "_sha256", lambda p: read.append(p) or real(p))
    first = cache.key(files, digests)
    assert read == files
    assert first == cache.key(files)  # the same key as reading every file
    read.clear()
    assert cache.key(files, digests) == first and read == []  # remembered
    files[1].write_text("<urn:a> <urn:b> 9 .\n", encoding="utf-8")  # same size, new time
    changed = cache.key(files, digests)
    assert changed != first and read == [files[1]]
    assert changed == cache.key(files)
    read.clear()
    cache.key(files, digests)
    assert read == [files[1]]  # modified just now: not trusted yet, read again


def _default_graph(store: EmbeddedStore) -> object:
    from rdflib.compare import to_isomorphic

    answer = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    return to_isomorphic(answer)  # type: ignore[arg-type]


def test_a_store_is_derived_from_the_last_one_and_holds_what_parsing_holds(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a change, the new store is a copy of the last one with the changed files taken out
    and put in again (only they are parsed); its graph is the one parsing every file gives,
    blank nodes and a triple two files share included."""
    files = [tmp_path / f"{name}.ttl" for name in ("a", "b", "c")]
    files[0].write_text("<urn:s> <urn:p> 1 .\n<urn:s> <urn:q> [ <urn:r> 1 ] .\n", "utf-8")
    files[1].write_text("<urn:s> <urn:p> 1 .\n<urn:t> <urn:p> 2 .\n", "utf-8")
    files[2].write_text("<urn:u> <urn:q> [ <urn:r> 1 ] .\n", "utf-8")
    first = EmbeddedStore(files)
    assert len(stores(cache_dir)) == 1 and first.query("ASK { <urn:s> <urn:p> 1 }") is True
    parsed: list[Path] = []
    real = cache._fill
    monkeypatch.setattr(
        cache, "_fill", lambda s, fs, p: parsed.extend(f for f, _ in fs) or real(s, fs, p)
    )
    steps = [
        ("b", "<urn:t> <urn:p> 2 .\n"),  # drops the shared triple from b: a still holds it
        ("a", "<urn:s> <urn:q> [ <urn:r> 2 ] .\n"),  # now nothing holds it; a new blank node
    ]
    for name, text in steps:
        changed = tmp_path / f"{name}.ttl"
        changed.write_text(text, "utf-8")
        parsed.clear()
        derived = EmbeddedStore(files)
        assert parsed == [changed]  # the others are not parsed again
        monkeypatch.setenv(cache.ENV_CACHE, "off")
        expected = EmbeddedStore(files)
        monkeypatch.setenv(cache.ENV_CACHE, str(cache_dir))
        assert _default_graph(derived) == _default_graph(expected)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert int(derived.select(count).rows[0][0]) == 5
    assert derived.query("ASK { <urn:s> <urn:p> 1 }") is False
    # the files' graphs are the store's own: a query sees none, as when parsing in memory
    assert derived.select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows == []


def test_a_copy_of_a_corpus_reuses_the_store_of_the_original(
    cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphs are named by what the files hold, not where they are: a copy with one more file
    is derived, parsing that file only."""
    for where in ("one", "two"):
        (tmp_path / where).mkdir()
        for k in range(3):
            (tmp_path / where / f"{k}.ttl").write_text(f"<urn:s> <urn:p> {k} .\n", "utf-8")
    EmbeddedStore(sorted((tmp_path / "one").glob("*.ttl")))
    extra = tmp_path / "two" / "9.ttl"
    extra.write_text("<urn:s> <urn:p> 9 .\n", "utf-8")
    parsed: list[Path] = []
    real = cache._fill
    monkeypatch.setattr(
        cache, "_fill", lambda s, fs, p: parsed.extend(f for f, _ in fs) or real(s, fs, p)
    )
    copy = EmbeddedStore(sorted((tmp_path / "two").glob("*.ttl")))
    assert parsed == [extra]
    assert len(copy.select("SELECT ?o WHERE { <urn:s> <urn:p> ?o }").rows) == 4


def test_files_are_remembered_by_their_resolved_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each folder is resolved once for its files; a file that is a symbolic link, and a path
    through a linked folder or with ``..``, are remembered as ``resolve`` names them."""
    import json

    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    for name in ("a.ttl", "sub/b.ttl", "target.ttl"):
        (real / name).write_text(name, encoding="utf-8")
    (real / "link.ttl").symlink_to(real / "target.ttl")
    (tmp_path / "folder").symlink_to(real)
    monkeypatch.chdir(tmp_path)
    files = [
        Path("folder/a.ttl"),
        Path("folder/sub/../sub/b.ttl"),
        real / "link.ttl",
        real / "sub" / "b.ttl",
    ]
    remembered = tmp_path / "digests.json"
    found = cache.file_digests(files, remembered)
    assert list(found) == files
    kept = json.loads(remembered.read_text(encoding="utf-8"))
    assert sorted(kept) == sorted({str(p.resolve()) for p in files})
    assert kept[str(real / "target.ttl")]["sha256"] == found[real / "link.ttl"]


def test_the_remembered_digests_are_parsed_once_a_process_while_the_file_is_as_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process asking for the digests of the same files again (the site: three or four times
    a run) parses the remembered file once; a file another process wrote is read again, and
    the digests are the files' as they are."""
    import json
    import os

    files = []
    for k in range(3):
        files.append(tmp_path / f"f{k}.ttl")
        files[-1].write_text(f"file {k}", encoding="utf-8")
        old = files[-1].stat().st_mtime_ns - 10_000_000_000  # written long before it is read
        os.utime(files[-1], ns=(old, old))
    remembered = tmp_path / "digests.json"
    first = cache.file_digests(files, remembered)  # read and remembered
    parsed: list[Path] = []
    real = cache.remembered

    def counting(path: Path | None) -> dict[str, object]:
        parsed.append(Path(str(path)))
        return real(path)

    monkeypatch.setattr(cache, "remembered", counting)
    assert cache.file_digests(files, remembered) == first
    assert cache.file_digests(files, remembered) == first
    assert parsed == []  # as this process wrote it
    body = json.loads(remembered.read_text(encoding="utf-8"))
    body[str(files[0].resolve())]["sha256"] = "0" * 64  # another process's (wrong) word
    aside = tmp_path / "aside.json"
    aside.write_text(json.dumps(body), encoding="utf-8")
    aside.replace(remembered)
    assert cache.file_digests(files, remembered)[files[0]] == "0" * 64  # its word is taken
    assert parsed == [remembered]


def test_a_file_whose_folder_became_a_link_in_the_process_is_read_as_it_now_is(
    tmp_path: Path,
) -> None:
    """A process names each file once (``cache._NAMES``): a folder made a link to another one
    since holding a file of the same name, size and times is still read for what it holds."""
    import os

    first, second = tmp_path / "first", tmp_path / "second"
    for folder, text in ((first, "one"), (second, "two")):
        folder.mkdir()
        (folder / "a.ttl").write_text(text, encoding="utf-8")
        os.utime(folder / "a.ttl", ns=(10**18, 10**18))
    (tmp_path / "corpus").symlink_to(first)
    path = tmp_path / "corpus" / "a.ttl"
    remembered = tmp_path / "digests.json"
    assert cache.file_digests([path], remembered)[path] == cache._sha256(first / "a.ttl")
    (tmp_path / "corpus").unlink()
    (tmp_path / "corpus").symlink_to(second)
    assert cache.file_digests([path], remembered)[path] == cache._sha256(second / "a.ttl")


def test_what_is_kept_marshalled_is_read_back_only_as_written(tmp_path: Path) -> None:
    """Kept marshalled: read back as kept; none where its bytes are not those written (one byte
    changed, cut short), it is of another format, or another Python wrote it."""
    path = tmp_path / "kept" / "a.marshal"
    body = {"format": "1", "texts": {"ab": [[1, 2, "《办法》", None, None, None, "办法", None]]}}
    cache.keep_marshalled(path, body)
    assert cache.read_marshalled(path, "1") == body
    assert cache.read_marshalled(path, "2") is None
    data = path.read_bytes()
    for damaged in (data[:-1], data[:-3] + b"x" + data[-2:], b"{not a kept file"):
        path.write_bytes(damaged)
        assert cache.read_marshalled(path, "1") is None
    head, _, rest = data.partition(b"\n")
    path.write_bytes(head.replace(b"python 3.", b"python 2.") + b"\n" + rest)
    assert cache.read_marshalled(path, "1") is None
    assert cache.read_marshalled(tmp_path / "none.marshal", "1") is None
    cache.keep_marshalled(None, body)  # the cache off: nothing kept, no error


def test_the_codes_digest_is_made_of_every_file_of_its_kinds_but_the_bundled_corpus(
    tmp_path: Path,
) -> None:
    """The files the code's digest reads are those a glob of each of ``CODE_FILES`` finds (one
    walk finds them), the bundled corpus's and compiled modules left out."""
    import policygraph

    package = Path(policygraph.__file__).resolve().parent
    globbed = {p for pattern in cache.CODE_FILES for p in package.rglob(pattern)}
    expected = sorted(p for p in globbed if "_corpus" not in p.relative_to(package).parts)
    assert cache.code_files(package) == expected and len(expected) > 100
    for name in ("a.py", "b.rq", "c.mo", "d.html", "e.css", "f.js", "g.txt", "h.pyc"):
        for folder in ("x", "_corpus", "__pycache__"):
            (tmp_path / folder).mkdir(exist_ok=True)
            (tmp_path / folder / name).write_text("", encoding="utf-8")
    kept = [p.relative_to(tmp_path).as_posix() for p in cache.code_files(tmp_path)]
    assert kept == ["x/a.py", "x/b.rq", "x/c.mo", "x/d.html", "x/e.css", "x/f.js"]
