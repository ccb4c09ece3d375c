"""The shapes parsed and compiled once (checks/kept_shapes.py, issue 24): what is kept comes
back as the compiler made it, for the project's shapes and for every shapes graph of the W3C
suites the compiler takes; any change of a shapes file, a kept file that cannot be read, the
cache off or a shape the compiler refuses means parsing and compiling."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import copy_home
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from w3c.suite import cases

from policygraph import checks
from policygraph.checks import compiled, kept_shapes, read_rdf
from policygraph.checks.shapes import NotCompiled
from policygraph.corpus import Corpus
from policygraph.store import cache


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    return copy_home(tmp_path / "home")


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every shapes graph actually compiled (not read from what was kept)."""
    ran: list[object] = []
    real = compiled.compile_each
    monkeypatch.setattr(compiled, "compile_each", lambda g: ran.append(g) or real(g))
    return ran


def _kept_and_back(
    shapes: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: Path | None = None
) -> None:
    """What is kept of ``shapes`` comes back as compiled; with ``data``, validating it with what
    came back gives the results of validating it with what was compiled (``$shapesGraph`` and
    the shapes' blank nodes, named alike in both)."""
    from rdflib import Graph

    assert isinstance(shapes, Graph)
    monkeypatch.setenv(cache.ENV_CACHE, str(tmp_path / "cache"))
    made, refused = compiled.compile_each(shapes)
    assert not refused  # (shapes the compiler refuses are not kept: below)
    kept_shapes.save("k", shapes, made)
    found = kept_shapes.load("k")
    assert found is not None
    graph, back = found
    assert back == made  # every field, the rows' queries and parameters among them
    assert sorted(graph) == sorted(shapes)  # the same triples, the same blank nodes
    assert sorted(graph.namespaces()) == sorted(shapes.namespaces())
    if data is not None:
        with_kept = checks._run(_store(data), graph, "sparql", (back, [])).results
        compiled_now = checks._run(_store(data), shapes, "sparql", (made, [])).results
        # in any order: results equal by the report's order may come in either order from the
        # checks' threads
        assert Counter(map(repr, with_kept)) == Counter(map(repr, compiled_now))


def _store(data: Path) -> object:
    import pyoxigraph as ox

    store = ox.Store()
    for t in checks.parse_files([data]):
        store.add(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    return store


def test_the_projects_shapes_come_back_as_compiled(
    home: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _kept_and_back(checks.shapes_graph(home), tmp_path, monkeypatch)


# every shapes graph of the suites, with the data of its first test, but those whose queries the
# spec forbids (an error, kept by no engine: the suite's tests with no expected report)
SHAPES = {
    c.shapes: c.data for c in reversed(cases("core") + cases("sparql")) if c.conforms is not None
}


@pytest.mark.parametrize(
    "path", sorted(SHAPES), ids=[f"{p.parent.name}/{p.name}" for p in sorted(SHAPES)]
)
def test_every_suites_shapes_come_back_as_compiled_and_validate_alike(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # the suite's ill-formed literals, on purpose
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _kept_and_back(read_rdf([path]), tmp_path, monkeypatch, SHAPES[path])
    finally:
        logging.disable(logging.NOTSET)


def test_an_unreadable_shapes_file_is_the_same_error_with_the_cache_or_without(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    from policygraph.errors import GraphSyntaxError

    (home.shapes / "more.ttl").mkdir()  # a folder: not a file that can be read
    with pytest.raises(GraphSyntaxError) as cached:
        checks.compiled_shapes(home)
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    with pytest.raises(GraphSyntaxError) as uncached:
        checks.compiled_shapes(home)
    assert cached.value.code == uncached.value.code == "turtle-unreadable"


def test_the_same_shapes_in_another_folder_are_kept_apart(tmp_path: Path) -> None:
    """A shapes file's relative IRIs are read against its own IRI: the same bytes elsewhere are
    other shapes."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "s.ttl").write_text("<#S> a <http://www.w3.org/ns/shacl#NodeShape> .")
    files = [[tmp_path / folder / "s.ttl"] for folder in ("a", "b")]
    keys = [kept_shapes.key(kept_shapes.read(f) or {}) for f in files]
    assert keys[0] != keys[1]


def test_shapes_edited_while_they_are_compiled_are_read_again(
    home: Corpus, compiles: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What is kept is what was hashed (each file read once): an edit made meanwhile is
    another key, so the next run parses and compiles the edited file."""
    real = compiled.compile_each
    path = home.shapes / "core.shapes.ttl"
    added = (URIRef("urn:edited"), RDFS.label, Literal("edited"))

    def editing(g: object) -> object:
        path.write_text(path.read_text(encoding="utf-8") + "\n<urn:edited> rdfs:label 'edited' .\n")
        return real(g)

    monkeypatch.setattr(compiled, "compile_each", editing)
    kept = (cache.directory() or Path()) / "shapes"
    during = checks.compiled_shapes(home)[0]
    assert len(list(kept.glob("*.marshal"))) == 1  # kept under the key of the bytes compiled
    monkeypatch.setattr(compiled, "compile_each", real)
    after = checks.compiled_shapes(home)[0]
    assert added not in during and added in after
    assert len(compiles) == 2 and len(list(kept.glob("*.marshal"))) == 2


def test_the_shapes_are_compiled_once(home: Corpus, compiles: list[object]) -> None:
    first = checks.compiled_shapes(home)
    again = checks.compiled_shapes(home)
    assert len(compiles) == 1
    assert again[1] == first[1] and sorted(again[0]) == sorted(first[0]) and again[2] == []


def test_a_changed_shapes_file_is_compiled_again(home: Corpus, compiles: list[object]) -> None:
    checks.compiled_shapes(home)
    path = home.shapes / "core.shapes.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    checks.compiled_shapes(home)
    assert len(compiles) == 2


def test_a_damaged_kept_file_or_the_cache_off_compiles(
    home: Corpus, compiles: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = checks.compiled_shapes(home)
    for kept_file in (cache.directory() or Path()).glob("shapes/*.marshal"):
        kept_file.write_bytes(kept_file.read_bytes()[:-1] + b"x")
    assert len(checks.compiled_shapes(home)[1]) == len(first[1])
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    checks.compiled_shapes(home)
    assert len(compiles) == 3


def test_shapes_the_compiler_refuses_are_not_kept(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = compiled.compile_each

    def refusing(g: object) -> object:
        made, _ = real(g)
        return made, [NotCompiled(made[0].shape, "refused for the test")]

    monkeypatch.setattr(compiled, "compile_each", refusing)
    assert checks.compiled_shapes(home)[2]
    assert not list((cache.directory() or Path()).glob("shapes/*.marshal"))


def test_a_validation_with_the_kept_shapes_is_the_validation(
    home: Corpus, compiles: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    checks.compiled_shapes(home)  # kept
    with_kept = checks.validate(home)
    assert len(compiles) == 1  # the validation compiled nothing
    monkeypatch.setenv(cache.ENV_CACHE, "off")
    assert checks.validate(home).results == with_kept.results
