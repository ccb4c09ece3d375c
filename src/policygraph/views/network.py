"""The department collaboration network (networkx), from the graph's responsibilities.

Nodes are departments; two departments are linked where they are named on the same measure. The
network is directed to keep the lead/co-lead direction: for every pair there is an edge each way,
both with ``weight`` = the number of measures they share, and each with ``leads`` = the number of
those measures on which its source leads and its target co-leads. Centralities are computed on
the undirected view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from policygraph.rdf import PG
from policygraph.store import Store
from policygraph.views.delta import texts
from policygraph.views.internal import query


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    weight: int
    a_leads_b: int
    b_leads_a: int


@dataclass(frozen=True)
class DepartmentRow:
    """A department with its names (sorted, 、-joined), level, kind, parent and counts."""

    department: str  # IRI
    official: str
    names: str
    level: str
    kind: str
    parent: str
    leads: int
    co_leads: int
    responsible: int
    level_zh: str = ""  # the level's and the kind's Chinese labels (the ontology's @zh)
    kind_zh: str = ""


@dataclass
class NetworkReport:
    degree: list[tuple[str, float]]  # degree centrality, highest first
    strength: list[tuple[str, int]]  # weighted degree (shared measures), highest first
    betweenness: list[tuple[str, float]]
    components: list[list[str]]
    pairs: list[Pair]


Said = dict[str, dict[str, set[str]]]  # measure-departments.rq: predicate → subject → objects
ROLES = frozenset(str(PG[n]) for n in ("Lead", "CoLead", "Responsible"))  # department-roles.rq's


def departments(store: Store, said: Said | None = None) -> list[DepartmentRow]:
    """Every department with its names (sorted), level, kind, parent and assignment counts, most
    assignments first: three simple queries (the departments, their other names, their counts by
    role) joined here, which at scale take half the time of departments.rq's one grouped query.
    ``said``: :func:`role_triples`, read already (the site's), of which the counts are made
    rather than counted again by department-roles.rq (after one new document at 1,000
    documents, counting again the departments it names was 0.6 s)."""

    def text(value: object) -> str:
        return "" if value is None else str(value)

    names: dict[str, set[str]] = defaultdict(set)
    for r in texts(store, query("department-names")).dicts():
        names[text(r["department"])].add(text(r["alt"]))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if said is not None:
        counts.update(role_counts(said))
    else:
        for r in texts(store, query("department-roles")).dicts():
            counts[text(r["department"])][text(r["role"])] = int(text(r["n"]) or 0)
    rows = []
    for r in texts(store, query("department-headers")).dicts():
        iri = text(r["department"])
        rows.append(
            DepartmentRow(
                department=iri,
                official=text(r["official"]),
                names="、".join(sorted(names.get(iri, ()))),
                level=text(r["level"]),
                kind=text(r["kind"]),
                parent=text(r["parent"]),
                leads=counts[iri].get("lead", 0),
                co_leads=counts[iri].get("co-lead", 0),
                responsible=counts[iri].get("responsible", 0),
                level_zh=text(r["level_zh"]),
                kind_zh=text(r["kind_zh"]),
            )
        )
    return sorted(rows, key=lambda d: (-(d.leads + d.co_leads), d.department))


def role_counts(said: Said) -> dict[str, dict[str, int]]:
    """What department-roles.rq counts, from :func:`role_triples`: by department and role (the
    notation of a lead, co-lead or responsible role), how many responsibilities name it so."""
    department, role = said.get("department", {}), said.get("role", {})
    notation = said.get("notation", {})
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in department.keys() & role.keys():
        for x in role[r] & ROLES:
            for n in notation.get(x, ()):
                for d in department[r]:
                    found[d][n].add(r)
    return {d: {n: len(rs) for n, rs in by.items()} for d, by in found.items()}


def role_triples(store: Store) -> Said:
    """The triples of measure-departments.rq (each responsibility's provision, department and
    role, and every notation), by the predicate's local name, subject and object."""
    said: Said = {}
    for s, p, o in texts(store, query("measure-departments")).rows:
        name = str(p).rsplit("#", 1)[-1]
        said.setdefault(name, {}).setdefault(str(s), set()).add(str(o))
    return said


def collaboration_network(
    store: Store, known: list[Any] | None = None, said: Said | None = None
) -> Any:
    """Departments as nodes, an edge between two named on the same measure; ``known``: the
    :func:`departments` already read (at 1,000 documents they take 2.4 s to read again);
    ``said``: :func:`role_triples`, read already."""
    known = known if known is not None else departments(store)
    return _network(known, collaboration_pairs(store, said))


def neighbourhoods(known: list[Any], said: Said) -> Any:
    """:func:`undirected` of the :func:`collaboration_network` of the departments ``known`` and
    the triples ``said`` (:func:`role_triples`), which it reads alone: the site's, made on its
    other core from what the site read (no store)."""
    return undirected(_network(known, _pairs(said)))


def _network(known: list[Any], pairs: list[tuple[str, str, str, str, str]]) -> Any:
    import networkx as nx

    info = {d.department: d for d in known}
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    leads: dict[tuple[str, str], set[str]] = defaultdict(set)
    for m, a, role_a, b, role_b in pairs:
        shared[(a, b)].add(m)
        if role_a == "lead" and role_b == "co-lead":
            leads[(a, b)].add(m)
        if role_b == "lead" and role_a == "co-lead":
            leads[(b, a)].add(m)
    g = nx.DiGraph()
    for (a, b), measures in shared.items():
        for u, v in ((a, b), (b, a)):
            for node in (u, v):
                if node not in g:
                    d = info[node]
                    g.add_node(
                        node,
                        label=d.official,
                        level=d.level,
                        kind=d.kind,
                        leads=d.leads,
                        co_leads=d.co_leads,
                    )
            g.add_edge(u, v, weight=len(measures), leads=len(leads[(u, v)]))
    return g


def undirected(g: Any) -> Any:
    """What ``g.to_undirected()`` gives (the same nodes, edges and data, in the same order: an
    edge's data that of the last of its two directions), each attribute dictionary copied
    rather than deep-copied: the network's attributes are text and numbers, and deepcopy was
    most of the time of the copy (0.19 s against 0.08 s at 1,000 documents)."""
    import networkx as nx

    out = nx.Graph()
    out.graph.update(g.graph)
    out.add_nodes_from((n, dict(d)) for n, d in g.nodes(data=True))
    out.add_edges_from((u, v, dict(d)) for u, v, d in g.edges(data=True))
    return out


def collaboration_pairs(
    store: Store, said: Said | None = None
) -> list[tuple[str, str, str, str, str]]:
    """The rows of collaboration-pairs.rq (a measure, two departments named on it, in the order
    of their IRIs, and their roles), in its order, joined here from the triples they are made
    of (measure-departments.rq, ``said`` where read already): the query's self-join of every
    responsibility was most of the time of the network at 1,000 documents."""
    return _pairs(said if said is not None else role_triples(store))


def _pairs(said: Said) -> list[tuple[str, str, str, str, str]]:
    provision, department = said.get("provision", {}), said.get("department", {})
    role, notation = said.get("role", {}), said.get("notation", {})
    named: dict[str, set[tuple[str, str]]] = defaultdict(set)  # a measure → department, role
    for r in provision.keys() & department.keys() & role.keys():
        roles = {n for x in role[r] for n in notation.get(x, ())}
        for m in provision[r]:
            named[m].update((d, n) for d in department[r] for n in roles)
    pairs = {
        (m, a, role_a, b, role_b)
        for m, on in named.items()
        for a, role_a in on
        for b, role_b in on
        if a < b
    }
    return sorted(pairs, key=lambda row: (row[0], row[1], row[3], row[2], row[4]))


def analyse(g: Any, top: int = 10) -> NetworkReport:
    import networkx as nx

    u = g.to_undirected()

    def label(n: Any) -> str:
        return str(g.nodes[n]["label"])

    degree = sorted(nx.degree_centrality(u).items(), key=lambda kv: (-kv[1], label(kv[0])))
    strength = sorted(u.degree(weight="weight"), key=lambda kv: (-kv[1], label(kv[0])))
    between = sorted(nx.betweenness_centrality(u).items(), key=lambda kv: (-kv[1], label(kv[0])))
    components = sorted(
        (sorted(label(n) for n in c) for c in nx.connected_components(u)),
        key=lambda c: (-len(c), c),
    )
    pairs = []
    for a, b, data in u.edges(data=True):
        a, b = sorted((a, b), key=label)
        pairs.append(Pair(label(a), label(b), data["weight"], g[a][b]["leads"], g[b][a]["leads"]))
    pairs.sort(key=lambda p: (-p.weight, p.a, p.b))
    return NetworkReport(
        degree=[(label(n), v) for n, v in degree[:top]],
        strength=[(label(n), int(v)) for n, v in strength[:top]],
        betweenness=[(label(n), v) for n, v in between[:top]],
        components=components,
        pairs=pairs[:top],
    )
