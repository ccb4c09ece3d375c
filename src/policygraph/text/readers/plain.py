"""Plain text: UTF-8 with or without BOM, UTF-16 (with a BOM, or by its zero bytes), GB18030 and
its subsets GBK/GB2312; the encoding is recorded. The text is kept as decoded (CRLF included), so
quotes of a UTF-8 file point into the file itself."""

from __future__ import annotations

from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.text.document import Block, SourceDocument

VERSION = "1"


def detect(data: bytes) -> str:
    """The encoding of ``data``: utf-8-sig, utf-16, utf-16-le/-be, utf-8 or gb18030.

    Raises UnicodeDecodeError when it is none of them."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[: 1 << 16]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if len(data) % 2 == 0 and max(odd, even) >= 2 and max(odd, even) >= 3 * min(odd, even):
        encoding = "utf-16-le" if odd > even else "utf-16-be"  # ASCII's zero bytes on one side
        data.decode(encoding)
        return encoding
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        data.decode("gb18030")
        return "gb18030"


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in; SourceError naming the file otherwise."""
    try:
        encoding = detect(data)
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            N_("{file}: not text in UTF-8, UTF-16 or GB18030, nor {formats} (byte {byte})"),
            code="not-text",
            file=name,
            formats=_others(),
            byte=exc.start,
        ) from exc
    if "\x00" in text:
        raise SourceError(
            N_("{file}: binary data, not text (nor {formats})"),
            code="binary",
            file=name,
            formats=_others(),
        )
    return text, encoding


def _others() -> str:
    """The other formats of policy documents read, from the registry: "pdf, docx, html"."""
    from policygraph.text.readers import READERS

    return ", ".join(r.name for r in READERS if r.document and r.name != "text")


def read_text(data: bytes, name: str) -> SourceDocument:
    text, encoding = decode(data, name)
    blocks = tuple(Block("paragraph", line) for line in text.splitlines() if line.strip())
    return SourceDocument(blocks, text, (), "text", VERSION, "text/plain", encoding, {})
