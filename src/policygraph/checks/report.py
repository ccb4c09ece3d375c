"""The report of the consistency checks: results by severity, and its readings in words.

Severities have a fixed meaning. ``Violation``: our graph is wrong (fails CI). ``Warning``: a
source is inconsistent with itself or with another source (reported, never fixed). ``Info``:
worth knowing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from policygraph import i18n
from policygraph.i18n import N_, _
from policygraph.rdf import PG
from policygraph.text.notes import Note
from policygraph.text.report import (
    SEVERITIES,
    SEVERITY_WORDS,
    Report,
    Result,
    counts_text,
    grouped,
    order,
    summary_line,
    verdict,
)

__all__ = [
    "SEVERITIES",
    "SEVERITY_WORDS",
    "Report",
    "Result",
    "counts_text",
    "grouped",
    "order",
    "summary_line",
    "verdict",
]


def quote_of(data: Any, focus: Any) -> str:
    import pyoxigraph as ox

    if not isinstance(focus, URIRef) or not hasattr(data, "quads_for_pattern"):
        return ""
    quads = data.quads_for_pattern(ox.NamedNode(str(focus)), ox.NamedNode(str(PG.quote)), None)
    return next((q.object.value for q in quads), "")


# --- findings: one result of either engine, with its terms -------------------------------------


@dataclass(frozen=True)
class Finding:
    """One validation result with its RDF terms: what both engines give and the report (its
    words and its SHACL graph) is made of."""

    focus: Node
    value: Node | None
    path: Node | None  # a path node of ``source`` (an IRI, or a SHACL path's blank node)
    source: Graph  # the graph holding the path (and the shape, where it is a blank node)
    severity: URIRef
    shape: Node | None
    component: Node | None
    messages: tuple[Literal, ...]
    constraint: Node | None = None
    # the parameters of the constraint that failed (a compiled check's): of a shape that gives
    # one twice (two sh:class), the one this result is of
    params: tuple[tuple[str, Node], ...] = ()


def to_rdflib(term: Any) -> Node | None:
    """A pyoxigraph term (or a plain string, an IRI, from a native check) as an rdflib term,
    literals as written and plain strings plain."""
    from policygraph.rdf.terms import rdflib_term

    if term is None or isinstance(term, Node):
        return term
    if isinstance(term, str):
        return URIRef(term)
    found: Node = rdflib_term(term, plain_strings=True)
    return found


def from_row(check: Any, row: dict[str, Any], shapes: Graph) -> Finding:
    """A compiled check's row as a finding (SHACL 5.3.2: ?value, else a node shape's focus;
    ?path, else the shape's path; messages with {?var} and {$param} filled)."""
    focus = to_rdflib(row.get("this"))
    value = to_rdflib(row.get("value"))
    if value is None and check.node_level:
        value = focus
    path = to_rdflib(row.get("path"))
    if not isinstance(path, URIRef):  # a ?path that is no IRI is not reported
        path = check.path
    words = {k: _word(v) for k, v in row.items() if v is not None}
    words.update({k: _word(v) for k, v in check.params})
    words["this"] = _word(focus)
    return Finding(
        focus=focus,  # type: ignore[arg-type]
        value=value,
        path=path,
        source=shapes,
        severity=check.severity,
        shape=check.shape,
        component=check.component,
        messages=tuple(fill(m, words) for m in check.messages),
        constraint=check.constraint,
        params=check.params,
    )


def _word(term: Any) -> str:
    """A term as a message shows it: an rdflib term's lexical form or IRI (a literal's Python
    value is no text: an XML literal's is a DOM object), a pyoxigraph term's value."""
    if isinstance(term, Node):
        return str(term)
    return str(getattr(term, "value", term))


def fill(message: Literal, words: dict[str, str]) -> Literal:
    """A message with {$var} / {?var} replaced by the row's values (unbound: empty)."""

    def sub(m: re.Match[str]) -> str:
        return words.get(m.group(1), "")

    text = re.sub(r"\{[$?](\w+)\}", sub, str(message))
    return Literal(text, lang=message.language, datatype=message.datatype)


def build(found: list[Finding], shapes: Graph, data: Any, notes: tuple[Note, ...] = ()) -> Report:
    """The report of ``found``: its results in a fixed order and its SHACL report graph."""
    results = sorted({result_of(f, shapes, data) for f in found}, key=order)
    return Report(tuple(results), turtle(report_graph(found)), notes)


def result_of(f: Finding, shapes: Graph, data: Any) -> Result:
    from policygraph.checks.shapes import in_language, path, rule_label, rule_of

    rule, label = rule_of(shapes, f.shape)
    shown_path = ""
    if isinstance(f.path, URIRef):
        shown_path = str(f.path)
    elif f.path is not None:
        shown_path = path(f.source, f.path)
    severity = str(f.severity)
    message = in_language(f.messages, "en") or _default_message(f, shown_path)
    return Result(
        severity=severity.removeprefix(str(SH)),
        rule=rule,
        focus=_show(f.focus),
        value=_show(f.value),
        path=shown_path,
        message=" ".join(message.split()),
        rule_label=label,
        quote=quote_of(data, f.focus),
        shape=str(f.shape) if isinstance(f.shape, URIRef) else "",
        component=str(f.component or ""),
        message_zh=" ".join(_message_zh(f, shapes).split()),
        rule_label_zh=rule_label(shapes, f.shape, "zh"),
    )


def _show(term: Node | None) -> str:
    if term is None or isinstance(term, BNode):
        return ""
    return str(term)


def _default_message(f: Finding, path: str) -> str:
    what = str(f.component or "a constraint").removeprefix(str(SH))
    what = what.removesuffix("ConstraintComponent")
    where = f" of {path}" if path else ""
    value = f" (value {_show(f.value)})" if f.value is not None and _show(f.value) else ""
    return f"{_show(f.focus) or 'a blank node'}: fails {what}{where}{value}"


# What a constraint component checks, for the Chinese default message (SHACL's local names)
COMPONENT_WORDS = {
    "Class": N_("class"),
    "Datatype": N_("datatype"),
    "NodeKind": N_("kind of node"),
    "MinCount": N_("minimum count"),
    "MaxCount": N_("maximum count"),
    "MinExclusive": N_("range of values"),
    "MinInclusive": N_("range of values"),
    "MaxExclusive": N_("range of values"),
    "MaxInclusive": N_("range of values"),
    "MinLength": N_("length"),
    "MaxLength": N_("length"),
    "Pattern": N_("pattern"),
    "LanguageIn": N_("languages"),
    "UniqueLang": N_("one value per language"),
    "Equals": N_("comparison of properties"),
    "Disjoint": N_("comparison of properties"),
    "LessThan": N_("comparison of properties"),
    "LessThanOrEquals": N_("comparison of properties"),
    "Not": N_("not"),
    "And": N_("all of the shapes"),
    "Or": N_("at least one of the shapes"),
    "Xone": N_("exactly one of the shapes"),
    "Node": N_("node shape"),
    "Property": N_("property shape"),
    "QualifiedMinCount": N_("qualified count"),
    "QualifiedMaxCount": N_("qualified count"),
    "Closed": N_("closed shape"),
    "HasValue": N_("required value"),
    "In": N_("list of values"),
}
DEFAULT_MESSAGE = N_("{where} fails the constraint “{what}”{parameter}{value}")
DEFAULT_PARAMETER = N_(" ({parameter})")
DEFAULT_VALUE = N_(" (value {value})")
BLANK_NODE = N_("a blank node")


def _message_zh(f: Finding, shapes: Graph) -> str:
    """The shape's message in Chinese; where the shape gives no message at all (the engine made
    one), the default message in Chinese; "" where the shape's messages are in English only
    (they say more than a default would: shown as written)."""
    from policygraph.checks.shapes import in_language

    said = in_language(f.messages, "zh")
    if said:
        return said
    own = any(
        True
        for n in (f.constraint, f.shape)
        if n is not None
        for _ in shapes.objects(n, SH.message)
    )
    return "" if own else _default_zh(f, shapes)


def _default_zh(f: Finding, shapes: Graph) -> str:
    """The message in Chinese of a result whose shape gives none in Chinese: what failed,
    where, with which parameter and value (the words SHACL's own are kept: pg:about, 1)."""
    from policygraph.checks.shapes import items, path

    shown_path = ""
    if isinstance(f.path, URIRef):
        shown_path = shapes.namespace_manager.normalizeUri(f.path)
    elif f.path is not None:
        shown_path = path(f.source, f.path)

    def zh(message: str) -> str:
        return i18n.in_language(message, "zh")

    local = str(f.component or "").removeprefix(str(SH)).removesuffix("ConstraintComponent")
    what = zh(COMPONENT_WORDS[local]) if local in COMPONENT_WORDS else _show(f.component)
    where = (_show(f.focus) or zh(BLANK_NODE)) + (f" -> {shown_path}" if shown_path else "")
    name = local[:1].lower() + local[1:]
    predicate = URIRef(str(SH) + name) if local in COMPONENT_WORDS else None
    given = dict(f.params).get(name) if predicate else None  # the one that failed
    if given is None and f.shape is not None and predicate:  # (pySHACL's: the shape's, if one)
        values = list(itertools.islice(shapes.objects(f.shape, predicate), 2))
        given = values[0] if len(values) == 1 else None  # of two, which failed is not said
    if given is not None and local in ("And", "Or", "Xone"):
        paths = [shapes.value(m, SH.path) for m in items(shapes, given)]
        shown_paths = (
            shapes.namespace_manager.normalizeUri(p) for p in paths if isinstance(p, URIRef)
        )
        given = Literal(", ".join(shown_paths))
    parameter = ""
    if isinstance(given, (URIRef, Literal)):
        term = shapes.namespace_manager.normalizeUri(given) if isinstance(given, URIRef) else given
        parameter = zh(DEFAULT_PARAMETER).format(parameter=term)
    shown = _show(f.value) if f.value != f.focus else ""
    value = zh(DEFAULT_VALUE).format(value=shown) if shown else ""
    return zh(DEFAULT_MESSAGE).format(where=where, what=what, parameter=parameter, value=value)


def report_graph(found: list[Finding]) -> Graph:
    """The SHACL validation report (SHACL 3.6) of ``found``: sh:conforms by the spec (any
    result), each result with focus node, path (a complex path copied whole), value, severity,
    source shape, source constraint component, messages and (SHACL-SPARQL) source constraint."""
    from rdflib.namespace import RDF

    g = Graph()
    g.bind("sh", SH)
    top = BNode()
    g.add((top, RDF.type, SH.ValidationReport))
    g.add((top, SH.conforms, Literal(not found)))
    for f in found:
        r = BNode()
        g.add((top, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, f.focus))
        g.add((r, SH.resultSeverity, f.severity))
        for predicate, o in (
            (SH.value, f.value),
            (SH.sourceShape, f.shape),
            (SH.sourceConstraintComponent, f.component),
            (SH.sourceConstraint, f.constraint),
        ):
            if o is not None:
                g.add((r, predicate, o))
        if f.path is not None:
            g.add((r, SH.resultPath, _copy(f.source, f.path, g)))
        for m in f.messages:
            g.add((r, SH.resultMessage, m))
    return g


def turtle(g: Graph) -> str:
    """``g`` as Turtle, each term written in full where rdflib's writer would shorten an
    ill-formed literal into bad Turtle ("none"^^xsd:boolean as a bare ``none``)."""
    from rdflib.namespace import RDF

    word = turtle_word
    subjects = sorted(set(g.subjects()), key=lambda t: (not isinstance(t, BNode), str(t)))
    lines = [f"@prefix sh: <{SH}> .", ""]
    for subject in subjects:
        pairs = sorted(
            g.predicate_objects(subject), key=lambda po: (po[0] != RDF.type, str(po[0]), str(po[1]))
        )
        body = " ;\n    ".join(f"{word(p, True)} {word(o)}" for p, o in pairs)
        lines.append(f"{word(subject)} {body} .\n")
    return "\n".join(lines)


# --- the report's Turtle merged as text ----------------------------------------------------
#
# A kept report and the results one more document adds are merged without reading either into
# a graph (0.3 s for a corpus's report): :func:`turtle` writes one block per subject (every
# subject of a report graph is a blank node), one line per predicate and object, the blocks in
# the order of their labels; where no literal spans lines (none written with triple quotes),
# a line is one pair and a block's lines are its subject's triples, so the blocks can be taken
# apart and put together again as :func:`turtle` would write the merged graph.

_HEAD = f"@prefix sh: <{SH}> ."


@dataclass
class _Block:
    label: str  # the subject's blank node label
    pairs: list[tuple[str, str]]  # (predicate, object) as written

    def text(self) -> str:
        body = " ;\n    ".join(f"{p} {o}" for p, o in self.pairs)
        return f"_:{self.label} {body} .\n"

    def said(self, predicate: str) -> list[str]:
        return [o for p, o in self.pairs if p == predicate]


def _blocks(text: str) -> dict[str, _Block] | None:
    """``text``'s blocks by label, where it is in the form :func:`turtle` writes: read back,
    they write ``text`` again byte for byte (else None)."""
    if '"""' in text or not text.startswith(_HEAD + "\n\n"):
        return None
    out: dict[str, _Block] = {}
    for chunk in text[len(_HEAD) + 2 :].split(" .\n\n"):
        lines = chunk.removesuffix(" .\n").split(" ;\n    ")
        first = lines[0].split(" ", 2)
        if len(first) < 3 or not first[0].startswith("_:") or first[0][2:] in out:
            return None
        pairs = [(first[1], first[2])]
        for line in lines[1:]:
            predicate, _, o = line.partition(" ")
            pairs.append((predicate, o))
        if any("\n" in o for _, o in pairs):
            return None  # a pair over two lines: not the form read here
        out[first[0][2:]] = _Block(first[0][2:], pairs)
    if _written(out) != text:
        return None
    return out


def _written(blocks: dict[str, _Block]) -> str:
    return "\n".join([_HEAD, "", *(blocks[k].text() for k in sorted(blocks))])


def _labels(blocks: dict[str, _Block]) -> set[str]:
    """Every blank node label of ``blocks``, as a subject or an object."""
    return set(blocks) | {o[2:] for b in blocks.values() for _, o in b.pairs if o.startswith("_:")}


def _named(word: str) -> str:
    """The IRI a word of :func:`turtle` names (an ``sh:`` word written in full)."""
    if word.startswith("<") and word.endswith(">"):
        return word[1:-1]
    return str(SH) + word[3:] if word.startswith("sh:") else word


def merged_turtle(
    old: str,
    added: str,
    dropped: set[tuple[str, str]],
    conforms: bool,
    constraints: Mapping[str, str] | None = None,
) -> str | None:
    """The report graph ``old`` without the results whose (source shape, focus node) is in
    ``dropped``, with those of ``added``, as :func:`turtle` writes that graph (its blank nodes
    labelled as in the two texts); None where a text is not in :func:`turtle`'s form or the two
    share a blank node label. A result's blank nodes (a SHACL path) go with it where no result
    kept names them. ``constraints``: the label ``added`` gives the one sh:sparql constraint
    (a blank node of the shapes graph, labelled anew by each reading of it) of each shape that
    has one, by the shape's IRI: an old result of that shape names it too, as one validation
    of the whole corpus would."""
    was, more = _blocks(old), _blocks(added)
    if was is None or more is None:
        return None
    was = {label: _relabelled(b, constraints or {}) for label, b in was.items()}
    if _labels(was) & _labels(more) - set((constraints or {}).values()):  # (a constraint is
        return None  # one node of the shapes graph, which both name alike: the shapes kept)
    tops = [_top(was), _top(more)]
    if tops[0] is None or tops[1] is None:
        return None
    blocks = {**was, **more}

    def kept(label: str) -> bool:
        said = blocks[label].said if label in blocks else lambda _: []
        shape, focus = said("sh:sourceShape"), said("sh:focusNode")
        return (_named(shape[0]) if shape else "", _named(focus[0]) if focus else "") not in dropped

    results = [o[2:] for top in tops if top for o in top.said("sh:result") if kept(o[2:])]
    top = _Block(tops[0].label, [("a", "sh:ValidationReport")])
    top.pairs.append(("sh:conforms", turtle_word(Literal(conforms))))
    top.pairs += [("sh:result", f"_:{r}") for r in sorted(results)]
    reached, todo = {top.label: top}, list(results)
    while todo:
        label = todo.pop()
        if label in reached or label not in blocks:
            continue
        reached[label] = blocks[label]
        todo += [o[2:] for _, o in blocks[label].pairs if o.startswith("_:")]
    return _written(reached)


def _relabelled(block: _Block, constraints: Mapping[str, str]) -> _Block:
    """``block`` (a result) naming its shape's constraint by the label of ``constraints``."""
    shape = block.said("sh:sourceShape")
    mine = constraints.get(_named(shape[0])) if shape else None
    if mine is None:
        return block
    pairs = [
        (p, f"_:{mine}" if p == "sh:sourceConstraint" and o.startswith("_:") else o)
        for p, o in block.pairs
    ]
    return _Block(block.label, pairs)


def _top(blocks: dict[str, _Block]) -> _Block | None:
    """The one sh:ValidationReport of ``blocks``, where it says nothing but its conformance and
    results (else None)."""
    tops = [b for b in blocks.values() if b.pairs[0] == ("a", "sh:ValidationReport")]
    if len(tops) != 1 or {p for p, _ in tops[0].pairs} - {"a", "sh:conforms", "sh:result"}:
        return None
    return tops[0]


def turtle_word(t: Node, predicate: bool = False) -> str:
    """A term as :func:`turtle` writes it: on one line (a literal's line breaks escaped, where
    rdflib's writer would quote it with three quotes over several lines)."""
    from rdflib.namespace import RDF

    if t == RDF.type and predicate:
        return "a"
    if isinstance(t, Literal) and ("\n" in t or "\r" in t):
        text = str(t).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
        after = f"@{t.language}" if t.language else f"^^<{t.datatype}>" if t.datatype else ""
        return f'"{text}"{after}'
    local = str(t).removeprefix(str(SH))
    if isinstance(t, URIRef) and local != str(t) and re.fullmatch(r"\w+", local):
        return "sh:" + local
    return t.n3()


def _copy(source: Graph, node: Node, into: Graph) -> Node:
    """``node`` with everything its blank nodes say (a SHACL path) copied into ``into``."""
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if not isinstance(n, BNode) or n in seen:
            continue
        seen.add(n)
        for p, o in source.predicate_objects(n):
            into.add((n, p, o))
            todo.append(o)
    return node


# --- human reports --------------------------------------------------------------------------


def render_text(report: Report) -> str:
    """The report as people read it, in the language spoken (messages and labels from the
    shapes' @zh/@en literals)."""
    lines = [summary_line(report)]
    for severity, rules in grouped(report):
        lines += ["", f"== {_(SEVERITY_WORDS.get(severity, severity))} =="]
        for _label, results in rules:
            lines.append(f"-- {results[0].label()} ({len(results)})")
            for r in results:
                lines.append(f"   {r.focus}")
                lines.append(f"      {r.said() or r.path}")
                if r.quote and r.quote not in r.message:
                    lines.append("      " + _("quote: “{quote}”").format(quote=_short(r.quote)))
    return "\n".join(lines) + "\n"


def _sentence(r: Result) -> str:
    """The message in the language spoken, with the focus node's quote where the message does
    not carry it."""
    if r.quote and r.quote not in r.message:
        return _("{message}: “{quote}” ({focus})").format(
            message=r.said(), quote=_short(r.quote), focus=r.focus
        )
    return r.said()


def _short(text: str, n: int = 120) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


DEFECTS_TITLE = N_("Known source defects")
DEFECTS_HEADER = N_(
    """Generated from the report of `policygraph validate` (`policygraph validate --defects
docs/source-defects.md`); do not edit by hand. A test fails when this file is not current.

These are the places where a source text is inconsistent with itself or with another source.
The graph keeps what each source says and reports the inconsistency here; it fixes nothing."""
)
DEFECTS_TITLES = {"Warning": N_("Source defects (warnings)"), "Info": N_("Worth knowing (info)")}


def render_defects(report: Report) -> str:
    """The source defects page (Markdown), in the language spoken."""
    lines = [f"# {_(DEFECTS_TITLE)}\n\n{_(DEFECTS_HEADER)}\n"]
    for severity, rules in grouped(report):
        if severity not in DEFECTS_TITLES:
            continue
        lines.append(f"## {_(DEFECTS_TITLES[severity])}\n")
        for _label, results in rules:
            label = results[0].label()
            lines.append(f"### {label[0].upper()}{label[1:]} ({len(results)})\n")
            lines += [f"- {_sentence(r)}" for r in results]
            lines.append("")
    if not report.of("Warning") and not report.of("Info"):
        lines.append(_("No source defects found.") + "\n")
    return "\n".join(lines).rstrip() + "\n"
