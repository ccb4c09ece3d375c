"""The page of the consistency checks: the report the caller gave (the site runs no check),
by severity and rule, each result linked to its page and its place in the source."""

from __future__ import annotations

from typing import Any

from policygraph.render.site.base import Site
from policygraph.text.report import SEVERITIES, grouped

SEVERITY_ZH = {"Violation": "违反约束", "Warning": "警告", "Info": "提示"}


def checks_page(site: Site) -> None:
    report = site.data.report
    path = "checks/index.html"
    groups = [
        (
            {"en": severity, "zh": SEVERITY_ZH.get(severity, severity)},
            [
                (
                    {"en": label, "zh": results[0].rule_label_zh or label},
                    [_result(site, path, r) for r in results],
                )
                for label, results in rules
            ],
        )
        for severity, rules in grouped(report)
    ]
    counts = {
        "en": ", ".join(f"{len(report.of(s))} {s.lower()}(s)" for s in SEVERITIES),
        "zh": "，".join(f"{SEVERITY_ZH[s]} {len(report.of(s))} 项" for s in SEVERITIES),
    }
    site.add(path, "checks.html", None, title="一致性检查", groups=groups, summary=counts)


def _result(site: Site, path: str, r: Any) -> dict[str, str]:
    focus = r.focus
    page = focus if focus in site.known or (focus in site.quote_of and site.is_page(focus)) else ""
    return {
        "message": r.message or r.rule_label,
        "message_zh": r.message_zh or r.message or r.rule_label_zh or r.rule_label,
        "href": site.href(path, page) if page else "",
        "source": site.quote_link(path, focus),
    }
