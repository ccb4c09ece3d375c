"""The one place that writes RDF terms as text: Turtle, N-Triples and SPARQL all go through here.

Literals are escaped; IRIs are checked (no character RFC 3987 forbids in an IRI reference, a
scheme present); blank nodes are refused where the output must name everything. Text that goes
into an IRI (a name, a 文号) becomes a safe segment with :func:`iri_segment`.
"""

from __future__ import annotations

import re
from typing import Any

from rdflib import BNode, Literal, URIRef

from policygraph.errors import InputError
from policygraph.i18n import N_

XSD = "http://www.w3.org/2001/XMLSchema#"
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SEGMENT_UNSAFE = re.compile(r'[\s<>"{}|\\^`/?#%]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_INTEGER = re.compile(r"-?\d+")


def check_iri(iri: str) -> str:
    """``iri`` unchanged when it can be written between < and >; InputError naming it otherwise."""
    if _IRI_FORBIDDEN.search(iri) or ":" not in iri:
        raise InputError(N_("not a valid IRI: {iri}"), code="invalid-iri", iri=repr(iri))
    return iri


def iri_segment(text: str) -> str:
    """Text (a 文号, a title) made safe inside an IRI: Chinese kept, each space or character an
    IRI cannot hold replaced by a hyphen."""
    return _SEGMENT_UNSAFE.sub("-", text)


def literal(term: Literal, qname: object = None) -> str:
    """A literal as Turtle/N-Triples/SPARQL text. ``qname``, when given, shortens datatype IRIs."""
    lexical = str(term).translate(_ESCAPES)  # in C: a million literals in a fraction of a second
    datatype = str(term.datatype or "")
    if datatype == XSD + "integer" and _INTEGER.fullmatch(lexical):
        return lexical
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return lexical
    if term.language:
        return f'"{lexical}"@{term.language}'
    if term.datatype and datatype != XSD + "string":
        dt = qname(URIRef(datatype)) if callable(qname) else f"<{check_iri(datatype)}>"
        return f'"{lexical}"^^{dt}'
    return f'"{lexical}"'


def n3(term: object) -> str:
    """A term as N-Triples / SPARQL text: full IRIs, escaped literals. Blank nodes are refused."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        return literal(term)
    if isinstance(term, BNode):
        raise InputError(
            N_("blank nodes are not written: give the node an IRI"), code="blank-node-written"
        )
    raise InputError(
        N_("cannot write {term} as an RDF term"), code="term-unwritable", term=repr(term)
    )


def ntriples_or_blank(term: object) -> str:
    """As :func:`n3`, but an unbound value is empty and a blank node keeps its label (SPARQL TSV)."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return n3(term)


def rdflib_term(value: Any, plain_strings: bool = False) -> Any:
    """A pyoxigraph term as an rdflib term, its literal as written (rdflib does not rewrite its
    lexical form); ``plain_strings``: an xsd:string literal as a plain one (as a file has it)."""
    import pyoxigraph as ox

    if isinstance(value, ox.NamedNode):
        return URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    if isinstance(value, ox.Literal):
        if value.language:
            return Literal(value.value, lang=value.language)
        datatype = value.datatype.value
        if plain_strings and datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(value.value)
        return Literal(value.value, datatype=URIRef(datatype), normalize=False)
    raise InputError(
        N_("cannot read the RDF term {term}"), code="term-unreadable", term=repr(value)
    )
