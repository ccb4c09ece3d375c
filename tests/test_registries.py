"""One place per vocabulary, per server and per reader (issue 28, items 2-4): each value is
defined in one module and imported everywhere else; the registries answer for every entry."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

from policygraph.rdf import formats, namespaces, roles
from policygraph.store import defaults

SRC = Path(__file__).parents[1] / "src" / "policygraph"

# Each literal value and the one module that may spell it out
ONE_PLACE: dict[object, str] = {
    namespaces.BASE: "rdf/namespaces.py",
    str(namespaces.PG): "rdf/namespaces.py",
    str(namespaces.PGSH): "rdf/namespaces.py",
    namespaces.BASE + "graph": "rdf/namespaces.py",
    defaults.DEFAULT_TIMEOUT: "store/defaults.py",
    defaults.LOAD_TIMEOUT: "store/defaults.py",
    **{f.media_type: "rdf/formats.py" for f in formats.GRAPH_FORMATS},
    **{f.oxigraph: "rdf/formats.py" for f in formats.GRAPH_FORMATS},
}


@functools.cache
def _modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if "_corpus" not in path.parts
    ]


def _copies(value: object, home: str, modules: list[tuple[str, ast.Module]]) -> list[str]:
    found = []
    for name, tree in modules:
        if name == home:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and type(node.value) is type(value)
                and node.value == value
            ):
                found.append(f"{name}:{node.lineno}")
    return found


@pytest.mark.parametrize(("value", "home"), ONE_PLACE.items(), ids=[str(v) for v in ONE_PLACE])
def test_each_value_of_the_vocabulary_is_written_in_one_module(value: object, home: str) -> None:
    assert _copies(value, home, _modules()) == [], f"{value!r} belongs in {home} only"


def test_the_role_labels_are_one_map() -> None:
    """A dict of the three roles' Chinese labels is written once (rdf/roles.py)."""
    copies = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict) and name != "rdf/roles.py":
                values = {v.value for v in node.values if isinstance(v, ast.Constant)}
                if set(roles.ROLE_ZH.values()) <= values:
                    copies.append(f"{name}:{node.lineno}")
    assert copies == []
    assert roles.ROLES == ("lead", "co-lead", "responsible")


def test_the_check_finds_a_copy() -> None:
    """The check above can fail: a module that spells the base IRI or the timeout is found."""
    copy = ("render/x.py", ast.parse('BASE = "https://w3id.org/policygraph/"\nT = 30.0\n'))
    assert _copies(namespaces.BASE, "rdf/namespaces.py", [copy]) == ["render/x.py:1"]
    assert _copies(defaults.DEFAULT_TIMEOUT, "store/defaults.py", [copy]) == ["render/x.py:2"]


def test_every_graph_format_maps_to_its_libraries() -> None:
    import pyoxigraph
    from rdflib.plugin import Serializer, get

    for f in formats.GRAPH_FORMATS:
        assert f.ox() == getattr(pyoxigraph.RdfFormat, f.oxigraph)
        assert f.ox().media_type == f.media_type
        assert get(f.rdflib, Serializer) is not None
    assert formats.BY_EXTENSION[".json"].name == "jsonld"
