"""Diagrams drawn in Python as SVG: the documents' implementation chain, and a department's
collaboration neighbourhood. No script, no font file: the viewer's CJK font draws the labels."""

from __future__ import annotations

from html import escape
from typing import Any

from policygraph.views.progress import NOT_REPORTED, STATUSES

_LEVELS = ("national", "region", "city", "county")


def chain_diagram(documents: list[dict[str, str]], edges: list[tuple[str, str]]) -> str:
    """Documents in rows by level (national on top), arrows from each to what it implements.

    ``documents``: dicts with ``iri``, ``label``, ``level`` and ``href``."""
    rows: dict[str, list[dict[str, str]]] = {}
    for d in documents:
        rows.setdefault(d["level"] if d["level"] in _LEVELS else "other", []).append(d)
    order = [lv for lv in (*_LEVELS, "other") if lv in rows]
    width = float(max(1, max((len(r) for r in rows.values()), default=1)) * 240)
    pos: dict[str, tuple[float, float]] = {}
    for row, level in enumerate(order):
        for col, d in enumerate(rows[level]):
            pos[d["iri"]] = ((col + 0.5) * width / len(rows[level]), 40.0 + row * 90)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {len(order) * 90 + 20}" '
        'role="img" aria-label="文件实施关系图" class="diagram">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for lower, higher in edges:
        if lower in pos and higher in pos:
            (x1, y1), (x2, y2) = pos[lower], pos[higher]
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1 - 18:.0f}" x2="{x2:.0f}" y2="{y2 + 18:.0f}" '
                'stroke="#555" marker-end="url(#arrow)"/>'
            )
    for d in documents:
        x, y = pos[d["iri"]]
        parts.append(
            f'<a href="{escape(d["href"])}"><rect x="{x - 110:.0f}" y="{y - 18:.0f}" width="220" '
            f'height="36" rx="6" class="node {escape(d["level"])}"/>'
            f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle">{escape(d["label"])}</text></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def neighbourhood(g: Any, centre: str, href: dict[str, str]) -> str:
    """The departments ``centre`` shares measures with, around it; edge width by how many.
    ``g``: the collaboration network made undirected (once, by the caller, for every page)."""
    import math

    import networkx as nx

    if centre not in g:
        return ""
    ego = nx.ego_graph(g, centre, radius=1)
    around = sorted((n for n in ego if n != centre), key=lambda n: str(g.nodes[n].get("label", n)))
    layout = {
        n: (
            200 + 150 * math.cos(2 * math.pi * k / max(1, len(around))),
            180 + 150 * math.sin(2 * math.pi * k / max(1, len(around))),
        )
        for k, n in enumerate(around)
    }
    layout[centre] = (200.0, 180.0)
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 360" role="img" '
        'aria-label="协作关系图" class="diagram">'
    ]
    edges = sorted((tuple(sorted((a, b))), data) for a, b, data in ego.edges(data=True))
    for (a, b), data in edges:  # in a fixed order: the same graph draws the same bytes
        (x1, y1), (x2, y2) = layout[a], layout[b]
        width = min(6.0, 1 + int(data.get("weight", 1)) / 2)
        parts.append(
            f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#9ab" '
            f'stroke-width="{width:.1f}"/>'
        )
    for n in sorted(ego):
        x, y = layout[n]
        label = escape(str(g.nodes[n].get("label", n)))
        cls = "node centre" if n == centre else "node"
        parts.append(
            f'<a href="{escape(href.get(n, "#"))}"><circle cx="{x:.0f}" cy="{y:.0f}" r="7" '
            f'class="{cls}"/><text x="{x:.0f}" y="{y - 11:.0f}" text-anchor="middle" '
            f'font-size="11">{label}</text></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


# 已完成, 推进中, 未启动, 滞后 (as the forms offer them), then 未报送
STATUS_COLOURS = dict(
    zip(
        [*STATUSES, NOT_REPORTED],
        ("#3c8d40", "#2f6fb3", "#999999", "#c9302c", "#e0a800"),
        strict=True,
    )
)


def status_bars(counts: dict[str, int], overdue: int, english: dict[str, str] | None = None) -> str:
    """A small horizontal bar chart of how many tasks are in each 完成状态, and how many late;
    each name in ``english`` has its English in ``data-en`` (the site's language switch)."""
    english = english or {}
    rows = [(name, counts.get(name, 0)) for name in STATUS_COLOURS] + [("逾期", overdue)]
    top = max((n for _, n in rows), default=0) or 1
    height = 22 * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 {height}" role="img" '
        f'aria-label="完成状态统计" class="status-chart">'
    ]
    for i, (name, n) in enumerate(rows):
        y = 6 + i * 22
        width = 240 * n / top
        colour = STATUS_COLOURS.get(name, "#c9302c")
        en = f' data-en="{escape(english[name])}"' if english.get(name) else ""
        parts.append(f'<text x="0" y="{y + 13}"{en}>{escape(name)}</text>')
        parts.append(
            f'<rect x="64" y="{y}" width="{width:.0f}" height="16" fill="{colour}">'
            f"<title>{escape(name)}: {n}</title></rect>"
        )
        parts.append(f'<text x="{70 + width:.0f}" y="{y + 13}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)
