"""Work on every core (issue 24): many jobs that are each a pure function of what the process
holds run in worker processes forked from it, so that each worker holds it as it is, without
copying it. A build that extracts many documents (a batch's rebuild: 10,000 at once; a build
after the extractor changed) runs them so: a document's graph is a pure function of the curated
graph, the department index, its source and its text, so the files are those made one by one
(the build writes them by name, in no order of the workers'). So does the whole-corpus
validation in parts (``checks.parts``) of a large corpus: each part is validated from the index
of every file made before the workers are forked. Few jobs (one ingest) are done in the process
itself, where starting workers would cost more than it gains; so is everything where processes
cannot be forked (not Linux). A job that fails in a worker is done again in the process, so
that its error is raised as it would be without workers. A worker must not use an SQLite
connection its parent opened (``Mentions.reader``)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

MIN_JOBS = 200  # documents per worker, below which one process does it all
_WORK: tuple[Callable[..., Any], tuple[Any, ...]] | None = None  # what forked workers run


def on_every_core(
    fn: Callable[..., Any],
    shared: tuple[Any, ...],
    jobs: Sequence[tuple[Any, ...]],
    per_worker: int | None = None,
    chunksize: int = 16,
) -> list[Any]:
    """``fn(*shared, *job)`` for each job, in order; on forked worker processes when there are
    ``per_worker`` jobs (default :data:`MIN_JOBS`) for two of them or more, handed out
    ``chunksize`` at a time. ``fn`` never returns None."""
    global _WORK
    workers = min(os.cpu_count() or 1, len(jobs) // (per_worker or MIN_JOBS))
    if workers < 2 or sys.platform != "linux":
        return [fn(*shared, *job) for job in jobs]
    _WORK = (fn, shared)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            done = list(pool.map(_run, jobs, chunksize=chunksize))
    finally:
        _WORK = None
    return [r if r is not None else fn(*shared, *job) for r, job in zip(done, jobs, strict=True)]


def die_with_parent(parent: int) -> None:
    """A worker process's initializer: the worker killed when the process that started it
    ends, however it ends. A pool's worker whose parent was killed with kill -9 otherwise waits
    for work forever, holding what the fork gave it: the corpus's lock among them, so that
    every later writer was refused as "another policygraph command". Linux's
    ``PR_SET_PDEATHSIG``; elsewhere nothing is asked."""
    if sys.platform != "linux":
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the worker asked
        os._exit(1)


def _run(job: tuple[Any, ...]) -> Any:
    """In a worker: the job done, or None where it raised (done again in the process, which
    raises the error itself: an exception of ours need not survive pickling)."""
    assert _WORK is not None, "a worker forked without its work"
    fn, shared = _WORK
    try:
        return fn(*shared, *job)
    except Exception:
        return None


__all__ = ["MIN_JOBS", "die_with_parent", "on_every_core"]
