"""Amounts of money a provision promises: value in 万元, kind (cap, fixed, floor, ratio), clause.

Reads ``最高不超过1000万元``, ``给予300万元``, ``300万经费``, ``不少于50万元``, ``1.5亿元``,
``500元``, and matching ratios such as ``按照…的1:1给予配套支持``. Percentages, counts and years are
not money and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from policygraph.text.spans import Span

_FACTOR = {"元": Decimal("0.0001"), "万": Decimal(1), "亿": Decimal(10000), "万亿": Decimal(10**8)}
# A bare 万/亿 (no 元) counts only where money follows: 300万经费, 500万的财政奖补, 3000万补贴资金.
_MONEY = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)[ \u3000]*"
    r"(?:(?P<unit>万亿|亿|万)元|(?P<yuan>元)|(?P<bare>万亿|亿|万)(?=的?(?:经费|资金|财政|奖|补|资助|支持)))"
)
_RATIO = re.compile(r"(?<![\d.])(?P<a>\d{1,2})[ \u3000]*[:：][ \u3000]*(?P<b>\d{1,2})(?![\d.])")
_RATIO_CONTEXT = re.compile(r"配套|匹配")
_CAP = re.compile(r"(最高|不超过|不高于|可达|上限|以内)[^，,。；;]{0,6}$")
_FLOOR = re.compile(r"(不少于|不低于|至少)[^，,。；;]{0,6}$")
_AFTER_FLOOR = re.compile(r"^(以上)")
_AFTER_CAP = re.compile(r"^(以下|以内)")
_CLAUSE_END = "。；;!！?？"


@dataclass(frozen=True)
class Amount:
    kind: str  # "cap" | "fixed" | "floor" | "ratio"
    text: Span  # the amount as written: 1000万元, 300万, 1:1
    clause: Span  # the clause the amount belongs to
    wan_yuan: Decimal | None  # value normalised to 万元 (None for a ratio)
    ratio: str | None = None


def clauses(text: str, span: Span) -> list[Span]:
    out, start = [], 0
    for i, ch in enumerate(span.text):
        if ch in _CLAUSE_END:
            out.append(Span.of(text, span.start + start, span.start + i + 1))
            start = i + 1
    out.append(Span.of(text, span.start + start, span.end))
    return [c.strip() for c in out if c.text.strip()]


def find_amounts(text: str, body: Span) -> list[Amount]:
    """Every amount of money and matching ratio in ``body``, in source order."""
    found: list[Amount] = []
    for clause in clauses(text, body):
        c = clause.text
        hits: list[tuple[int, Amount]] = []
        for m in _MONEY.finditer(c):
            unit = m.group("unit") or m.group("bare") or m.group("yuan")
            value = Decimal(m.group("num")) * _FACTOR[unit]
            before, after = c[: m.start()], c[m.end() :]
            if _CAP.search(before) or _AFTER_CAP.match(after):
                kind = "cap"
            elif _FLOOR.search(before) or _AFTER_FLOOR.match(after):
                kind = "floor"
            else:
                kind = "fixed"
            span = Span.of(text, clause.start + m.start(), clause.start + m.end())
            hits.append((m.start(), Amount(kind, span, clause, _normal(value))))
        if _RATIO_CONTEXT.search(c):
            for m in _RATIO.finditer(c):
                span = Span.of(text, clause.start + m.start(), clause.start + m.end())
                ratio = f"{m.group('a')}:{m.group('b')}"
                hits.append((m.start(), Amount("ratio", span, clause, None, ratio)))
        found.extend(a for _, a in sorted(hits, key=lambda h: h[0]))
    return found


def _normal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (1000, not 1E+3)."""
    if value == value.to_integral():
        return value.quantize(Decimal(1))
    return value.normalize()
