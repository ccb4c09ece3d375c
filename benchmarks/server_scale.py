"""The server path at national scale (issue 24): a synthetic corpus of about 10^7 triples
(generate.py), `load`ed into a new Virtuoso (Debian's virtuoso-opensource, its buffers sized for
the machine as its documentation says: NumberOfBuffers/MaxDirtyBuffers for 4 GB), then the
commands researchers run against it, each as a process: `summary`, `tasks --doc`, `chain`,
`depts`. Wall seconds and the peak memory of the `load` process; nothing where Virtuoso is not
installed.

    .venv/bin/python benchmarks/server_scale.py --triples 10000000
    .venv/bin/python benchmarks/server_scale.py --triples 10000000 --bulk
    .venv/bin/python benchmarks/server_scale.py --home /tmp/pg-10m/home   # generated before

``--bulk`` loads the corpus's files with Virtuoso's own bulk loader instead (``ld_dir`` and
``rdf_loader_run``, one loader per core, then a checkpoint), into the graph `load` fills, as the
README advises at this size; the same commands are then timed.

Results go to server-scale.json (server-scale-bulk.json); the README's "Server path" section is
written from them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO / "tests"))  # servers.start_virtuoso, as the tests start it

# Virtuoso's documented settings for a machine with 4 GB or more to give it (virtuoso.ini), and
# the largest transaction log of one update raised from 50 MB to 2 GB (a 32-bit value: 8 GB was
# read as less than one part), since `load` MOVEs its staging graph onto the target in one
# transaction (Debian's ini does not name the setting: it goes in after MaxDirtyBuffers, in
# [Parameters]). At 10^7 triples that MOVE still timed out (benchmarks/README.md).
BUFFERS = {
    "NumberOfBuffers": "340000",
    "MaxDirtyBuffers": "250000\nTransactionAfterImageLimit = 2000000000",
}


def timed(args: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall seconds, peak RSS (MB) and exit code of ``policygraph args`` as a process."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "policygraph", *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    rss = re.findall(r"^(\d+)$", done.stderr, re.M)
    return {
        "s": round(seconds, 2),
        "peak_mb": int(rss[-1]) // 1024 if rss else None,
        "rc": done.returncode,
        "error": done.stderr.strip().splitlines()[0] if done.returncode not in (0, 1) else "",
    }


def bulk_load(home: Path, db: Path, isql_port: int) -> dict[str, Any]:
    """The corpus's files loaded by Virtuoso's bulk loader into the graph `load` fills: wall
    seconds and the triples the graph then holds."""
    from policygraph.corpus import Corpus
    from policygraph.store.remote import DEFAULT_GRAPH

    isql = shutil.which("isql-vt") or shutil.which("isql")
    if isql is None:
        return {"error": "Virtuoso's isql client is not installed"}
    folder = db / "bulk"  # under the server's directory: in its DirsAllowed (".")
    folder.mkdir()
    for n, path in enumerate(Corpus.locate(home).graph_files()):
        (folder / f"{n:06d}.ttl").symlink_to(path)
    (folder / "global.graph").write_text(DEFAULT_GRAPH, encoding="utf-8")
    started = time.perf_counter()

    def sql(script: str) -> subprocess.Popen[str]:
        command = [isql, str(isql_port), "dba", "dba", f"exec={script}"]
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    sql("ld_dir('bulk', '*.ttl', NULL);").communicate(timeout=3600)
    loaders = [sql("rdf_loader_run();") for _ in range(os.cpu_count() or 1)]
    for loader in loaders:
        loader.communicate(timeout=4 * 3600)
    sql("checkpoint;").communicate(timeout=3600)
    seconds = time.perf_counter() - started
    count = sql(
        f"SPARQL SELECT COUNT(*) FROM <{DEFAULT_GRAPH}> WHERE {{ ?s ?p ?o }};"
        "SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;"
    ).communicate(timeout=3600)[0]
    numbers = re.findall(r"(?m)^(\d+)\s*$", count)
    return {
        "s": round(seconds, 1),
        "triples": int(numbers[0]) if numbers else None,
        "files_failed": int(numbers[1]) if len(numbers) > 1 else None,
    }


def run(triples: int, work: Path, bulk: bool = False, made: Path | None = None) -> dict[str, Any]:
    from generate import generate
    from servers import start_virtuoso

    out: dict[str, Any] = {}
    if made is not None:  # a corpus generate.py made before, at the same size
        home = made
        out["corpus"] = str(made)
    else:
        home = work / "home"
        started = time.perf_counter()
        out["triples"] = generate(home, triples, REPO)
        out["generate_s"] = round(time.perf_counter() - started)
    db = work / "virtuoso"
    db.mkdir()
    begun = start_virtuoso(db, BUFFERS)
    if begun is None:
        return {**out, "virtuoso": "not installed"}
    server, url, isql_port = begun
    base = url.removesuffix("/sparql")
    at = ["--home", str(home)]
    env = dict(os.environ, POLICYGRAPH_USER="dba", POLICYGRAPH_PASSWORD="dba")
    endpoints = [
        *("--store-endpoint", f"{base}/sparql-graph-crud-auth"),
        *("--update-endpoint", f"{base}/sparql-auth"),
    ]
    on = ["--endpoint", url, "--timeout", "3600"]
    try:
        if bulk:
            out["bulk load"] = bulk_load(home, db, isql_port)
        else:
            out["load"] = timed(["load", *on, *endpoints, *at], env)
        out["summary"] = timed(["summary", *on, *at], env)
        out["tasks --doc r00"] = timed(["tasks", "--doc", "r00", *on, *at], env)
        out["chain cn:1"] = timed(["chain", "cn:1", *on, *at], env)
        out["depts"] = timed(["depts", *on, *at], env)
    finally:
        server.kill()
        server.wait(timeout=120)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--bulk", action="store_true", help="load with Virtuoso's bulk loader, not `load`"
    )
    parser.add_argument(
        "--home", type=Path, default=None, help="a corpus generate.py made: not generated again"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pg-server-scale-"))
    try:
        row = run(args.triples, work, args.bulk, args.home)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    name = "server-scale-bulk.json" if args.bulk else "server-scale.json"
    (HERE / name).write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
