"""Applying a plan: write its files, rebuild, and restore the corpus if the rebuild fails."""

from __future__ import annotations

from policygraph.build import BuildResult, build
from policygraph.corpus import Corpus, transaction, write_atomic
from policygraph.ingest.model import Plan


def apply(corpus: Corpus, p: Plan) -> BuildResult:
    """Write the plan's files and rebuild, as one transaction: an error, Ctrl-C or SIGTERM at
    any moment leaves the corpus as it was (a kill -9 is undone by the next writer), and a
    second writer is refused while this one runs."""
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    with transaction(corpus, "ingest") as journal:
        journal.save(list(targets), [corpus.sources, corpus.ttl])
        write_atomic(targets)
        # joins the transaction, and saves the files it rewrites; the text is parsed already
        return build(corpus, {str(p.doc): (p.text, p.structure)})
