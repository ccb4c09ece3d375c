"""The one tabular model, and its text renderers: table (the terminal), csv, tsv, md, json, html
(xlsx and docx: ``render.office``); each is a line of ``render.formats.RENDERERS``.

Every view that gives rows becomes a :class:`Sheet`; each format renders a sheet to bytes. Lists
(of departments) are joined with 、 in text cells and kept as lists in JSON, which is a list of
records, one per row. CSV is UTF-8 with a BOM, the same bytes on stdout and in a file, so that
Excel opens Chinese text correctly. A cell that is a :class:`~policygraph.text.notes.Note` (a
note of the progress table) is said in the language spoken in the formats people read (table,
md, html, xlsx, docx) and is its English text in the machine formats (csv, tsv, json), which do
not change with the language.
"""

from __future__ import annotations

import csv
import html
import io
import json
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.formats import BY_NAME, Format
from policygraph.text.notes import said

Cell = str | int | float | list[str] | None
JOIN = "、"


@dataclass(frozen=True)
class Column:
    key: str  # machine name (csv header, json key)
    header: str  # what a person reads (table, md, html, xlsx, docx)
    printed: bool = True  # shown in the human formats (the document column is in the title)
    wide: bool = False  # long text: wraps, gets a wide column
    numeric: bool = False  # right-aligned in the terminal


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    footer: str = ""  # a line under the table in the human formats (totals, a row count)
    lines: bool = True  # rule between rows in the terminal; False: compact, cells unwrapped
    staff: bool = False  # a table staff print: csv carries the headers people read, not the keys

    def text(self, cell: Cell) -> str:
        """A cell as people read it: notes in the language spoken."""
        if cell is None:
            return ""
        return JOIN.join(said(c) for c in cell) if isinstance(cell, list) else str(said(cell))

    def machine_text(self, cell: Cell) -> str:
        """A cell as the machine formats give it: the same in every language."""
        if cell is None:
            return ""
        return JOIN.join(cell) if isinstance(cell, list) else str(cell)

    def printed(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.printed]

    def records(self) -> list[dict[str, Cell]]:
        return [{c.key: v for c, v in zip(self.columns, row, strict=True)} for row in self.rows]


def render_text(sheet: Sheet, fmt: Format) -> bytes:
    """``sheet`` in a text format of the renderers' registry, as the bytes to print or write
    (csv with its BOM)."""
    found = BY_NAME.get(fmt)
    if found is None or found.writer is None or found.binary:
        raise InputError(
            N_("the format {format} is not a tabular text format"), code="format", format=str(fmt)
        )
    return found.write(sheet)


def console_width() -> int | None:
    """The terminal's width; 160 when piped (CI logs, files), so tables are not squeezed."""
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else 160


def rich_text(*renderables: object) -> str:
    """Rich renderables as the text the terminal shows."""
    from rich.console import Console

    buf = io.StringIO()
    tty = sys.stdout.isatty()
    console = Console(
        file=buf,
        soft_wrap=False,
        width=console_width(),
        force_terminal=tty,
        color_system="auto" if tty else None,
        highlight=tty,  # no colours to show: do not spend time finding numbers to colour
    )
    lines: list[str] = []  # consecutive lines printed at once: thousands of warnings in one go
    for r in renderables:
        if isinstance(r, str):
            lines.append(r)
            continue
        if lines:
            console.print("\n".join(lines))
            lines = []
        console.print(r)
    if lines:
        console.print("\n".join(lines))
    return buf.getvalue()


def terminal(sheet: Sheet) -> str:
    """A rich table, as the terminal shows it."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=sheet.title or None, title_justify="left", show_lines=sheet.lines)
    idx = sheet.printed()
    for i in idx:
        col = sheet.columns[i]
        justify: Literal["left", "right"] = "right" if col.numeric else "left"
        if sheet.lines:
            table.add_column(
                col.header, overflow="fold", ratio=3 if col.wide else 1, justify=justify
            )
        else:
            table.add_column(col.header, justify=justify, no_wrap=True)
    for row in sheet.rows:  # as Text: a cell is what the source says, never rich markup
        table.add_row(*(Text(sheet.text(row[i])) for i in idx))
    return rich_text(table, *([sheet.footer] if sheet.footer else []))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet reads as a formula


def inert(text: str) -> str:
    """A csv/tsv cell a spreadsheet will not run: text starting with ``= + - @``, a tab or a
    carriage return gets a leading ``'`` (OWASP's advice against CSV injection), unless it is a
    plain number (``-5``, ``+3.5``), which no spreadsheet runs. The ``'`` is visible in a text
    editor and in the parsed value: a reader that needs the text as written strips it."""
    if not text.startswith(FORMULA_START):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def csv_text(sheet: Sheet) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.header if sheet.staff else c.key for c in sheet.columns])
    for row in sheet.rows:
        w.writerow([inert(sheet.machine_text(c)) for c in row])
    return buf.getvalue()


def _tsv_cell(text: str) -> str:
    text = inert(text)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def tsv_text(sheet: Sheet) -> str:
    lines = ["\t".join(c.key for c in sheet.columns)]
    lines += ["\t".join(_tsv_cell(sheet.machine_text(c)) for c in row) for row in sheet.rows]
    return "\n".join(lines) + "\n"


def json_text(sheet: Sheet) -> str:
    return json.dumps(sheet.records(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def md_text(sheet: Sheet) -> str:
    idx = sheet.printed()

    def esc(s: str) -> str:  # text, never markup: HTML a Markdown viewer would run is escaped
        return html.escape(s, quote=False).replace("|", "\\|").replace("\n", "<br>")

    lines = [f"## {esc(sheet.title)}", ""] if sheet.title else []
    lines.append("| " + " | ".join(esc(sheet.columns[i].header) for i in idx) + " |")
    lines.append("|" + "|".join("---" for _ in idx) + "|")
    for row in sheet.rows:
        lines.append("| " + " | ".join(esc(sheet.text(row[i])) for i in idx) + " |")
    if sheet.footer:
        lines += ["", esc(sheet.footer)]
    return "\n".join(lines) + "\n"


_HTML_STYLE = """body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",SimSun,sans-serif;margin:1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#d9d9d9}thead{display:table-header-group}tr{page-break-inside:avoid}
@page{size:A4 landscape;margin:15mm}"""


def html_text(sheet: Sheet) -> str:
    """A standalone page: one table, its header repeated on every printed page (A4 landscape)."""
    idx = sheet.printed()
    e = html.escape
    head = "".join(f"<th>{e(sheet.columns[i].header)}</th>" for i in idx)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{e(sheet.text(row[i]))}</td>" for i in idx) + "</tr>"
        for row in sheet.rows
    )
    footer = f"<p>{e(sheet.footer)}</p>\n" if sheet.footer else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(sheet.title)}</title>\n<style>{_HTML_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{e(sheet.title)}</h1>\n<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n"
        f"</tbody>\n</table>\n{footer}</body>\n</html>\n"
    )


def display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# each control character as its escape: a listed cell is one line, whatever a file is named
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]}


def listing(headers: Sequence[str], rows: Iterable[Sequence[str]], widest: int = 60) -> str:
    """Rows as plain text, a line each under a line of headers: the columns aligned by display
    width (a Chinese character two columns) and two spaces apart, each as wide as its widest
    cell of up to ``widest`` (a longer one pushes the rest of its own line only), the last not
    padded; control characters escaped. For thousands of rows, which a rich table measures and
    wraps cell by cell (1-2 ms a row: 18 s of a batch of 10,000 files' outcomes)."""
    table = [[c.translate(_CONTROLS) for c in headers]]
    table += [[c.translate(_CONTROLS) for c in row] for row in rows]
    shown = [[display_width(c) for c in row] for row in table]
    columns = range(len(headers) - 1)
    widths = [max((n[i] for n in shown if n[i] <= widest), default=widest) for i in columns]
    rule = ["-" * w for w in widths] + ["-" * max(6, shown[0][-1])]
    out = [_line(table[0], shown[0], widths), _line(rule, [len(c) for c in rule], widths)]
    out += [_line(row, n, widths) for row, n in zip(table[1:], shown[1:], strict=True)]
    return "".join(out)


def _line(cells: list[str], shown: list[int], widths: list[int]) -> str:
    lead = zip(cells[:-1], shown[:-1], widths, strict=True)
    padded = [c + " " * (w - n) for c, n, w in lead]  # (a cell wider than w: as it is)
    return "  ".join([*padded, cells[-1]]).rstrip() + "\n"


def column_widths(sheet: Sheet) -> list[int]:
    """Width of each printed column, in characters: fits the content, long text wraps."""
    widths = []
    for i in sheet.printed():
        col = sheet.columns[i]
        longest = max(
            [display_width(col.header)] + [display_width(sheet.text(row[i])) for row in sheet.rows]
        )
        widths.append(min(max(6, longest + 2), 48 if col.wide else 24))
    return widths
