"""Ingesting many documents in one command (issue 24).

Reading and extracting a file (its text, its numbered items, its metadata panel) is a pure
function of its bytes, done in parallel on every core. Planning is not: a document's new
departments and links depend on those before it, so the plans are made one after another,
each written before the next is planned, in one transaction. Each is planned from the index on
disk of ``checks.mentions`` (``ingest.ondisk``), brought up to the files as they are when the batch
starts and then to each file the batch writes, so that neither the memory nor the time of a
document grows with the corpus (the union of the curated files it replaces held the whole
corpus as rdflib terms: 4.7 GB at 10,000 documents). Then one rebuild (from the same index) and
one validation; a document that brings a violation the corpus did not have is taken out again,
with its violations as the reason, and the rest rebuilt. One bad file never stops the batch;
an interruption (Ctrl-C, a kill) leaves the corpus as it was before the batch.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pickle
import sqlite3
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from policygraph import checks
from policygraph.build import build
from policygraph.checks.report import Report, Result
from policygraph.corpus import Corpus, Journal, remove, transaction, write_atomic
from policygraph.errors import InputError, PolicyGraphError
from policygraph.i18n import N_
from policygraph.ingest.model import IngestNote, Options, Plan
from policygraph.ingest.ondisk import OnDisk
from policygraph.ingest.plan import Read, plan, plan_known, read_file
from policygraph.store import cache
from policygraph.store.parallel import die_with_parent
from policygraph.text.readers import extensions
from policygraph.text.structure import Structure

# The files a folder is searched for (the readers of text/readers)
EXTENSIONS = extensions("document")
STATUSES = ("added", "added with warnings", "unchanged", "refused")
APART = 400  # documents from which a batch's validation runs first in a process of its own
# (its start-up, ~1 s, is nothing beside such a batch's validation)


@dataclass
class Outcome:
    """What the batch did with one file."""

    file: Path
    status: str = "refused"  # one of STATUSES
    document: str = ""
    reason: IngestNote | None = None  # why refused
    warnings: list[IngestNote] = field(default_factory=list)
    blamed: list[Result] = field(default_factory=list)  # the violations it was refused for

    def said(self) -> list[IngestNote]:
        """Why it was refused, else what it warns of."""
        return [self.reason] if self.reason is not None else self.warnings

    def row(self) -> dict[str, str]:
        """The outcome as the report file has it (English: a machine format)."""
        said = "; ".join(str(n) for n in self.said())
        return {
            "file": str(self.file),
            "status": self.status,
            "document": self.document,
            "reason": said,
        }


def expand(args: Iterable[str]) -> list[Path]:
    """The files of ``args``: files, folders (every file of a known kind in them, at any depth)
    and globs (``crawl/**/*.html``), each once, in order; an argument that names nothing is an
    error naming it."""
    out: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS
            )
        elif path.exists():
            found = [path]
        elif glob.has_magic(arg):
            found = sorted(Path(p) for p in glob.glob(arg, recursive=True) if Path(p).is_file())
        else:
            raise InputError(N_("{path}: no such file or folder"), code="path-missing", path=arg)
        if not found:
            raise InputError(
                N_("{path}: names no file to ingest ({extensions})"),
                code="path-without-files",
                path=arg,
                extensions=", ".join(EXTENSIONS),
            )
        out += [p for p in found if p not in out]
    return out


def refusal(exc: PolicyGraphError) -> IngestNote:
    """An error as the reason a file was refused (its template, code and parameters)."""
    return IngestNote(exc.template, exc.code, dict(exc.params))


def _read(path: Path) -> Read | IngestNote:
    """A worker's task: the file read and extracted, or the one-line reason it cannot be."""
    try:
        return read_file(path)
    except PolicyGraphError as exc:
        return refusal(exc)
    except Exception as exc:  # a reader's bug must not stop the batch: said, with its type
        return IngestNote.of(
            N_("{path}: cannot be read ({error})"),
            "reader-failed",
            path=str(path),
            error=f"{type(exc).__name__}: {exc}",
        )


def read_all(
    paths: list[Path], jobs: int, tick: Callable[[], None] = lambda: None
) -> list[Read | IngestNote]:
    """Every file read and extracted, on ``jobs`` processes (in order)."""
    return list(read_each(paths, jobs, tick))


def read_each(
    paths: list[Path], jobs: int, tick: Callable[[], None] = lambda: None, ahead: int = 32
) -> Iterator[Read | IngestNote]:
    """Each file read and extracted, on ``jobs`` processes, in order, as it is taken: no more
    than ``ahead`` files per process read before they are (all 10,000 documents read first
    held 500 MB before the first was planned)."""
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            read = _read(p)
            tick()
            yield read
        return
    pool = ProcessPoolExecutor(jobs, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        waiting = iter(paths)
        pending = deque(pool.submit(_read, p) for p in itertools.islice(waiting, jobs * ahead))
        while pending:
            read = pending.popleft().result()
            following = next(waiting, None)
            if following is not None:
                pending.append(pool.submit(_read, following))
            tick()
            yield read
    finally:
        pool.shutdown(cancel_futures=True)


@dataclass(frozen=True)
class _Written:
    """What the batch keeps of a document it wrote, until its rebuild and validation: where its
    text and structure are kept (the rebuild takes them instead of parsing the text again), and
    what its files held before (None: they did not exist)."""

    doc: str
    parsed: str  # the file of its text and structure, pickled (:class:`_Parsed`)
    held: tuple[tuple[str, bytes | None], ...]  # each file's name and what it held before

    @classmethod
    def of(cls, doc: str, parsed: Path, before: dict[Path, bytes | None]) -> _Written:
        """Kept as strings, not paths: a few paths a document took ~2 KB of the batch's memory
        until its end (~20 MB at 10,000 documents)."""
        return cls(doc, str(parsed), tuple((str(t), old) for t, old in before.items()))

    @property
    def before(self) -> dict[Path, bytes | None]:
        """What its files held before (None: they did not exist)."""
        return {Path(t): old for t, old in self.held}


class _Parsed(Mapping[str, tuple[str, Structure]]):
    """The text and structure of each document the batch wrote, by document IRI, kept in a file
    of a temporary folder each and read when the rebuild asks for it: held in memory they grew
    the batch by ~46 KB a document (460 MB at 10,000) while it planned."""

    def __init__(self, written: Iterable[_Written]) -> None:
        self.files = {w.doc: w.parsed for w in written}

    @staticmethod
    def keep(folder: Path, n: int, text: str, structure: Structure) -> Path:
        path = folder / f"{n}.pickle"
        path.write_bytes(pickle.dumps((text, structure), protocol=pickle.HIGHEST_PROTOCOL))
        return path

    def __getitem__(self, doc: str) -> tuple[str, Structure]:
        text, structure = pickle.loads(Path(self.files[doc]).read_bytes())  # this batch's
        return text, structure

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def ingest_many(
    corpus: Corpus,
    paths: list[Path],
    options: Options,
    jobs: int,
    tick: Callable[[str], None] = lambda _: None,
) -> list[Outcome]:
    """Ingest ``paths``: read in parallel, planned and written one by one, one rebuild and one
    validation; every file has its outcome. ``tick`` is called as each step is done."""
    outcomes = [Outcome(p) for p in paths]
    with transaction(corpus, "ingest") as journal, tempfile.TemporaryDirectory() as kept:
        index = OnDisk.open(corpus)
        try:
            written: dict[int, _Written] = {}
            reads = read_each(paths, jobs, lambda: tick("read"))
            for k, (path, read) in enumerate(zip(paths, reads, strict=True)):
                tick("planned")
                p = _planned(corpus, path, options, read, index, outcomes[k])
                if p is None:
                    continue
                before = _write(corpus, p, journal, index)
                parsed = _Parsed.keep(Path(kept), k, p.text, p.structure)
                written[k] = _Written.of(str(p.doc), parsed, before)
                outcomes[k].warnings = _warnings(p)
            _settle(corpus, written, outcomes, index)
            if index is not None:
                index.keep_for_one_more()  # the corpus's transaction still open: an
                # interruption undoes the batch's files (the index then reads them again)
        except sqlite3.Error as exc:  # the transaction puts back every file the batch wrote
            raise _index_failed(index, exc) from exc
        finally:
            if index is not None:
                index.close()
    return outcomes


def _index_failed(index: OnDisk | None, exc: sqlite3.Error) -> InputError:
    """The one error of a batch whose index on disk failed it while it ran (another process
    holding it locked too long, a full disk, a damaged file), naming the index's file: the
    batch writes nothing then (before, a traceback)."""
    return InputError(
        N_(
            "{path}: the corpus's index in the cache failed ({reason}); nothing of the batch "
            "was written. Run it again, or with POLICYGRAPH_CACHE=off"
        ),
        code="index-failed",
        path=index.mentions.where if index is not None else cache.directory(),
        reason=" ".join(str(exc).split()),
    )


def _planned(
    corpus: Corpus,
    path: Path,
    options: Options,
    read: Read | IngestNote,
    index: OnDisk | None,
    outcome: Outcome,
) -> Plan | None:
    """The plan of one file of the batch (from the index on disk where there is one, else from
    the curated graph kept in the process); None, and the outcome said, where there is nothing
    to write."""
    if isinstance(read, IngestNote):
        outcome.reason = read
        return None
    try:
        if index is None:
            p = plan(corpus, path, options, read, False)  # no cache: the union it grows
        else:
            p = plan_known(corpus, path, options, read, index.known())
    except PolicyGraphError as exc:
        outcome.reason = refusal(exc)
        return None
    outcome.document = str(p.doc)
    if p.unchanged:
        outcome.status = "unchanged"
        return None
    return p


def _warnings(p: Plan) -> list[IngestNote]:
    out = [IngestNote.of(N_("could not read {what}"), "could-not-read", what=u) for u in p.unread]
    new = "、".join(n.label for n in p.new)
    if new:
        out.append(IngestNote.of(N_("new departments (in no register): {names}"), "new", names=new))
    return out


def _write(
    corpus: Corpus, p: Plan, journal: Journal, index: OnDisk | None
) -> dict[Path, bytes | None]:
    """Write a plan's files (and bring the index on disk up to them); what they held before
    (None: they did not exist)."""
    targets = {corpus.path(rel): body for rel, body in p.written().items()}
    journal.save(list(targets), [corpus.sources, corpus.ttl])
    before = {t: (t.read_bytes() if t.is_file() else None) for t in targets}
    built = corpus.document_file(p.short)  # what the rebuild will make of it
    before.setdefault(built, built.read_bytes() if built.is_file() else None)
    write_atomic(targets)
    if index is not None:
        index.wrote(list(targets))
    return before


def _undo(before: dict[Path, bytes | None], index: OnDisk | None) -> None:
    for target, old in before.items():
        if old is None:
            remove(target)
        else:
            write_atomic({target: old})
    if index is not None:
        index.wrote(list(before))


def _settle(
    corpus: Corpus,
    written: dict[int, _Written],
    outcomes: list[Outcome],
    index: OnDisk | None,
) -> None:
    """One rebuild and one validation; the documents that bring violations are taken out (and
    the rest rebuilt and validated again) until none does. Each rebuild brings the index up to
    what it wrote (:func:`_rebuilt`)."""
    baseline: set[tuple[str, str, str, str]] | None = None
    while written:
        parsed = _Parsed(written.values())
        _rebuilt(corpus, parsed, index)
        report = _validated(corpus, len(written))
        blamed = _blame(report, written, baseline)
        if blamed is None:  # violations no document of the batch is named in: were they there?
            baseline = _baseline(corpus, written, index)
            blamed = _blame(report, written, baseline)
        if not blamed:
            break
        for k, found in blamed.items():
            _undo(written.pop(k).before, index)
            outcomes[k].status = "refused"
            outcomes[k].blamed = found[:3]
            outcomes[k].reason = IngestNote.of(
                N_("brings violations: {violations}"),
                "brings-violations",
                violations="; ".join(r.message for r in found[:3]),
            )
    if not written:  # every document taken out again: the graph as it was
        _rebuilt(corpus, None, index)
    for k in written:
        outcomes[k].status = "added with warnings" if outcomes[k].warnings else "added"


def _validated(corpus: Corpus, documents: int) -> Report:
    """``checks.validate`` of the corpus. The validation of a batch of :data:`APART` documents or
    more runs first in a Python process of its own, started afresh, which keeps its report in
    the cache, where this call then reads it: the memory the validation takes (its parts'
    stores and its index of every file: 80 MB more in this process at 5,000 documents) is not
    added to what this process holds after its rebuild (what its allocator keeps of it), the
    batch's peak. Where that process fails, the validation runs here, and raises its error."""
    if documents >= APART and cache.directory() is not None:
        _validate_apart(corpus.root)
    return checks.validate(corpus)


def _validate_apart(root: Path) -> None:
    """:func:`validate_kept` of ``root`` in a new Python process (the package it runs is this
    one; what it prints, and how it ends, left to the validation here). Ctrl-C stops it with the
    batch; it dies with the batch too."""
    import policygraph

    package = str(Path(policygraph.__file__).resolve().parents[1])
    paths = [package, *filter(None, [os.environ.get("PYTHONPATH")])]
    code = (
        "import sys; from policygraph.ingest.batch import validate_kept; validate_kept(sys.argv[1])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(root)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def validate_kept(root: str) -> None:
    """The validation of the corpus at ``root``, for its report kept in the cache (run by
    :func:`_validate_apart`); the process is killed where the batch that started it dies."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            import ctypes
            import signal

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    checks.validate(Corpus.of(Path(root)))


def _rebuilt(corpus: Corpus, parsed: _Parsed | None, index: OnDisk | None) -> list[Path]:
    """One rebuild; the files it wrote and those it removed (a citations file no longer made),
    with the index brought up to them and committed, so that the validation after it reads the
    index as the files are (the validation in parts opens it; a transaction held open here
    would make it wait, and then fall back to the one store)."""
    given = index.given() if index is not None else None
    result = build(corpus, parsed, given)
    if given is not None:
        given.departments.keep()  # the digests it made, for the next build
    files = [*result.written, *result.removed]
    if index is not None:
        index.wrote(files)
        index.commit()
    return files


def _key(r: Result) -> tuple[str, str, str, str]:
    return (r.rule, r.focus, r.value, r.message)


def _blame(
    report: Report,
    written: dict[int, _Written],
    baseline: set[tuple[str, str, str, str]] | None,
) -> dict[int, list[Result]] | None:
    """The batch's documents each violation names (by its IRI in the focus node or the message);
    None when a violation names none of them and it is not known whether it was there before."""
    blamed: dict[int, list[Result]] = {}
    for r in report.of("Violation"):
        if baseline is not None and _key(r) in baseline:
            continue
        named = [k for k, w in written.items() if w.doc in r.focus or w.doc in r.message]
        if not named:
            if baseline is None:
                return None
            named = list(written)  # new, and no document named: every document of the batch
        for k in named:
            blamed.setdefault(k, []).append(r)
    return blamed


def _baseline(
    corpus: Corpus,
    written: dict[int, _Written],
    index: OnDisk | None,
) -> set[tuple[str, str, str, str]]:
    """The corpus's violations without the batch: its files put back, rebuilt and validated, and
    the batch written and rebuilt again (the files built over every document, such as the
    stubs of documents cited, were the baseline's)."""
    now = {t: t.read_bytes() for w in written.values() for t in w.before if t.is_file()}
    for w in written.values():
        _undo(w.before, index)
    _rebuilt(corpus, None, index)
    found = {_key(r) for r in checks.validate(corpus).of("Violation")}
    write_atomic(now)
    if index is not None:
        index.wrote(list(now))
    _rebuilt(corpus, None, index)
    return found


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    return {s: sum(1 for o in outcomes if o.status == s) for s in STATUSES}


__all__ = ["EXTENSIONS", "Outcome", "counts", "expand", "ingest_many", "read_all", "read_each"]
