"""Reading and fingerprinting source texts.

A source text is read only through :func:`read_text`, which checks the file's SHA-256 against the
metadata, so that no fact is ever extracted from a text that differs from the one recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from policygraph.errors import GraphSyntaxError, SourceError
from policygraph.namespaces import PG
from policygraph.paths import Home


@dataclass(frozen=True)
class SourceFile:
    iri: URIRef
    file_name: str  # relative to the home, forward slashes
    sha256: str
    profile: str
    describes: URIRef | None

    def path(self, home: Home) -> Path:
        return home.root / self.file_name


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_turtle(path: Path, into: Graph | None = None) -> Graph:
    """Parse one Turtle file with rdflib; a syntax error names the file and line."""
    g = into if into is not None else Graph()
    try:
        g.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad input
        raise GraphSyntaxError(f"{path}: cannot parse Turtle: {_one_line(exc)}") from exc
    return g


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def metadata_graph(home: Home) -> Graph:
    """The curated metadata of the corpus (every ``data/sources/*.ttl``)."""
    g = Graph()
    for path in sorted(home.sources.glob("*.ttl")):
        parse_turtle(path, g)
    return g


def source_files(meta: Graph) -> list[SourceFile]:
    out = []
    for s in sorted({u for u in meta.subjects(PG.fileName, None) if isinstance(u, URIRef)}):
        name, sha, profile = (
            meta.value(s, p) for p in (PG.fileName, PG.sha256, PG.extractionProfile)
        )
        if name is None or sha is None:
            raise SourceError(f"source {s}: metadata needs pg:fileName and pg:sha256")
        describes = meta.value(s, PG.describes)
        out.append(
            SourceFile(
                iri=s,
                file_name=str(name),
                sha256=str(sha),
                profile=str(profile) if profile is not None else "none",
                describes=describes if isinstance(describes, URIRef) else None,
            )
        )
    return out


def read_text(home: Home, source: SourceFile) -> str:
    """The decoded text of a source, after checking that its bytes are the recorded ones."""
    path = source.path(home)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{source.file_name}: cannot read source text ({exc.strerror})") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        raise SourceError(
            f"{source.file_name}: SHA-256 is {digest}, metadata records {source.sha256}; "
            "source texts are never edited (restore the file, or record a new source)"
        )
    return decode(data, source.file_name)


def decode(data: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is allowed); say what the bytes look like when they are not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = guess_encoding(data)
        hint = (
            f"; it looks like {guess}: convert it with `iconv -f {guess} -t UTF-8`" if guess else ""
        )
        raise SourceError(f"{name}: not UTF-8 (byte {exc.start}){hint}") from exc


def guess_encoding(data: bytes) -> str | None:
    for enc in ("gb18030", "big5", "utf-16"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in text[:2000]):
            return enc.upper()
    return None
