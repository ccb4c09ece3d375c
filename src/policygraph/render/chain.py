"""An implementation chain as a tree for the terminal (rich) and as Markdown."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from policygraph.views.chain import Chain, Link, Node


def _describe(n: Node, focus: URIRef) -> str:
    mark = "★ " if n.iri == focus else ""
    return f"{mark}[{n.level}] {n.document} {n.label}{n.title}"


def _details(n: Node) -> list[str]:
    out = []
    if n.lead or n.co_lead or n.responsible:
        parts = []
        if n.lead:
            parts.append("牵头: " + "、".join(n.lead))
        if n.co_lead:
            parts.append("配合: " + "、".join(n.co_lead))
        if n.responsible:
            parts.append("责任: " + "、".join(n.responsible))
        out.append("; ".join(parts))
    for r in n.reports:
        out.append(f"reported in {r['response']} ({r['date']}): “{r['quote']}”")
    return out


def _link_text(lk: Link) -> str:
    return f"{lk.kind} link, confidence {lk.confidence}, by {lk.agent}: {lk.basis}"


def render_tree(ch: Chain) -> Any:
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"Implementation chain ({len(ch.nodes)} provisions, {len(ch.links)} links)")

    def add(parent: Any, n: Node, via: Link | None, seen: frozenset[URIRef]) -> None:
        branch = parent.add(escape(_describe(n, ch.focus)))
        if via is not None:
            branch.add(f"[dim]↑ {escape(_link_text(via))}[/dim]")
        for line in _details(n):
            branch.add(escape(line))
        for lk, child in ch.children(n.iri):
            if child.iri not in seen:
                add(branch, child, lk, seen | {child.iri})

    for root in ch.roots():
        add(tree, root, None, frozenset({root.iri}))
    for s in ch.stated:
        tree.add(
            escape(
                f"document level ({s['kind']}): {s['lower']} implements {s['higher']}: “{s['quote']}”"
            )
        )
    return tree


def render_md(ch: Chain) -> str:
    lines = [
        f"# Implementation chain of {ch.nodes[ch.focus].document} {ch.nodes[ch.focus].label}",
        "",
    ]

    def add(n: Node, via: Link | None, depth: int, seen: frozenset[URIRef]) -> None:
        pad = "  " * depth
        lines.append(f"{pad}- **{_describe(n, ch.focus)}**")
        if via is not None:
            lines.append(f"{pad}  - ↑ {_link_text(via)}")
        lines.extend(f"{pad}  - {line}" for line in _details(n))
        for lk, child in ch.children(n.iri):
            if child.iri not in seen:
                add(child, lk, depth + 1, seen | {child.iri})

    for root in ch.roots():
        add(root, None, 0, frozenset({root.iri}))
    if ch.stated:
        lines += ["", "Document level:"]
        lines += [
            f"- {s['lower']} implements {s['higher']} ({s['kind']}): “{s['quote']}”"
            for s in ch.stated
        ]
    return "\n".join(lines) + "\n"
