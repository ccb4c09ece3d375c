"""The server path at national scale (issue 24): a synthetic corpus of about 10^7 triples
(generate.py), `load`ed into a new Virtuoso (Debian's virtuoso-opensource, its buffers sized for
the machine as its documentation says: NumberOfBuffers/MaxDirtyBuffers for 4 GB), then the
commands researchers run against it, each as a process: `summary`, `tasks --doc`, `chain`,
`depts`. Wall seconds and the peak memory of the `load` process; nothing where Virtuoso is not
installed.

    .venv/bin/python benchmarks/server_scale.py --triples 10000000

Results go to server-scale.json; the README's "Server path" section is written from them.
"""

from __future__ import annotations

import argparse
import json
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

# Virtuoso's documented settings for a machine with 4 GB or more to give it (virtuoso.ini).
BUFFERS = {"NumberOfBuffers": "340000", "MaxDirtyBuffers": "250000"}


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


def run(triples: int, work: Path) -> dict[str, Any]:
    import os

    from generate import generate
    from servers import start_virtuoso

    home = work / "home"
    started = time.perf_counter()
    made = generate(home, triples, REPO)
    out: dict[str, Any] = {"triples": made, "generate_s": round(time.perf_counter() - started)}
    db = work / "virtuoso"
    db.mkdir()
    begun = start_virtuoso(db, BUFFERS)
    if begun is None:
        return {**out, "virtuoso": "not installed"}
    server, url, _ = begun
    base = url.removesuffix("/sparql")
    at = ["--home", str(home)]
    env = dict(os.environ, POLICYGRAPH_USER="dba", POLICYGRAPH_PASSWORD="dba")
    endpoints = [
        *("--store-endpoint", f"{base}/sparql-graph-crud-auth"),
        *("--update-endpoint", f"{base}/sparql-auth"),
    ]
    on = ["--endpoint", url, "--timeout", "3600"]
    try:
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
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="pg-server-scale-"))
    try:
        row = run(args.triples, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    (HERE / "server-scale.json").write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(row))


if __name__ == "__main__":
    main()
