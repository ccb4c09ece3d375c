"""The report of the last validations of a corpus, kept by what they were made from.

`ingest` validates the whole corpus before it keeps a document; `validate`, the site's checks
page and CI then used to validate the same files again (10 s at 1,000 documents). A report is
kept in the cache directory (``store.cache``) under a digest of everything it depends on:
policygraph's code, the versions of the libraries that run the shapes, the engine, and every
file under the corpus's ``data/`` and ``ontology/`` (the graph, the source texts, the shapes),
through the digests the corpus's snapshot remembers (``corpus.Snapshot``: one pass over the
files a process shares). Any change to any of them is another digest, so a kept report is never
stale; the cache off, or one that cannot be read or written, means validating.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
from importlib import metadata
from pathlib import Path

from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, snapshot
from policygraph.store import cache
from policygraph.text.notes import Note

FORMAT = "3"  # bumped when what a kept report holds changes
KEEP = 8  # reports kept; the ones used longest ago are removed
LIBRARIES = ("pyshacl", "pyoxigraph", "rdflib")


def key(corpus: Corpus, engine: str) -> str:
    """The digest a report of ``corpus`` by ``engine`` is kept under ("" with the cache off:
    nothing is kept, so no file need be read)."""
    if cache.directory() is None:
        return ""
    digest = of_code(f"policygraph report {FORMAT}", LIBRARIES)
    digest.update(f"engine {engine}\n".encode())
    files = snapshot(corpus, cache.directory())  # one pass a process shares (corpus.Snapshot)
    found = files.digests(files.names("data", "ontology"))
    digest.update("".join(f"{name}\0{sha}\n" for name, sha in found.items()).encode())
    return digest.hexdigest()


def of_code(head: str, libraries: tuple[str, ...]) -> hashlib._Hash:
    """A SHA-256 begun with ``head``, policygraph's code and the versions of ``libraries``:
    what anything kept of the corpus is made by."""
    return hashlib.sha256(f"{head}\n{cache.code_digest()}\n{_versions(libraries)}".encode())


@functools.cache
def _versions(libraries: tuple[str, ...]) -> str:
    """The installed versions of ``libraries``, one line each (an absent one left out): looked
    up once a process, as the code's digest is (each lookup reads the installed metadata)."""
    lines = []
    for name in libraries:
        with contextlib.suppress(metadata.PackageNotFoundError):
            lines.append(f"{name} {metadata.version(name)}\n")
    return "".join(lines)


def _where(report_key: str) -> Path | None:
    top = cache.directory()
    return top / "reports" / f"{report_key}.marshal" if top is not None else None


def load(report_key: str) -> Report | None:
    """The report kept under ``report_key``, or None."""
    path = _where(report_key)
    found = cache.read_marshalled(path, FORMAT)
    if found is None or path is None:
        return None
    try:
        report = Report(
            tuple(Result(**r) for r in found["results"]),
            str(found["graph_ttl"]),
            tuple(Note.from_json(n) for n in found["notes"]),
        )
    except (ValueError, KeyError, TypeError):
        return None  # unreadable: validated again
    with contextlib.suppress(OSError):
        os.utime(str(path))  # used now: pruning removes those used longest ago
    return report


def save(report_key: str, report: Report) -> None:
    """Keep ``report`` in one step; a cache that cannot be written only means validating."""
    path = _where(report_key)
    body = {
        "format": FORMAT,
        "results": [r.as_json() for r in report.results],
        "graph_ttl": report.graph_ttl,
        "notes": [n.as_json() for n in report.notes],
    }
    cache.keep_marshalled(path, body)
    if path is not None:
        with contextlib.suppress(OSError):
            prune(path.parent, KEEP)


def prune(folder: Path, keep: int) -> None:
    """The ``keep`` files of ``folder`` used last kept, the others removed; and what a writer
    that died left (an hour on)."""
    kept = []
    for entry in folder.glob("*.marshal"):
        with contextlib.suppress(OSError):
            kept.append((entry.stat().st_mtime, entry))
    for _, entry in sorted(kept, reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            entry.unlink()
    for entry in folder.glob(".*.marshal.*"):  # left by a writer that died
        with contextlib.suppress(OSError):
            if time.time() - entry.stat().st_mtime > 3600:
                entry.unlink()
