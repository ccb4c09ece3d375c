"""Applying a plan: write its files, rebuild and validate, as one transaction; the corpus is put
back as it was if the rebuild fails or the corpus would fail validation."""

from __future__ import annotations

from dataclasses import dataclass

from policygraph import checks
from policygraph.build import BuildResult, build
from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, transaction, write_atomic
from policygraph.ingest.model import Plan


@dataclass(frozen=True)
class Applied:
    """What an ingest did: ``added`` is False when the corpus with the document would fail
    validation, and nothing was changed (``report`` says why)."""

    added: bool
    report: Report
    build: BuildResult | None = None


class _Refused(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__("the corpus would fail validation")
        self.report = report


def concerning(report: Report, p: Plan) -> list[Result]:
    """The violations that concern the document: its own nodes, or the departments and bodies
    it adds. A violation of the corpus that has nothing to do with it (the corpus failed before)
    does not refuse it; ``validate`` still reports it."""
    own = [str(p.doc), *(str(n.iri) for n in p.new), *(str(i) for i in p.registered)]
    return [
        r
        for r in report.of("Violation")
        if any(r.focus.startswith(iri) or iri in r.message for iri in own)
    ]


def apply(corpus: Corpus, p: Plan) -> Applied:
    """Write the plan's files, rebuild and validate, as one transaction: an error, Ctrl-C or
    SIGTERM at any moment, or a violation in the corpus with the document, leaves the corpus as
    it was (a kill -9 is undone by the next writer), and a second writer is refused while this
    one runs."""
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    try:
        with transaction(corpus, "ingest") as journal:
            journal.save(list(targets), [corpus.sources, corpus.ttl])
            write_atomic(targets)
            # joins the transaction, and saves the files it rewrites; the text is parsed already
            result = build(corpus, {str(p.doc): (p.text, p.structure)})
            report = checks.validate(corpus)
            if concerning(report, p):
                raise _Refused(report)  # the transaction rolls every file back
            return Applied(True, report, result)
    except _Refused as refused:
        return Applied(False, refused.report)
