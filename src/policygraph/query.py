"""Named queries: the ``.rq`` files of ``queries/`` with their header comments.

A query file starts with a header of ``# key: value`` lines::

    # title: Task-division table of a document
    # description: One row per measure ...
    # param: doc (IRI) the document; default the Guangxi measures
    # unordered: names      (a 、-joined GROUP_CONCAT column: SPARQL leaves its order open)

Parameters are bound as typed RDF terms (never pasted into the query text): a ``VALUES`` block
at the start of the query's WHERE group, the same on the embedded store and on any SPARQL
endpoint. So a query uses its parameters in the top-level group: a FILTER inside a nested group
(a UNION branch, a subquery) is evaluated before the join and does not see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.errors import QueryError
from policygraph.paths import Home

_HEADER = re.compile(r"^#\s*(?P<key>title|description|param|unordered)\s*:\s*(?P<value>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    unordered: list[str] = field(
        default_factory=list
    )  # 、-joined columns whose order SPARQL leaves open


def parse_header(name: str, path: Path, text: str) -> NamedQuery:
    title = ""
    description: list[str] = []
    params: list[Param] = []
    unordered: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group("key"), m.group("value").strip()
        if key == "title":
            title = value
        elif key == "description":
            description.append(value)
        elif key == "unordered":
            unordered += value.replace(",", " ").split()
        else:
            pm = re.match(r"\??(?P<name>\w+)\s*(\((?P<kind>[^)]*)\))?\s*(?P<desc>.*)", value)
            if pm:
                params.append(Param(pm.group("name"), pm.group("kind") or "", pm.group("desc")))
    return NamedQuery(name, path, text, title, " ".join(description), params, unordered)


def list_queries(home: Home) -> list[NamedQuery]:
    return [load_file(p) for p in sorted(home.queries.glob("*.rq"))]


def load_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read query ({exc.strerror})") from exc
    return parse_header(path.stem, path, text)


def load(home: Home, name: str) -> NamedQuery:
    """A query of the library by name (``tasks-by-measure``) or a path to an ``.rq`` file."""
    path = home.queries / f"{name}.rq"
    if path.is_file():
        return load_file(path)
    candidate = Path(name)
    if candidate.suffix == ".rq" or candidate.is_file():
        return load_file(candidate)
    known = ", ".join(q.name for q in list_queries(home))
    raise QueryError(f"no query named {name!r} in {home.queries} (known: {known})")


# --- safe parameter binding ------------------------------------------------------------------

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def term_sparql(term: object) -> str:
    """A term as SPARQL text: IRIs checked, literals escaped. The only way values enter a query."""
    from rdflib import Literal, URIRef

    from policygraph.turtle import n3

    if isinstance(term, URIRef):
        if _IRI_FORBIDDEN.search(str(term)) or ":" not in str(term):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
        return f"<{term}>"
    if isinstance(term, Literal):
        return n3(term)
    raise QueryError(f"cannot bind {term!r}: only IRIs and literals can be bound")


def where_brace(text: str) -> int:
    """Index of the '{' that opens the query's top-level WHERE group (comments, strings and
    IRIs skipped)."""
    i, n, seen_where, first_brace = 0, len(text), False, -1
    while i < n:
        ch = text[i]
        if ch == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        if ch in "\"'":
            long = text.startswith(ch * 3, i)
            end = text.find(ch * 3 if long else ch, i + (3 if long else 1))
            while end > 0 and not long and text[end - 1] == "\\":
                end = text.find(ch, end + 1)
            i = n if end < 0 else end + (3 if long else 1)
            continue
        if ch == "<" and re.match(r"<[^\s<>\"{}|^`]*>", text[i:]):
            i = text.find(">", i) + 1
            continue
        if text[i : i + 5].upper() == "WHERE" and not text[i - 1 : i].isalnum():
            seen_where = True
        if ch == "{":
            if seen_where:
                return i
            if first_brace < 0:
                first_brace = i
        i += 1
    if first_brace < 0:
        raise QueryError("query has no WHERE clause to bind parameters in")
    return first_brace


def bind(text: str, bindings: dict[str, object] | None) -> str:
    """The query with each parameter bound by a VALUES block at the start of its WHERE group.

    Values are serialised as RDF terms (escaped), so no value can change the query's structure.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"not a valid variable name: {name!r}")
    values = " ".join(term_sparql(bindings[n]) for n in names)
    block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}\n"
    at = where_brace(text) + 1
    return text[:at] + block + text[at:]
