"""The one ``--format`` vocabulary, and how a command picks its format from it.

Tabular formats render rows (every command that prints rows takes them all); ``json`` is a list of
records everywhere. Graph formats serialise RDF (CONSTRUCT and DESCRIBE results). ``sparql-json``
and ``sparql-tsv`` are the SPARQL 1.1 result formats of ``query``; ``tree`` and ``text`` are the
human forms of ``chain`` and ``validate``. With ``-o FILE`` and no ``-f``, the file's extension
decides.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from policygraph.errors import InputError
from policygraph.i18n import N_


class Format(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    md = "md"
    json = "json"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"
    sparql_json = "sparql-json"
    sparql_tsv = "sparql-tsv"
    ttl = "ttl"
    nt = "nt"
    nq = "nq"
    trig = "trig"
    jsonld = "jsonld"
    tree = "tree"
    text = "text"


TABULAR = (
    Format.table,
    Format.csv,
    Format.tsv,
    Format.md,
    Format.json,
    Format.html,
    Format.xlsx,
    Format.docx,
)
BINARY = (Format.xlsx, Format.docx)
GRAPH = (Format.ttl, Format.nt, Format.nq, Format.trig, Format.jsonld)
SPARQL_RESULTS = (Format.sparql_json, Format.sparql_tsv)
_BY_EXTENSION = {
    ".csv": Format.csv,
    ".tsv": Format.tsv,
    ".md": Format.md,
    ".json": Format.json,
    ".html": Format.html,
    ".htm": Format.html,
    ".xlsx": Format.xlsx,
    ".docx": Format.docx,
    ".srj": Format.sparql_json,
    ".ttl": Format.ttl,
    ".nt": Format.nt,
    ".nq": Format.nq,
    ".trig": Format.trig,
    ".jsonld": Format.jsonld,
    ".txt": Format.text,
}


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
        fmt = _BY_EXTENSION.get(output.suffix.lower())
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
