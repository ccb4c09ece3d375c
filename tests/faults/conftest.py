"""Every fault leaves the project's own corpus as it was: checked around each test here (the
tests that write get a private copy and check it themselves)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO


def _state() -> dict[Path, tuple[int, int]]:
    return {
        p: (p.stat().st_size, p.stat().st_mtime_ns)
        for top in ("data", "ontology", "queries")
        for p in (REPO / top).rglob("*")
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def corpus_untouched() -> Iterator[None]:
    before = _state()
    yield
    assert _state() == before, "a fault changed the project's corpus"
