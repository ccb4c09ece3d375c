"""Output: the one tabular model and its renderers (table, csv, tsv, md, json, html, xlsx, docx),
graph serialisations (ttl, nt, nq, trig, jsonld, GraphML), query results, chains as trees."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policygraph.render.formats import Format
    from policygraph.render.table import Sheet


def render_sheet(sheet: Sheet, fmt: Format) -> bytes:
    """``sheet`` in any tabular format, as the bytes to print or write."""
    import io

    from policygraph.render import office, table
    from policygraph.render.formats import Format

    if fmt in (Format.xlsx, Format.docx):
        buf = io.BytesIO()
        (office.xlsx if fmt == Format.xlsx else office.docx)(sheet).save(buf)
        return buf.getvalue()
    return table.render_text(sheet, fmt)
