"""No shape skipped silently (issue 23): every shape form the spec recognises (kinds of shape,
kinds of target, every SHACL Core constraint, every kind of path) is generated over data that
violates it, and the compiled engine either gives the reference's results (pySHACL on rdflib,
compared by the W3C suite's rules) or refuses the shape, and then ``auto`` gives them."""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH
from w3c.suite import Key, expected

from policygraph.checks import validate_files
from policygraph.checks.shapes import NotCompiled

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DATA = (
    PREFIXES
    + """
ex:a a ex:C ; ex:p ex:b , "x" , 5 ; ex:q "hello"@en , "hi"@en , "x" ; ex:r ex:b .
ex:a ex:n 5 , 7 ; ex:s 6 ; ex:self ex:a .
ex:b a ex:D ; ex:p "y" ; ex:r ex:c .
ex:c ex:p "z" ; ex:r ex:a .
"""
)

CONSTRAINTS = {
    "minCount": "sh:minCount 9",
    "maxCount": "sh:maxCount 1",
    "datatype": "sh:datatype xsd:integer",
    "class": "sh:class ex:D",
    "nodeKind": "sh:nodeKind sh:IRI",
    "minInclusive": "sh:minInclusive 10",
    "maxExclusive": "sh:maxExclusive 1",
    "minLength": "sh:minLength 4",
    "maxLength": "sh:maxLength 1",
    "pattern": 'sh:pattern "^Z" ; sh:flags "i"',
    "languageIn": 'sh:languageIn ( "de" )',
    "uniqueLang": "sh:uniqueLang true",
    "in": 'sh:in ( ex:b "x" )',
    "hasValue": "sh:hasValue ex:zz",
    "equals": "sh:equals ex:q",
    "disjoint": "sh:disjoint ex:q",
    "lessThan": "sh:lessThan ex:s",
    "lessThanOrEquals": "sh:lessThanOrEquals ex:s",
    "node": "sh:node [ sh:class ex:Z ]",
    "not": "sh:not [ sh:class ex:D ]",
    "and": "sh:and ( [ sh:class ex:D ] [ sh:nodeKind sh:IRI ] )",
    "or": "sh:or ( [ sh:class ex:Z ] [ sh:datatype xsd:integer ] )",
    "xone": "sh:xone ( [ sh:nodeKind sh:IRI ] [ sh:class ex:D ] )",
    "qualified": "sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 2",
    "qualifiedMax": "sh:qualifiedValueShape [ sh:nodeKind sh:Literal ] ; sh:qualifiedMaxCount 1",
    "nested property": "sh:property [ sh:path ex:p ; sh:minCount 2 ]",
    "closed": "sh:closed true ; sh:ignoredProperties ( rdf:type )",
}
PATHS = {
    "iri": "ex:p",
    "inverse": "[ sh:inversePath ex:r ]",
    "sequence": "( ex:r ex:p )",
    "alternative": "[ sh:alternativePath ( ex:p ex:q ) ]",
    "zeroOrMore": "[ sh:zeroOrMorePath ex:r ]",
    "oneOrMore": "[ sh:oneOrMorePath ex:r ]",
    "zeroOrOne": "[ sh:zeroOrOnePath ex:p ]",
    "combined": "( [ sh:zeroOrMorePath ex:r ] [ sh:alternativePath ( ex:p [ sh:inversePath ex:r ] ) ] )",
}
TARGETS = {
    "targetNode": "sh:targetNode ex:a",
    "literal targetNode": 'sh:targetNode "x"',
    "targetClass": "sh:targetClass ex:C",
    "targetSubjectsOf": "sh:targetSubjectsOf ex:p",
    "targetObjectsOf": "sh:targetObjectsOf ex:r",
    "several targets": "sh:targetNode ex:a ; sh:targetClass ex:D",
}
SHAPES = {
    "node shape": "ex:S a sh:NodeShape ; {target} ; sh:property [ sh:path {path} ; {c} ] .",
    "property shape with its own target": "ex:S a sh:PropertyShape ; {target} ; "
    "sh:path {path} ; {c} .",
    "untyped shape with a target": "ex:S {target} ; sh:property [ sh:path {path} ; {c} ] .",
    "implicit class target": "ex:C a rdfs:Class , sh:NodeShape ; sh:property "
    "[ sh:path {path} ; {c} ] .",
    "node-level constraint": "ex:S a sh:NodeShape ; {target} ; {c} .",
    "deactivated": "ex:S a sh:NodeShape ; {target} ; sh:deactivated true ; sh:property "
    "[ sh:path {path} ; {c} ] .",
    "deactivated property shape": "ex:S a sh:NodeShape ; {target} ; sh:property "
    "[ sh:path {path} ; {c} ; sh:deactivated true ] .",
}
PATH_FOR = {"uniqueLang": "ex:q", "lessThan": "ex:n", "lessThanOrEquals": "ex:n"}
NODE_TARGETS = 'sh:targetNode ex:a , ex:b , "x"'
NODE_LEVEL = {
    "class",
    "nodeKind",
    "datatype",
    "in",
    "hasValue",
    "not",
    "and",
    "or",
    "xone",
    "node",
    "closed",
    "minLength",
    "pattern",
    "equals",
    "disjoint",
    "nested property",
}

FORMS: dict[str, str] = {}
for name, c in CONSTRAINTS.items():
    if name != "closed":
        FORMS[f"{name} on a property"] = SHAPES["node shape"].format(
            target=TARGETS["targetNode"], path=PATH_FOR.get(name, "ex:p"), c=c
        )
    if name in NODE_LEVEL:
        FORMS[f"{name} on a node"] = SHAPES["node-level constraint"].format(
            target=NODE_TARGETS, c=c.replace("sh:disjoint ex:q", "sh:disjoint ex:self")
        )
for name, p in PATHS.items():
    for c in ("minCount", "class", "datatype"):
        FORMS[f"{c} on a {name} path"] = SHAPES["node shape"].format(
            target=TARGETS["targetClass"], path=p, c=CONSTRAINTS[c]
        )
for name, t in TARGETS.items():
    FORMS[f"{name}"] = SHAPES["node shape"].format(target=t, path="ex:p", c=CONSTRAINTS["hasValue"])
for name, form in SHAPES.items():
    if name != "node-level constraint":
        FORMS[name] = form.format(
            target=TARGETS["targetSubjectsOf"], path="ex:p", c=CONSTRAINTS["maxCount"]
        )


def reference(data: Path, shapes: Path) -> tuple[bool, Counter[Key]]:
    from pyshacl import validate

    d, s = Graph().parse(data), Graph().parse(shapes)
    conforms, report, _ = validate(d, shacl_graph=s, inference="none")
    return bool(conforms), expected(report, next(report.subjects(RDF.type, SH.ValidationReport)))[1]


def ours(data: Path, shapes: Path, engine: str) -> tuple[bool, Counter[Key]]:
    report = validate_files([data], [shapes], engine)
    g = Graph().parse(data=report.graph_ttl, format="turtle")
    conforms, keys = expected(g, next(g.subjects(RDF.type, SH.ValidationReport)))
    return bool(conforms), keys


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_shape_form_is_skipped_silently(form: str, tmp_path: Path) -> None:
    data, shapes = tmp_path / "data.ttl", tmp_path / "shapes.ttl"
    data.write_text(DATA, encoding="utf-8")
    shapes.write_text(
        PREFIXES
        + "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        + FORMS[form]
        + "\n",
        encoding="utf-8",
    )
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = reference(data, shapes)
            try:
                got = ours(data, shapes, "sparql")
            except NotCompiled:
                got = ours(data, shapes, "auto")  # refused: auto runs the reference for it
    finally:
        logging.disable(logging.NOTSET)
    if "deactivated" in form:
        assert want == (True, Counter())
    else:
        assert not want[0], f"the generated data does not violate {form!r}: the test is void"
    assert got == want
