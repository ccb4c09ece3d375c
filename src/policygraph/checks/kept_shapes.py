"""The shapes of a corpus, parsed and compiled, kept between runs.

Every validation read the shapes of ``ontology/shapes/`` into rdflib and compiled them
(``compiled.compile_each``): 0.15 s of each run, of one more document's ingest among them, for
shapes that change with a release. They are kept in the cache directory (``store.cache``),
marshalled, under a digest of policygraph's code, the versions of the libraries that read them
and every shapes file's name and bytes: the graph (its terms, each once, its blank nodes by the
labels the checks name them by, its triples and its prefixes) and each check's fields, its rows
(``sparql_based``: values, not closures) among them. A change to any of them is another digest;
shapes the compiler refuses, even in part, are not kept; the cache off, or a kept file that
cannot be read, means parsing and compiling.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

from policygraph.checks.compiled import Check
from policygraph.checks.kept import of_code, prune
from policygraph.checks.sparql_based import AskRows, NativeRows, SelectRows
from policygraph.store import cache

FORMAT = "1"  # bumped when what is kept changes
KEEP = 4  # shapes kept; the ones used longest ago are removed
LIBRARIES = ("rdflib", "pyoxigraph")
_ROWS = {kind.__name__: kind for kind in (NativeRows, SelectRows, AskRows)}


def read(files: list[Path]) -> dict[Path, bytes] | None:
    """Each shapes file's bytes, read once: hashed for the key, then parsed, so what is kept is
    what was hashed, whatever is written meanwhile; None where a file cannot be read (parsing
    it then says why, as without the cache)."""
    try:
        return {path: path.read_bytes() for path in files}
    except OSError:
        return None


def key(given: dict[Path, bytes]) -> str:
    """The digest the shapes files ``given`` (their bytes, by file) are kept under: each file's
    bytes and the IRI its relative IRIs are read against (its own); "" with the cache off."""
    if cache.directory() is None:
        return ""
    digest = of_code(f"policygraph shapes {FORMAT}", LIBRARIES)
    for path, data in given.items():
        sha = hashlib.sha256(data).hexdigest()
        digest.update(f"{path.resolve().as_uri()}\0{sha}\n".encode())
    return digest.hexdigest()


def _where(shapes_key: str) -> Path | None:
    top = cache.directory()
    return top / "shapes" / f"{shapes_key}.marshal" if top is not None and shapes_key else None


def load(shapes_key: str) -> tuple[Graph, list[Check]] | None:
    """The shapes graph and its checks kept under ``shapes_key``, or None."""
    path = _where(shapes_key)
    found = cache.read_marshalled(path, FORMAT)
    if found is None or path is None:
        return None
    try:
        terms = [_term(t) for t in found["terms"]]
        at = found["triples"]
        graph = Graph(bind_namespaces="none")
        graph.addN(
            (terms[at[i]], terms[at[i + 1]], terms[at[i + 2]], graph) for i in range(0, len(at), 3)
        )
        for prefix, namespace in found["prefixes"]:
            graph.bind(prefix, URIRef(namespace), override=True, replace=True)
        checks = [Check(**{k: _value(v, terms) for k, v in c.items()}) for c in found["checks"]]
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # unreadable: parsed and compiled again
    with contextlib.suppress(OSError):
        os.utime(str(path))  # used now: pruning removes those used longest ago
    return graph, checks


def save(shapes_key: str, graph: Graph, checks: list[Check]) -> None:
    """Keep ``graph`` and its ``checks`` in one step; a check holding what cannot be kept, or a
    cache that cannot be written, only means compiling again next time."""
    path = _where(shapes_key)
    if path is None:
        return
    index: dict[Any, int] = {}
    triples: list[int] = []
    try:
        for triple in graph:
            triples += [index.setdefault(t, len(index)) for t in triple]
        fields = dataclasses.fields(Check)
        made = [{f.name: _kept(getattr(c, f.name), index) for f in fields} for c in checks]
        body = {
            "format": FORMAT,
            "terms": [_kept_term(t) for t in index],  # (the checks' own terms among them)
            "triples": triples,
            "prefixes": [[prefix, str(namespace)] for prefix, namespace in graph.namespaces()],
            "checks": made,
        }
    except ValueError:
        return
    cache.keep_marshalled(path, body)
    with contextlib.suppress(OSError):
        prune(path.parent, KEEP)


def _kept_term(term: Any) -> tuple[str, ...]:
    if isinstance(term, URIRef):
        return ("u", str(term))
    if isinstance(term, BNode):
        return ("b", str(term))
    if isinstance(term, Literal):
        return ("l", str(term), term.language or "", str(term.datatype or ""))
    raise ValueError(f"not a term of a shapes graph: {term!r}")


def _term(kept: tuple[str, ...]) -> Identifier:
    kind, text = kept[0], kept[1]
    if kind == "u":
        return URIRef(text)
    if kind == "b":
        return BNode(text)
    if kind == "l" and kept[2]:
        return Literal(text, lang=kept[2])
    if kind == "l":
        return (
            Literal(text, datatype=URIRef(kept[3]), normalize=False) if kept[3] else Literal(text)
        )
    raise ValueError(f"not a kept term: {kept!r}")


def _kept(value: Any, index: dict[Any, int]) -> Any:
    """A check's field as marshal keeps it: a term as its number in ``index`` (in a tuple of
    one), a tuple as a list, rows as a dict naming their kind; a value of any other kind is
    refused (ValueError)."""
    if isinstance(value, Identifier):  # (before str: a URIRef is one)
        _kept_term(value)  # (a term of another kind refused now)
        return (index.setdefault(value, len(index)),)
    if isinstance(value, tuple):
        return [_kept(v, index) for v in value]
    if type(value) in _ROWS.values():
        fields = dataclasses.fields(value)
        said = {f.name: _kept(getattr(value, f.name), index) for f in fields}
        return {"rows": type(value).__name__} | said
    if value is None or type(value) in (bool, int, str):
        return value
    raise ValueError(f"a compiled check holds what cannot be kept: {value!r}")


def _value(kept: Any, terms: list[Identifier]) -> Any:
    if isinstance(kept, tuple):
        return terms[kept[0]]
    if isinstance(kept, list):
        return tuple(_value(v, terms) for v in kept)
    if isinstance(kept, dict):
        fields = {k: _value(v, terms) for k, v in kept.items() if k != "rows"}
        return _ROWS[kept["rows"]](**fields)
    return kept
