"""Documents extracted on every core (``store.parallel``, issue 24): the files are those made in
one process, byte for byte; an error in a worker is the error the process raises."""

from __future__ import annotations

import os
from typing import Any

import pytest

from policygraph.build import outputs
from policygraph.corpus import Corpus
from policygraph.errors import SourceError
from policygraph.store import parallel

needs_two = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: no workers")


def pid(_: int) -> int:
    return os.getpid()


def fails(n: int) -> int:
    if n == 3:
        raise SourceError("{n}: the third", code="third", n=n)
    return n


@needs_two
def test_many_jobs_run_on_forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_JOBS", 2)
    pids = parallel.on_every_core(pid, (), [(k,) for k in range(40)])
    assert len(pids) == 40 and os.getpid() not in pids


def test_few_jobs_run_in_the_process() -> None:
    assert set(parallel.on_every_core(pid, (), [(k,) for k in range(3)])) == {os.getpid()}


@needs_two
def test_a_workers_error_is_raised_as_the_process_raises_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "MIN_JOBS", 2)
    with pytest.raises(SourceError, match="3: the third"):
        parallel.on_every_core(fails, (), [(k,) for k in range(10)])
    assert parallel.on_every_core(fails, (), [(k,) for k in range(3)] + [(4,)]) == [0, 1, 2, 4]


@needs_two
def test_files_built_on_workers_are_those_built_in_one_process(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = outputs(home)
    monkeypatch.setattr(parallel, "MIN_JOBS", 1)
    documents = [name for name in alone if name.startswith("doc-")]
    assert len(documents) >= 2  # the instrument: enough documents for two workers
    assert outputs(home) == alone


@needs_two
def test_workers_get_each_documents_text_and_structure_themselves(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process that builds hands its workers each document's source alone, and holds what
    they make packed until it is written: a batch's rebuild held every document's text, parsed
    structure and built file at once (10,000 documents: its 2.1 GB peak, issue 24)."""
    from policygraph import build

    alone = outputs(home)
    monkeypatch.setattr(parallel, "MIN_JOBS", 1)
    seen: list[tuple[object, ...]] = []
    made: list[tuple[str, bytes]] = []
    real = build.on_every_core

    def spy(fn: Any, shared: tuple[Any, ...], jobs: list[tuple[Any, ...]]) -> list[Any]:
        seen.extend(jobs)
        made.extend(real(fn, shared, jobs))
        return made

    monkeypatch.setattr(build, "on_every_core", spy)
    assert outputs(home) == alone
    assert len(seen) >= 2 and all(len(job) == 1 for job in seen)
    assert all(isinstance(packed, bytes) for _, packed in made)
    turtle = {name: body for name, body in alone.items() if name.startswith("doc-")}
    assert sum(len(p) for _, p in made) < sum(len(t) for t in turtle.values()) / 3
