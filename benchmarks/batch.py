"""Batch and incremental benchmark (issue 24): generated documents (documents.py) ingested into a
copy of the corpus in one command, then one more document, `build` with nothing changed, and
`validate`, each as the process a user runs (wall time and peak memory).

    python benchmarks/batch.py --counts 100 1000
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))


def timed(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (MB) and exit code of ``policygraph args`` as a process."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "policygraph", *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rss = int(re.findall(r"^(\d+)$", done.stderr, re.M)[-1]) // 1024
    return seconds, rss, done.returncode


def run(count: int, work: Path, commands: bool = False) -> dict[str, Any]:
    from documents import generate

    docs, home, extra = work / f"docs-{count}", work / f"home-{count}", work / f"extra-{count}"
    for d in (docs, home, extra):
        shutil.rmtree(d, ignore_errors=True)
    generate(docs, count, seed=7)
    generate(extra, count + 1, seed=7)  # the same documents and one more
    have = {p.name for p in docs.iterdir()}
    one_more = next(p for p in sorted(extra.iterdir()) if p.name not in have)
    home.mkdir(parents=True)
    for sub in ("data", "ontology", "queries"):
        shutil.copytree(REPO / sub, home / sub)
    row: dict[str, Any] = {"documents": count}
    row["batch_s"], row["batch_mb"], row["batch_rc"] = timed(
        ["ingest", str(docs), "--home", str(home)]
    )
    row["one_more_s"], row["one_more_mb"], _ = timed(["ingest", str(one_more), "--home", str(home)])
    row["build_s"], _, _ = timed(["build", "-q", "--home", str(home)])
    row["validate_s"], _, _ = timed(["validate", "--home", str(home)])
    if commands:
        row.update(corpus_wide(home, work))
    return row


def corpus_wide(home: Path, work: Path) -> dict[str, Any]:
    """Every corpus-wide command on the corpus just made, each as a process: the first one
    builds the kept on-disk store (a changed corpus is a new store), the others open it."""
    at = ["--home", str(home)]
    out: dict[str, Any] = {}
    for name, args in (
        ("summary (first: builds the kept store)", ["summary"]),
        ("summary", ["summary"]),
        ("depts", ["depts"]),
        ("tasks --doc cn", ["tasks", "--doc", "cn"]),
        ("tasks --doc gx", ["tasks", "--doc", "gx"]),
        ("chain cn:1 (every document implementing it)", ["chain", "cn:1"]),
        ("export", ["export", "-o", str(work / "export.nq")]),
        ("site", ["site", "-o", str(work / "site")]),
    ):
        seconds, rss, rc = timed([*args, *at])
        out[name] = {"s": round(seconds, 2), "peak_mb": rss, "rc": rc}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-batch"))
    parser.add_argument(
        "--commands", action="store_true", help="then every corpus-wide command, timed"
    )
    parser.add_argument(
        "--only-commands",
        type=Path,
        default=None,
        help="time the corpus-wide commands on this corpus home, nothing else",
    )
    args = parser.parse_args()
    if args.only_commands is not None:
        print(json.dumps(corpus_wide(args.only_commands, args.work)))
        return
    rows = [run(n, args.work, args.commands) for n in args.counts]
    (HERE / "batch-results.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
