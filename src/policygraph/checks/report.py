"""The report of the consistency checks: results by severity, and its readings in words.

Severities have a fixed meaning. ``Violation``: our graph is wrong (fails CI). ``Warning``: a
source is inconsistent with itself or with another source (reported, never fixed). ``Info``:
worth knowing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from policygraph.rdf import PG

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True, order=True)
class Result:
    severity: str
    rule: str  # the shape's local name, e.g. LeadAndCoLead
    focus: str
    value: str
    path: str
    message: str
    rule_label: str
    quote: str  # the focus node's own quote, where it has one (messages carry the others)

    def as_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in sorted(self.__dataclass_fields__)}


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    graph_ttl: str  # the SHACL validation report as Turtle

    def of(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    @property
    def conforms(self) -> bool:
        return not self.of("Violation")

    def failed(self, strict: bool = False) -> bool:
        return bool(self.of("Violation") or (strict and self.of("Warning")))

    def as_json(self) -> str:
        counts = {s.lower(): len(self.of(s)) for s in SEVERITIES}
        data = {
            "conforms": self.conforms,
            "counts": counts,
            "results": [r.as_json() for r in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def order(r: Result) -> tuple[int, str, str, str, str]:
    """Violations first, then warnings, infos, and severities of a shapes graph's own after."""
    rank = SEVERITIES.index(r.severity) if r.severity in SEVERITIES else len(SEVERITIES)
    return (rank, r.rule, r.focus, r.value, r.message)


def quote_of(data: Any, focus: Any) -> str:
    import pyoxigraph as ox

    if not isinstance(focus, URIRef):
        return ""
    quads = data.quads_for_pattern(ox.NamedNode(str(focus)), ox.NamedNode(str(PG.quote)), None)
    return next((q.object.value for q in quads), "")


# --- human reports --------------------------------------------------------------------------


def grouped(report: Report) -> list[tuple[str, list[tuple[str, list[Result]]]]]:
    """Results by severity, then by rule, in a fixed order."""
    out = []
    for severity in SEVERITIES:
        rules: dict[str, list[Result]] = {}
        for r in report.of(severity):
            rules.setdefault(r.rule_label, []).append(r)
        if rules:
            out.append((severity, sorted(rules.items())))
    return out


def render_text(report: Report) -> str:
    lines = []
    counts = ", ".join(f"{len(report.of(s))} {s.lower()}(s)" for s in SEVERITIES)
    lines.append(f"{'Conforms' if report.conforms else 'Does not conform'}: {counts}")
    for severity, rules in grouped(report):
        lines += ["", f"== {severity} =="]
        for label, results in rules:
            lines.append(f"-- {label} ({len(results)})")
            for r in results:
                lines.append(f"   {r.focus}")
                lines.append(f"      {r.message or r.path}")
                if r.quote and r.quote not in r.message:
                    lines.append(f"      quote: “{_short(r.quote)}”")
    return "\n".join(lines) + "\n"


def _sentence(r: Result) -> str:
    """The message, with the focus node's quote where the message does not carry it."""
    if r.quote and r.quote not in r.message:
        return f"{r.message}: “{_short(r.quote)}” ({r.focus})"
    return r.message


def _short(text: str, n: int = 120) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


DEFECTS_HEADER = """# Known source defects

Generated from the report of `policygraph validate` (`policygraph validate --defects
docs/source-defects.md`); do not edit by hand. A test fails when this file is not current.

These are the places where a source text is inconsistent with itself or with another source.
The graph keeps what each source says and reports the inconsistency here; it fixes nothing.
"""


def render_defects(report: Report) -> str:
    lines = [DEFECTS_HEADER]
    titles = {"Warning": "Source defects (warnings)", "Info": "Worth knowing (info)"}
    for severity, rules in grouped(report):
        if severity not in titles:
            continue
        lines.append(f"## {titles[severity]}\n")
        for label, results in rules:
            lines.append(f"### {label[0].upper()}{label[1:]} ({len(results)})\n")
            lines += [f"- {_sentence(r)}" for r in results]
            lines.append("")
    if not report.of("Warning") and not report.of("Info"):
        lines.append("No source defects found.\n")
    return "\n".join(lines).rstrip() + "\n"
