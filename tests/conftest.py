"""Shared fixtures. Tests never depend on the working directory or on a build having run:
the real corpus home is found from this file, and tests that write get a private copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policygraph.corpus import Corpus
from policygraph.store import open_store
from policygraph.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

GX = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
LZ = "https://w3id.org/policygraph/eli/cn-gx-liuzhou/liuzhenggui/2021/18"
CN = "https://w3id.org/policygraph/eli/cn/guofa/2020/7"
DEPT = "https://w3id.org/policygraph/org/"


@pytest.fixture(scope="session")
def home() -> Corpus:
    return Corpus.locate(REPO)


@pytest.fixture(scope="session")
def store(home: Corpus) -> EmbeddedStore:
    return open_store(home)


def copy_home(dest: Path, source: Path = REPO) -> Corpus:
    """A private copy of a corpus home (data, ontology, queries, docs): the project's, or
    ``source``."""
    for name in ("data", "ontology", "queries", "docs"):
        if (source / name).exists():
            shutil.copytree(source / name, dest / name)
    return Corpus.locate(dest)


@pytest.fixture
def tmp_home(tmp_path: Path) -> Corpus:
    return copy_home(tmp_path / "home")


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.ttl"))}


# The keys of the staff tables, in column order: their csv carries the Chinese headers.
TASK_KEYS = ["document", "seq", "number", "title", "lead", "co_lead", "responsible", "deadline"]
DEPT_KEYS = [
    "document",
    "department",
    "names_in_document",
    "leads",
    "co_leads",
    "lead_measures",
    "co_lead_measures",
]
ASSIGNMENT_KEYS = [
    "department",
    "document",
    "number",
    "title",
    "role",
    "written",
    "via",
    "deadline",
]


def staff_csv(text: str, keys: list[str]) -> list[dict[str, str]]:
    """The rows of a staff table's csv, by key (its header row is the headers people read)."""
    import csv
    import io

    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(header) == len(keys), header
    return [dict(zip(keys, r, strict=True)) for r in rows]
