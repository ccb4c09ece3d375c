"""Bytes to text: UTF-8 (a BOM allowed), and what the bytes look like when they are not."""

from __future__ import annotations

from policygraph.errors import SourceError
from policygraph.i18n import N_


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is allowed); say what the bytes look like when they are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = guess_encoding(data)
        if guess:
            template = N_(
                "{file}: not UTF-8 (byte {byte}); it looks like {encoding}: convert it with "
                "`iconv -f {encoding} -t UTF-8`"
            )
        else:
            template = N_("{file}: not UTF-8 (byte {byte})")
        raise SourceError(
            template, code="not-utf8", file=name, byte=exc.start, encoding=guess or ""
        ) from exc


def guess_encoding(data: bytes) -> str | None:
    for enc in ("gb18030", "big5", "utf-16"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text[:2000]):
            return enc.upper()
    return None
