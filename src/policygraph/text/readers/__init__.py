"""Readers, one per format, chosen by content (magic bytes, sniffing), not by the file's name.

Each turns a file's bytes into a :class:`~policygraph.text.document.SourceDocument`. A file
whose content is not what its extension says is read by its content; bytes no reader accepts
are an InputError naming the file.
"""

from __future__ import annotations

from policygraph.errors import SourceError
from policygraph.i18n import N_
from policygraph.text.document import SourceDocument
from policygraph.text.limits import CHARACTERS, INPUT_BYTES, check_package

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


def sniff(data: bytes, name: str = "") -> str:
    """The format of ``data``: pdf, docx, html or text."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:4096] or b"[Content_Types].xml" in data[:4096]:
            return "docx"
        raise SourceError(
            N_("{file}: a ZIP archive that is not a Word document (.docx)"),
            code="zip-not-docx",
            file=name,
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            N_("{file}: an old Word (.doc) file: save it as .docx and ingest that"),
            code="old-word",
            file=name,
        )
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_HTML_START) or (b"<html" in head and b"</" in data[:65536]):
        return "html"
    if name.lower().endswith((".html", ".htm", ".shtml")) and b"<" in head[:64]:
        return "html"
    return "text"


def read_source(data: bytes, name: str) -> SourceDocument:
    """Read a file of any supported format, within the limits of :mod:`policygraph.text.limits`
    (the file's size, what a package unpacks to, the characters of text)."""
    INPUT_BYTES.check(name, len(data))
    kind = sniff(data, name)
    if kind == "docx":
        check_package(data, name)
    source = _read(kind, data, name)
    CHARACTERS.check(name, len(source.text))
    return source


def _read(kind: str, data: bytes, name: str) -> SourceDocument:
    if kind == "pdf":
        from policygraph.text.readers.pdf import read_pdf

        return read_pdf(data, name)
    if kind == "docx":
        from policygraph.text.readers.docx import read_docx

        return read_docx(data, name)
    if kind == "html":
        from policygraph.text.readers.html import read_html

        return read_html(data, name)
    from policygraph.text.readers.plain import read_text

    return read_text(data, name)
