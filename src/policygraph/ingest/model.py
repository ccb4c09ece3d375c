"""What an ingest reads and would write: the plan, its options, the new departments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef

from policygraph.text.structure import Structure

LEVELS = {
    "national": ("National", 1),
    "region": ("Region", 2),
    "city": ("City", 3),
    "county": ("County", 4),
}
KINDS = {
    "opinions": "Opinions",
    "measures": "Measures",
    "plan": "Plan",
    "notice": "Notice",
    "regulation": "Regulation",
    "other": "OtherKind",
}
OPTION_OF_KIND = {v: k for k, v in KINDS.items()}


@dataclass(frozen=True)
class IngestNote:
    """A warning ingest shows, as data like an error: ``template`` (an English sentence with
    ``{name}`` fields, the catalogue's msgid), its ``params`` (a param may be a note itself) and a
    stable ``code`` (by which the CLI adds the option to use: the library names none). ``str()``
    is the English text, for logs and report files."""

    template: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, template: str, code: str = "", **params: Any) -> IngestNote:
        return cls(template, code or template, params)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The note, its template (and those of its notes) translated by ``translate``."""
        params = {
            k: v.text(translate) if isinstance(v, IngestNote) else v for k, v in self.params.items()
        }
        template = translate(self.template) if translate else self.template
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a field: English
            return self.template.format(**params)

    def __str__(self) -> str:
        return self.text()


@dataclass
class Options:
    level: str | None = None
    jurisdiction: str | None = None
    kind: str | None = None
    title: str | None = None
    number: str | None = None
    date: str | None = None
    issuer: str | None = None
    short: str | None = None
    accept_links: str | None = None  # a rule: margin=M or score=S (views.links.AcceptRule)
    drop_links: bool = False  # drop the links accepted at an earlier ingest (kept by default)


@dataclass
class NewDepartment:
    iri: URIRef
    label: str
    written: list[str]
    suggestions: list[str]
    # the national body whose name it mirrors (省发展改革委 → 发展改革委): a judgement, its basis
    counterpart: URIRef | None = None
    counterpart_label: str = ""
    counterpart_basis: str = ""


@dataclass
class Plan:
    source_name: str  # data/sources/…txt
    data: bytes
    text: str
    doc: URIRef
    number: str | None
    title: str
    issuer: str | None
    date: str | None
    level: str
    jurisdiction: str
    kind: str
    short: str
    structure: Structure
    reader: str = "text 1"  # the reader that derived the plain text, and its version
    media_type: str = "text/plain"
    encoding: str | None = None
    derived: str | None = None  # data/sources/…plain.txt: the plain text, where the file is not it
    plan_title: str | None = None  # the title of the plan a notice issues (印发…的通知)
    jurisdiction_inferred: bool = False  # read from the issuer's name, not given
    known: dict[str, URIRef] = field(default_factory=dict)
    # bodies of a register (data/registers/) the document names, not yet in the graph: written
    # into its curated file with their register description
    registered: dict[URIRef, list[tuple[Any, Any, Any]]] = field(default_factory=dict)
    new: list[NewDepartment] = field(default_factory=list)
    issuer_iri: URIRef | None = None
    amounts: int = 0
    citations: list[tuple[str, str]] = field(
        default_factory=list
    )  # (as cited, resolved to; "": not in the corpus)
    implements: list[tuple[URIRef, str, str]] = field(default_factory=list)  # (doc, label, quote)
    accepted: list[tuple[str, str, float]] = field(default_factory=list)  # (lower, higher, score)
    kept: list[str] = field(default_factory=list)  # links accepted at an earlier ingest, kept
    suggested: list[tuple[str, str, float]] = field(default_factory=list)  # top-1 of each measure
    unread: list[IngestNote] = field(default_factory=list)  # what it could not read, said
    accept_rule: str = ""  # the rule the accepted links were accepted by
    files: dict[str, str] = field(default_factory=dict)  # relative path -> content
    unchanged: bool = False

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def stem(self) -> str:
        return Path(self.source_name).stem

    def written(self) -> dict[str, bytes]:
        """Every file the plan writes, relative to the corpus: the source byte for byte, its
        derived plain text where there is one, the metadata and the curated Turtle."""
        out = {self.source_name: self.data}
        if self.derived is not None:
            out[self.derived] = self.text.encode("utf-8")
        out.update({rel: body.encode("utf-8") for rel, body in self.files.items()})
        return out
