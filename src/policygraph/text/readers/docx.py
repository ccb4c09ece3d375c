"""A .docx from the office system: python-docx, paragraphs and tables in document order, with
Word's automatic numbering (numbering.xml) written out as the text shows it: 一、 （一） 1. （1）."""

from __future__ import annotations

import io
from typing import Any

from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.text.document import Block, SourceDocument, assemble, clean

VERSION = "1"
_CN = "零一二三四五六七八九"


def read_docx(data: bytes, name: str) -> SourceDocument:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise SourceError(
            N_("{file}: cannot read as a Word document ({reason})"),
            code="docx-unreadable",
            file=name,
            reason=str(exc),
        ) from exc
    _refuse_entities(document, name)
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            block = _paragraph(Paragraph(child, document), numbering)
            if block is not None:
                blocks.append(block)
        elif child.tag == qn("w:tbl"):
            rows = _table(Table(child, document))
            if rows:
                blocks.append(Block("table", rows=rows))
    if not blocks:
        raise SourceError(N_("{file}: the document has no text"), code="docx-empty", file=name)
    props = document.core_properties
    metadata = {"title": clean(props.title)} if props.title else {}
    media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return assemble(blocks, "docx", VERSION, media, None, metadata)


def _refuse_entities(document: Any, name: str) -> None:
    """An entity reference (``&ext;``, declared in a DOCTYPE: Word never writes one) is not
    expanded by the parser, and the text after it in its run would be lost: refused, named."""
    from lxml import etree

    found = sorted({str(e) for e in document.element.iter(etree.Entity)})
    if found:
        raise SourceError(
            N_(
                "{file}: the Word document refers to XML entities ({entities}), which Word "
                "never writes; they are not expanded and the text around them would be lost: "
                "refused"
            ),
            code="docx-entities",
            file=name,
            entities=", ".join(found[:5]),
        )


def _paragraph(p: Any, numbering: _Numbering) -> Block | None:
    text = clean(p.text)
    label = numbering.label(p)
    if not text and not label:
        return None
    style = (p.style.name or "") if p.style is not None else ""
    kind = "heading" if style.startswith(("Heading", "标题", "Title")) else "paragraph"
    return Block(kind, label + text)


def _table(table: Any) -> tuple[tuple[str, ...], ...]:
    rows = []
    for row in table.rows:
        cells = tuple(clean("\n".join(p.text for p in cell.paragraphs)) for cell in row.cells)
        if any(cells):
            rows.append(cells)
    return tuple(rows)


class _Numbering:
    """Word's list numbering: the label each numbered paragraph shows, counted as Word counts."""

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) → fmt
        self.counters: dict[tuple[str, int], int] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in a.findall(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                levels[int(lvl.get(qn("w:ilvl")))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal",
                    text.get(qn("w:val")) if text is not None else "",
                    int(start.get(qn("w:val"))) if start is not None else 1,
                )
            abstract[a.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(qn("w:val")), {}).items():
                    self.levels[(num.get(qn("w:numId")), ilvl)] = spec

    def label(self, p: Any) -> str:
        qn = self.qn
        ppr = p._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num_pr is None and p.style is not None and p.style.element.pPr is not None:
            num_pr = p.style.element.pPr.find(qn("w:numPr"))
        if num_pr is None or num_pr.find(qn("w:numId")) is None:
            return ""
        num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        ilvl_el = num_pr.find(qn("w:ilvl"))
        ilvl = int(ilvl_el.get(qn("w:val"))) if ilvl_el is not None else 0
        if (num_id, ilvl) not in self.levels:
            return ""
        for key in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[key]  # a higher level restarts the ones below it
        _, text, start = self.levels[(num_id, ilvl)]
        self.counters[(num_id, ilvl)] = self.counters.get((num_id, ilvl), start - 1) + 1
        for level in range(ilvl + 1):
            spec = self.levels.get((num_id, level))
            value = self.counters.get((num_id, level), spec[2] if spec else 1)
            shown = _format(spec[0] if spec else "decimal", value)
            text = text.replace(f"%{level + 1}", shown)
        return text


def _format(fmt: str, n: int) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographTraditional",
        "taiwaneseCounting",
    ):
        return _chinese(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "none":
        return ""
    return str(n)


def _chinese(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)
