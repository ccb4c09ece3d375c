"""Batch and incremental benchmark (issue 24): generated documents (documents.py) ingested into a
copy of the corpus in one command, then one more document and another, `build` with nothing
changed, and `validate`, each as the process a user runs (wall time and peak memory).

    python benchmarks/batch.py --counts 100 1000
    python benchmarks/batch.py --phases HOME FILE   # where one more document's time goes
"""

from __future__ import annotations

import argparse
import json
import os
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


def timed(args: list[str], trace: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (MB) and exit code of ``policygraph args`` as a process; with
    ``trace``, the same command traced (:data:`TRACE`: when each document was planned and the
    memory then, written to that file)."""
    how = ["-m", "policygraph"] if trace is None else ["-c", TRACE, str(trace)]
    command = ["/usr/bin/time", "-f", "%M", sys.executable, *how, *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rss = int(re.findall(r"^(\d+)$", done.stderr, re.M)[-1]) // 1024
    return seconds, rss, done.returncode


# The batch as the CLI runs it, with its progress ticks timed: every `every` documents planned,
# the seconds since the start and the resident memory then (MB); then the same once the rebuild
# and validation are done ("settled"). Memory flat is the resident memory not growing with the
# documents planned.
TRACE = """
import json, resource, sys, time
import policygraph.ingest.batch as batch
from policygraph.cli.app import main

out, real, marks, start = sys.argv.pop(1), batch.ingest_many, [], time.perf_counter()

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() // 2**20

def traced(corpus, paths, options, jobs, tick=lambda _: None):
    every, planned, read = max(1, len(paths) // 20), [0], [0]
    marks.append(["start", 0, round(time.perf_counter() - start, 2), rss()])

    def mark(step):
        tick(step)
        if step == "read":
            read[0] += 1
            if read[0] == len(paths):
                marks.append(["read", read[0], round(time.perf_counter() - start, 2), rss()])
        if step == "planned":
            planned[0] += 1
            if planned[0] % every == 0 or planned[0] == len(paths):
                marks.append(["planned", planned[0], round(time.perf_counter() - start, 2), rss()])

    try:
        return real(corpus, paths, options, jobs, mark)
    finally:
        marks.append(["settled", planned[0], round(time.perf_counter() - start, 2), rss()])
        with open(out, "w") as f:
            json.dump(marks, f)

batch.ingest_many = traced
sys.argv[0] = "policygraph"
main()
"""


def per_document(marks: list[list[Any]]) -> list[dict[str, Any]]:
    """From a trace: each stretch of documents planned, the seconds per document in it and the
    memory at its end."""
    planned = [m for m in marks if m[0] == "planned"]  # the files are read as they are planned
    out, last_n, last_s = [], 0, next((m[2] for m in marks if m[0] == "start"), 0.0)
    for _, n, s, mb in planned:
        out.append({"to": n, "s_per_doc": round((s - last_s) / max(1, n - last_n), 4), "mb": mb})
        last_n, last_s = n, s
    return out


def run(count: int, work: Path, commands: bool = False) -> dict[str, Any]:
    from documents import generate

    docs, home, extra = work / f"docs-{count}", work / f"home-{count}", work / f"extra-{count}"
    cache = work / f"cache-{count}"  # its own, fresh: a report an earlier run of the same
    # documents kept (the same files, the same code) would spare the batch its validation
    for d in (docs, home, extra, cache):
        shutil.rmtree(d, ignore_errors=True)
    os.environ["POLICYGRAPH_CACHE"] = str(cache)  # for every command it runs
    generate(docs, count, seed=7)
    generate(extra, count + 2, seed=7)  # the same documents and two more
    have = {p.name for p in docs.iterdir()}
    one_more, another = [p for p in sorted(extra.iterdir()) if p.name not in have][:2]
    home.mkdir(parents=True)
    for sub in ("data", "ontology", "queries"):
        shutil.copytree(REPO / sub, home / sub)
    row: dict[str, Any] = {"documents": count}
    trace = work / f"trace-{count}.json"
    row["batch_s"], row["batch_mb"], row["batch_rc"] = timed(
        ["ingest", str(docs), "--home", str(home)], trace
    )
    if trace.is_file():
        marks = json.loads(trace.read_text(encoding="utf-8"))
        row["per_document"] = per_document(marks)
        row["stages"] = {m[0]: {"s": m[2], "mb": m[3]} for m in marks if m[0] != "planned"}
    # the first ingest after a batch also makes the index of which file names which IRI
    # (checks/mentions.py) that the next ones only bring up to date
    row["one_more_s"], row["one_more_mb"], _ = timed(["ingest", str(one_more), "--home", str(home)])
    row["another_s"], row["another_mb"], _ = timed(["ingest", str(another), "--home", str(home)])
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


def phases(home: Path, one_more: Path, whole: bool = False) -> dict[str, Any]:
    """Where one more document's ingest goes, step by step, in this process (started afresh:
    nothing in memory, but the modules imported): the plan, the corpus as it was (the index
    brought up to the files, the kept report's key), what the build is given, the rebuild, the
    validation of what it added; with ``whole``, then a whole-corpus validation's own parts
    (the source texts read and checked, the store loaded, the shapes run one by one on one
    thread). It ingests into ``home`` itself: give a copy, made where its
    cache directory expects it (a corpus copied elsewhere is a corpus the build state and the
    remembered digests do not know: everything is built again)."""
    import policygraph.ingest.apply  # noqa: F401  (the module, under the package's name `apply`)
    from policygraph import checks, ingest
    from policygraph.checks import compiled, scope
    from policygraph.corpus import Corpus
    from policygraph.ingest.model import Options

    corpus, out = Corpus.of(home), {}
    applying = sys.modules["policygraph.ingest.apply"]
    steps = {  # the steps of `ingest.apply`, each timed where it is looked up
        "the corpus as it was (scope.before)": (scope, "before"),
        "what the build is given (index read)": (applying, "_given"),
        "build": (applying, "build"),
        "validate (scoped)": (scope, "validate_added"),
        "validate (whole corpus)": (applying.checks, "validate"),
    }
    for name, (owner, attribute) in steps.items():
        real = getattr(owner, attribute)

        def timed_step(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            start = time.perf_counter()
            try:
                return _real(*args, **kw)
            finally:
                out[_name] = round(time.perf_counter() - start, 2)

        setattr(owner, attribute, timed_step)
    with ingest.held(corpus):  # as `policygraph ingest FILE`: the plan under the lock
        start = time.perf_counter()
        plan = ingest.plan(corpus, one_more, Options())
        out["plan"] = round(time.perf_counter() - start, 2)
        out["added"] = ingest.apply(corpus, plan).added
    if not whole:
        return out
    start = time.perf_counter()
    texts = checks.source_texts(corpus)
    out["validate: texts read and checked"] = round(time.perf_counter() - start, 2)
    files = [corpus.ontology, *corpus.graph_files()]
    start = time.perf_counter()
    store = checks.data_store(files, corpus, texts)
    out["validate: store loaded"] = round(time.perf_counter() - start, 2)
    shapes: dict[str, float] = {}
    for check in compiled.compile_each(checks.shapes_graph(corpus))[0]:
        start = time.perf_counter()
        for _ in compiled.run_checks(store, [check]):
            pass
        shapes[str(check.shape)] = shapes.get(str(check.shape), 0.0) + time.perf_counter() - start
    out["validate: shapes, one thread"] = round(sum(shapes.values()), 2)
    slowest = sorted(shapes.items(), key=lambda kv: -kv[1])[:8]
    out["slowest shapes"] = {name: round(s, 2) for name, s in slowest}
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
    parser.add_argument(
        "--phases",
        type=Path,
        nargs=2,
        metavar=("HOME", "FILE"),
        default=None,
        help="where one more document's ingest into HOME goes, step by step (HOME is changed)",
    )
    parser.add_argument(
        "--whole", action="store_true", help="with --phases: then a whole validation's parts"
    )
    args = parser.parse_args()
    if args.phases is not None:
        print(json.dumps(phases(*args.phases, whole=args.whole), indent=2, ensure_ascii=False))
        return
    if args.only_commands is not None:
        print(json.dumps(corpus_wide(args.only_commands, args.work)))
        return
    rows = [run(n, args.work, args.commands) for n in args.counts]
    kept = HERE / "batch-results.json"  # the other counts' rows kept
    earlier = json.loads(kept.read_text(encoding="utf-8")) if kept.is_file() else []
    merged = {r["documents"]: r for r in [*earlier, *rows]}
    kept.write_text(
        json.dumps(sorted(merged.values(), key=lambda r: r["documents"]), indent=2) + "\n",
        encoding="utf-8",
    )
    for r in rows:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
