"""A SPARQL 1.1 endpoint as a store, and loading the graph onto one.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol, JSON results for SELECT and
ASK, Turtle for CONSTRUCT and DESCRIBE). Loading replaces a graph so that readers see the old
graph or the new one, never half of it (:func:`load_data` says how; a large dataset goes in
parts into a staging graph, :func:`load`); the triple count is checked afterwards.
Credentials, timeouts and errors: :mod:`policygraph.store.http`.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal, URIRef

from policygraph.errors import EndpointError, InputError, QueryError
from policygraph.i18n import N_
from policygraph.rdf.formats import NTRIPLES as _NT
from policygraph.rdf.namespaces import BASE
from policygraph.store.defaults import DEFAULT_TIMEOUT, MAX_BYTES
from policygraph.store.http import exchange, run_sparql, send
from policygraph.store.profiles import GENERIC, OXIGRAPH, Profile, recognise
from policygraph.store.results import Answer, Bound, Rows
from policygraph.store.sparql import bind, internal, query_type, without_comments
from policygraph.text.notes import Note

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Identifier

    from policygraph.corpus import Corpus
    from policygraph.store.parts import Stream

DEFAULT_GRAPH = BASE + "graph"


def sibling(endpoint: str, name: str) -> str:
    """An endpoint next to a query endpoint as a generic server names it (.../query ->
    .../update); a server's own names: :meth:`Profile.endpoints`."""
    return GENERIC.beside(endpoint, name)


class RemoteStore:
    """A SPARQL 1.1 endpoint, queried with the same query files and bindings as the embedded store."""

    def __init__(
        self,
        endpoint: str,
        graph: str | None = DEFAULT_GRAPH,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = MAX_BYTES,
        server: Profile | None = None,
    ) -> None:
        if not re.match(r"https?://", endpoint):
            raise InputError(
                N_("not an http(s) endpoint URL: {endpoint}"),
                code="endpoint-url",
                endpoint=repr(endpoint),
            )
        self.location = endpoint
        self.endpoint, self.graph, self.timeout = endpoint, graph, timeout
        self.max_bytes = max_bytes  # the largest answer read
        self.server = server  # the server's profile: named, else recognised when needed

    def profile(self) -> Profile:
        """The server's profile: as named, else recognised by its answer's ``Server`` header."""
        if self.server is None:
            self.server = recognise(software(self.endpoint, self.timeout))
        return self.server

    def select(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Rows:
        answer = self.query(sparql, bindings)
        if isinstance(answer, bool):
            return Rows(["boolean"], [(Literal(answer),)])
        if not isinstance(answer, Rows):
            raise QueryError(N_("expected a SELECT query"), code="not-select")
        return answer

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Answer:
        """Any query: Rows for SELECT, a bool for ASK, a Graph for CONSTRUCT and DESCRIBE."""
        kind = query_type(sparql)
        text = "\n".join(
            line
            for line in bind(sparql, dict(bindings) if bindings else None).splitlines()
            if not line.lstrip().startswith("#")
        )
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(text, kind)
        data = self.request(text, kind)
        if "boolean" in data:
            return bool(data["boolean"])
        variables = list(data.get("head", {}).get("vars", []))
        answered: list[dict[str, Any]] = data.get("results", {}).get("bindings", [])
        if variables or answered:  # an empty answer naming nothing leaves nothing unread
            _check_variables(self.endpoint, text, variables)
        term = _Terms()
        rows = [tuple(term(b.get(v)) for v in variables) for b in answered]
        return Rows(variables, rows)

    def _prepare(self, sparql: str, kind: str, fmt: str) -> Callable[[Any], None]:
        def prepare(sw: Any) -> None:
            sw.setQuery(sparql)
            sw.queryType = kind  # its own sniffing matches keywords inside words
            sw.setReturnFormat(fmt)
            if self.graph:
                sw.addDefaultGraph(self.graph)

        return prepare

    def request(self, sparql: str, kind: str = "SELECT") -> dict[str, Any]:
        """Run a SELECT or ASK and return the SPARQL 1.1 JSON results."""
        from SPARQLWrapper import JSON

        prepare = self._prepare(sparql, kind, JSON)
        result = run_sparql(
            self.endpoint, self.timeout, prepare, lambda sw: sw.queryAndConvert(), self.max_bytes
        )
        if not isinstance(result, dict):
            raise _not_json(self.endpoint)
        return result

    def _graph(self, sparql: str, kind: str) -> Graph:
        from rdflib import Graph
        from SPARQLWrapper import TURTLE

        from policygraph.rdf import bind_prefixes

        prepare = self._prepare(sparql, kind, TURTLE)
        data = run_sparql(
            self.endpoint,
            self.timeout,
            prepare,
            lambda sw: sw.query().response.read(),
            self.max_bytes,
        )
        g = bind_prefixes(Graph())
        try:
            g.parse(data=data, format="turtle")  # N-Triples is Turtle too
        except Exception as exc:  # rdflib raises several types for a body it cannot read
            raise EndpointError(
                N_("{endpoint} did not answer with RDF: {reason}"),
                code="not-rdf",
                endpoint=self.endpoint,
                reason=str(exc),
            ) from exc
        return g

    def update(self, sparql: str, endpoint: str | None = None) -> None:
        """Run a SPARQL 1.1 Update on ``endpoint`` (default: the server's update endpoint beside
        this one)."""
        url = endpoint or self.profile().endpoints(self.endpoint).update
        run_sparql(url, self.timeout, lambda sw: sw.setQuery(sparql), lambda sw: sw.query())


_SELECT = re.compile(r"\bSELECT\b(?P<head>.*?)(?:\bWHERE\b|\{|\bFROM\b)", re.I | re.S)


def projected(sparql: str) -> list[str] | None:
    """The variables a SELECT query's outermost projection names (``?a (COUNT(?b) AS ?n)`` → a,
    n); None for ``SELECT *`` or what cannot be told."""
    body = without_comments(sparql)
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    m = _SELECT.match(body.lstrip())
    if m is None:
        return None
    head = m.group("head")
    named = re.findall(r"\bAS\s+[?$](\w+)", head, re.I)
    while (bare := re.sub(r"\([^()]*\)", " ", head)) != head:
        head = bare
    if "*" in head:
        return None
    return re.findall(r"[?$](\w+)", head) + named


def _check_variables(endpoint: str, sparql: str, got: list[str]) -> None:
    """An answer must name the variables the query selects (a server answering others would
    leave every value unread)."""
    expected = projected(sparql) if query_type(sparql) == "SELECT" else None
    if expected is not None and not set(expected) <= set(got):
        raise EndpointError(
            N_(
                "{endpoint} answered with the variables {got}, not those the query selects: {expected}"
            ),
            code="endpoint-variables",
            endpoint=endpoint,
            got=", ".join(got) or "none",
            expected=", ".join(expected),
        )


def check_holds_documents(store: RemoteStore) -> None:
    """An EndpointError when the graph the store reads holds no policygraph document (not
    loaded yet, or another graph named): the tables would be empty, which looks like an answer."""
    if not store.query(internal("holds-documents")):
        where = graph_label(store.graph)
        raise EndpointError(
            N_("{endpoint}: {where} holds no policygraph document; put the graph there first"),
            code="empty-endpoint",
            endpoint=store.endpoint,
            where=where,
        )


class _Terms:
    """Each distinct term of one answer converted once (rdflib checks every IRI and literal it
    makes: the task table of every document at 10^6, 71,148 rows, repeats a few thousand
    departments and roles)."""

    def __init__(self) -> None:
        self.made: dict[tuple[str | None, ...], Identifier | None] = {}

    def __call__(self, value: Mapping[str, str] | None) -> Identifier | None:
        if value is None:
            return None
        key = (value.get("type"), value.get("value"), value.get("xml:lang"), value.get("datatype"))
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = _term(value)
        return made


def _term(value: Mapping[str, str] | None) -> Identifier | None:
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if "xml:lang" in value:
        return Literal(text, lang=value["xml:lang"])
    datatype = value.get("datatype")
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


@dataclass(frozen=True)
class Loaded:
    """What a load did: the triples the graph now holds (checked), and whether the server is
    known to have shown its readers the old graph or the new one only, never a part."""

    count: int
    software: str
    atomic: bool

    @property
    def warning(self) -> Note | None:
        """For a server not known to apply a whole update at once: what its readers may have
        seen. Virtuoso 7.2 (measured at 10^6 triples) commits a Graph Store PUT in parts of
        ~160,000 triples and a MOVE as it goes; a transactional update of that size (``DEFINE
        sql:log-enable 1``) with a reader running stalled on lock waits."""
        if self.atomic:
            return None
        server = self.software.split(" ")[0]
        if not server:
            template = N_(
                "readers may have seen part of the graph while it loaded: the server is not known "
                "to apply a whole update at once (Virtuoso 7.2 commits large ones in parts)"
            )
        else:
            template = N_(
                "readers may have seen part of the graph while it loaded: {server} is not known "
                "to apply a whole update at once (Virtuoso 7.2 commits large ones in parts)"
            )
        return Note("load-not-atomic", template, {"server": server})


Progress = Callable[[int, int], None]  # told the bytes of Turtle read so far, and of all


def load(
    corpus: Corpus,
    endpoint: str,
    graph: str | None = DEFAULT_GRAPH,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    server: Profile | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """Replace the graph on the server with what ``export`` writes of ``corpus`` (every part of
    the graph and the dataset's description, in one graph; options as :func:`load_data`): what
    the ``load`` command does, and what the benchmark times. A dataset whose Turtle is larger
    than the server's profile says (``whole_bytes``) is never built in memory: it is read file by
    file and sent in parts of ``part_bytes`` (:mod:`policygraph.store.parts`) into a fresh
    staging graph, which one ``MOVE`` puts onto the target once it holds every triple; whatever
    stops it before (a part refused, the server gone, Ctrl-C, a file that does not parse) leaves
    the target as it was and drops the staging graph. ``progress`` hears how far it has read."""
    from policygraph.store import parts

    job = _prepare(endpoint, graph, update_endpoint, store_endpoint, timeout, server)
    if parts.size(corpus) > job.plan.profile.whole_bytes:
        return job.in_parts(parts.Stream(corpus, job.plan.profile.part_bytes), progress)
    from policygraph.store.dataset import dataset, ntriples

    data, count = ntriples(dataset(corpus))
    return job.whole(data, count)


def load_data(
    data: bytes,
    count: int,
    endpoint: str,
    graph: str | None = DEFAULT_GRAPH,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    server: Profile | None = None,
) -> Loaded:
    """Replace ``graph`` on the server (None: its default graph) with the N-Triples ``data``
    (``count`` distinct triples) so that readers see the old graph or the new one, never half of
    it, where the server applies each request at once (Oxigraph; others are not known to, which
    the result says); the triple count is checked. The cheapest of three ways:

    - the target holds triples: the difference, read against the server's copy, as one update
      (``DELETE DATA`` + ``INSERT DATA``, one transaction), when it is small;
    - the target is empty on a server that takes a whole graph in one atomic request
      (Oxigraph, see :func:`atomic_upload`): that request, onto the target;
    - otherwise: a fresh staging graph filled (atomically where the server can), ``MOVE``d onto
      the target in one update.

    Staging graphs are dropped on every path, and stale ones (of a load that died) at the start
    of the next. When a request fails or times out on the client's side, the target is counted
    again: the error says what the server ended up holding (it may have finished).

    ``server``: the server's profile (None: recognised by its ``Server`` header), which says
    its update and Graph Store endpoints (unless given) and how it takes a whole graph."""
    job = _prepare(endpoint, graph, update_endpoint, store_endpoint, timeout, server)
    return job.whole(data, count)


def _prepare(
    endpoint: str,
    graph: str | None,
    update_endpoint: str | None,
    store_endpoint: str | None,
    timeout: float,
    server: Profile | None,
) -> _Job:
    """The load of ``graph`` on ``endpoint``: the server asked what it holds and which it is,
    and the staging graphs of loads that died dropped."""
    from policygraph.rdf.terms import check_iri

    if graph is not None:
        check_iri(graph)
    held, software = _count_and_software(endpoint, graph, timeout)
    profile = server or recognise(software)
    ends = profile.endpoints(endpoint)
    store = RemoteStore(endpoint, graph=None, timeout=timeout, server=profile)
    plan = _Load(store, graph, store_endpoint or ends.store, update_endpoint or ends.update)
    _drop_stale(store, plan.staged_under, plan.update_url)
    return _Job(plan, held, software)


@dataclass
class _Job:
    """One load under way: its plan, what the target held before, the server's software."""

    plan: _Load
    held: int
    software: str

    def whole(self, data: bytes, count: int) -> Loaded:
        """The dataset as one body (:func:`load_data`)."""
        plan, graph = self.plan, self.plan.graph
        upload = plan.profile.upload(self.software)
        try:
            if not (self.held and plan.by_difference(data)):
                if self.held == 0 and upload:
                    plan.upload(graph, data, upload)
                else:
                    plan.staged(data, upload or "put")
        except EndpointError as exc:
            plan.drop_staging()
            raise _failed_load(exc, _count(plan.server, graph), graph, count) from exc
        return self.checked(count)

    def in_parts(self, stream: Stream, progress: Progress | None) -> Loaded:
        """The dataset read and sent in parts (:func:`load`)."""
        plan = self.plan
        try:
            plan.parts(stream, plan.profile.upload(self.software), progress)
        except EndpointError as exc:
            plan.drop_staging()
            now = _count(plan.server, plan.graph)
            raise _failed_load(exc, now, plan.graph, stream.count or -1) from exc
        except BaseException:  # Ctrl-C, a file that does not parse: the target as it was
            plan.drop_staging()
            raise
        return self.checked(stream.count)

    def checked(self, count: int) -> Loaded:
        """What the load did, once the target holds ``count`` triples (else an error)."""
        plan = self.plan
        on_server = _count(plan.server, plan.graph)
        if on_server != count:
            raise _miscounted(plan.server.endpoint, plan.graph, on_server, count)
        return Loaded(count, self.software, atomic=plan.profile.upload(self.software) is not None)


def _miscounted(endpoint: str, graph: str | None, held: int | None, count: int) -> EndpointError:
    return EndpointError(
        N_("{endpoint}: {graph} holds {held} triples after loading, expected {count}"),
        code="load-count",
        endpoint=endpoint,
        graph=graph_label(graph),
        held=held,
        count=count,
    )


NTRIPLES = _NT.media_type


def atomic_upload(software: str) -> str | None:
    """How the server whose ``Server`` header is ``software`` takes a whole graph in one request
    that readers see all at once or not at all (its profile's ``upload``); None when it is not
    known to (a staging graph and a MOVE then, whose cost is a second write of every triple)."""
    return recognise(software).upload(software)


# The largest update sent as a difference unless the server's profile says otherwise
MAX_DIFFERENCE = OXIGRAPH.max_update


class _Load:
    """The ways of replacing one graph (see :func:`load_data`)."""

    def __init__(
        self,
        server: RemoteStore,
        graph: str | None,
        gsp: str,
        update_url: str,
    ) -> None:
        self.server, self.graph, self.gsp = server, graph, gsp
        self.profile = server.profile()
        self.update_url, self.timeout = update_url, server.timeout
        self.staged_under = f"{graph or DEFAULT_GRAPH}/staging/"
        self.staging: str | None = None

    def store_url(self, graph: str | None) -> str:
        query = {"graph": graph} if graph else {"default": ""}
        return f"{self.gsp}?{urllib.parse.urlencode(query)}"

    def upload(self, graph: str | None, data: bytes, how: str) -> None:
        """``data`` into ``graph``, which is empty: one request (see :func:`atomic_upload`)."""
        probe = self.profile.challenge_first
        if how == "bulk":
            url = self.store_url(graph) + "&no_transaction"
            send("POST", url, data, NTRIPLES, self.timeout, probe)
        else:
            send("PUT", self.store_url(graph), data, NTRIPLES, self.timeout, probe)

    def staged(self, data: bytes, how: str) -> None:
        self.staging = f"{self.staged_under}{os.getpid()}-{int(time.time() * 1000)}"
        self.upload(self.staging, data, how)
        self.move()

    def move(self) -> None:
        """The staging graph onto the target, in one update."""
        move = f"MOVE SILENT <{self.staging}> TO {_graph_ref(self.graph)}"
        self.server.update(move, self.update_url)
        self.staging = None

    def parts(self, stream: Stream, how: str | None, progress: Progress | None) -> None:
        """Each part of ``stream`` added to a fresh staging graph (a Graph Store POST; through
        Oxigraph's bulk loader where it has one), the staging graph counted, then moved onto
        the target: a staging graph short of a triple never replaces it."""
        self.staging = staging = f"{self.staged_under}{os.getpid()}-{int(time.time() * 1000)}"
        url = self.store_url(staging) + ("&no_transaction" if how == "bulk" else "")
        for part in stream:
            send("POST", url, part, NTRIPLES, self.timeout, self.profile.challenge_first)
            if progress is not None:
                progress(stream.read, stream.total)
        held = _count_and_software(self.server.endpoint, staging, self.timeout)[0]
        if held != stream.count:
            raise _miscounted(self.server.endpoint, staging, held, stream.count)
        self.move()

    def drop_staging(self) -> None:
        if self.staging:
            drop = f"DROP SILENT GRAPH <{self.staging}>"
            with contextlib.suppress(EndpointError):
                self.server.update(self.profile.drop_define + drop, self.update_url)

    def by_difference(self, data: bytes) -> bool:
        """Send only what differs from the server's copy, in one update; False (nothing sent)
        when the server does not give its copy as N-Triples or the difference is too large. The
        copy is read up to a few times the size of ``data`` (a server may escape every character
        of a Chinese text): a larger one cannot differ by a small update."""
        limit = min(MAX_BYTES, 4 * len(data) + 2 * MAX_DIFFERENCE)
        url = self.store_url(self.graph)
        try:
            copy = exchange("GET", url, self.timeout, accept=NTRIPLES, limit=limit)
        except EndpointError as exc:
            if isinstance(exc.__cause__, urllib.error.HTTPError):
                return False  # refused (Virtuoso will not give its default graph): changed nothing
            if exc.code == "answer-too-large":
                return False
            raise
        if copy.media_type != NTRIPLES:
            return False
        update = difference_update(copy.body, data, _in_graph(self.graph), self.profile.max_update)
        if update is None:
            return False
        if update:
            body = update.encode("utf-8")
            send(
                "POST",
                self.update_url,
                body,
                "application/sparql-update",
                self.timeout,
                self.profile.challenge_first,
            )
        return True


def difference_update(
    held: bytes, wanted: bytes, graph: str, limit: int = MAX_DIFFERENCE
) -> str | None:
    """One SPARQL update turning the N-Triples ``held`` into ``wanted`` inside ``graph`` (``GRAPH
    <iri>``, or "" for the default graph): "" when nothing differs, None when the update would be
    larger than ``limit`` bytes (the server's largest SPARQL body).

    Lines equal as bytes are equal triples; lines that differ are compared once parsed (servers
    escape characters differently). Triples with blank nodes cannot be named in ``DELETE DATA``:
    when there are any, all of them are deleted by pattern and the wanted ones inserted."""
    parts = _difference_parts(held, wanted, graph)
    if parts is None:
        return None
    update = " ;\n".join(parts)
    return None if len(update.encode("utf-8")) > limit else update


def _difference_parts(held: bytes, wanted: bytes, graph: str) -> list[str] | None:
    old, new = set(held.split(b"\n")), set(wanted.split(b"\n"))
    gone, added = _canonical(old - new), _canonical(new - old)
    if gone is None or added is None:
        return None
    parts = []
    if any(blank for _, blank in gone.values()) or any(blank for _, blank in added.values()):
        inside = f"{graph} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        parts.append(
            f"DELETE {{ {inside} }} WHERE {{ {inside} FILTER(isBlank(?s) || isBlank(?o)) }}"
        )
        blanks = _canonical(_lines_with(wanted, b"_:")) or {}
        # As a template, not INSERT DATA: Virtuoso 7.2 refuses blank nodes in a DATA block
        # ("not allowed in a constant clause"); a template makes them fresh on every server.
        lines = [line for line, blank in blanks.values() if blank]
        parts.append(_block("INSERT", lines, graph) + " WHERE {}")
    removed = [line for key, (line, blank) in gone.items() if key not in added and not blank]
    inserted = [line for key, (line, blank) in added.items() if key not in gone and not blank]
    if removed:
        parts.append(_block("DELETE DATA", removed, graph))
    if inserted:
        parts.append(_block("INSERT DATA", inserted, graph))
    return parts


def _lines_with(data: bytes, needle: bytes) -> set[bytes]:
    """The lines of ``data`` holding ``needle`` (found by bytes.find: a scan of a million lines
    for the few with a blank node takes a tenth of what a regular expression does)."""
    found, at = set(), data.find(needle)
    while at >= 0:
        start, end = data.rfind(b"\n", 0, at) + 1, data.find(b"\n", at)
        end = len(data) if end < 0 else end
        found.add(data[start:end])
        at = data.find(needle, end)
    return found


def _canonical(lines: set[bytes]) -> dict[str, tuple[bytes, bool]] | None:
    """Each N-Triples line by the triple it reads as (its canonical form), and whether it holds
    a blank node; None when a line does not read as one triple."""
    import pyoxigraph as ox

    kept = sorted(line for line in lines if line.strip() and not line.lstrip().startswith(b"#"))
    try:
        triples = list(ox.parse(b"\n".join(kept), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        return None
    if len(triples) != len(kept):
        return None
    return {
        str(t): (line, isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode))
        for t, line in zip(triples, kept, strict=True)
    }


def _block(head: str, lines: list[bytes], graph: str) -> str:
    """``head { GRAPH <g> { lines } }`` (or ``head { lines }`` for the default graph)."""
    body = "\n".join(line.decode("utf-8") for line in lines)
    return f"{head} {{ {graph} {{\n{body}\n}} }}" if graph else f"{head} {{\n{body}\n}}"


def graph_label(graph: str | None) -> str:
    return f"<{graph}>" if graph else "the default graph"


def _graph_ref(graph: str | None) -> str:
    """The target of a MOVE: ``<iri>`` or DEFAULT."""
    return f"<{graph}>" if graph else "DEFAULT"


def _in_graph(graph: str | None) -> str:
    """What opens a block of triples in ``graph`` inside an update: ``GRAPH <iri>``, or nothing
    for the default graph."""
    return f"GRAPH <{graph}>" if graph else ""


def _count_and_software(endpoint: str, graph: str | None, timeout: float) -> tuple[int, str]:
    """The triples in ``graph`` on the server, and the server's software as its answer names it
    (the ``Server`` header: ``Oxigraph/0.5.13``, ``Virtuoso/07.20.3240 …``; "" when unnamed)."""
    import json

    if graph is None:
        sparql = internal("count-triples")
    else:
        sparql = bind(internal("count-triples-in-graph"), {"graph": URIRef(graph)})
    body = urllib.parse.urlencode({"query": sparql})
    reply = exchange(
        "POST",
        endpoint,
        timeout,
        body=body.encode("ascii"),
        content_type="application/x-www-form-urlencoded",
        accept="application/sparql-results+json",
    )
    try:
        bindings = json.loads(reply.body)["results"]["bindings"]
        held = int(bindings[0]["n"]["value"]) if bindings else 0
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise _not_json(endpoint) from exc
    return held, reply.headers.get("server", "")


def software(endpoint: str, timeout: float) -> str:
    """The server's software as its answer to the smallest query names it (its ``Server``
    header; "" when unnamed)."""
    body = urllib.parse.urlencode({"query": internal("probe")}).encode("ascii")
    form = "application/x-www-form-urlencoded"
    reply = exchange("POST", endpoint, timeout, body=body, content_type=form)
    return reply.headers.get("server", "")


def _not_json(endpoint: str) -> EndpointError:
    """An answer that is not the SPARQL JSON results asked for."""
    return EndpointError(
        N_("{endpoint} did not answer with SPARQL JSON results"), code="not-json", endpoint=endpoint
    )


def _failed_load(
    exc: EndpointError, now: int | None, graph: str | None, count: int
) -> EndpointError:
    """A request of a load that failed, and what the server holds after it: ``now`` triples in
    ``graph`` (None: that could not be read), the new graph when ``count``."""
    if now is None:
        return EndpointError(
            N_("{error}; what the server holds could not be read"),
            code="load-failed",
            error=exc,
        )
    if now == count:
        template = N_("{error}; the server now holds {now} triples in {graph} (the new graph)")
    else:
        template = N_("{error}; the server now holds {now} triples in {graph} (not the new graph)")
    return EndpointError(template, code="load-failed", error=exc, now=now, graph=graph_label(graph))


def _count(server: RemoteStore, graph: str | None) -> int | None:
    """The triples in ``graph`` on the server, or None when that cannot be read."""
    try:
        return _count_and_software(server.endpoint, graph, server.timeout)[0]
    except EndpointError:
        return None


def _drop_stale(server: RemoteStore, staged_under: str, update_endpoint: str | None) -> None:
    """Drop the staging graphs of loads that died (never the target itself)."""
    rows = server.select(internal("staging-graphs"), {"prefix": Literal(staged_under)})
    for (stale,) in rows.rows:
        drop = f"DROP SILENT GRAPH <{stale}>"
        server.update(server.profile().drop_define + drop, update_endpoint)
