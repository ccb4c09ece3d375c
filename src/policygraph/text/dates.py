"""Reading dates as Chinese documents write them, and saying what is wrong when they cannot be read.

Reads ``2021年9月8日``, ``2021-09-08 18:15``, ``2021年8月``, ``2021年``; refuses the run-together
forms a web copy can garble (``20211224日``, ``202112月``, ``20213月``) with the problem as a
:class:`~policygraph.text.notes.Note` (a code, an English template and its parameters), said in
the language spoken where it is shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from policygraph.i18n import N_
from policygraph.text.notes import Note

_FULL = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日")
_ISO = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})")
_MONTH = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?!\d)")
_YEAR = re.compile(r"(?P<y>\d{4})年(?!\d)")
_RUN_DAY = re.compile(r"(?P<y>\d{4})(?P<m>\d{1,2})(?P<d>\d{2})日")
_RUN_MONTH = re.compile(r"(?P<y>\d{4})(?P<m>\d{1,2})月")
# A cell that holds one day and nothing else, as people type it: 2024-06-30, 2024/6/30,
# 2024.6.30, 2024年6月30日
_DAY = re.compile(r"\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?\s*")


# What can be wrong with a date as written: a code and its template (the catalogue's msgid)
NOT_A_DAY = N_("{written} is not a day of the calendar")
RUN_TOGETHER_DAY = N_(
    "year, month and day run together with no 年 or 月 ({written}): probably {guess}"
)
RUN_TOGETHER_MONTH = N_("year and month run together with no 年 ({written}): probably {guess}")
NO_YEAR = N_("no year in it")
PROBLEMS = {
    "date-not-a-day": NOT_A_DAY,
    "date-run-together-day": RUN_TOGETHER_DAY,
    "date-run-together-month": RUN_TOGETHER_MONTH,
    "date-no-year": NO_YEAR,
}


@dataclass(frozen=True)
class DateReading:
    value: str | None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    said: Note | None = None  # why it cannot be read

    @property
    def problem(self) -> str | None:
        """The problem: its English words as a ``str``, the note itself (put into an error's
        message, it speaks the language spoken)."""
        return self.said


def _problem(code: str, **params: str) -> DateReading:
    return DateReading(None, Note(code, PROBLEMS[code], params))


def read_day(text: str) -> dt.date | None:
    """The day ``text`` is, where it is one day and nothing else (a cell of a form: 2024-06-30,
    2024/6/30, 2024.6.30, 2024年6月30日); None otherwise, a day not of the calendar included."""
    m = _DAY.fullmatch(text)
    if m is None:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def read_date(text: str) -> DateReading:
    """The first date in ``text``, as precise as it is written."""
    for pattern in (_FULL, _ISO):
        m = pattern.search(text)
        if m:
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            try:
                return DateReading(dt.date(y, mo, d).isoformat())
            except ValueError:
                return _problem("date-not-a-day", written=m.group(0))
    m = _RUN_DAY.search(text)
    if m:
        guess = f"{m['y']}年{int(m['m'])}月{int(m['d'])}日"
        return _problem("date-run-together-day", written=m.group(0), guess=guess)
    m = _MONTH.search(text)
    if m and 1 <= int(m["m"]) <= 12:
        return DateReading(f"{m['y']}-{int(m['m']):02d}")
    m = _RUN_MONTH.search(text)
    if m and 1 <= int(m["m"]) <= 12:
        guess = f"{m['y']}年{int(m['m'])}月"
        return _problem("date-run-together-month", written=m.group(0), guess=guess)
    m = _YEAR.search(text)
    if m:
        return DateReading(m["y"])
    return _problem("date-no-year")
