"""The report of the consistency checks as data: results by severity, and the few readings of
it that every floor shows (the verdict, the counts). The checks (``policygraph.checks``) make
it; ingest, the CLI and the site (``render``, which never imports the checks) read it.

Severities have a fixed meaning. ``Violation``: our graph is wrong (fails CI). ``Warning``: a
source is inconsistent with itself or with another source (reported, never fixed). ``Info``:
worth knowing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from policygraph import i18n
from policygraph.i18n import N_, _
from policygraph.text.notes import Note

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True, order=True)
class Result:
    severity: str  # Violation | Warning | Info, or a shapes graph's own severity (its IRI)
    rule: str  # the shape's local name, e.g. LeadAndCoLead
    focus: str
    value: str
    path: str  # an IRI, or a SHACL path in SPARQL's syntax
    message: str
    rule_label: str
    quote: str  # the focus node's own quote, where it has one (messages carry the others)
    shape: str = ""  # the source shape (IRI; empty for a blank node)
    component: str = ""  # the source constraint component (IRI)
    message_zh: str = ""  # the message in Chinese: the shape's sh:message @zh, else the default
    rule_label_zh: str = ""  # the rule's label in Chinese, where it has one

    def said(self) -> str:
        """The message in the language spoken (English where the shape has no other)."""
        return self.message_zh if i18n.current() == "zh" and self.message_zh else self.message

    def label(self) -> str:
        """The rule's label in the language spoken."""
        if i18n.current() == "zh" and self.rule_label_zh:
            return self.rule_label_zh
        return self.rule_label

    def as_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in sorted(self.__dataclass_fields__)}


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    graph_ttl: str  # the SHACL validation report as Turtle
    notes: tuple[Note, ...] = ()  # what the user should know of how it was made

    def of(self, severity: str) -> list[Result]:
        return [r for r in self.results if r.severity == severity]

    @property
    def conforms(self) -> bool:
        """sh:conforms by the spec: no result of any severity (our exit codes: :meth:`failed`)."""
        return not self.results

    def failed(self, strict: bool = False) -> bool:
        """Whether the checks fail: a violation (or, ``strict``, a warning)."""
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


def verdict(report: Report) -> str:
    """The first words of a report: conforms (no result at all, as sh:conforms says), passes
    (warnings and infos only: exit 0), or fails."""
    if report.conforms:
        return _("Conforms")
    return _("Does not conform") if report.of("Violation") else _("Passes (no violation)")


SEVERITY_WORDS = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}


def counts_text(report: Report) -> str:
    """How many results of each severity, in words of the language spoken."""
    return _("{violations} violation(s), {warnings} warning(s), {infos} info(s)").format(
        violations=len(report.of("Violation")),
        warnings=len(report.of("Warning")),
        infos=len(report.of("Info")),
    )


def summary_line(report: Report) -> str:
    """The verdict and the counts, in the language spoken."""
    return _("{verdict}: {counts}").format(verdict=verdict(report), counts=counts_text(report))
