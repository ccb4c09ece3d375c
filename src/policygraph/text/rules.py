"""Rules a document states once, in prose, for the annotations after it.

* A **lead rule**: ``（A、B负责，排在第一位的部门为牵头部门，下同）``, ``列第一位者为牵头单位，下同``,
  ``表中列第一位的为牵头单位``. From the annotation where it is stated (or, stated outside any
  annotation, from where it stands) to every later annotation, until another lead rule: in a plain
  list, the first named department leads and the others co-lead. Stated inside an annotation
  without 下同, it holds for that annotation alone. A list that names its lead itself (牵头) is
  read as written.
* A **standing note**: ``以下均需试点城市政府落实，不再列出`` — every later annotation also makes
  the body it names responsible.

Each role so read keeps the rule's sentence (``NameEntry.rule``): the graph records it as a
judgement whose basis is that quote, never as a fact the annotation states.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from policygraph.text.annotations import LEAD_RULE, Annotation, NameEntry
from policygraph.text.names import is_collective, normalize
from policygraph.text.spans import Span

STANDING_NOTE = re.compile(
    r"以下(?:各项)?(?:工作|任务|措施|事项)?(?:均|都)?(?:需|由|要|须)?"
    r"(?P<body>[^，,。；;（）()由需要须均都]{2,30}?)(?:负责)?"
    r"(?:落实|实施|负责)[，,]?(?:均)?不再(?:一一)?(?:列出|列明|标注|注明)"
)


@dataclass(frozen=True)
class Rule:
    kind: str  # "lead" | "standing"
    span: Span  # the sentence as quoted
    onward: bool  # holds for later annotations too (下同, or stated outside an annotation)
    body: Span | None = None  # the body a standing note makes responsible


def find_rules(text: str, annotations: list[Annotation]) -> list[Rule]:
    """Every lead rule and standing note of the text, in order."""
    rules = []
    for m in LEAD_RULE.finditer(text):
        span = Span.of(text, m.start(), m.end()).strip()
        inside = any(a.span.start < span.start < a.span.end for a in annotations)
        rules.append(Rule("lead", span, "下同" in span.text or not inside))
    for m in STANDING_NOTE.finditer(text):
        body = Span.of(text, m.start("body"), m.end("body"))
        rules.append(Rule("standing", Span.of(text, m.start(), m.end()), True, body))
    return sorted(rules, key=lambda r: r.span.start)


def apply_rules(text: str, annotations: list[Annotation]) -> list[Annotation]:
    """The annotations (in document order) as the document's rules read them."""
    rules = find_rules(text, annotations)
    if not rules:
        return annotations
    out = []
    for a in annotations:
        lead: Rule | None = None
        standing: list[Rule] = []
        for r in rules:
            inside = a.span.start < r.span.start < a.span.end
            if r.kind == "lead" and (inside or (r.onward and r.span.end <= a.span.start)):
                lead = r  # a later rule replaces an earlier one
            elif r.kind == "standing" and r.span.end <= a.span.start:
                standing.append(r)
        entries = list(a.entries)
        if lead is not None:
            entries = first_leads(entries, lead.span)
        for r in standing:
            entries = _add_standing(entries, r)
        out.append(a if entries == list(a.entries) else replace(a, entries=tuple(entries)))
    return out


def first_leads(entries: list[NameEntry], rule: Span) -> list[NameEntry]:
    """A plain list under a lead rule: the first named department leads, the others co-lead (a
    collective or catch-all listed first does not lead)."""
    if any(e.role != "responsible" for e in entries):
        return entries  # the annotation names its roles itself
    named = [e for e in entries if not e.catch_all and not is_collective(e.name.text)]
    if not named:
        return entries
    out, co = [], 0
    for e in entries:
        if e is named[0]:
            out.append(replace(e, role="lead", position=1, rule=rule))
        else:
            co += 1
            out.append(replace(e, role="co-lead", position=co, rule=rule))
    return out


def _add_standing(entries: list[NameEntry], rule: Rule) -> list[NameEntry]:
    """The body a standing note names, responsible after the annotation's own names."""
    assert rule.body is not None
    if any(normalize(e.name.text) == normalize(rule.body.text) for e in entries):
        return entries
    position = 1 + sum(1 for e in entries if e.role == "responsible")
    added = NameEntry("responsible", position, rule.body, False, rule.span)
    return [*entries, added]
