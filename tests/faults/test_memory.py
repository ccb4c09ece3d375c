"""Under a memory cap, a query that asks for too much is one `Error:` line (before: a
MemoryError traceback), and the output file it was to write is not there half-written."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

CAP = 1_500 * 2**20  # address space: room for the interpreter, rdflib and the graph
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"  # about 3·10^7 rows of the real graph


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS caps memory on Linux")
def test_an_unbounded_query_under_a_memory_cap_is_one_error(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", "query", "-", "-o", str(out)],
        input=CROSS,
        capture_output=True,
        text=True,
        preexec_fn=_cap,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith("Error: out of memory in policygraph query")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []
