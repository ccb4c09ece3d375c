"""Diagrams drawn in Python as SVG: the documents' implementation chain, and a department's
collaboration neighbourhood. No script, no font file: the viewer's CJK font draws the labels.

Every diagram has its intrinsic size (``width``, ``height``) and scales down to a narrow screen
(``max-width: 100%`` in ``site.css``), never up; each is laid out so that its labels keep a
legible size at 390 px and never overlap: the chain in rows of at most a few documents (and, where
a row holds more than one, a second drawing of one document a row, which the stylesheet shows on
a phone instead), the neighbourhood as a fan, one department a line. A diagram with links is a
``group`` (an ``img`` may hold no link), named by its ``<title>``, whose English the page's
language switch swaps in like any ``data-en``."""

from __future__ import annotations

import unicodedata
from html import escape
from typing import Any

from policygraph.i18n import N_
from policygraph.render.site.words import both
from policygraph.views.progress import NOT_REPORTED, STATUSES

_LEVELS = ("national", "region", "city", "county")

CHAIN_TITLE = N_("Documents and what they implement")
NETWORK_TITLE = N_("Departments that share measures with {department} (in brackets: how many)")
STATUS_TITLE = N_("Tasks by status: {counts}")

_CHAIN_FONT = 13  # as site.css draws every svg text
_NETWORK_FONT = 13  # as site.css draws every svg text
_STATUS_FONT = 12  # as site.css draws the status chart
_ROW = 22  # one department a line in the neighbourhood
_FAN_X, _LABEL_X = 72, 82  # where its departments and their names stand


def text_width(text: str, size: float) -> float:
    """How wide ``text`` draws at ``size`` px: a full-width (CJK) character one em, others 0.6."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def _title(zh: str, en: str) -> str:
    return f'<title data-en="{escape(en)}">{escape(zh)}</title>'


def _chain_positions(
    documents: list[dict[str, str]], columns: int, box: float
) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Where each document's box stands: levels top to bottom, ``columns`` to a row at most."""
    rows: dict[str, list[dict[str, str]]] = {}
    for d in documents:
        rows.setdefault(d["level"] if d["level"] in _LEVELS else "other", []).append(d)
    lines = [
        rows[lv][i : i + columns]
        for lv in (*_LEVELS, "other")
        if lv in rows
        for i in range(0, len(rows[lv]), columns)
    ]
    width = max((len(line) for line in lines), default=1) * (box + 20)
    pos: dict[str, tuple[float, float]] = {}
    for row, line in enumerate(lines):
        for col, d in enumerate(line):
            pos[d["iri"]] = ((col + 0.5) * width / len(line), 40.0 + row * 90)
    return pos, width, len(lines) * 90 + 20.0


def _chain_drawing(
    documents: list[dict[str, str]], edges: list[tuple[str, str]], columns: int, variant: str
) -> str:
    box = max([220.0, *(text_width(d["label"], _CHAIN_FONT) + 24 for d in documents)])
    pos, width, height = _chain_positions(documents, columns, box)
    title = both(CHAIN_TITLE)
    marker = f"arrow-{variant}" if variant else "arrow"
    classes = " ".join(["diagram", "chain", *variant.split()])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" class="{classes}">',
        _title(title.zh, title.en),
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    for lower, higher in edges:
        if lower in pos and higher in pos:
            (x1, y1), (x2, y2) = pos[lower], pos[higher]
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1 - 18:.0f}" x2="{x2:.0f}" y2="{y2 + 18:.0f}" '
                f'stroke="#555" marker-end="url(#{marker})"/>'
            )
    for d in documents:
        x, y = pos[d["iri"]]
        parts.append(
            f'<a href="{escape(d["href"])}"><rect x="{x - box / 2:.0f}" y="{y - 18:.0f}" '
            f'width="{box:.0f}" height="36" rx="6" class="node {escape(d["level"])}"/>'
            f'<text x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle" font-size="{_CHAIN_FONT}">'
            f"{escape(d['label'])}</text></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def chain_diagram(documents: list[dict[str, str]], edges: list[tuple[str, str]]) -> str:
    """Documents in rows by level (national on top), arrows from each to what it implements;
    where a row holds more than one document, a second drawing of one document a row for a phone.

    ``documents``: dicts with ``iri``, ``label``, ``level`` and ``href``."""
    levels = [d["level"] if d["level"] in _LEVELS else "other" for d in documents]
    if len(set(levels)) == len(levels):  # one document a row already
        return _chain_drawing(documents, edges, 4, "")
    wide = _chain_drawing(documents, edges, 4, "wide")
    return wide + "\n" + _chain_drawing(documents, edges, 1, "narrow")


def neighbourhood(g: Any, centre: str, href: dict[str, str]) -> str:
    """The departments ``centre`` shares measures with, as a fan: ``centre`` on the left, one
    department a line on the right with how many measures they share, most first; edge width
    by how many. ``g``: the collaboration network made undirected (once, by the caller, for
    every page)."""
    if centre not in g:
        return ""
    name = str(g.nodes[centre].get("label", centre))

    def shared(n: str) -> int:
        return int(g[centre][n].get("weight", 1))

    around = sorted(
        g.neighbors(centre), key=lambda n: (-shared(n), str(g.nodes[n].get("label", n)))
    )
    labels = [f"{g.nodes[n].get('label', n)} ({shared(n)})" for n in around]
    width = _LABEL_X + 6 + max(text_width(t, _NETWORK_FONT) for t in [name, *labels])
    ys = [_ROW * (k + 1) + 12 + _ROW / 2 for k in range(len(around))]
    mid = (ys[0] + ys[-1]) / 2 if ys else _ROW * 1.5
    height = _ROW * (len(around) + 1) + 12
    title = both(NETWORK_TITLE, department=name)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="group" class="diagram network">',
        _title(title.zh, title.en),
    ]
    for n, y in zip(around, ys, strict=True):  # in a fixed order: the same graph, same bytes
        stroke = min(6.0, 1 + shared(n) / 2)
        parts.append(
            f'<line x1="14" y1="{mid:.0f}" x2="{_FAN_X}" y2="{y:.0f}" stroke="#9ab" '
            f'stroke-width="{stroke:.1f}"/>'
        )
    parts.append(
        f'<a href="{escape(href.get(centre, "#"))}"><circle cx="14" cy="{mid:.0f}" r="7" '
        f'class="node centre"/><text x="4" y="{_ROW - 4}" font-size="{_NETWORK_FONT}" '
        f'font-weight="bold">{escape(name)}</text></a>'
    )
    for n, text, y in zip(around, labels, ys, strict=True):
        parts.append(
            f'<a href="{escape(href.get(n, "#"))}"><circle cx="{_FAN_X}" cy="{y:.0f}" r="5" '
            f'class="node"/><text x="{_LABEL_X}" y="{y + 4:.0f}" font-size="{_NETWORK_FONT}">'
            f"{escape(text)}</text></a>"
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
    each name in ``english`` has its English in ``data-en`` (the site's language switch), and
    the chart's ``<title>`` says every count in words (its name for a screen reader)."""
    english = english or {}
    rows = [(name, counts.get(name, 0)) for name in STATUS_COLOURS] + [("逾期", overdue)]
    top = max((n for _, n in rows), default=0) or 1
    height = 22 * len(rows) + 8
    # the bars start after the longest name in either language: the switch swaps the words
    names = [w for name, _ in rows for w in (name, english.get(name, ""))]
    left = 8 + max(text_width(w, _STATUS_FONT) for w in names)
    zh = "、".join(f"{name} {n}" for name, n in rows)
    en = ", ".join(f"{english.get(name, name)} {n}" for name, n in rows)
    title = both(STATUS_TITLE, counts=zh)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + 280:.0f} {height}" '
        f'role="img" class="status-chart">',
        _title(title.zh, STATUS_TITLE.format(counts=en)),
    ]
    for i, (name, n) in enumerate(rows):
        y = 6 + i * 22
        width = 240 * n / top
        colour = STATUS_COLOURS.get(name, "#c9302c")
        en_attr = f' data-en="{escape(english[name])}"' if english.get(name) else ""
        parts.append(f'<text x="0" y="{y + 13}"{en_attr}>{escape(name)}</text>')
        parts.append(
            f'<rect x="{left:.0f}" y="{y}" width="{width:.0f}" height="16" fill="{colour}"/>'
        )
        parts.append(f'<text x="{left + 6 + width:.0f}" y="{y + 13}">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)
