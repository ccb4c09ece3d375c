"""Applying a plan: write its files, rebuild and validate, as one transaction; the corpus is put
back as it was if the rebuild fails or the document brings a violation the corpus did not have."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from policygraph import checks
from policygraph.build import GIVEN, GIVEN_ABOUT, BuildResult, Given, build
from policygraph.checks import asked, scope
from policygraph.checks.mentions import Mentions
from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, transaction, write_atomic
from policygraph.ingest.model import Plan


@dataclass(frozen=True)
class Applied:
    """What an ingest did: ``added`` is False when the corpus with the document would have
    violations it did not have before (``new``), and nothing was changed."""

    added: bool
    report: Report
    build: BuildResult | None = None
    new: list[Result] = field(default_factory=list)  # the violations the document brings


class _Refused(Exception):
    def __init__(self, report: Report, new: list[Result]) -> None:
        super().__init__("the corpus would fail validation")
        self.report, self.new = report, new


def _key(r: Result) -> tuple[str, str, str, str]:
    return (r.rule, r.focus, r.value, r.message)


def apply(corpus: Corpus, p: Plan) -> Applied:
    """Write the plan's files, rebuild and validate, as one transaction: an error, Ctrl-C or
    SIGTERM at any moment, or a violation the document brings, leaves the corpus as it was (a
    kill -9 is undone by the next writer), and a second writer is refused while this one runs.
    Where the corpus had violations before, only new ones refuse the document (the corpus is
    validated again as it was, which costs one more validation only then)."""
    try:
        return _apply(corpus, p, set())
    except _Refused as refused:
        before = {_key(r) for r in checks.validate(corpus).of("Violation")}
        new = [r for r in refused.report.of("Violation") if _key(r) not in before]
        if new:
            return Applied(False, refused.report, None, new)
    try:
        return _apply(corpus, p, before)
    except _Refused as refused:  # the corpus changed meanwhile: refuse what is new now
        return Applied(False, refused.report, None, refused.new)


@contextlib.contextmanager
def held(corpus: Corpus) -> Iterator[None]:
    """The corpus's lock, taken before one document is planned and kept until it is applied
    (another writer: InputError), so that the plan and the write read the same files, walked
    and brought into the index once (twice took 1.3 s at 10,000 documents), and a write an
    interrupted run left is undone before the plan reads. :func:`apply` inside it rolls back
    what it wrote when it refuses the document. The corpus bundled with the package, which is
    not written, is planned without it (:func:`apply` then says why it cannot write)."""
    if not corpus.writable:
        yield
        return
    with transaction(corpus, "ingest"):
        yield


@contextlib.contextmanager
def _given(corpus: Corpus, written: list[Path]) -> Iterator[Given | None]:
    """What the build reads of the curated files: the index kept on disk (``checks.mentions``,
    as ``scope.before`` brought it up to the corpus before the write) with the graph files
    just ``written`` read over it (the index itself is left as it was: the scoped validation
    asks it what the ingest changed), open while the build reads the departments of each
    jurisdiction it asks for; None without a cache."""
    mentions = Mentions.open(corpus)
    if mentions is None:
        yield None
        return
    try:
        try:
            mentions.overlay([p for p in written if p.suffix == ".ttl"])
            given: Given | None = Given(
                functools.partial(_curated, mentions),
                asked.Departments(mentions, ()),
                mentions.documents(),
                mentions.naming,
            )
        except (OSError, sqlite3.Error, SyntaxError, ValueError):
            given = None  # the build reads the curated graph (and says what it cannot read)
        yield given
        if given is not None:
            given.departments.keep()  # the digests it made, for the next build
    finally:
        mentions.close()


def _curated(mentions: Mentions) -> Graph:
    """The curated facts the build reads, from the index, read where the build asks for them
    (a build that adds documents does not); an index that cannot be read then is an
    ``sqlite3.Error``, on which :func:`_build` builds from the curated graph instead."""
    try:
        return mentions.graph([str(t) for t in GIVEN], about=[str(t) for t in GIVEN_ABOUT])
    except (OSError, SyntaxError, ValueError) as exc:
        raise sqlite3.DatabaseError(f"the index cannot be read: {exc}") from exc


def _build(corpus: Corpus, p: Plan, written: list[Path], indexed: bool) -> BuildResult:
    """The rebuild, joining the transaction (it saves the files it rewrites): the text is
    parsed already, and the curated files are read from the index kept on disk where there is
    one (``indexed``). The index is read as the build asks; where it cannot be read then (a
    lock held too long, a damaged page), the build reads the curated graph instead."""
    parsed = {str(p.doc): (p.text, p.structure)}
    read = False  # whether the build was given the index (else its error is its own)
    try:
        with _given(corpus, written) if indexed else contextlib.nullcontext() as given:
            read = given is not None
            return build(corpus, parsed, given)  # (on an error, nothing of it kept)
    except sqlite3.Error:
        if not read:
            raise
    return build(corpus, parsed, None)


def _apply(corpus: Corpus, p: Plan, allowed: set[tuple[str, str, str, str]]) -> Applied:
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    with transaction(corpus, "ingest") as journal:
        journal.save(list(targets), [corpus.sources, corpus.ttl])
        was = scope.before(corpus)  # the corpus as it was, for a validation of what is added
        write_atomic(targets)
        result = _build(corpus, p, list(targets), was is not None)
        scoped = scope.validate_added(corpus, was) if was is not None else None
        report = scoped if scoped is not None else checks.validate(corpus)
        new = [r for r in report.of("Violation") if _key(r) not in allowed]
        if new:
            raise _Refused(report, new)  # the transaction rolls every file back
        return Applied(True, report, result)
