"""Commands as users run them (issue 16): each a whole `policygraph` process on the synthetic
corpus, beside what it stands on, measured in one run.

    .venv/bin/python benchmarks/commands.py                  # 10^4, 10^5, 10^6 triples
    .venv/bin/python benchmarks/commands.py --sizes 1000000

For each size: `tasks --doc r00` with no store kept yet (it builds the persistent store) and
again (it opens it), `chain cn:1`, `tasks --by department`, `depts`, `summary`, `validate`,
`site` (once, up to --site-up-to triples: 10^5 by default, as it writes a page, a spreadsheet
and a document per department), and
`load` into a new Oxigraph server in memory and on disk and into a new Virtuoso (where it is
installed), a reader counting the graph all through the on-disk and Virtuoso loads (it must see
the old count or the new one, nothing between). Beside them, what they stand on: the task
table's query on pyoxigraph directly (the floor of `tasks --doc`); the task table of every
document in process, through the embedded store and on pyoxigraph directly; `oxigraph load` of
the same N-Triples into the same named graph of a new store (the floor of `load`); then
`tasks --doc` and `chain` against the on-disk server. Medians of --runs runs (the first
`tasks`, the on-disk and the Virtuoso loads once). The results go to commands.json and to
benchmarks/README.md between the COMMANDS markers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO / "tests"))  # servers.start_virtuoso, as the tests start it
JSON_RESULTS = "application/sparql-results+json"
SYN = "https://w3id.org/policygraph/synthetic/eli/"


def process(args: list[str], env: dict[str, str]) -> float:
    """Seconds of one `policygraph` process (it must succeed, or validate's exit 1)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "policygraph", *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"policygraph {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return seconds


def median(runs: int, fn: Any) -> float:
    return round(statistics.median(fn() for _ in range(runs)), 2)


def direct_tasks(home: Path, cache: Path) -> float:
    """The task table's query on pyoxigraph itself, on the store the commands keep (or, for a
    corpus too small to keep, on its files parsed in memory, as the command does)."""
    import pyoxigraph as ox
    from rdflib import URIRef

    from policygraph.corpus import Corpus
    from policygraph.store import cache as kept
    from policygraph.store.embedded import load_into
    from policygraph.store.sparql import bind
    from policygraph.views.internal import query

    files = Corpus.locate(home).graph_files()
    path = cache / kept.key(files)  # below 8 MB no store is kept: the files parsed, as the command
    store = ox.Store.read_only(str(path)) if path.is_dir() else load_into(ox.Store(), files)
    text = bind(query("tasks-by-measure"), {"doc": URIRef(f"{SYN}R00/doc")})
    started = time.perf_counter()
    list(store.query(text))
    return time.perf_counter() - started


def remote_whole_table(url: str) -> float:
    """The task table of every document through RemoteStore against the server at ``url``
    (best of three), to compare with the embedded store's."""
    from policygraph.store.remote import RemoteStore
    from policygraph.views.internal import query

    store = RemoteStore(url, timeout=900)
    docs = tuple(row[0] for row in store.select(query("document-headers")).rows)

    def once() -> float:
        started = time.perf_counter()
        store.select(query("tasks-by-measure"), {"doc": docs})
        return time.perf_counter() - started

    return min(once() for _ in range(3))


def whole_corpus_table(home: Path, cache: Path) -> tuple[float, float]:
    """The task table of every document at once (`tasks-by-measure` with ?doc bound to all of
    them), in process on the store the commands use: seconds through EmbeddedStore (every term
    converted to rdflib, as the views read them), and on pyoxigraph directly reading each term's
    value (the floor); best of three each."""
    from policygraph.corpus import Corpus
    from policygraph.store.embedded import EmbeddedStore
    from policygraph.store.sparql import bind
    from policygraph.views.internal import query

    with mock.patch.dict(os.environ, {"POLICYGRAPH_CACHE": str(cache)}):  # restored after
        store = EmbeddedStore(Corpus.locate(home).graph_files())
    docs = tuple(row[0] for row in store.select(query("document-headers")).rows)
    text = bind(query("tasks-by-measure"), {"doc": docs})

    def converted() -> float:
        started = time.perf_counter()
        store.select(query("tasks-by-measure"), {"doc": docs})
        return time.perf_counter() - started

    def direct() -> float:
        started = time.perf_counter()
        for solution in store.store.query(text):
            for term in solution:
                term.value  # noqa: B018 -- read, as a printer would
        return time.perf_counter() - started

    return min(converted() for _ in range(3)), min(direct() for _ in range(3))


class Reader:
    """A reader counting the loaded graph every 0.2 s while a load runs, as a user's query
    would see it: a load that readers could see half-done shows a count between the old graph's
    and the new one's."""

    def __init__(self, url: str) -> None:
        self.url, self.counts, self.done = url, [], threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)

    def watch(self) -> None:
        while not self.done.wait(0.2):
            self.read()
        self.read()  # once more after the load: the new count

    def read(self) -> None:
        from policygraph.store.remote import DEFAULT_GRAPH  # what `load` fills

        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{DEFAULT_GRAPH}> {{ ?s ?p ?o }} }}"
        ask = f"{self.url}?{urllib.parse.urlencode({'query': query})}"
        request = urllib.request.Request(ask, headers={"Accept": JSON_RESULTS})
        with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
            with urllib.request.urlopen(request, timeout=30) as answer:
                bindings = json.load(answer)["results"]["bindings"]
            self.counts.append(int(bindings[0]["n"]["value"]) if bindings else 0)

    def saw(self) -> str:
        return (
            ", ".join(f"{n:,}" for n in sorted(set(self.counts))) + f" ({len(self.counts)} reads)"
        )

    def __enter__(self) -> Reader:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def virtuoso_load(at: list[str], env: dict[str, str]) -> dict[str, Any]:
    """`load` into a new Virtuoso (Debian's virtuoso-opensource, default settings) through its
    Digest-protected Graph Store and update endpoints, once, with a reader watching; nothing
    where Virtuoso is not installed."""
    from servers import start_virtuoso

    work = Path(tempfile.mkdtemp(prefix="pg-commands-virtuoso-"))
    try:
        started = start_virtuoso(work)
        if started is None:
            return {}
        server, url, _ = started
        base = url.removesuffix("/sparql")
        endpoints = [
            *("--store-endpoint", f"{base}/sparql-graph-crud-auth"),
            *("--update-endpoint", f"{base}/sparql-auth"),
        ]
        credentials = dict(env, POLICYGRAPH_USER="dba", POLICYGRAPH_PASSWORD="dba")
        command = ["load", "--endpoint", url, "--timeout", "300", *endpoints, *at]
        try:
            with Reader(url) as reader:
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "policygraph", *command],
                    capture_output=True,
                    text=True,
                    env=credentials,
                )
                seconds = time.perf_counter() - started
        finally:
            server.kill()  # it may be stalled on its own locks: stopping it cleanly can hang
            server.wait(timeout=120)
        # Virtuoso 7.2 sometimes stalls on lock waits with a reader running (its log: "Locks
        # are held for a long time"); the load then ends with its timeout error, kept here.
        outcome = round(seconds, 2) if done.returncode == 0 else done.stderr.strip()[-300:]
        return {
            "load (new Virtuoso, once)": outcome,
            "a reader saw, during the Virtuoso load": reader.saw(),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(size: int, work: Path, runs: int, site_up_to: int) -> dict[str, Any]:
    from generate import generate
    from run import bulk_load
    from tests_support import free_port, start_oxigraph

    from policygraph.corpus import Corpus

    home = work / f"corpus-{size}"
    triples = generate(home, size, REPO)
    cache = Path(tempfile.mkdtemp(prefix="pg-commands-cache-"))
    env = dict(os.environ, POLICYGRAPH_CACHE=str(cache), POLICYGRAPH_ENDPOINT="")
    at = ["--home", str(home)]
    out: dict[str, Any] = {"triples": triples}
    try:
        out["tasks --doc (first: builds the store)"] = round(
            process(["tasks", "--doc", "r00", *at], env), 2
        )
        out["tasks --doc"] = median(runs, lambda: process(["tasks", "--doc", "r00", *at], env))
        out["pyoxigraph: the task table's query"] = median(
            runs, lambda: round(direct_tasks(home, cache), 3)
        )
        table, floor_ = whole_corpus_table(home, cache)
        out["every document's task table, in process: EmbeddedStore"] = round(table, 2)
        out["every document's task table, in process: pyoxigraph direct"] = round(floor_, 2)
        out["chain cn:1"] = median(runs, lambda: process(["chain", "cn:1", *at], env))
        out["tasks --by department"] = median(
            runs, lambda: process(["tasks", "--doc", "r00", "--by", "department", *at], env)
        )
        out["depts"] = median(runs, lambda: process(["depts", *at], env))
        out["summary"] = median(runs, lambda: process(["summary", *at], env))
        out["validate"] = median(1, lambda: process(["validate", *at], env))
        if size <= site_up_to:  # a page, a spreadsheet and a document per department: minutes
            site = Path(tempfile.mkdtemp(prefix="pg-commands-site-"))
            try:
                out["site (once)"] = round(process(["site", "-o", str(site), *at], env), 2)
            finally:
                shutil.rmtree(site, ignore_errors=True)

        def load(location: str | None = None, then: Any = None) -> float:
            port = free_port()
            server = start_oxigraph(port, location)
            try:
                url = f"http://127.0.0.1:{port}/query"
                with Reader(url) as reader:
                    seconds = process(["load", "--endpoint", url, "--timeout", "1800", *at], env)
                if location:
                    out["a reader saw, during the on-disk load"] = reader.saw()
                if then is not None:
                    then(url)
                return seconds
            finally:
                server.terminate()
                server.wait()
                if location:
                    shutil.rmtree(location, ignore_errors=True)

        def remote(url: str) -> None:  # the same commands against the server just loaded
            on = ["--endpoint", url, "--timeout", "900"]
            out["tasks --doc --endpoint (on-disk server)"] = median(
                runs, lambda: process(["tasks", "--doc", "r00", *on, *at], env)
            )
            out["chain cn:1 --endpoint (on-disk server)"] = median(
                runs, lambda: process(["chain", "cn:1", *on, *at], env)
            )
            out["every document's task table, in process: RemoteStore (on-disk server)"] = round(
                remote_whole_table(url), 2
            )

        out["load (new in-memory server)"] = median(runs, load)
        out["load (new on-disk server, once)"] = round(
            load(tempfile.mkdtemp(prefix="pg-commands-server-"), remote), 2
        )
        out.update(virtuoso_load(at, env))

        def floor() -> float:
            run = bulk_load(Corpus.locate(home))
            started = time.perf_counter()
            run()
            return time.perf_counter() - started

        out["oxigraph load --graph (floor of load)"] = median(runs, floor)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


def table(results: list[dict[str, Any]]) -> str:
    names = list(dict.fromkeys(k for r in results for k in r if k not in ("triples", "size")))
    lines = [
        "| command (seconds, as a process) | "
        + " | ".join(f"{r['triples']:,}" for r in results)
        + " |",
        "|---|" + "---|" * len(results),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(str(r.get(name, "–")) for r in results) + " |")
    ratios = []
    for r in results:
        tasks, direct = r["tasks --doc"], r["pyoxigraph: the task table's query"]
        floor = r["oxigraph load --graph (floor of load)"]
        table = r["every document's task table, in process: EmbeddedStore"]
        table_floor = r["every document's task table, in process: pyoxigraph direct"]
        remote_table = r.get(
            "every document's task table, in process: RemoteStore (on-disk server)"
        )
        memory, disk = r["load (new in-memory server)"], r["load (new on-disk server, once)"]
        ratios.append(
            f"{r['triples']:,}: load ÷ oxigraph load {memory / floor:.1f}× in memory, "
            f"{disk / floor:.1f}× on disk; tasks --doc − its query on pyoxigraph "
            f"{tasks - direct:.2f} s (start-up, opening the store, rendering)"
            + (
                f"; every document's task table through EmbeddedStore ÷ pyoxigraph direct "
                f"{table / table_floor:.2f}×"
                if table_floor >= 0.05  # below, the ratio of two roundings says nothing
                else ""
            )
            + (
                f", through RemoteStore ÷ EmbeddedStore {remote_table / table:.2f}×"
                if remote_table and table >= 0.05
                else ""
            )
        )
    return (
        "\n".join(lines) + "\n\nRatios, each size measured in one run: " + "; ".join(ratios) + "."
    )


def write_readme(results: list[dict[str, Any]]) -> None:
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- COMMANDS -->", "<!-- /COMMANDS -->"
    block = f"{start}\nMeasured {time.strftime('%Y-%m-%d')}.\n\n{table(results)}\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n## Commands as processes (`commands.py`)\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--site-up-to", type=int, default=100_000, help="build the site at these sizes only"
    )
    args = parser.parse_args()
    saved = HERE / "commands.json"
    kept = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else []
    results = [r for r in kept if r.get("size") not in args.sizes]  # sizes not measured now
    for size in args.sizes:
        result = {"size": size, **measure(size, args.work, args.runs, args.site_up_to)}
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    results.sort(key=lambda r: r["size"])
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_readme(results)


if __name__ == "__main__":
    main()
