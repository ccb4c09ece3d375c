"""`site` again (issue 24): with nothing changed nothing is written; after a change, the office
files whose table is unchanged are taken from the last site (hard links), the others made
again, and the site is the one a whole build makes; a file edited by hand is made again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
SCIENCE = "org/gx/science-technology/任务清单.docx"  # the department renamed below
FINANCE = "org/gx/finance/任务清单.docx"  # one the renaming does not touch


def site(home: Path, out: Path) -> str:
    result = runner.invoke(app, ["site", "-o", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.stderr


def files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_home(tmp_path / "home").root


def test_a_site_again_with_nothing_changed_writes_nothing(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    site(home, out)
    before = {name: p.stat().st_mtime_ns for name, p in files(out).items()}
    said = site(home, out)
    assert "is up to date: nothing written" in said
    assert {name: p.stat().st_mtime_ns for name, p in files(out).items()} == before


def test_after_a_change_unchanged_office_files_are_taken_from_the_last_site(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    site(home, out)
    inode = {name: os.stat(out / name).st_ino for name in (SCIENCE, FINANCE)}
    departments = home / "data" / "ttl" / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(
        text.replace('"广西壮族自治区科学技术厅"@zh', '"广西壮族自治区科学技术厅（新）"@zh'),
        "utf-8",
    )
    said = site(home, out)
    assert "office files unchanged, taken as they were" in said
    assert os.stat(out / FINANCE).st_ino == inode[FINANCE]  # the same file, linked
    assert os.stat(out / SCIENCE).st_ino != inode[SCIENCE]  # made again
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    whole = tmp_path / "whole"
    site(home, whole)
    again, fresh = files(out), files(whole)
    assert again.keys() == fresh.keys()
    for name, path in fresh.items():
        if not name.endswith((".xlsx", ".docx")):  # these carry the time they were made
            assert again[name].read_bytes() == path.read_bytes(), name
    assert "广西壮族自治区科学技术厅（新）" in (out / SCIENCE.replace("docx", "csv")).read_text(
        "utf-8-sig"
    )


def test_an_office_file_edited_by_hand_is_made_again(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    site(home, out)
    edited = out / FINANCE
    original = edited.read_bytes()
    edited.write_bytes(b"not a docx")
    said = site(home, out)
    assert "up to date" not in said
    made = edited.read_bytes()
    assert made != b"not a docx" and made[:2] == original[:2] == b"PK"


def test_a_state_that_cannot_be_read_means_a_whole_site(home: Path, tmp_path: Path) -> None:
    """The state is kept with marshal, in a file of its own; where it cannot be read, the site
    is made again whole (not taken as up to date), and is the same site; the collector's
    settings are as they were after."""
    import gc

    from policygraph.render.site import state
    from policygraph.store import cache

    out = tmp_path / "site"
    thresholds = gc.get_threshold()
    site(home, out)
    assert gc.get_threshold() == thresholds and gc.get_freeze_count() == 0
    where = state.location(out, cache)
    assert where is not None and where.suffix == ".state"
    kept = cache.read_marshalled(where, state.FORMAT)
    assert kept is not None and kept["files"] and kept["bundles"]
    before = {name: p.read_bytes() for name, p in files(out).items() if name.endswith(".html")}
    where.write_bytes(b"not marshal")
    said = site(home, out)
    assert "up to date" not in said
    after = {name: p.read_bytes() for name, p in files(out).items() if name.endswith(".html")}
    assert after == before


def test_the_keys_from_the_digests_read_once_are_those_read_file_by_file(home: Path) -> None:
    """The site's key and the pages' shared key and own files, from every corpus file's digest
    read once (``state.corpus_digests``), are what reading each list of files gives
    (``cache.add_files``, through the remembered digests, file by file)."""
    from policygraph.corpus import Corpus
    from policygraph.render.site import reuse, state
    from policygraph.store import cache

    def read_file_by_file(as_of: str, files: list[Path], kind: str) -> str:
        digest = state.header(None, as_of, kind)
        cache.add_files(digest, files, corpus.root)
        return str(digest.hexdigest())

    corpus = Corpus.locate(home)
    digests = state.corpus_digests(corpus, cache)
    every = corpus.files_under("data", "ontology", "queries")
    assert state.key(None, "2026-01-01", digests) == read_file_by_file("2026-01-01", every, "site")
    shorts = {"gx", "lz", "guofa-2020-7"}
    own = reuse.own_files(corpus, shorts)
    assert own and reuse.own_files(corpus, shorts, digests) == own
    mine = {p for files in own.values() for p in files}
    skip = mine | {corpus.ttl / name for name in reuse.VOLATILE}
    files = [p for p in every if p not in skip]
    names = {p.relative_to(corpus.root).as_posix() for p in mine}
    shared = reuse.shared_key(None, names, digests)
    assert shared == read_file_by_file("", files, "bundle")
