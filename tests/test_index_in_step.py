"""Issue 24, one more document: within the transaction of a refresh that brought the index up to
the corpus's snapshot, the index is compared with the files this process wrote since, not with
every file again (``checks.mentions._IN_STEP``). What it finds must be what a whole comparison
finds, written, rewritten or removed; outside such a transaction, every file is compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_home

from policygraph.checks.mentions import Mentions, data_files
from policygraph.corpus import Corpus, remove, transaction, write_atomic

NEW = b"""@prefix pg: <https://w3id.org/policygraph/ontology#> .
<https://w3id.org/policygraph/doc/test/in-step> pg:shortName "in-step" .
"""
WHOLE = "SELECT name, stamp || ' ' || sha256 FROM files"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    return copy_home(tmp_path / "home")


def opened(home: Corpus) -> tuple[Mentions, list[str]]:
    """The index, open, with the statements it runs from now on."""
    m = Mentions.open(home)
    assert m is not None
    asked: list[str] = []
    m.db.set_trace_callback(asked.append)
    return m, asked


def whole(home: Corpus) -> tuple[list[Path], list[str]]:
    """What a comparison of every file finds (outside any transaction: a snapshot of its own)."""
    m, asked = opened(home)
    try:
        return m.changed()
    finally:
        assert WHOLE in asked
        m.close()


def test_only_what_was_written_since_the_refresh_is_compared(home: Corpus) -> None:
    added = home.sources / "in-step.ttl"
    rewritten = home.sources / "sources.ttl"
    gone = sorted(home.ttl.glob("doc-*.ttl"))[0]
    with transaction(home, "test"):
        m, asked = opened(home)
        m.refresh()
        assert WHOLE in asked  # the refresh compared every file
        asked.clear()
        assert m.changed() == ([], [])  # nothing written since
        write_atomic({added: NEW, rewritten: rewritten.read_bytes() + b"\n# edited\n"})
        remove(gone)
        found = m.changed()
        assert WHOLE not in asked  # only the files written since
        assert found == (
            [rewritten, added] if rewritten < added else [added, rewritten],
            [home.relative(gone)],
        )
        m.close()
    assert whole(home) == found  # what a comparison of every file finds
    m, _ = opened(home)
    m.refresh()
    m.close()
    assert whole(home) == ([], [])


def test_a_refresh_outside_a_transaction_leaves_no_step(home: Corpus) -> None:
    m, asked = opened(home)
    m.refresh()
    edited = home.sources / "sources.ttl"
    edited.write_bytes(edited.read_bytes() + b"\n# edited by hand\n")
    asked.clear()
    assert m.changed() == ([edited], [])
    assert WHOLE in asked
    m.close()


def test_a_new_transaction_compares_every_file_again(home: Corpus) -> None:
    with transaction(home, "test"):
        m, _ = opened(home)
        m.refresh()
        m.close()
    edited = home.sources / "sources.ttl"  # by hand, between two transactions
    edited.write_bytes(edited.read_bytes() + b"\n# edited by hand\n")
    with transaction(home, "test"):
        m, asked = opened(home)
        assert m.changed() == ([edited], [])
        assert WHOLE in asked
        m.close()


def test_an_index_made_again_within_the_transaction_is_compared_whole(home: Corpus) -> None:
    """An index removed (by hand, say) and made again while a transaction holds the corpus is
    not the one its refresh brought up to the files: every file is compared with it."""
    with transaction(home, "test"):
        m, _ = opened(home)
        m.refresh()
        where = Path(m.where)
        m.close()
        for path in where.parent.glob(f"{where.name}*"):
            path.unlink()
        m, asked = opened(home)
        changed, gone = m.changed()
        assert WHOLE in asked and gone == []
        assert changed == sorted(data_files(home), key=lambda p: p.relative_to(home.root).parts)
        m.close()
