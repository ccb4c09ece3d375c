"""The queries the views run: package resources beside the code (``views/queries/*.rq``), not the
user's catalogue in ``queries/``, so that editing a catalogue query cannot break the tool."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def query(name: str) -> str:
    """The text of the internal query ``name`` (a file of ``views/queries/``)."""
    return (resources.files("policygraph.views") / "queries" / f"{name}.rq").read_text(
        encoding="utf-8"
    )


def names() -> list[str]:
    """Every internal query, by name."""
    folder = resources.files("policygraph.views") / "queries"
    return sorted(p.name.removesuffix(".rq") for p in folder.iterdir() if p.name.endswith(".rq"))
