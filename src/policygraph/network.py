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
from pathlib import Path
from typing import Any

from rdflib import Literal

from policygraph import query
from policygraph.paths import Home
from policygraph.store import Store


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    weight: int
    a_leads_b: int
    b_leads_a: int


@dataclass
class NetworkReport:
    graph: Any  # networkx.DiGraph
    degree: list[tuple[str, float]]  # degree centrality, highest first
    strength: list[tuple[str, int]]  # weighted degree (shared measures), highest first
    betweenness: list[tuple[str, float]]
    components: list[list[str]]
    pairs: list[Pair]


def departments(home: Home, store: Store) -> list[dict[str, Any]]:
    """Every department with its names (sorted), level, kind, parent and assignment counts."""
    rows = store.select(query.load(home, "departments").text).dicts()
    for r in rows:
        if r["names"] is not None:
            r["names"] = Literal("、".join(sorted(str(r["names"]).split("、"))))
    return rows


def collaboration_network(home: Home, store: Store) -> Any:
    import networkx as nx

    info = {str(d["department"]): d for d in departments(home, store)}
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    leads: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in store.select(query.load(home, "collaboration-pairs").text).dicts():
        a, b, m = str(r["a"]), str(r["b"]), str(r["measure"])
        shared[(a, b)].add(m)
        if r["role_a"] is not None and str(r["role_a"]) == "lead" and str(r["role_b"]) == "co-lead":
            leads[(a, b)].add(m)
        if str(r["role_b"]) == "lead" and str(r["role_a"]) == "co-lead":
            leads[(b, a)].add(m)
    g = nx.DiGraph()
    for (a, b), measures in shared.items():
        for u, v in ((a, b), (b, a)):
            for node in (u, v):
                if node not in g:
                    d = info[node]
                    g.add_node(
                        node,
                        label=str(d["official"]),
                        level=str(d["level"]),
                        kind=str(d["kind"]),
                        leads=int(str(d["leads"])),
                        co_leads=int(str(d["co_leads"])),
                    )
            g.add_edge(u, v, weight=len(measures), leads=len(leads[(u, v)]))
    return g


def analyse(g: Any, top: int = 10) -> NetworkReport:
    import networkx as nx

    u = g.to_undirected()
    label = lambda n: g.nodes[n]["label"]  # noqa: E731
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
        graph=g,
        degree=[(label(n), v) for n, v in degree[:top]],
        strength=[(label(n), int(v)) for n, v in strength[:top]],
        betweenness=[(label(n), v) for n, v in between[:top]],
        components=components,
        pairs=pairs[:top],
    )


def write_graphml(g: Any, path: Path) -> None:
    """GraphML for Gephi: node ids are IRIs, with label, level, kind and counts as attributes."""
    import networkx as nx

    from policygraph.export import write_atomic

    write_atomic(path, lambda fh: nx.write_graphml(g, fh, encoding="utf-8", prettyprint=True))
