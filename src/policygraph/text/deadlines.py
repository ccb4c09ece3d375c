"""Deadlines (完成时限) as the genre writes them, and their normalised forms.

A due date is the end of the period the text names: ``2023年底前`` → 2023-12-31,
``2024年6月底前`` → 2024-06-30, ``2023年上半年`` → 2023-06-30, ``2023年第三季度`` → 2023-09-30,
``2023年9月15日前`` → 2023-09-15. A recurrence is a repeating duty: ``每年`` (P1Y), ``每年3月``
(P1Y, in month 3), ``每半年``, ``每季度``, ``每月``. Ongoing work has no end: ``持续推进``,
``长期坚持``. Text that names a deadline the reader cannot normalise (``2025年前``: before or by
2025?) is still a deadline, kept as written with no normalised form: never a guess.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_YEAR_END = re.compile(r"(?P<y>20\d{2})年(?:年)?(?:底|末)")
_HALF = re.compile(r"(?P<y>20\d{2})年(?P<h>上|下)半年")
_QUARTER = re.compile(r"(?P<y>20\d{2})年(?:第)?(?P<q>[一二三四1-4])季度")
_MONTH = re.compile(r"(?P<y>20\d{2})年(?P<m>\d{1,2})月(?:份)?(?:底|末|中旬|上旬|下旬)?(?!\d)")
_DAY = re.compile(r"(?P<y>20\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_ISO = re.compile(r"(?P<y>20\d{2})[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2}))?")
_YEAR = re.compile(r"(?P<y>20\d{2})年")
_RECURRING = re.compile(r"每(?P<unit>年|半年|季度|季|月|周)(?:(?P<m>\d{1,2})月)?")
_ONGOING = re.compile(r"持续|长期|常态化|久久为功|逐年")
_DUE_WORDS = re.compile(r"前|底|末|完成|启动|实现|到位|为止|之前|以前")
_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_PERIOD = {"年": "P1Y", "半年": "P6M", "季度": "P3M", "季": "P3M", "月": "P1M", "周": "P1W"}


@dataclass(frozen=True)
class Deadline:
    due: str | None = None  # ISO date: the end of the period named
    recurrence: str | None = None  # ISO 8601 duration, with the month where one is named
    ongoing: bool = False


def _end_of_month(y: int, m: int) -> str | None:
    if not 1 <= m <= 12:
        return None
    return f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"


def _due(text: str) -> str | None:
    if m := _DAY.search(text):
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
            return f"{y:04d}-{mo:02d}-{d:02d}"
        return None
    if m := _YEAR_END.search(text):
        return f"{m['y']}-12-31"
    if m := _HALF.search(text):
        return f"{m['y']}-06-30" if m["h"] == "上" else f"{m['y']}-12-31"
    if m := _QUARTER.search(text):
        return _end_of_month(int(m["y"]), _QUARTER_END[m["q"]])
    if m := _MONTH.search(text):
        return _end_of_month(int(m["y"]), int(m["m"]))
    return None


def read_deadline(text: str) -> Deadline | None:
    """The deadline ``text`` states, normalised as far as the text allows; None when it is no
    deadline at all."""
    plain = "".join(text.split())
    if m := _RECURRING.search(plain):
        month = f"; month {int(m['m'])}" if m["m"] else ""
        return Deadline(recurrence=_PERIOD[m["unit"]] + month)
    if _ONGOING.search(plain) and not _YEAR.search(plain):
        return Deadline(ongoing=True)
    if not _YEAR.search(plain) and not _ISO.search(plain):
        return None
    due = _due(plain)
    if due is None and not _DUE_WORDS.search(plain):
        return None
    return Deadline(due=due)


def is_deadline(text: str) -> bool:
    """True when ``text`` (a piece of an annotation, a table cell) states a deadline."""
    return read_deadline(text) is not None
