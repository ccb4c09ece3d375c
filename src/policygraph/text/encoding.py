"""Bytes to text: UTF-8 (a BOM allowed), and what the bytes look like when they are not."""

from __future__ import annotations

from policygraph.errors import SourceError


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is allowed); say what the bytes look like when they are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = guess_encoding(data)
        hint = (
            f"; it looks like {guess}: convert it with `iconv -f {guess} -t UTF-8`" if guess else ""
        )
        raise SourceError(f"{name}: not UTF-8 (byte {exc.start}){hint}") from exc


def guess_encoding(data: bytes) -> str | None:
    for enc in ("gb18030", "big5", "utf-16"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text[:2000]):
            return enc.upper()
    return None
