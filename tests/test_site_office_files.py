"""The pages' office files made on another core while the pages are made
(``render/site/office_files.py``): the bytes made in the process, the worker gone with the
site, and a worker that dies or a single core made up for in the process."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import zipfile

import pytest

from policygraph.render import render_sheet
from policygraph.render.formats import Format
from policygraph.render.site import office_files
from policygraph.render.site.office_files import Later, OfficeFiles
from policygraph.render.table import Column, Sheet

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the worker is forked on Linux")


def table(n: int = 5) -> Sheet:
    rows = [[str(i), "推进高新区建设", "市科技局"] for i in range(1, n + 1)]
    return Sheet(
        "任务清单", [Column("n", "序号"), Column("t", "任务"), Column("d", "牵头单位")], rows
    )


def members(data: bytes) -> dict[str, bytes]:
    """An office file's parts, but the times it was made (the zip's own, to the two seconds,
    and the workbook's properties, to the second)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def same(data: bytes | Later, sheet: Sheet, fmt: Format) -> bool:
    made = data.result() if isinstance(data, Later) else data
    return members(made) == members(render_sheet(sheet, fmt))


def test_the_files_made_on_the_worker_are_those_made_in_the_process() -> None:
    sheet = table()
    with OfficeFiles() as made:
        found = {fmt: made.make(sheet, fmt) for fmt in office_files.ELSEWHERE}
        assert all(isinstance(x, Later) for x in found.values())  # on the worker
        assert made.make(sheet, Format.csv) == render_sheet(sheet, Format.csv)  # csv here
        for fmt, later in found.items():
            assert same(later, sheet, fmt), fmt
            for _ in range(100):  # its callback may run just after the result is given
                if later.sheet is None:
                    break
                time.sleep(0.01)
            assert later.sheet is None  # the table let go once its file is made


def test_the_worker_ends_with_the_site() -> None:
    with OfficeFiles() as made:
        later = made.make(table(), Format.xlsx)
        assert isinstance(later, Later)
        later.result()
        pool = made._pool
        assert pool is not None
        workers = list(pool._processes.values())  # type: ignore[union-attr]
        assert workers and all(w.is_alive() for w in workers)
    assert made._pool is None
    assert not any(w.is_alive() for w in workers)


def test_a_worker_that_dies_is_made_up_for_in_the_process() -> None:
    sheet = table(40)
    with OfficeFiles() as made:
        first = made.make(sheet, Format.docx)
        assert isinstance(first, Later)
        first.result()
        pool = made._pool
        assert pool is not None
        for pid in list(pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        later = made.make(sheet, Format.xlsx)  # on a broken pool, or made here
        assert same(later, sheet, Format.xlsx)
        again = made.make(sheet, Format.docx)  # the pool broken: made here from now on
        assert isinstance(again, bytes) and same(again, sheet, Format.docx)


def test_one_core_makes_every_file_in_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office_files.os, "cpu_count", lambda: 1)
    sheet = table()
    with OfficeFiles() as made:
        data = made.make(sheet, Format.xlsx)
        assert isinstance(data, bytes) and same(data, sheet, Format.xlsx)
        assert made._pool is None


class Unreadable(Exception):
    """An error that does not survive the way back from the worker (as an error of ours with
    arguments of its own may not): pickled as its message and a number, it cannot be made
    again from them."""

    def __init__(self, what: str) -> None:
        super().__init__(f"no {what}", 2)


class Broken:
    """A table every renderer fails on, with :class:`Unreadable`."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        raise Unreadable(name)


def test_a_table_the_worker_fails_on_raises_its_own_error_here() -> None:
    """The worker's failure is not the error shown: the table is made again in the process,
    which raises the table's own error (the worker's could not even be read back)."""
    with OfficeFiles() as made:
        later = made.make(Broken(), Format.xlsx)
        assert isinstance(later, Later)
        with pytest.raises(Unreadable):
            later.result()
