"""A PDF's text layer (pdfplumber): lines joined into paragraphs where they wrap, page numbers
dropped, tables kept as tables, a table that continues on the next page (with or without its
header repeated) read as one, text wrapping inside a cell joined. A PDF without a text layer is
an error: it is a scan, and its text would have to be guessed."""

from __future__ import annotations

import io
import re
from typing import Any

from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.text.document import Block, SourceDocument, assemble, clean
from policygraph.text.limits import CHARACTERS

VERSION = "1"
_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(\d+|第\s*\d+\s*页(\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)[-—–－\s]*$"
)
_STARTS_ITEM = re.compile(
    r"^[（(]?[一二三四五六七八九十\d]+[）)、.．]|^第[一二三四五六七八九十百]+条"
)


def read_pdf(data: bytes, name: str) -> SourceDocument:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for a broken file
        raise SourceError(
            N_("{file}: cannot read as PDF ({reason})"),
            code="pdf-unreadable",
            file=name,
            reason=str(exc),
        ) from exc
    reader = _Reader()
    chars = 0
    with pdf:
        for page in pdf.pages:
            # the glyphs a page's content can show, counted in its text strings before pdfminer
            # lays out every one of them (about 2 KB each: a 10 KB file of 3 million took 6 GB)
            CHARACTERS.check(name, chars + _shown_at_most(page))
            chars += len(page.chars)
            CHARACTERS.check(name, chars)
            reader.page(page)
            page.close()  # its layout freed: memory by the page, not by the document
        title = clean(str(pdf.metadata.get("Title", "") or ""))
    if chars == 0:
        raise SourceError(
            N_("{file}: no text layer (a scan?): OCR it, or give the text as .txt"),
            code="pdf-no-text",
            file=name,
        )
    metadata = {"title": title} if title else {}
    return assemble(reader.blocks, "pdf", VERSION, "application/pdf", None, metadata)


class _Reader:
    """Blocks in reading order, with whether the last paragraph runs on into the next line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.open = False

    def page(self, page: Any) -> None:
        tables = page.find_tables()
        boxes = [t.bbox for t in tables]

        def outside(obj: dict[str, Any]) -> bool:
            return not any(
                b[0] - 1 <= obj["x0"]
                and obj["x1"] <= b[2] + 1
                and b[1] - 1 <= obj["top"] <= b[3] + 1
                for b in boxes
            )

        lines = page.filter(outside).extract_text_lines()
        items: list[tuple[float, str, Any]] = [(ln["top"], "line", ln) for ln in lines]
        items += [(t.bbox[1], "table", t) for t in tables]
        items.sort(key=lambda item: item[0])
        right = max((ln["x1"] for ln in lines), default=page.width)
        for k, (_, kind, obj) in enumerate(items):
            if kind == "table":
                self.table(obj, continues=k == 0)
            else:
                self.line(obj, right)

    def line(self, line: dict[str, Any], right: float) -> None:
        text = clean(line["text"])
        if not text or _PAGE_NUMBER.match(text):
            return
        last = self.blocks[-1] if self.blocks else None
        if (
            last is not None
            and last.kind == "paragraph"
            and self.open
            and not _STARTS_ITEM.match(text)
        ):
            self.blocks[-1] = Block("paragraph", last.text + text)
        else:
            self.blocks.append(Block("paragraph", text))
        size = max((c.get("size", 10) for c in line.get("chars", [])), default=10)
        paragraph = self.blocks[-1].text
        unclosed = sum(paragraph.count(c) for c in "（(") > sum(paragraph.count(c) for c in "）)")
        full = line["x1"] >= right - 1.5 * size and not text.endswith(("。", "）", ")", "；"))
        self.open = unclosed or full

    def table(self, table: Any, continues: bool) -> None:
        rows = [tuple(clean(c or "") for c in row) for row in table.extract()]
        rows = [r for r in rows if any(r)]
        self.open = False
        if not rows:
            return
        last = self.blocks[-1] if self.blocks else None
        if (
            continues
            and last is not None
            and last.kind == "table"
            and len(last.rows[0]) == len(rows[0])
        ):
            previous = list(last.rows)
            if rows[0] == previous[0]:
                rows = rows[1:]  # the header repeated on the new page
            if rows and not rows[0][0] and any(rows[0][1:]):  # a row broken by the page
                previous[-1] = tuple(a + b for a, b in zip(previous[-1], rows[0], strict=True))
                rows = rows[1:]
            self.blocks[-1] = Block("table", rows=tuple(previous) + tuple(rows))
            return
        self.blocks.append(Block("table", rows=tuple(rows)))


_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>")


def _shown_at_most(page: Any) -> int:
    """An upper bound of the glyphs ``page``'s content streams show: the bytes of their literal
    strings, half the digits of their hex strings (a glyph takes at least one byte)."""
    from pdfminer.pdftypes import resolve1, stream_value

    contents = resolve1(page.page_obj.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    shown = 0
    for ref in streams:
        try:
            data = stream_value(ref).get_data()
        except Exception:  # pdfminer raises many types for a broken stream: laid out as it is
            continue
        for m in _STRING.finditer(data):
            token = m.group(0)
            shown += len(token) - 2 if token[:1] == b"(" else (len(token) - 2) // 2
    return shown
