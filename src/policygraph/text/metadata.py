"""The metadata the genre puts in a document's first and last lines: the 文号 and title at the
top, the issuer and date in the signature; and the level a place name implies.

A notice that issues a plan (关于印发《…实施方案》的通知) carries the 文号, issuer and date: its
signature is the first one of the text, before the plan; the plan's own title is kept beside the
notice's (``plan_title``).
"""

from __future__ import annotations

import re

from policygraph.text.citations import DOC_NUMBER
from policygraph.text.dates import read_date

_ISSUER_END = re.compile(r"(人民政府|办公厅|办公室|委员会|厅|局|部)$")
# The place a body's name starts with: its province, or a city, prefecture or county written
# with its province first (云南省安宁市人民政府办公室: 云南省安宁市, a city, as
# ``text.places.jurisdiction_of`` reads it), never a word of the body's own (广东省市场监督管理局:
# 广东省; 云南省人民政府办公厅: 云南省)
PLACE = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,8}?(?:自治区|省)(?!人民政府|办公厅|委))?"
    r"[\u4e00-\u9fff]{2,8}?(?:自治区|省|市|州|县))"
)


_WRAPPER = re.compile(r"关于印发(?P<plan>.+?)的通知$")


def read_metadata(text: str) -> dict[str, str | None]:
    """Number and title from the first lines, issuer and date from the signature."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    head = lines[:10]
    number = next((ln for ln in head if DOC_NUMBER.fullmatch(ln)), None)
    if number is None:
        number = next(
            (
                m.group(0)
                for ln in head[:3]
                if (m := DOC_NUMBER.search(ln)) and "《" not in ln[: m.start()]
            ),
            None,
        )
    title = _title(head)
    if title and number and title.startswith(number):
        title = title[len(number) :].strip()
    wrapper = _WRAPPER.search(title or "")
    plan_title = wrapper.group("plan").strip("《》〈〉") if wrapper else None
    issuer, date = _signature(lines, first=wrapper is not None)
    return {
        "number": number,
        "title": title,
        "issuer": issuer,
        "date": date,
        "plan_title": plan_title,
    }


_TITLE_END = re.compile(r"(通知|意见|措施|方案|办法|规定|条例|计划|决定|细则|要点|批复|函)$")


def _title(head: list[str]) -> str | None:
    """The first line naming what it is about (关于…); a title broken over two or three lines
    (关于对真抓实干成效明显地方 / 进一步加大激励支持力度的通知) is joined."""
    for k, line in enumerate(head):
        if "关于" not in line or DOC_NUMBER.fullmatch(line) or len(line) > 80:
            continue
        title = line
        for more in head[k + 1 : k + 3]:
            if _TITLE_END.search(title) or DOC_NUMBER.search(more) or len(title + more) > 80:
                break
            if "，" in more or "。" in more or more.endswith(("：", ":")):
                break
            title += more
        return title if _TITLE_END.search(title) else line
    return None


def _signature(lines: list[str], first: bool) -> tuple[str | None, str | None]:
    """The issuer and date of a signature: a short line naming a body, then a date alone. The
    closing one; for a notice that issues a plan, the notice's (the first)."""
    found: list[tuple[str | None, str]] = []
    for k, line in enumerate(lines):
        reading = read_date(line)
        if len(line) <= 20 and reading.value and len(reading.value) == 10:
            before = lines[k - 1] if k > 0 else ""
            issuer = before if len(before) <= 30 and _ISSUER_END.search(before) else None
            found.append((issuer, reading.value))
    if not found:
        tail = lines[-6:]
        for line in reversed(tail):  # a month or a year alone, at the end
            reading = read_date(line)
            if len(line) <= 20 and reading.value:
                return None, reading.value
        return None, None
    signed = [f for f in found if f[0] is not None] or found
    return signed[0] if first else signed[-1]


def guess_level(name: str) -> str:
    """The level of the body ``name`` names: that of the innermost place it starts with
    (:data:`PLACE`), so that a city's government written with its province first is a city's."""
    if name.startswith("国务院") or name.startswith("中华人民共和国"):
        return "national"
    place = PLACE.match(name)
    if place and place.group(1).endswith(("省", "自治区")):
        return "region"
    if place and place.group(1).endswith(("市", "州")):
        return "city"
    if place and place.group(1).endswith("县"):
        return "county"
    return ""
