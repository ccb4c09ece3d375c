"""The site's other core (issue 24): one worker process, forked for the site, makes what is a
pure function of what the site read while the process goes on making pages.

- The pages' office files: a department's or a document's task table is written beside its page
  as xlsx, docx and csv. The first two are slow to make (openpyxl, python-docx: 1.4 s of a site
  again after one new document at 1,000 documents, 8% of it); each is waited for when its page
  is written (:func:`.html.render_pages`).
- The departments' network, as the department pages draw it, with what each page shows of it
  (``reuse.neighbourhoods``: 1.2 s at 1,000 documents), made while the other views are read.
- The list of every department (``org/index.html``: 0.5 s to render), rendered while the
  pages are made (what it shows is known once the views are read).
- The search index's files: what they hold of the documents' pages (:func:`.search.part`),
  while the other pages are made; then the files (:func:`.search.shards`, 0.6 s made at once),
  while the pages are rendered.

The worker asks to die with the process (a site killed with kill -9 leaves no worker holding its
lock or its caller's pipes). Where there is one core, or processes cannot be forked (not Linux),
or the worker cannot be started or dies, each is made in the process, as it was before; work
the worker fails on is done again in the process, which raises the error itself."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, Generic, TypeVar

from policygraph.render import render_sheet
from policygraph.render.formats import Format
from policygraph.store.parallel import die_with_parent

ELSEWHERE = (Format.xlsx, Format.docx)  # the formats made on the worker (csv costs nothing)
T = TypeVar("T")


class Later(Generic[T]):
    """What the worker is making (``fn(*args)``), or will be made here when asked for: where
    there is no worker, or it could not make it."""

    __slots__ = ("args", "fn", "future")

    def __init__(self, future: Future[T] | None, fn: Callable[..., T], args: tuple[Any, ...]):
        self.future, self.fn, self.args = future, fn, args
        if future is not None:
            future.add_done_callback(self._done)

    def _done(self, future: Future[T]) -> None:
        """What it is made of let go once it is made (a first site holds thousands of tables
        until its pages are written); kept where the worker failed, to be made again here."""
        if not future.cancelled() and future.exception() is None:
            self.args = ()

    def result(self) -> T:
        """What was made; where the worker has not begun it (other work before it there), made
        here rather than waited for (at the end of a site, the search index waited 0.6 s behind
        the office files)."""
        if self.future is not None and self.future.cancel():
            self.future = None
        if self.future is not None:
            try:
                return self.future.result()
            except Exception:  # the worker died, or the work failed there: done here (its error)
                self.future = None
        return self.fn(*self.args)


class Worker:
    """The site's worker: :meth:`later` gives what it is making; :meth:`office` an office file's
    bytes, or a :class:`Later` where the worker makes it. A context manager: the worker is
    stopped on the way out, whatever happened."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._off = (os.cpu_count() or 1) < 2 or sys.platform != "linux"

    def later(self, fn: Callable[..., T], *args: Any) -> Later[T]:
        """``fn(*args)``, made on the worker (``fn`` and ``args`` pickled to it), else here when
        its result is asked for."""
        pool = self._started() if not self._off else None
        if pool is not None:
            try:
                return Later(pool.submit(fn, *args), fn, args)
            except RuntimeError:  # the pool broken (its worker died): the rest made here
                self._off = True
        return Later(None, fn, args)

    def office(self, sheet: Any, fmt: Format) -> bytes | Later[bytes]:
        """The table ``sheet`` as an office file of format ``fmt`` (csv made here at once)."""
        if fmt in ELSEWHERE and not self._off:
            later = self.later(render_sheet, sheet, fmt)
            if later.future is not None:
                return later
        return render_sheet(sheet, fmt)

    def start(self) -> Worker:
        """Fork the worker now, while the process is small: a process forked later, once it
        holds the views, copies each page of them it touches after (the pages' making was a
        fifth slower at 1,000 documents)."""
        if not self._off:
            self._started()
        return self

    def _started(self) -> ProcessPoolExecutor | None:
        if self._pool is None:
            try:
                context = multiprocessing.get_context("fork")
                self._pool = ProcessPoolExecutor(
                    1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
                )
                self._pool.submit(int)  # forked now: a pool forks at its first work
            except (OSError, ValueError):  # no fork, no process to be had: made here
                self._off = True
        return self._pool

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=kind is not None)
            self._pool = None


__all__ = ["Later", "Worker"]
