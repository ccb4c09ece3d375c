"""The one ``--format`` vocabulary, and how a command picks its format from it.

Tabular formats render rows (every command that prints rows takes them all); ``json`` is a list of
records everywhere. Graph formats serialise RDF (CONSTRUCT and DESCRIBE results). ``sparql-json``
and ``sparql-tsv`` are the SPARQL 1.1 result formats of ``query``; ``tree`` and ``text`` are the
human forms of ``chain`` and ``validate``. With ``-o FILE`` and no ``-f``, the file's extension
decides.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from policygraph.errors import InputError
from policygraph.i18n import N_


class Format(str):
    """A ``--format`` value: the name of one of :data:`RENDERERS` (a ``str``, equal to it). The
    renderers the code names are attributes (``Format.csv``); any other is found by its name."""

    table: ClassVar[Format]
    csv: ClassVar[Format]
    tsv: ClassVar[Format]
    md: ClassVar[Format]
    json: ClassVar[Format]
    html: ClassVar[Format]
    xlsx: ClassVar[Format]
    docx: ClassVar[Format]
    sparql_json: ClassVar[Format]
    sparql_tsv: ClassVar[Format]
    ttl: ClassVar[Format]
    nt: ClassVar[Format]
    nq: ClassVar[Format]
    trig: ClassVar[Format]
    jsonld: ClassVar[Format]
    tree: ClassVar[Format]
    text: ClassVar[Format]

    @property
    def value(self) -> str:
        return str(self)

    @property
    def renderer(self) -> Renderer:
        return BY_NAME[self]

    @property
    def binary(self) -> bool:
        """Bytes never printed to a terminal (xlsx, docx)."""
        found = BY_NAME.get(self)
        return found is not None and found.binary


# The groups a renderer belongs to: what a command that offers the group writes with it
TABULAR_GROUP = "rows"  # a Sheet: every command that prints rows offers these
GRAPH_GROUP = "graph"  # RDF (CONSTRUCT, DESCRIBE, export): rdf.formats serialises it
RESULTS_GROUP = "sparql-results"  # the SPARQL 1.1 result formats of query
TERMINAL_GROUP = "terminal"  # the human forms of chain (tree) and validate (text)


@dataclass(frozen=True)
class Renderer:
    """One output format: its name, its group, the extensions that choose it for ``-o FILE``,
    and, for rows, its writer."""

    name: str  # the value of --format
    group: str
    extensions: tuple[str, ...] = ()  # -o FILE without -f: the first renderer naming it wins
    writer: str | None = None  # rows: "module:function", a Sheet → str (text) or bytes (binary)
    binary: bool = False  # bytes never printed to a terminal
    encoding: str = "utf-8"  # a text format's bytes

    def write(self, sheet: Any) -> bytes:  # a render.table.Sheet (table imports this module)
        """``sheet`` in this format, as the bytes to print or write."""
        if self.writer is None:
            raise InputError(
                N_("the format {format} is not a tabular format"), code="format", format=self.name
            )
        module, function = self.writer.split(":")
        found: Callable[[Any], str | bytes] = getattr(importlib.import_module(module), function)
        data = found(sheet)
        return data if isinstance(data, bytes) else data.encode(self.encoding)


_TABLE, _OFFICE = "policygraph.render.table", "policygraph.render.office"
# Every renderer, one line each; a new one is a module with its writer and a line here
RENDERERS: tuple[Renderer, ...] = (
    Renderer("table", TABULAR_GROUP, writer=f"{_TABLE}:terminal"),
    Renderer("csv", TABULAR_GROUP, (".csv",), f"{_TABLE}:csv_text", encoding="utf-8-sig"),
    Renderer("tsv", TABULAR_GROUP, (".tsv",), f"{_TABLE}:tsv_text"),
    Renderer("md", TABULAR_GROUP, (".md",), f"{_TABLE}:md_text"),
    Renderer("json", TABULAR_GROUP, (".json",), f"{_TABLE}:json_text"),
    Renderer("html", TABULAR_GROUP, (".html", ".htm"), f"{_TABLE}:html_text"),
    Renderer("xlsx", TABULAR_GROUP, (".xlsx",), f"{_OFFICE}:xlsx_bytes", binary=True),
    Renderer("docx", TABULAR_GROUP, (".docx",), f"{_OFFICE}:docx_bytes", binary=True),
    Renderer("sparql-json", RESULTS_GROUP, (".srj",)),
    Renderer("sparql-tsv", RESULTS_GROUP),
    # RDF: each serialisation's extensions and libraries' names are rdf.formats' (imported
    # only where a graph is written: the RDF stack stays out of --help)
    Renderer("ttl", GRAPH_GROUP),
    Renderer("nt", GRAPH_GROUP),
    Renderer("nq", GRAPH_GROUP),
    Renderer("trig", GRAPH_GROUP),
    Renderer("jsonld", GRAPH_GROUP),
    Renderer("tree", TERMINAL_GROUP),
    Renderer("text", TERMINAL_GROUP, (".txt",)),
)
BY_NAME: dict[str, Renderer] = {r.name: r for r in RENDERERS}
for _r in RENDERERS:
    setattr(Format, _r.name.replace("-", "_"), Format(_r.name))


def group(name: str) -> tuple[Format, ...]:
    """The formats of a group, in the registry's order (asked when a command runs: a renderer
    added to the registry is offered by every command that offers its group)."""
    return tuple(Format(r.name) for r in RENDERERS if r.group == name)


def by_extension(output: Path) -> Format | None:
    """The format a file's extension names (the first renderer that lists it), if any."""
    ext = output.suffix.lower()
    found = next((Format(r.name) for r in RENDERERS if ext in r.extensions), None)
    if found is None and ext:
        from policygraph.rdf import formats

        graph = formats.BY_EXTENSION.get(ext)
        found = Format(graph.name) if graph is not None and graph.name in BY_NAME else None
    return found


# The groups as commands name them (each a tuple, made from the registry at import; ``group``
# gives the registry's entries as they are when asked)
TABULAR = group(TABULAR_GROUP)
BINARY = tuple(Format(r.name) for r in RENDERERS if r.binary)
GRAPH = group(GRAPH_GROUP)
SPARQL_RESULTS = group(RESULTS_GROUP)


def choose(
    given: Format | str | None,
    output: Path | None,
    allowed: tuple[Format, ...],
    default: Format,
) -> Format:
    """The format to write: ``given``, else the extension of ``output``, else ``default``.

    A format the command does not write is an InputError listing the ones it does.
    """
    fmt = Format(given) if given is not None else None
    if fmt is None and output is not None:
        fmt = by_extension(output)
        if fmt is None or fmt not in allowed:
            fmt = default if default != Format.table else None
            if fmt is None:
                raise InputError(
                    N_(
                        "{output}: cannot tell the format from the extension; give a format ({formats})"
                    ),
                    code="format",
                    output=output,
                    formats=", ".join(f.value for f in allowed if f != Format.table),
                )
    fmt = fmt or default
    if fmt not in allowed:
        raise InputError(
            N_("the format {format} is not one this command writes: {formats}"),
            code="format",
            format=fmt.value,
            formats=", ".join(f.value for f in allowed),
        )
    if output is not None and fmt in (Format.table, Format.tree):
        raise InputError(
            N_("the format {format} is for the terminal; give another to write a file"),
            code="format-terminal",
            format=fmt.value,
        )
    return fmt
