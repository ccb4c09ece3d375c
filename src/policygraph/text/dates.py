"""Reading dates as Chinese documents write them, and saying what is wrong when they cannot be read.

Reads ``2021年9月8日``, ``2021-09-08 18:15``, ``2021年8月``, ``2021年``; refuses the run-together
forms a web copy can garble (``20211224日``, ``202112月``, ``20213月``) with the problem in words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_FULL = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
_MONTH = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)")
_YEAR = re.compile(r"(?P<y>\d{4})年(?!\d)")
_RUN_DAY = re.compile(r"(?P<y>\d{4})(?P<m>\d{1,2})(?P<d>\d{2})日")
_RUN_MONTH = re.compile(r"(?P<y>\d{4})(?P<m>\d{1,2})月")


@dataclass(frozen=True)
class DateReading:
    value: str | None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    problem: str | None


def read_date(text: str) -> DateReading:
    """The first date in ``text``, as precise as it is written."""
    for pattern in (_FULL, _ISO):
        m = pattern.search(text)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            try:
                return DateReading(dt.date(y, mo, d).isoformat(), None)
            except ValueError:
                return DateReading(None, f"{m.group(0)} is not a day of the calendar")
    m = _RUN_DAY.search(text)
    if m:
        guess = f"{m['y']}年{int(m['m'])}月{int(m['d'])}日"
        return DateReading(
            None,
            f"year, month and day run together with no 年 or 月 ({m.group(0)}): probably {guess}",
        )
    m = _MONTH.search(text)
    if m and 1 <= int(m["m"]) <= 12:
        return DateReading(f"{m['y']}-{int(m['m']):02d}", None)
    m = _RUN_MONTH.search(text)
    if m and 1 <= int(m["m"]) <= 12:
        return DateReading(
            None,
            f"year and month run together with no 年 ({m.group(0)}): probably {m['y']}年{int(m['m'])}月",
        )
    m = _YEAR.search(text)
    if m:
        return DateReading(m["y"], None)
    return DateReading(None, "no year in it")
