"""The document model every reader yields: ordered blocks (headings, paragraphs, tables) and one
deterministic plain text into which quotes and offsets point.

The plain text is the blocks in order, one line each: a paragraph as its text, a table as one
line per row, ``| cell | cell |``, so that a table row never reads as a numbered item and its
cells keep offsets of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from policygraph.text.spans import Span


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "paragraph" | "table"
    text: str = ""  # a heading or paragraph
    rows: tuple[tuple[str, ...], ...] = ()  # a table


@dataclass(frozen=True)
class Table:
    """A table of the plain text: its cells with their offsets."""

    rows: tuple[tuple[Span, ...], ...]

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.text for c in self.rows[0]) if self.rows else ()


@dataclass(frozen=True)
class SourceDocument:
    """What a reader made of a file: the blocks, the plain text, and how it was read."""

    blocks: tuple[Block, ...]
    text: str
    tables: tuple[Table, ...]
    reader: str  # text, html, docx, pdf
    version: str  # the reader's version: a change in how it reads bumps it
    media_type: str
    encoding: str | None = None  # for text: the encoding the bytes were in
    metadata: dict[str, str] = field(default_factory=dict)  # what the file says about itself


def clean(text: str) -> str:
    """One line of text: line breaks, tabs and non-breaking spaces inside made single spaces
    (a CJK line wrapped in the source joins with nothing), the ends trimmed."""
    lines = [line.strip(" \t\r\u00a0") for line in text.replace("\u00a0", " ").split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if out and not (_cjk(out[-1]) or _cjk(line[0])):
            out += " "
        out += line
    return " ".join(out.split("\t"))


def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def assemble(
    blocks: list[Block],
    reader: str,
    version: str,
    media_type: str,
    encoding: str | None = None,
    metadata: dict[str, str] | None = None,
) -> SourceDocument:
    """The plain text of ``blocks`` (one line each, tables as ``| a | b |`` rows)."""
    parts: list[str] = []
    tables: list[Table] = []
    pos = 0

    def put(line: str) -> None:
        nonlocal pos
        parts.append(line + "\n")
        pos += len(line) + 1

    for block in blocks:
        if block.kind != "table":
            if block.text:
                put(block.text)
            continue
        rows = []
        for row in block.rows:
            cells, line = [], "|"
            for cell in row:
                start = pos + len(line) + 1
                cells.append(Span(start, start + len(cell), cell))
                line += f" {cell} |"
            put(line)
            rows.append(tuple(cells))
        tables.append(Table(tuple(rows)))
    return SourceDocument(
        tuple(blocks),
        "".join(parts),
        tuple(tables),
        reader,
        version,
        media_type,
        encoding,
        dict(metadata or {}),
    )
