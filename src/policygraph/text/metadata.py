"""The metadata the genre puts in a document's first and last lines: the 文号 and title at the
top, the issuer and date in the closing signature; and the level a place name implies."""

from __future__ import annotations

import re

from policygraph.text.citations import DOC_NUMBER
from policygraph.text.dates import read_date

_ISSUER_END = re.compile(r"(人民政府|办公厅|办公室|委员会|厅|局|部)$")
PLACE = re.compile(r"^(.{2,8}?(?:自治区|省|市|州|县))")


def read_metadata(text: str) -> dict[str, str | None]:
    """Number and title from the first lines, issuer and date from the closing signature."""
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
    title = next(
        (ln for ln in head if "关于" in ln and not DOC_NUMBER.fullmatch(ln) and len(ln) <= 80), None
    )
    date = issuer = None
    for k in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        reading = read_date(lines[k])
        if len(lines[k]) <= 20 and reading.value:
            date = reading.value
            if k > 0 and len(lines[k - 1]) <= 30 and _ISSUER_END.search(lines[k - 1]):
                issuer = lines[k - 1]
            break
    if title and number and title.startswith(number):
        title = title[len(number) :].strip()
    return {"number": number, "title": title, "issuer": issuer, "date": date}


def guess_level(name: str) -> str:
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
