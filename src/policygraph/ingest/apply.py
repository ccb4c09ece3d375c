"""Applying a plan: write its files, rebuild, and restore the corpus if the rebuild fails."""

from __future__ import annotations

from policygraph.build import BuildResult, build
from policygraph.corpus import Corpus, write_atomic
from policygraph.ingest.model import Plan


def apply(corpus: Corpus, p: Plan) -> BuildResult:
    """Write the plan's files, rebuild; on a failed rebuild, restore the corpus as it was."""
    corpus.require_writable("ingest")
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    previous = {path: path.read_bytes() if path.exists() else None for path in targets}
    try:
        write_atomic(targets)
        return build(corpus)
    except BaseException:
        write_atomic({path: old for path, old in previous.items() if old is not None})
        for path, old in previous.items():
            if old is None:
                path.unlink(missing_ok=True)
        raise
