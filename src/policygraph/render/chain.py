"""An implementation chain as a tree for the terminal (rich) and as Markdown."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from policygraph import i18n
from policygraph.i18n import N_, _
from policygraph.views.chain import Chain, Link, Node

# The kinds of link and who proposed one, as the chain says them (the graph's notations)
LINK_WORDS = {"judged": N_("judged"), "stated": N_("stated"), "Curators": N_("Curators")}


def _describe(n: Node, focus: URIRef) -> str:
    mark = "★ " if n.iri == focus else ""
    level = n.level_zh if i18n.current() == "zh" and n.level_zh else n.level
    return f"{mark}[{level}] {n.document} {n.label}{n.title}"


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
        out.append(
            _("reported in {response} ({date}): “{quote}”").format(
                response=r["response"], date=r["date"], quote=r["quote"]
            )
        )
    return out


def _stated(s: dict[str, str]) -> str:
    """A document-level implementation a document states, with its quote."""
    return _("document level ({kind}): {lower} implements {higher}: “{quote}”").format(
        kind=_(LINK_WORDS.get(s["kind"], s["kind"])),
        lower=s["lower"],
        higher=s["higher"],
        quote=s["quote"],
    )


def _link_text(lk: Link) -> str:
    """The link's kind, confidence, proposer and basis (its Chinese basis in Chinese, where a
    curator gave one)."""
    basis = lk.basis_zh if i18n.current() == "zh" and lk.basis_zh else lk.basis
    return _("{kind} link, confidence {confidence}, by {agent}: {basis}").format(
        kind=_(LINK_WORDS.get(lk.kind, lk.kind)),
        confidence=lk.confidence,
        agent=_(LINK_WORDS.get(lk.agent, lk.agent)),
        basis=basis,
    )


def render_tree(ch: Chain) -> Any:
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(
        _("Implementation chain ({provisions} provisions, {links} links)").format(
            provisions=len(ch.nodes), links=len(ch.links)
        )
    )

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
        tree.add(escape(_stated(s)))
    return tree


def render_md(ch: Chain) -> str:
    lines = [
        "# "
        + _("Implementation chain of {document} {label}").format(
            document=ch.nodes[ch.focus].document, label=ch.nodes[ch.focus].label
        ),
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
        lines += ["", _("Document level:")]
        lines += [
            "- "
            + _("{lower} implements {higher} ({kind}): “{quote}”").format(
                lower=s["lower"],
                higher=s["higher"],
                kind=_(LINK_WORDS.get(s["kind"], s["kind"])),
                quote=s["quote"],
            )
            for s in ch.stated
        ]
    return "\n".join(lines) + "\n"
