"""The pages' office files (xlsx, docx) made on another core while the pages are made (issue 24).

A department's or a document's task table is written beside its page as xlsx, docx and csv. The
first two are slow to make (openpyxl, python-docx: 1.4 s of a site again after one new document
at 1,000 documents, 8% of it) and are a pure function of the table, so they are made by one
worker process forked for the site, while the process goes on making pages; each is waited for
when its page is written (:func:`.html.render_pages`). The worker asks to die with the process
(a site killed with kill -9 leaves no worker holding its lock or its caller's pipes). Where there
is one core, or processes cannot be forked (not Linux), or the worker cannot be started or dies,
each file is made in the process, as it was before; a table the worker fails on is made again in
the process, which raises the error itself."""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any

from policygraph.build.parallel import die_with_parent
from policygraph.render import render_sheet
from policygraph.render.formats import Format

ELSEWHERE = (Format.xlsx, Format.docx)  # the formats made on the worker (csv costs nothing)


class Later:
    """An office file being made on the worker: its table and format, made again here if the
    worker could not make it."""

    __slots__ = ("fmt", "future", "sheet")

    def __init__(self, future: Future[bytes], sheet: Any, fmt: Format) -> None:
        self.future, self.sheet, self.fmt = future, sheet, fmt
        future.add_done_callback(self._done)

    def _done(self, future: Future[bytes]) -> None:
        """The table let go once its file is made (a first site holds thousands until its
        pages are written); kept where the worker failed, to be made again here."""
        if not future.cancelled() and future.exception() is None:
            self.sheet = None

    def result(self) -> bytes:
        try:
            return self.future.result()
        except Exception:  # the worker died, or the table failed there: made here (its error)
            return render_sheet(self.sheet, self.fmt)


class OfficeFiles:
    """The office files of one site: :meth:`make` gives a file's bytes, or a :class:`Later`
    where the worker makes it. A context manager: the worker is stopped on the way out,
    whatever happened."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._off = (os.cpu_count() or 1) < 2 or sys.platform != "linux"

    def make(self, sheet: Any, fmt: Format) -> bytes | Later:
        if fmt in ELSEWHERE and not self._off:
            pool = self._started()
            if pool is not None:
                try:
                    return Later(pool.submit(render_sheet, sheet, fmt), sheet, fmt)
                except RuntimeError:  # the pool broken (its worker died): the rest made here
                    self._off = True
        return render_sheet(sheet, fmt)

    def _started(self) -> ProcessPoolExecutor | None:
        if self._pool is None:
            try:
                context = multiprocessing.get_context("fork")
                self._pool = ProcessPoolExecutor(
                    1, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
                )
            except (OSError, ValueError):  # no fork, no process to be had: made here
                self._off = True
        return self._pool

    def __enter__(self) -> OfficeFiles:
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


__all__ = ["Later", "OfficeFiles"]
