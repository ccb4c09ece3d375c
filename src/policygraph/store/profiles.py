"""What the tool knows of each SPARQL server, one profile per server: its endpoints, how it is
recognised, how it takes a whole graph, and its known differences. The remote store and the
loader ask the profile; nothing else names a server.

A new server is one profile here (or in a module of its own, imported here) and one line of
:data:`PROFILES`. A server is named with ``--server NAME``, or recognised by the ``Server``
header of its answers (a proxy in front hides it: the generic profile then, which assumes only
the SPARQL 1.1 Protocol and Graph Store Protocol).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from policygraph.errors import InputError
from policygraph.i18n import N_

# How a server takes a whole graph in one request that readers see all at once or not at all:
# "bulk" (a Graph Store POST with ``no_transaction``), "put" (a Graph Store PUT); None where it is
# not known to (a staging graph filled and MOVEd onto the target then).
Upload = str | None


@dataclass(frozen=True)
class Endpoints:
    """The three endpoints of one server: SPARQL query, SPARQL update, Graph Store."""

    query: str
    update: str
    store: str


@dataclass(frozen=True)
class Profile:
    """One server's endpoints, recognition, upload path and known differences."""

    name: str  # the value of --server
    software: str  # a regular expression matching its ``Server`` header
    query_paths: tuple[str, ...]  # the last path segments of its query endpoints
    update_path: str  # the update endpoint beside the query endpoint
    store_path: str  # the Graph Store endpoint beside the query endpoint
    upload: Callable[[str], Upload]  # how it takes a whole graph, by its ``Server`` header
    challenge_first: bool  # asks for credentials without reading a large body (HEAD first)
    max_update: int  # the largest SPARQL update body sent (a load's difference)
    # A dataset whose Turtle files hold more bytes than ``whole_bytes`` is not built in memory
    # and sent in one request: it goes into a staging graph in parts of about ``part_bytes`` of
    # N-Triples each (store.parts), then one MOVE.
    whole_bytes: int = 64 * 2**20
    part_bytes: int = 4 * 2**20
    drop_define: str = ""  # what precedes the DROP of a staging graph
    quirks: tuple[str, ...] = ()  # its known differences, as the queries and tests rely on them

    def recognises(self, software: str) -> bool:
        return bool(re.match(self.software, software))

    def endpoints(self, query: str) -> Endpoints:
        """The update and store endpoints beside the query endpoint ``query``
        (``…/query`` → ``…/update``, ``…/store`` on Oxigraph)."""
        return Endpoints(
            query, self.beside(query, self.update_path), self.beside(query, self.store_path)
        )

    def beside(self, query: str, name: str) -> str:
        paths = "|".join(re.escape(p) for p in self.query_paths)
        pattern = rf"/({paths})/?$"
        if re.search(pattern, query):
            return re.sub(pattern, f"/{name}", query)
        return query.rstrip("/") + f"/{name}"


def _oxigraph_upload(software: str) -> Upload:
    """Oxigraph 0.5 and later: "bulk" (a Graph Store POST with ``no_transaction`` runs its bulk
    loader, which writes the indexes aside and ingests them in one atomic step: as fast as
    ``oxigraph load``, where a PUT, one RocksDB transaction, takes ~9× as long on disk at 10^6
    triples); older: "put" (a PUT is one transaction; its bulk loader was not atomic then)."""
    match = re.match(r"Oxigraph/(\d+)\.(\d+)", software)
    if not match:
        return "put"
    return "bulk" if (int(match[1]), int(match[2])) >= (0, 5) else "put"


def _never(software: str) -> Upload:
    return None


OXIGRAPH = Profile(
    name="oxigraph",
    software=r"Oxigraph/",
    query_paths=("query", "sparql"),
    update_path="update",
    store_path="store",
    upload=_oxigraph_upload,
    challenge_first=False,  # no credentials of its own
    max_update=1_000_000,  # it refuses SPARQL bodies over 1 MiB
    whole_bytes=256 * 2**20,  # 10^6 triples (190 MB of Turtle) in one atomic request: 2.8 s
    part_bytes=16 * 2**20,
    quirks=(
        "applies each request at once: readers see the old graph or the new one",
        "refuses a SPARQL body over 1 MiB",
        "queries without FROM see the default graph only (load --default-graph)",
        "plans joins from the side written first: the views' queries order their patterns for it",
    ),
)

VIRTUOSO = Profile(
    name="virtuoso",
    software=r"Virtuoso/",
    query_paths=("sparql", "sparql-auth"),
    update_path="sparql-auth",  # writes need the authenticated endpoints
    store_path="sparql-graph-crud-auth",
    upload=_never,
    challenge_first=True,  # answers Digest's challenge and closes the connection unread
    max_update=1_000_000,
    # One Graph Store request of 10^7 triples never finished (benchmarks/README.md); parts of a
    # few MB each are committed as they come.
    whole_bytes=16 * 2**20,
    part_bytes=4 * 2**20,
    # An update of 10^7 triples in one transaction is aborted once its log passes the server's
    # TransactionAfterImageLimit (50 MB by default). A staging graph is dropped row by row; the
    # MOVE stays one transaction (row by row it timed out half done, the target half moved;
    # benchmarks/README.md, "The server path at 10^7 triples").
    drop_define="DEFINE sql:log-enable 3 ",
    quirks=(
        "7.2 commits a Graph Store PUT in parts of ~160,000 triples and a MOVE as it goes",
        "7.2 does not MOVE a graph of 10^7 triples: one transaction passes its log limit "
        "(TransactionAfterImageLimit, 50 MB) or, that raised to 2 GB, times out",
        "7.2 refuses blank nodes in a DATA block: they are inserted by a template",
        "7.2 returns a boolean expression as the integer 1/0: queries compare text",
        "7.2 returns a single row for two grouped subqueries joined, or two transitive paths in "
        "one group ending at bound variables: queries use FILTER EXISTS and one GROUP BY",
        "will not give its default graph through the Graph Store Protocol",
        "/sparql-auth asks for Digest credentials",
    ),
)

GENERIC = Profile(
    name="generic",
    software=r"",  # any: the last one tried
    query_paths=("query", "sparql"),
    update_path="update",
    store_path="store",
    upload=_never,
    challenge_first=True,
    max_update=1_000_000,
    quirks=("nothing assumed beyond the SPARQL 1.1 Protocol and Graph Store Protocol",),
)

# Every profile, tried in this order when a server is recognised (generic last: it matches all)
PROFILES: tuple[Profile, ...] = (OXIGRAPH, VIRTUOSO, GENERIC)
NAMES: tuple[str, ...] = tuple(p.name for p in PROFILES)


def named(name: str) -> Profile:
    """The profile called ``name``; an error listing the known names otherwise."""
    for profile in PROFILES:
        if profile.name == name:
            return profile
    raise InputError(
        N_("unknown SPARQL server {name}: known are {known}"),
        code="server-unknown",
        name=repr(name),
        known=", ".join(NAMES),
    )


def recognise(software: str) -> Profile:
    """The profile of the server whose ``Server`` header is ``software`` (generic when none
    is known by it)."""
    return next(p for p in PROFILES if p.recognises(software))


__all__ = [
    "GENERIC",
    "NAMES",
    "OXIGRAPH",
    "PROFILES",
    "VIRTUOSO",
    "Endpoints",
    "Profile",
    "named",
    "recognise",
]
