"""Proposing provision-level implementation links by text similarity (`suggest-links`).

Method: every provision becomes a bag of character bigrams (Chinese has no spaces; bigrams carry
most of the meaning of short titles), its title counted ``TITLE_WEIGHT`` times and its text once
where the text is held. Bigrams are weighted by TF-IDF over the provisions of both documents, so
that words every provision shares (高新区, 发展) count for little, and pairs are ranked by cosine
similarity. A curator reviews the ranked list; accepted suggestions are recorded as judgements
with their score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rdflib import URIRef

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.store import Store
from policygraph.views.internal import query
from policygraph.views.tasks import Document

TITLE_WEIGHT = 3
_NOISE = re.compile(r"[\s\u3000()（）\[\]、，,。；;：:“”\"'《》〔〕0-9A-Za-z]")
_ANNOTATION = re.compile(r"[(（]\s*(牵头|责任单位|配合)[^()（）]*(\([^()]*\)[^()（）]*)*[)）]\s*$")


@dataclass(frozen=True)
class ProvisionText:
    """A provision as link suggestion reads it: its number, label, title and text (not
    :class:`policygraph.text.structure.Provision`, a provision as a source text is parsed)."""

    iri: URIRef
    number: int
    label: str
    title: str
    text: str


@dataclass(frozen=True)
class Suggestion:
    lower: ProvisionText
    higher: ProvisionText
    score: float
    rank: int


def bigrams(text: str) -> Counter[str]:
    chars = _NOISE.sub("", text)
    return Counter(chars[i : i + 2] for i in range(len(chars) - 1))


def features(p: ProvisionText) -> Counter[str]:
    bag: Counter[str] = Counter()
    for _ in range(TITLE_WEIGHT):
        bag.update(bigrams(p.title))
    body = _ANNOTATION.sub("", p.text)
    if body and body != p.title:
        bag.update(bigrams(body))
    return bag


def provisions(store: Store, doc: Document) -> list[ProvisionText]:
    rows = store.select(query("document-provisions"), {"doc": doc.iri})
    return [
        ProvisionText(
            r["measure"],  # type: ignore[arg-type]
            int(str(r["number"])),
            str(r["label"]),
            str(r["title"]),
            str(r["text"] or ""),
        )
        for r in rows.dicts()
    ]


def _tfidf(bags: list[Counter[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags)
    vectors = []
    for bag in bags:
        vec = {g: (1 + math.log(c)) * math.log((1 + n) / (1 + df[g])) for g, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({g: v / norm for g, v in vec.items()})
    return vectors


def suggest(
    lower: list[ProvisionText], higher: list[ProvisionText], top: int = 3
) -> list[Suggestion]:
    """For each lower provision, the ``top`` most similar higher provisions, best first."""
    vectors = _tfidf([features(p) for p in lower + higher])
    low_vecs, high_vecs = vectors[: len(lower)], vectors[len(lower) :]
    postings: dict[str, list[tuple[int, float]]] = {}  # gram → the higher provisions with it
    for i, hv in enumerate(high_vecs):
        for g, hw in hv.items():
            postings.setdefault(g, []).append((i, hw))
    out = []
    for p, v in zip(lower, low_vecs, strict=True):
        scores = [0.0] * len(higher)  # the cosine, summed in v's order as a dot product would
        for g, w in v.items():
            for i, hw in postings.get(g, ()):
                scores[i] += w * hw
        scored = sorted(zip(scores, higher, strict=True), key=lambda sh: (-sh[0], sh[1].number))
        for rank, (score, h) in enumerate(scored[:top], start=1):
            out.append(Suggestion(p, h, round(score, 4), rank))
    return out


@dataclass(frozen=True)
class Evaluation:
    lower_provisions: int
    curated_links: int
    top1_correct: int

    @property
    def precision(self) -> float:
        """Share of top-1 suggestions that are curated links."""
        return self.top1_correct / self.lower_provisions if self.lower_provisions else 0.0

    @property
    def recall(self) -> float:
        """Share of curated links that are some provision's top-1 suggestion."""
        return self.top1_correct / self.curated_links if self.curated_links else 0.0


def curated_pairs(store: Store, lower: Document, higher: Document) -> set[tuple[URIRef, URIRef]]:
    rows = store.select(query("judged-links"), {"from": lower.iri, "to": higher.iri})
    return {(r["lower"], r["higher"]) for r in rows.dicts()}  # type: ignore[misc]


def evaluate(suggestions: list[Suggestion], curated: set[tuple[URIRef, URIRef]]) -> Evaluation:
    """Top-1 suggestions against the curated links, over the lower provisions that have one."""
    linked = {low for low, _ in curated}
    top1 = [s for s in suggestions if s.rank == 1 and s.lower.iri in linked]
    correct = sum(1 for s in top1 if (s.lower.iri, s.higher.iri) in curated)
    return Evaluation(len(top1), len(curated), correct)


@dataclass(frozen=True)
class AcceptRule:
    """When a top-1 suggestion is recorded as a judgement.

    ``margin``: the top-1 beats the runner-up by at least this share of its own score, a rule
    that holds across documents (raw scores do not: short city items score 0.10–0.15 where long
    regional measures score 0.5). ``score``: the top-1 scores at least this (kept for old
    scripts; not comparable across documents).
    """

    kind: str  # "margin" | "score"
    value: float

    @classmethod
    def parse(cls, spec: str) -> AcceptRule:
        kind, _, value = spec.rpartition("=")
        kind = kind.strip() or "score"
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if kind not in ("margin", "score") or not 0 <= number <= 1:
            raise InputError(
                N_(
                    "the accept rule must be margin=M or score=S with a number from 0 to 1, not {spec}"
                ),
                code="accept-rule",
                spec=repr(spec),
            )
        return cls(kind, number)

    def accepts(self, best: Suggestion, runner_up: Suggestion | None) -> bool:
        if self.kind == "score":
            return best.score >= self.value
        second = runner_up.score if runner_up is not None else 0.0
        return best.score > 0 and (best.score - second) / best.score >= self.value

    def __str__(self) -> str:
        return f"{self.kind}={self.value:g}"


def accepted(suggestions: list[Suggestion], rule: AcceptRule) -> list[Suggestion]:
    """The top-1 suggestions ``rule`` accepts (``suggestions`` ranked, at least two per lower)."""
    by_lower: dict[URIRef, list[Suggestion]] = {}
    for s in suggestions:
        by_lower.setdefault(s.lower.iri, []).append(s)
    out = []
    for ranked in by_lower.values():
        ranked.sort(key=lambda s: s.rank)
        if rule.accepts(ranked[0], ranked[1] if len(ranked) > 1 else None):
            out.append(ranked[0])
    return out


def evaluate_rule(
    suggestions: list[Suggestion], curated: set[tuple[URIRef, URIRef]], rule: AcceptRule
) -> tuple[int, int, int]:
    """(accepted, of which curated, curated links): what ``rule`` would record, checked against
    the curated links (over every lower provision, linked or not)."""
    chosen = accepted(suggestions, rule)
    correct = sum(1 for s in chosen if (s.lower.iri, s.higher.iri) in curated)
    return len(chosen), correct, len(curated)
