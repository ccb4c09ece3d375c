"""The incremental build (``build.state``): nothing changed, nothing extracted; one document's
inputs changed, that document extracted again; anything the state cannot vouch for, a whole
build. Each test counts the documents the extractor is asked to build."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import snapshot

from policygraph import build as build_package
from policygraph.build import build, state
from policygraph.build.document import DocumentBuilder
from policygraph.corpus import Corpus
from policygraph.store import cache


@pytest.fixture
def extracted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The short names of the documents the build extracts, in order."""
    seen: list[str] = []

    class Counting(DocumentBuilder):
        def graph(self):  # type: ignore[no-untyped-def]
            seen.append(self.short)
            return super().graph()

    monkeypatch.setattr(build_package, "DocumentBuilder", Counting)
    yield seen


def test_a_build_with_nothing_changed_extracts_nothing_and_writes_nothing(
    tmp_home: Corpus, extracted: list[str]
) -> None:
    first = build(tmp_home)
    assert sorted(extracted) == ["cn", "gx", "lz"]
    before = snapshot(tmp_home.ttl)
    extracted.clear()
    second = build(tmp_home)
    assert extracted == [] and second.written == []
    assert len(second.unchanged) == len(first.written) + len(first.unchanged)
    assert snapshot(tmp_home.ttl) == before


def test_a_built_file_edited_or_removed_by_hand_is_built_again(
    tmp_home: Corpus, extracted: list[str]
) -> None:
    build(tmp_home)
    before = snapshot(tmp_home.ttl)
    (tmp_home.ttl / "doc-gx.ttl").write_text("# edited by hand\n", encoding="utf-8")
    (tmp_home.ttl / "citations.ttl").unlink()
    extracted.clear()
    result = build(tmp_home)
    assert extracted == ["gx"]  # the others are kept: their inputs and files are as they were
    assert sorted(p.name for p in result.written) == ["citations.ttl", "doc-gx.ttl"]
    assert snapshot(tmp_home.ttl) == before


def test_a_department_of_one_region_rebuilds_the_documents_of_that_region_alone(
    tmp_home: Corpus, extracted: list[str]
) -> None:
    build(tmp_home)
    before = snapshot(tmp_home.ttl)
    departments = tmp_home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(
        text + "\n<https://w3id.org/policygraph/dept/cn-gx/test-office> a org:Organization ;\n"
        '    skos:prefLabel "自治区测试办"@zh ;\n    pg:jurisdiction "cn-gx" .\n',
        encoding="utf-8",
    )
    extracted.clear()
    build(tmp_home)
    # Guangxi's measures and Liuzhou's (a city of Guangxi) may name it; the national may not.
    assert sorted(extracted) == ["gx", "lz"]
    after = snapshot(tmp_home.ttl)
    built = [n for n in before if n != "departments.ttl"]
    assert [after[n] for n in built] == [before[n] for n in built]  # named nowhere: the same


def test_a_changed_extractor_or_an_unreadable_state_is_a_whole_build(
    tmp_home: Corpus, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_home)
    where = state.location(tmp_home)
    assert where is not None and where.is_file()
    where.write_bytes(where.read_bytes()[:-1])  # cut short
    extracted.clear()
    build(tmp_home)
    assert sorted(extracted) == ["cn", "gx", "lz"]
    monkeypatch.setattr(state, "code_version", lambda: "another version of the extractor")
    extracted.clear()
    build(tmp_home)
    assert sorted(extracted) == ["cn", "gx", "lz"]
    kept = cache.read_marshalled(where, state.FORMAT)
    assert kept is not None and kept["format"] == state.FORMAT


def test_without_a_cache_every_build_is_whole_and_gives_the_same_files(
    tmp_home: Corpus, extracted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    build(tmp_home)
    before = snapshot(tmp_home.ttl)
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    assert state.location(tmp_home) is None
    extracted.clear()
    build(tmp_home)
    build(tmp_home)
    assert sorted(extracted) == ["cn", "cn", "gx", "gx", "lz", "lz"]
    assert snapshot(tmp_home.ttl) == before


def test_an_edited_source_text_is_still_refused_after_an_incremental_build(
    tmp_home: Corpus,
) -> None:
    """The state never lets a build skip the check of a source's recorded SHA-256."""
    from policygraph.errors import SourceError

    build(tmp_home)
    text = next(Path(tmp_home.sources).glob("*liuzhenggui*.txt"))
    text.write_bytes(text.read_bytes() + b"\n")
    with pytest.raises(SourceError, match="SHA-256"):
        build(tmp_home)


def test_the_inputs_remember_the_digests_once_not_once_a_file(
    tmp_home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which built files are built is asked file by file; the digests it reads are remembered
    in one write (once a file, the whole remembered list was written again for each: at 10,000
    documents, 20,000 writes of 35,000 entries in the rebuild of a batch)."""
    import policygraph.corpus as corpus_module

    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "fresh-cache"))
    writes: list[int] = []
    real = corpus_module._keep
    monkeypatch.setattr(
        corpus_module, "_keep", lambda path, held: (writes.append(len(held)), real(path, held))[1]
    )
    built = [p for p in tmp_home.ttl.glob("*.ttl") if corpus_module.is_generated(p)]
    assert len(built) >= 4  # the instrument: several built files to ask about
    state.input_files(tmp_home)
    assert 1 <= len(writes) <= 2


def test_the_remembered_digests_grow_by_a_line_of_their_log_until_it_outgrows_a_quarter(
    tmp_home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A snapshot that learns a few digests appends them to the log of the remembered digests
    (the file itself left as it was); the next snapshot reads them over the file and reads no
    file again; a line cut short is left out; once the log would outgrow a quarter of the file,
    the file is written whole again and the log removed."""
    import os
    import time

    import policygraph.corpus as corpus_module

    cache_dir = tmp_path / "fresh-cache"
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(cache_dir))
    old = time.time_ns() - 10 * 10**9  # every file modified long before it is read (git's rule)
    for path in (tmp_home.root / top for top in corpus_module.SNAPSHOT_TOPS):
        for file in path.rglob("*"):
            os.utime(file, ns=(old, old))

    def every() -> dict[str, str]:
        files = corpus_module.snapshot(tmp_home, cache_dir)
        return files.digests(files.names())

    first = every()
    (remember,) = (cache_dir / "digests").glob("*.json")
    log, whole = corpus_module._log_of(remember), remember.read_bytes()
    assert not log.exists()
    changed = tmp_home.ttl / "departments.ttl"
    changed.write_bytes(changed.read_bytes() + b"\n")
    os.utime(changed, ns=(old, old + 1))
    second = every()
    assert remember.read_bytes() == whole  # not written again: one line appended
    assert [list(json.loads(line)) for line in log.read_text().splitlines() if line] == [
        ["data/ttl/departments.ttl"]
    ]
    assert second == {**first, "data/ttl/departments.ttl": second["data/ttl/departments.ttl"]}
    with log.open("a") as fh:
        fh.write('{"data/ttl/departments.ttl": [1, 2')  # cut short by a killed writer
    changed.write_bytes(changed.read_bytes() + b"\n")
    os.utime(changed, ns=(old, old + 2))
    third = every()  # its line appended after the cut one
    assert remember.read_bytes() == whole and third != second
    reads: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: (reads.append(self), real(self))[1])
    assert every() == third and reads == []  # each digest remembered, none read again
    monkeypatch.setattr(Path, "read_bytes", real)
    with log.open("a") as fh:
        fh.write("\n" + json.dumps({"x": "y" * (len(whole) // 4)}) + "\n")  # a quarter
    changed.write_bytes(changed.read_bytes() + b"\n")
    os.utime(changed, ns=(old, old + 3))
    fourth = every()
    assert not log.exists() and remember.read_bytes() != whole
    kept = json.loads(remember.read_text())
    assert (
        "x" not in kept
        and kept["data/ttl/departments.ttl"][4] == fourth["data/ttl/departments.ttl"]
    )
    log.write_bytes(b'\n{"data/ttl/departments.ttl": "\xff\xfe"}\n')  # damaged: not UTF-8
    assert every() == fourth  # the files read again, as with a damaged file of digests


def test_a_snapshot_picks_each_listing_once_and_again_after_a_renewal(tmp_home: Corpus) -> None:
    """The names under a folder are picked once a snapshot (the kept report's key asks twice
    an ingest), each caller given its own list; a file the process wrote and renewed is among
    them next time, and one it removed is not."""
    from policygraph import corpus as corpus_module

    files = corpus_module.snapshot(tmp_home)
    first = files.names("data")
    assert "data/ttl/departments.ttl" in first
    first.append("data/ttl/not-there.ttl")  # the caller's list: not the snapshot's
    assert "data/ttl/not-there.ttl" not in files.names("data")
    picked = files.names("data")
    assert picked == files.names("data") and picked is not files.names("data")
    assert files.names("ontology") and not set(files.names("ontology")) & set(picked)
    new, gone = tmp_home.ttl / "new.ttl", tmp_home.ttl / "departments.ttl"
    new.write_text("# new\n", encoding="utf-8")
    gone.unlink()
    files.renew({"data/ttl/new.ttl", "data/ttl/departments.ttl"})
    now = files.names("data")
    assert "data/ttl/new.ttl" in now and "data/ttl/departments.ttl" not in now
    assert now == sorted(now, key=lambda n: n.split("/"))


def test_a_renewed_snapshot_lists_as_a_fresh_one_without_sorting_again(tmp_home: Corpus) -> None:
    """``renew`` places the names a write added and takes out the ones it removed, in every
    listing already picked (sorting 53,000 names again after each write was half a second of
    one more document at 10,000 documents): each listing is then the one a new snapshot
    makes, hidden files, new folders and names that sort by part (``a/b`` before ``a-b``)
    included."""
    from policygraph import corpus as corpus_module

    files = corpus_module.snapshot(tmp_home)
    asks = [(), ("data",), ("ontology",), ("data", "ontology")]
    for tops in asks:
        files.names(*tops)
        files.names(*tops, hidden=True)
    order = files._sorted
    written = [
        "data/sources/a-b.txt",
        "data/sources/a/b.txt",
        "data/ttl/.hidden.ttl",
        "ontology/z.ttl",
    ]
    for name in written:
        (tmp_home.root / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_home.root / name).write_text("x\n", encoding="utf-8")
    (tmp_home.ttl / "departments.ttl").unlink()
    files.renew({*written, "data/ttl/departments.ttl", "data/ttl/never-there.ttl"})
    stamps: dict[str, corpus_module.FileStamp] = {}
    for top in corpus_module.SNAPSHOT_TOPS:
        corpus_module._walk(tmp_home.root / top, f"{top}/", stamps)
    fresh = corpus_module.Snapshot(tmp_home.root, stamps, None)
    assert files._sorted is order  # placed, not sorted again
    for tops in asks:
        for hidden in (False, True):
            assert files.names(*tops, hidden=hidden) == fresh.names(*tops, hidden=hidden)
    assert "data/ttl/.hidden.ttl" in files.names(hidden=True)
    assert "data/ttl/departments.ttl" not in files.names("data")
