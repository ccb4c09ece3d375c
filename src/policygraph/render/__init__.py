"""Output: the one tabular model and its renderers (one registry: ``formats.RENDERERS``), graph
serialisations (ttl, nt, nq, trig, jsonld, GraphML), query results, chains as trees."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policygraph.render.formats import Format
    from policygraph.render.table import Sheet


def render_sheet(sheet: Sheet, fmt: Format) -> bytes:
    """``sheet`` in any tabular format of the renderers' registry, as the bytes to print or
    write."""
    from policygraph.render.formats import BY_NAME

    found = BY_NAME.get(fmt)
    if found is None:  # a name no renderer has: the registry's own error
        from policygraph.render.table import render_text

        return render_text(sheet, fmt)
    return found.write(sheet)
