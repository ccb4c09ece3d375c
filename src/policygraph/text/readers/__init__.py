"""Readers, one per format, chosen by content (magic bytes, sniffing), not by the file's name.

One registry, :data:`READERS`: each format's name, how it is sniffed, its readers (of a policy
document: a :class:`~policygraph.text.document.SourceDocument`; of a returned form: its tables
as :class:`~policygraph.text.readers.grids.Grid`), their version, and the extensions a folder is
searched for. Ingest, the return-form importer and every message that lists formats ask it. A
file whose content is not what its extension says is read by its content; bytes no reader
accepts are an error naming the file, and so is a format without the reader asked for.

A reader's module is named here by its path and imported when a file of its format is read (so
that the readers may list the formats in their own messages without an import cycle).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from policygraph.errors import InputError, SourceError
from policygraph.i18n import N_
from policygraph.text.document import SourceDocument
from policygraph.text.limits import CHARACTERS, INPUT_BYTES, check_package

if TYPE_CHECKING:
    from policygraph.text.readers.grids import Grid

_HTML_START = (
    b"<!doctype html",
    b"<html",
    b"<?xml",
    b"<head",
    b"<body",
    b"<meta",
    b"<div",
    b"<!--",
)
_ZIP = b"PK\x03\x04"


def _head(data: bytes) -> bytes:
    return data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()


def _is_pdf(data: bytes, name: str) -> bool:
    return data.startswith(b"%PDF-")


def _is_docx(data: bytes, name: str) -> bool:
    return data.startswith(_ZIP) and (
        b"word/" in data[:4096] or _members(data, name, "word/document.xml")
    )


def _is_xlsx(data: bytes, name: str) -> bool:
    return data.startswith(_ZIP) and (
        b"xl/" in data[:4096] or _members(data, name, "xl/workbook.xml")
    )


def _members(data: bytes, name: str, member: str) -> bool:
    """Whether the zip ``data`` holds ``member`` (read from its directory, the package's size
    checked first)."""
    import io
    import zipfile

    check_package(data, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return member in z.namelist()
    except zipfile.BadZipFile:
        return False


def _is_html(data: bytes, name: str) -> bool:
    head = _head(data)
    if head.startswith(_HTML_START) or (b"<html" in head and b"</" in data[:65536]):
        return True
    return name.lower().endswith((".html", ".htm", ".shtml")) and b"<" in head[:64]


def _is_text(data: bytes, name: str) -> bool:
    return not data.startswith((_ZIP, b"\xd0\xcf\x11\xe0"))


@dataclass(frozen=True)
class Reader:
    """One format: how it is known by its content, and what reads it."""

    name: str  # pdf, docx, …: recorded with every text read (``SourceDocument.reader``)
    extensions: tuple[str, ...]  # what its files end with; the first is a stored copy's
    recognises: Callable[[bytes, str], bool]  # by the bytes (and the name, where they say little)
    document: str | None = None  # "module:function" of its reader of a policy document
    grids: str | None = None  # "module:function" of its reader of a returned form's tables
    package: bool = False  # a zip package: what it unpacks to is checked before it is read

    def _function(self, what: str | None) -> Callable[..., Any]:
        if what is None:
            raise _no_reader(self.name)
        module, function = what.split(":")
        found: Callable[..., Any] = getattr(importlib.import_module(module), function)
        return found

    @property
    def version(self) -> str:
        """The version of its document reader (recorded with every text it derived)."""
        module = (self.document or self.grids or ":").split(":")[0]
        return str(importlib.import_module(module).VERSION)

    def read(self, data: bytes, name: str) -> SourceDocument:
        source: SourceDocument = self._function(self.document)(data, name)
        return source

    def tables(self, data: bytes, name: str) -> list[Grid]:
        grids: list[Grid] = self._function(self.grids)(data, name)
        return grids


_READERS = "policygraph.text.readers"
# Every format, in the order they are sniffed (text and csv last: each takes what no other
# reader of a policy document, or of a returned form, recognises)
READERS: tuple[Reader, ...] = (
    Reader("pdf", (".pdf",), _is_pdf, document=f"{_READERS}.pdf:read_pdf"),
    Reader(
        "docx",
        (".docx",),
        _is_docx,
        document=f"{_READERS}.docx:read_docx",
        grids=f"{_READERS}.grids:docx_grids",
        package=True,
    ),
    Reader("xlsx", (".xlsx",), _is_xlsx, grids=f"{_READERS}.grids:xlsx_grids", package=True),
    Reader("html", (".html", ".htm", ".shtml"), _is_html, document=f"{_READERS}.html:read_html"),
    Reader("text", (".txt",), _is_text, document=f"{_READERS}.plain:read_text"),
    Reader("csv", (".csv",), _is_text, grids=f"{_READERS}.grids:csv_grids"),
)
BY_NAME: dict[str, Reader] = {r.name: r for r in READERS}


def reader(name: str) -> Reader:
    """The reader of the format ``name``; an error naming the formats otherwise."""
    found = BY_NAME.get(name)
    if found is None:
        raise _no_reader(name)
    return found


def _no_reader(name: str) -> InputError:
    return InputError(
        N_("no reader for the format {format}: the formats read are {formats}"),
        code="no-reader",
        format=repr(name),
        formats=", ".join(r.name for r in READERS),
    )


def extensions(what: str = "document") -> tuple[str, ...]:
    """The extensions of the files a reader of ``what`` (document, grids) reads."""
    return tuple(e for r in READERS if getattr(r, what) for e in r.extensions)


def formats(what: str = "document") -> str:
    """The formats read as ``what`` (document, grids), for a message: "pdf, docx, html, text"."""
    return ", ".join(r.name for r in READERS if getattr(r, what))


def sniff(data: bytes, name: str = "", what: str = "document") -> str:
    """The format of ``data``: the first of :data:`READERS` with a reader of ``what`` (document,
    grids) that recognises it; a zip package or an old Office file none reads is an error naming
    the file."""
    if data.startswith(b"\xd0\xcf\x11\xe0") and what == "document":
        raise SourceError(
            N_("{file}: an old Word (.doc) file: save it as .docx and ingest that"),
            code="old-word",
            file=name,
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            N_("{file}: an old Office file (.xls, .doc): save it as one of {formats}"),
            code="old-office",
            file=name,
            formats=formats(what),
        )
    for candidate in READERS:
        if getattr(candidate, what) and candidate.recognises(data, name):
            return candidate.name
    raise SourceError(
        N_("{file}: a ZIP archive in none of the formats read here ({formats})"),
        code="zip-unread",
        file=name,
        formats=formats(what),
    )


def read_source(data: bytes, name: str) -> SourceDocument:
    """Read a policy document of any format with a document reader, within the limits of
    :mod:`policygraph.text.limits` (the file's size, what a package unpacks to, the characters
    of text)."""
    INPUT_BYTES.check(name, len(data))
    found = reader(sniff(data, name))
    if found.package:
        check_package(data, name)
    source = found.read(data, name)
    CHARACTERS.check(name, len(source.text))
    return source


def read_tables(data: bytes, name: str) -> list[Grid]:
    """The tables of a returned form of any format with a table reader (xlsx, docx, csv), within
    the same limits (and the rows of a sheet)."""
    INPUT_BYTES.check(name, len(data))
    found = reader(sniff(data, name, "grids"))
    if found.package:
        check_package(data, name)
    return found.tables(data, name)


__all__ = [
    "BY_NAME",
    "READERS",
    "Reader",
    "extensions",
    "formats",
    "read_source",
    "read_tables",
    "reader",
    "sniff",
]
