"""Kept reports (checks/kept.py, issue 24): the corpus's files validated once are not validated
again (ingest validates, then `validate`, the site and CI read the same report); any change of a
file of the graph, a source text or a shape validates again; the cache off, or a kept report
that cannot be read, means validating."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_home

from policygraph import checks
from policygraph.checks import kept
from policygraph.corpus import Corpus
from policygraph.store import cache


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    return copy_home(tmp_path / "home")


def test_the_same_files_are_validated_once(home: Corpus, runs: list[object]) -> None:
    first = checks.validate(home)
    again = checks.validate(home)
    assert len(runs) == 1 and again == first
    assert first.of("Warning")  # the real corpus's source defects, kept with the report


@pytest.mark.parametrize(
    "edit",
    [
        "ontology/shapes/core.shapes.ttl",  # a shape
        "data/ttl/departments.ttl",  # the graph
    ],
)
def test_any_change_validates_again(home: Corpus, runs: list[object], edit: str) -> None:
    checks.validate(home)
    path = home.root / edit
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    checks.validate(home)
    assert len(runs) == 2


def test_another_version_of_a_library_validates_again(
    home: Corpus, runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The libraries' versions are looked up once a process (kept._versions), and are still
    part of the key: another pyshacl is another report."""
    from importlib import metadata

    checks.validate(home)
    real = metadata.version
    monkeypatch.setattr(
        metadata, "version", lambda name: "0.0-other" if name == "pyshacl" else real(name)
    )
    kept._versions.cache_clear()  # (a process with the other pyshacl installed)
    try:
        checks.validate(home)
    finally:
        kept._versions.cache_clear()
    assert len(runs) == 2


def test_a_changed_source_text_is_still_refused(home: Corpus) -> None:
    from policygraph.corpus import source_files
    from policygraph.errors import PolicyGraphError

    checks.validate(home)
    source = home.path(next(iter(source_files(home.metadata()))).file_name)
    source.write_bytes(source.read_bytes() + b" ")
    with pytest.raises(PolicyGraphError):
        checks.validate(home)


def test_the_cache_off_or_unreadable_means_validating(
    home: Corpus, runs: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    checks.validate(home)
    for kept_report in (cache.directory() or Path()).glob("reports/*.marshal"):
        kept_report.write_bytes(kept_report.read_bytes()[:-1] + b"x")  # damaged
    checks.validate(home)
    assert len(runs) == 2
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    checks.validate(home)
    checks.validate(home)
    assert len(runs) == 4
    assert kept.load(kept.key(home, "auto")) is None
