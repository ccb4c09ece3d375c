"""Query files with their header comments, and parameters bound safely into any query.

A query file starts with a header of ``# key: value`` lines::

    # title: Task-division table of a document
    # description: One row per measure ...
    # param: doc (IRI) the document; default the Guangxi measures
    # title@zh: 文件的任务分工表            (a key@zh: the same in Chinese, shown under Chinese)
    # description@zh: 每条措施一行……
    # param@zh: doc 文件
    # example: policygraph query tasks-by-measure -p doc=<https://…>
    # unordered: names      (a 、-joined GROUP_CONCAT column: SPARQL leaves its order open)

Parameters are bound as typed RDF terms (never pasted into the query text): a ``VALUES`` block
at the start of the query's WHERE group, the same on the embedded store and on any SPARQL
endpoint. So a query uses its parameters in the top-level group: a FILTER inside a nested group
(a UNION branch, a subquery) is evaluated before the join and does not see them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from policygraph.errors import InputError, QueryError
from policygraph.i18n import N_
from policygraph.rdf.terms import n3

if TYPE_CHECKING:
    from rdflib import Literal, URIRef

_HEADER = re.compile(
    r"^#\s*(?P<key>(?:title|description|param)(?:@zh)?|example|unordered)\s*:\s*(?P<value>.*)$"
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str
    description_zh: str = ""  # from ``# param@zh: name …``


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    # 、-joined columns whose order SPARQL leaves open
    unordered: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    title_zh: str = ""  # from ``# title@zh:``, shown to people under Chinese
    description_zh: str = ""

    def said(self, lang: str) -> NamedQuery:
        """The query as people read it in ``lang``: its title, description and parameters in
        that language where the header gives them."""
        if lang != "zh":
            return self
        params = [replace(p, description=p.description_zh or p.description) for p in self.params]
        title, description = self.title_zh or self.title, self.description_zh or self.description
        return replace(self, title=title, description=description, params=params)


def parse_header(name: str, path: Path, text: str) -> NamedQuery:
    keys = ("title", "description", "param", "example", "unordered")
    fields: dict[str, list[str]] = {k: [] for k in (*keys, "title@zh", "description@zh")}
    fields["param@zh"] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if m := _HEADER.match(line):
            fields[m.group("key")].append(m.group("value").strip())
    in_zh = dict(_param_words(value)[::2] for value in fields["param@zh"])
    params = [
        Param(name, kind, desc, in_zh.get(name, ""))
        for name, kind, desc in map(_param_words, fields["param"])
        if name
    ]
    unordered = [c for value in fields["unordered"] for c in value.replace(",", " ").split()]
    return NamedQuery(
        name,
        path,
        text,
        " ".join(fields["title"]),
        " ".join(fields["description"]),
        params,
        unordered,
        fields["example"],
        "".join(fields["title@zh"]),
        "".join(fields["description@zh"]),
    )


def _param_words(value: str) -> tuple[str, str, str]:
    """A ``# param:`` line's name, kind and description (``doc (IRI) the document``); the name
    is empty where the line names none."""
    pm = re.match(r"\??(?P<name>\w+)\s*(\((?P<kind>[^)]*)\))?\s*(?P<desc>.*)", value)
    if pm is None:
        return "", "", ""
    return pm.group("name"), pm.group("kind") or "", pm.group("desc")


def list_queries(directory: Path) -> list[NamedQuery]:
    """Every ``.rq`` file of ``directory``, by name."""
    return [load_file(p) for p in sorted(directory.glob("*.rq"))]


def load_file(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(
            N_("{path}: cannot read query ({reason})"),
            code="query-unreadable",
            path=path,
            reason=exc.strerror,
        ) from exc
    except UnicodeDecodeError as exc:
        raise QueryError(
            N_("{path}: not UTF-8 (byte {byte}); save the query as UTF-8"),
            code="query-not-utf8",
            path=path,
            byte=exc.start,
        ) from exc
    return parse_header(path.stem, path, text)


def load(directory: Path, name: str) -> NamedQuery:
    """A query of the catalogue in ``directory`` by name (``coverage-gaps``), or an ``.rq`` file."""
    path = directory / f"{name}.rq"
    if path.is_file():
        return load_file(path)
    candidate = Path(name)
    if candidate.suffix == ".rq" or candidate.is_file():
        return load_file(candidate)
    known = ", ".join(q.name for q in list_queries(directory))
    raise QueryError(
        N_("no query named {name} in {directory} (known: {known})"),
        code="query-not-found",
        name=repr(name),
        directory=directory,
        known=known,
    )


def query_type(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after comments and the prologue."""
    body = "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    m = re.match(r"(?i)\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body)
    if m is None:
        if re.match(r"(?i)\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", body):
            raise QueryError(
                N_(
                    "an update: policygraph query only reads (SELECT, ASK, CONSTRUCT, DESCRIBE); "
                    "policygraph load replaces the graph on a server"
                ),
                code="query-update",
            )
        raise QueryError(
            N_("not a query: SELECT, ASK, CONSTRUCT or DESCRIBE expected"), code="not-a-query"
        )
    return m.group(1).upper()


# --- safe parameter binding ------------------------------------------------------------------


def term_sparql(term: object) -> str:
    """A term as SPARQL text: IRIs checked, literals escaped. The only way values enter a query."""
    from rdflib import Literal, URIRef

    if isinstance(term, (URIRef, Literal)):
        try:
            return n3(term)
        except InputError as exc:
            raise QueryError(exc.template, code=exc.code, **exc.params) from exc
    raise QueryError(
        N_("cannot bind {term}: only IRIs and literals can be bound"),
        code="bind-term",
        term=repr(term),
    )


_IRIREF = re.compile(r"<[^\s<>\"{}|^`]*>")


def _skip(text: str, i: int) -> int:
    """Where scanning resumes when a comment, string or IRI starts at ``i`` (else ``i``)."""
    ch, n = text[i], len(text)
    if ch == "#":
        end = text.find("\n", i)
        return n if end < 0 else end
    if ch in "\"'":
        long = text.startswith(ch * 3, i)
        end = text.find(ch * 3 if long else ch, i + (3 if long else 1))
        while end > 0 and not long and text[end - 1] == "\\":
            end = text.find(ch, end + 1)
        return n if end < 0 else end + (3 if long else 1)
    if ch == "<" and _IRIREF.match(text, i):
        return text.find(">", i) + 1
    return i


def without_comments(text: str) -> str:
    """``text`` with its comments taken out (a ``#`` inside a string or an IRI is not one)."""
    out, i, n = [], 0, len(text)
    while i < n:
        after = _skip(text, i)
        if after != i:
            if text[i] != "#":
                out.append(text[i:after])
            i = after
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def keywords(text: str) -> set[str]:
    """The words of the query's own syntax, upper-cased: comments, strings, IRIs, variables and
    prefixed names skipped (so ``"SERVICE"`` or ``ex:service`` is not the keyword)."""
    found, i, n = set(), 0, len(text)
    while i < n:
        after = _skip(text, i)
        if after != i:
            i = after
            continue
        m = _WORD.match(text, i)
        if m is None:
            i += 1
            continue
        before = text[i - 1 : i]
        if before not in ("?", "$", ":") and not text.startswith(":", m.end()):
            found.add(m.group(0).upper())
        i = m.end()
    return found


_WORD = re.compile(r"[A-Za-z_][\w-]*")


def where_brace(text: str) -> int:
    """Index of the '{' that opens the query's top-level WHERE group (comments, strings and
    IRIs skipped)."""
    i, seen_where, first_brace = 0, False, -1
    while i < len(text):
        after = _skip(text, i)
        if after != i:
            i = after
            continue
        if text[i : i + 5].upper() == "WHERE" and not text[i - 1 : i].isalnum():
            seen_where = True
        if text[i] == "{":
            if seen_where:
                return i
            first_brace = i if first_brace < 0 else first_brace
        i += 1
    if first_brace < 0:
        raise QueryError(N_("query has no WHERE clause to bind parameters in"), code="no-where")
    return first_brace


@functools.cache
def internal(name: str) -> str:
    """The text of the store's own query ``name``: a file of ``store/queries/`` (package
    resources, as the views' queries are in ``views/queries/``)."""
    from importlib import resources

    folder = resources.files("policygraph.store") / "queries"
    return (folder / f"{name}.rq").read_text(encoding="utf-8")


def bind(text: str, bindings: Mapping[str, object] | None) -> str:
    """The query with each parameter bound by a VALUES block at the start of its WHERE group;
    a tuple of values binds the parameter to each of them (one row each: a whole chain's cards
    in one query).

    Values are serialised as RDF terms (escaped), so no value can change the query's structure.
    """
    if not bindings:
        return text
    for name in bindings:
        if not _NAME.fullmatch(name):
            raise QueryError(
                N_("not a valid variable name: {name}"), code="variable-name", name=repr(name)
            )
    single = sorted(n for n, v in bindings.items() if not isinstance(v, tuple))
    blocks = []
    if single:
        values = " ".join(term_sparql(bindings[n]) for n in single)
        blocks.append(f"VALUES ({' '.join('?' + n for n in single)}) {{ ({values}) }}")
    for name in sorted(n for n, v in bindings.items() if isinstance(v, tuple)):
        many = bindings[name]
        assert isinstance(many, tuple)
        blocks.append(f"VALUES ?{name} {{ {' '.join(term_sparql(v) for v in many)} }}")
    at = where_brace(text) + 1
    return text[:at] + "".join(f"\n  {b}\n" for b in blocks) + text[at:]


# --- checked parameters ---------------------------------------------------------------------

_PREFIXED = re.compile(r"(?P<prefix>[A-Za-z][\w-]*):(?P<local>[^\s<>\"{}|^`\\]*)")
_REFERENCE = re.compile(
    r"[^:：<>\s]+[:：](\d+\.)?\d+"
)  # a provision: gx:11, 桂政办发〔2021〕81号:11


def check_params(
    q: NamedQuery,
    specs: list[str],
    resolve: Callable[[str], URIRef | None] | None = None,
) -> dict[str, URIRef | Literal]:
    """The ``--param name=value`` of a query, checked against what its header declares.

    A name the query does not declare, a declared one left out, or a value that is not of the
    declared kind is a QueryError naming the parameter and what it takes. An IRI is written
    ``<https://…>``, bare ``https://…``, prefixed (``pg:Lead``, with the project's prefixes) or
    as a reference ``resolve`` knows (``gx:27``); a literal as ``parse_param`` reads it. A query
    that declares nothing (stdin, a file without a header) takes any parameter, typed by its form.
    """
    from policygraph.store.results import parse_param

    given = [parse_param(spec) for spec in specs]
    declared = {p.name: p for p in q.params}
    if not declared:
        return dict(given)
    takes = ", ".join(f"{p.name} ({p.kind})" for p in q.params)
    values: dict[str, URIRef | Literal] = {}
    for (name, term), spec in zip(given, specs, strict=True):
        if name not in declared:
            raise QueryError(
                N_("{query} has no parameter {name}: it takes {takes}"),
                code="param-unknown",
                query=q.name,
                name=repr(name),
                takes=takes,
            )
        raw = spec.split("=", 1)[1].strip()
        values[name] = _as_kind(q.name, declared[name], raw, term, resolve)
    missing = [p for p in q.params if p.name not in values and "optional" not in p.kind]
    if missing:
        p = missing[0]
        raise QueryError(
            N_("{query} needs the parameter {name}=… ({kind}: {description})"),
            code="param",
            query=q.name,
            name=p.name,
            kind=p.kind,
            description=p.description,
        )
    return values


def _as_kind(
    query_name: str,
    param: Param,
    raw: str,
    term: URIRef | Literal,
    resolve: Callable[[str], URIRef | None] | None,
) -> URIRef | Literal:
    from rdflib import URIRef

    from policygraph.rdf import PREFIXES

    if not param.kind.lower().startswith("iri"):
        return term
    if isinstance(term, URIRef):
        return term
    if re.fullmatch(r"https?://[^\s<>\"{}|^`\\]+", raw):
        return URIRef(raw)
    m = _PREFIXED.fullmatch(raw)
    if m and m["prefix"] in PREFIXES and not raw.startswith("<"):
        return URIRef(str(PREFIXES[m["prefix"]]) + m["local"])
    found = resolve(raw) if resolve is not None and _REFERENCE.fullmatch(raw) else None
    if found is not None:
        return found
    raise QueryError(
        N_(
            "{query}: the parameter {name} takes an IRI (<https://…>, a prefixed name such as "
            "pg:Lead, or a provision such as gx:11), not {raw}"
        ),
        code="param",
        query=query_name,
        name=param.name,
        raw=repr(raw),
    )


def with_prefixes(text: str) -> str:
    """The query with a PREFIX declaration added for each project prefix it uses undeclared; a
    prefix neither declared nor the project's is a QueryError naming it."""
    from policygraph.rdf import PREFIXES

    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    body = re.sub(
        r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>',
        " ",
        body,
    )
    declared = set(re.findall(r"(?i)PREFIX\s+([\w-]*):", body))
    used = set(re.findall(r"(?<![\w:/<?$])([A-Za-z][\w-]*):(?=[\w-])", body))
    unknown = sorted(p for p in used - declared if p not in PREFIXES)
    if unknown:
        raise QueryError(
            N_(
                "unknown prefix {prefix}: (declare it with PREFIX {prefix}: <…>; the project's "
                "are {known})"
            ),
            code="unknown-prefix",
            prefix=unknown[0],
            known=", ".join(sorted(PREFIXES)),
        )
    missing = sorted(p for p in used - declared if p in PREFIXES)
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text
