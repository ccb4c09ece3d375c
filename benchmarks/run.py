"""Scale benchmark: load, task table, chain, department network, validate and peak memory, for
each corpus size and each store (rdflib's memory store, the embedded default, a remote Oxigraph
server), measured in the same run. Results go to benchmarks/results.json and the table in
benchmarks/README.md (between the RESULTS markers).

    python benchmarks/run.py                       # 10^4, 10^5 and 10^6 triples
    python benchmarks/run.py --sizes 10000 100000  # smaller

Each (size, store) runs in a child process, so its peak memory is its own; each operation has a
time limit (--limit seconds) and is reported as "> limit" when it does not finish. Requests to
the remote store go to an Oxigraph server the benchmark starts on 127.0.0.1 and stops.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
STORES = ("rdflib", "embedded", "remote")
TARGETS = {"load": 10.0, "tasks": 0.5, "chain": 0.5, "validate": 60.0}
SYN = "https://w3id.org/policygraph/synthetic/eli/"


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout()


def timed(results: dict[str, Any], name: str, limit: int, fn: Any) -> Any:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    start = time.perf_counter()
    try:
        value = fn()
        results[name] = round(time.perf_counter() - start, 3)
        return value
    except Timeout:
        results[name] = f"> {limit}"
        return None
    finally:
        signal.alarm(0)


class RdflibStore:
    """rdflib's default in-memory store, queried through the same bound query files."""

    def __init__(self, files: list[Path]) -> None:
        from rdflib import Graph

        self.graph = Graph()
        for f in files:
            self.graph.parse(f, format="turtle")

    def select(self, sparql: str, bindings: Any = None) -> list[Any]:
        from policygraph.store.sparql import bind

        return list(self.graph.query(bind(sparql, bindings)))


def one(store_kind: str, home_dir: Path, limit: int, port: int) -> dict[str, Any]:
    """Measure one store on one corpus (runs in a child process)."""
    import os

    # "load" times parsing the files: not opening the store a previous command kept on disk
    # (benchmarks/commands.py times the commands with it)
    os.environ["POLICYGRAPH_CACHE"] = "off"
    from rdflib import URIRef

    from policygraph.corpus import Corpus
    from policygraph.views.internal import query

    home = Corpus.locate(home_dir)
    files = home.graph_files()
    out: dict[str, Any] = {"store": store_kind}
    server = None
    try:
        if store_kind == "rdflib":
            store: Any = timed(out, "load", limit, lambda: RdflibStore(files))
        elif store_kind == "embedded":
            from policygraph.store.embedded import EmbeddedStore

            store = timed(out, "load", limit, lambda: EmbeddedStore(files))
        else:
            from tests_support import start_oxigraph

            from policygraph.store import remote

            server = start_oxigraph(port)
            url = f"http://127.0.0.1:{port}/query"
            timed(out, "load", limit, lambda: remote.load(home, url, timeout=600))
            # Again with nothing changed: the difference path (the server's copy read and
            # compared; only the blank-node triples of the ontology are sent again).
            timed(out, "reload", limit, lambda: remote.load(home, url, timeout=600))
            store = remote.RemoteStore(url, timeout=600)
            timed(out, "bulk_load", limit, bulk_load(home))
        if store is None:
            return out
        doc = URIRef(f"{SYN}R00/doc")
        tasks_q = query("tasks-by-measure")
        provisions_q = query("document-provisions")
        chain_q = query("measure-chain")
        pairs_q = query("collaboration-pairs")
        # The task table is what `policygraph tasks` runs: the measures, then their departments.
        timed(
            out,
            "tasks",
            limit,
            lambda: (store.select(provisions_q, {"doc": doc}), store.select(tasks_q, {"doc": doc})),
        )
        timed(
            out,
            "chain",
            limit,
            lambda: store.select(chain_q, {"measure": URIRef(f"{SYN}CN/doc/measure/1")}),
        )

        def network() -> int:
            import networkx as nx

            g = nx.Graph()
            for row in (
                store.select(pairs_q) if store_kind == "rdflib" else store.select(pairs_q).rows
            ):
                a, b = str(row[1]), str(row[3])
                w = g.get_edge_data(a, b, {"weight": 0})["weight"]
                g.add_edge(a, b, weight=w + 1)
            nx.degree_centrality(g)
            return g.number_of_edges()

        timed(out, "network", limit, network)
        if store_kind == "embedded":
            from policygraph.checks import validate

            report = timed(out, "validate", limit, lambda: validate(home, engine="sparql"))
            if report is not None:
                out["violations"] = len(report.of("Violation"))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def pyshacl_reference(home_dir: Path, limit: int) -> dict[str, Any]:
    from policygraph.checks import validate
    from policygraph.corpus import Corpus

    out: dict[str, Any] = {"store": "embedded"}
    timed(
        out, "validate_pyshacl", limit, lambda: validate(Corpus.locate(home_dir), engine="pyshacl")
    )
    return out


def machine() -> dict[str, Any]:
    import os

    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), "")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": pyoxigraph.__version__,
        "pyshacl": pyshacl.__version__,
    }


def bulk_load(home: Any) -> Any:
    """The floor for `load`: the server's own bulk loader (`oxigraph load`) reading the same
    N-Triples from disk into a new on-disk store, into the named graph `load` fills (a named
    graph costs Oxigraph six indexes against the default graph's three: 8.5 s against 4.9 s at
    10^6). The N-Triples are written before the clock starts; the returned function is what is
    timed."""
    import subprocess
    import tempfile

    from policygraph.store.dataset import dataset, ntriples
    from policygraph.store.remote import DEFAULT_GRAPH
    from policygraph.store.server import oxigraph_binary

    data, _ = ntriples(dataset(home))  # the bytes `load` sends
    tmp = tempfile.mkdtemp(prefix="policygraph-bulk-")
    source = Path(tmp) / "graph.nt"
    source.write_bytes(data)
    command = [oxigraph_binary(), "load", "--location", f"{tmp}/db", "--file", str(source)]
    command += ["--graph", DEFAULT_GRAPH]

    def run() -> None:
        try:
            subprocess.run(command, check=True, capture_output=True)
        finally:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)

    return run


def cell(v: Any) -> str:
    return "–" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def table(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| triples | store | load s | task table s | chain s | dept network s | validate s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        for s in r["stores"]:
            v = s.get("validate")
            if s["store"] == "embedded" and r.get("validate_pyshacl") is not None:
                v = f"{cell(v)} (pySHACL: {cell(r['validate_pyshacl'])})"
            lines.append(
                f"| {r['triples']:,} | {s['store']} | {cell(s.get('load'))} | {cell(s.get('tasks'))} | "
                f"{cell(s.get('chain'))} | {cell(s.get('network'))} | {cell(v) if s['store'] == 'embedded' else '–'} | "
                f"{cell(s.get('peak_rss_mb'))} |"
            )
    return "\n".join(lines)


def _ratio(x: Any, base: float) -> str:
    return f"{x / base:.1f}×" if isinstance(x, float) else cell(x)


def ratios(runs: list[dict[str, Any]]) -> str:
    lines = ["| triples | operation | rdflib ÷ embedded | remote ÷ embedded |", "|---|---|---|---|"]
    for r in runs:
        by = {s["store"]: s for s in r["stores"]}
        for op in ("load", "tasks", "chain", "network"):
            e = by.get("embedded", {}).get(op)
            if not isinstance(e, float) or e <= 0:
                continue
            rd, rm = by.get("rdflib", {}).get(op), by.get("remote", {}).get(op)
            lines.append(f"| {r['triples']:,} | {op} | {_ratio(rd, e)} | {_ratio(rm, e)} |")
        bulk, ours = by.get("remote", {}).get("bulk_load"), by.get("remote", {}).get("load")
        if isinstance(bulk, float) and bulk > 0:  # load against the server's own bulk load
            lines.append(
                f"| {r['triples']:,} | load ÷ `oxigraph load` | – | {_ratio(ours, bulk)} |"
            )
            again = by.get("remote", {}).get("reload")
            lines.append(
                f"| {r['triples']:,} | load again, unchanged ÷ `oxigraph load` | – | "
                f"{_ratio(again, bulk)} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/policygraph-bench"))
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument(
        "--stores",
        nargs="+",
        choices=STORES,
        default=list(STORES),
        help="Measure only these stores; keep the others' results from results.json.",
    )
    parser.add_argument("--one", nargs=3, metavar=("STORE", "HOME", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--pyshacl", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]), args.limit, int(args.one[2]))))
        return
    if args.pyshacl:
        print(json.dumps(pyshacl_reference(args.pyshacl, args.limit)))
        return
    from generate import generate
    from tests_support import free_port

    previous = {}
    if set(args.stores) != set(STORES) and (HERE / "results.json").exists():
        old = json.loads((HERE / "results.json").read_text(encoding="utf-8"))
        previous = {r["target_size"]: r for r in old["runs"]}
    runs = []
    for size in args.sizes:
        home = args.work / f"corpus-{size}"
        triples = generate(home, size, REPO)
        run: dict[str, Any] = {"target_size": size, "triples": triples, "stores": []}
        kept = {
            s["store"]: s
            for s in previous.get(size, {}).get("stores", [])
            if s["store"] not in args.stores
        }
        for kind in STORES:
            if kind in kept:
                run["stores"].append(kept[kind])
                continue
            child = [
                sys.executable,
                __file__,
                "--limit",
                str(args.limit),
                "--one",
                kind,
                str(home),
                str(free_port()),
            ]
            done = subprocess.run(child, capture_output=True, text=True, check=False)
            last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
            run["stores"].append(
                json.loads(last)
                if last.startswith("{")
                else {"store": kind, "error": done.stderr[-500:]}
            )
            print(size, kind, run["stores"][-1], flush=True)
        if size in previous and "embedded" not in args.stores:
            run["validate_pyshacl"] = previous[size].get("validate_pyshacl")
        elif size <= 100_000:  # the reference validator, for how its time grows
            child = [sys.executable, __file__, "--limit", str(args.limit), "--pyshacl", str(home)]
            done = subprocess.run(child, capture_output=True, text=True, check=False)
            run["validate_pyshacl"] = json.loads(done.stdout.strip().splitlines()[-1]).get(
                "validate_pyshacl"
            )
        runs.append(run)
    data = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "runs": runs}
    (HERE / "results.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    m = data["machine"]
    block = (
        f"<!-- RESULTS -->\nMeasured {data['date']} on {m['cores']} cores ({m['cpu']}), Python {m['python']}, "
        f"rdflib {m['rdflib']}, pyoxigraph {m['pyoxigraph']}, pySHACL {m['pyshacl']}.\n\n"
        + table(runs)
        + "\n\nRatios between stores, measured in the same run:\n\n"
        + ratios(runs)
        + "\n<!-- /RESULTS -->"
    )
    start, end = (
        text.index("<!-- RESULTS -->"),
        text.index("<!-- /RESULTS -->") + len("<!-- /RESULTS -->"),
    )
    readme.write_text(text[:start] + block + text[end:], encoding="utf-8")
    print(table(runs))


if __name__ == "__main__":
    main()
