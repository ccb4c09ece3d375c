"""What the site makes on its other core while the pages are made (``render/site/worker.py``):
the office files, the departments' network and the search index, each what the process makes;
the worker gone with the site; a worker that dies or a single core made up for in the
process."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
import zipfile
from concurrent.futures import wait
from pathlib import Path
from typing import Any

import pytest

from policygraph.render import render_sheet
from policygraph.render.formats import Format
from policygraph.render.site import worker
from policygraph.render.site.worker import Later, Worker
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


def same(data: bytes | Later[bytes], sheet: Sheet, fmt: Format) -> bool:
    made = data.result() if isinstance(data, Later) else data
    return members(made) == members(render_sheet(sheet, fmt))


def test_the_files_made_on_the_worker_are_those_made_in_the_process() -> None:
    sheet = table()
    with Worker() as made:
        found = {fmt: made.office(sheet, fmt) for fmt in worker.ELSEWHERE}
        assert all(isinstance(x, Later) for x in found.values())  # on the worker
        assert made.office(sheet, Format.csv) == render_sheet(sheet, Format.csv)  # csv here
        wait([x.future for x in found.values() if isinstance(x, Later) and x.future])  # there
        for fmt, later in found.items():
            assert same(later, sheet, fmt), fmt
            for _ in range(100):  # its callback may run just after the result is given
                if later.args == ():
                    break
                time.sleep(0.01)
            assert later.args == ()  # the table let go once its file is made


def test_the_worker_ends_with_the_site() -> None:
    with Worker() as made:
        later = made.office(table(), Format.xlsx)
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
    with Worker() as made:
        first = made.office(sheet, Format.docx)
        assert isinstance(first, Later)
        first.result()
        pool = made._pool
        assert pool is not None
        for pid in list(pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        later = made.office(sheet, Format.xlsx)  # on a broken pool, or made here
        assert same(later, sheet, Format.xlsx)
        for _ in range(500):  # the pool's own thread finds its worker dead, in its own time
            if pool._broken:  # type: ignore[attr-defined]
                break
            time.sleep(0.01)
        again = made.office(sheet, Format.docx)  # the pool broken: made here from now on
        assert isinstance(again, bytes) and same(again, sheet, Format.docx)


def test_one_core_makes_every_file_in_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker.os, "cpu_count", lambda: 1)
    sheet = table()
    with Worker() as made:
        data = made.office(sheet, Format.xlsx)
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
    with Worker() as made:
        later = made.office(Broken(), Format.xlsx)
        assert isinstance(later, Later)
        with pytest.raises(Unreadable):
            later.result()


calls: list[str] = []


def counted(word: str) -> str:
    """Work done where it is called, which says so (in the process: ``calls``)."""
    calls.append(word)
    return word * 2


def test_work_on_the_worker_is_what_the_process_makes() -> None:
    """The departments' network (nodes, neighbours and their data, in order) with what each
    department's page shows of it, and the search index's files, made on the worker, are what
    the process makes of the same views."""
    from policygraph.corpus import Corpus
    from policygraph.render.site import reuse, search
    from policygraph.store import open_store
    from policygraph.views import network

    def shown(g: Any) -> list[Any]:
        return [g.graph, list(g.nodes(data=True)), [list(g.adj[n].items()) for n in g]]

    store = open_store(Corpus.locate(Path(__file__).resolve().parent.parent), endpoint="")
    said = network.role_triples(store)
    known = network.departments(store, said)
    here = reuse.neighbourhoods(known, said)
    index = [
        {"k": "measure", "t": "推进高新区建设", "u": f"eli/x/{n}.html", "x": "科技厅 牵头" * n}
        for n in range(1, 60)
    ]
    with Worker() as made:
        neighbours = made.later(reuse.neighbourhoods, known, said)
        shards = made.later(search.shards, index)
        assert neighbours.future is not None and shards.future is not None  # on the worker
        wait([neighbours.future, shards.future])  # made there (asked before: made here)
        there = neighbours.result()
        assert here[0].number_of_edges() > 10 and shown(there[0]) == shown(here[0])
        assert there[1] == here[1] and set(here[1]) == {d.department for d in known}
        assert shown(here[0]) == shown(network.collaboration_network(store).to_undirected())
        assert shards.result() == search.shards(index)


def test_work_is_done_here_when_asked_where_there_is_no_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One core: nothing forked, and the work is done in the process when its result is asked
    for, not before; a worker that dies: the work done here."""
    calls.clear()
    monkeypatch.setattr(worker.os, "cpu_count", lambda: 1)
    with Worker() as made:
        later = made.later(counted, "ab")
        assert later.future is None and calls == []
        assert later.result() == "abab" and calls == ["ab"]
        assert made._pool is None
    monkeypatch.undo()
    calls.clear()
    with Worker() as made:
        on_worker = made.later(counted, "cd")
        assert on_worker.future is not None
        wait([on_worker.future])  # begun and done there (asked before, it would be made here)
        assert on_worker.result() == "cdcd" and calls == []
        pool = made._pool
        assert pool is not None
        for pid in list(pool._processes):  # type: ignore[union-attr]
            os.kill(pid, signal.SIGKILL)
        assert made.later(counted, "ef").result() == "efef" and calls == ["ef"]  # done here


def test_a_site_made_on_one_core_is_the_site_made_on_two(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the site (but the office files' own times) is the same whether its
    network, office files and search index were made on the worker or in the process."""
    from conftest import copy_home
    from test_site_incremental import contents, site
    from test_site_incremental import same as same_file

    home = copy_home(tmp_path / "home").root
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    site(home, tmp_path / "two")
    monkeypatch.setattr(worker.os, "cpu_count", lambda: 1)
    site(home, tmp_path / "one")
    two, one = contents(tmp_path / "two"), contents(tmp_path / "one")
    assert sorted(two) == sorted(one) and any(n.startswith("static/search/") for n in one)
    assert [n for n in one if not same_file(n, two[n], one[n])] == []


def test_the_worker_is_forked_before_the_views_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forked while the process is small: forked once the views are read, the process copied
    each page of them it touched after (the pages' making a fifth slower at 1,000 documents)."""
    from conftest import copy_home
    from test_site_incremental import site

    from policygraph.views.site_data import SiteData

    order: list[str] = []
    start, init = Worker.start, SiteData.__init__

    def started(self: Worker) -> Worker:
        order.append("worker")
        return start(self)

    def read(self: SiteData, *args: object) -> None:
        order.append("views")
        init(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Worker, "start", started)
    monkeypatch.setattr(SiteData, "__init__", read)
    site(copy_home(tmp_path / "home").root, tmp_path / "site")
    assert order == ["worker", "views"]


def test_work_the_worker_has_not_begun_is_done_here_when_asked() -> None:
    """Asked for while the worker is busy with other work before it, the work is done here,
    not waited for; what the worker has begun is waited for."""
    calls.clear()
    with Worker() as made:
        busy = [made.later(time.sleep, 0.5) for _ in range(4)]  # the worker busy for 2 s
        later = made.later(counted, "gh")
        assert later.result() == "ghgh" and calls == ["gh"]  # done here
        assert later.future is None and busy[0].future is not None
        assert busy[0].result() is None and calls == ["gh"]  # begun there: waited for
