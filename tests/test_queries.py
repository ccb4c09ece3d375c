"""Golden tests: every query in queries/ runs against the fixed fixture graph and is compared,
as a multiset of rows, with tests/golden/<name>.csv. A parity test makes sure every query has one.

To review a changed query: `python tests/test_queries.py NAME` prints its rows as CSV; check them
against tests/fixtures/mini/ by hand before writing them to tests/golden/NAME.csv.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from policygraph import query
from policygraph.paths import Home, resolve_home
from policygraph.store import EmbeddedStore, Rows

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MINI = HERE / "fixtures" / "mini"
REPO = HERE.parent
HOME = resolve_home(REPO)
QUERIES = sorted(p.stem for p in HOME.queries.glob("*.rq"))
PARAMS: dict[str, dict[str, str]] = json.loads((GOLDEN / "params.json").read_text(encoding="utf-8"))


def term(value: str) -> URIRef | Literal:
    return URIRef(value[1:-1]) if value.startswith("<") else Literal(value)


def mini_store() -> EmbeddedStore:
    return EmbeddedStore([HOME.ontology, *sorted(MINI.glob("*.ttl"))])


def run(store: EmbeddedStore, home: Home, name: str) -> Rows:
    bindings = {k: term(v) for k, v in PARAMS.get(name, {}).items()}
    return store.select(query.load(home, name).text, bindings)


def as_csv(rows: Rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(rows.vars)
    for row in rows.rows:
        w.writerow(["" if v is None else str(v) for v in row])
    return buf.getvalue()


def multiset(text: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, Counter(tuple(r) for r in rows)


@pytest.fixture(scope="module")
def mini() -> EmbeddedStore:
    return mini_store()


def test_every_query_has_a_golden_file() -> None:
    missing = [q for q in QUERIES if not (GOLDEN / f"{q}.csv").exists()]
    stale = [p.stem for p in GOLDEN.glob("*.csv") if p.stem not in QUERIES]
    assert not missing and not stale, f"missing golden: {missing}; golden without query: {stale}"


def test_every_query_has_a_header() -> None:
    for q in query.list_queries(HOME):
        assert q.title and q.description, f"{q.name}.rq needs '# title:' and '# description:'"
        declared = {p.name for p in q.params}
        assert declared == set(PARAMS.get(q.name, {})), f"{q.name}: params {declared} vs golden"


@pytest.mark.parametrize("name", QUERIES)
def test_golden(mini: EmbeddedStore, name: str) -> None:
    golden = (GOLDEN / f"{name}.csv").read_text(encoding="utf-8")
    assert multiset(as_csv(run(mini, HOME, name))) == multiset(golden)


@pytest.mark.parametrize("name", QUERIES)
def test_runs_on_the_real_graph(store: EmbeddedStore, home: Home, name: str) -> None:
    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    params = {
        "doc": f"<{gx}>",
        "dept": "<https://w3id.org/policygraph/org/gx/liuzhou/government>",
        "ref": "gx",
        "name": "科技厅",
        "from": f"<{gx}>",
        "to": "<https://w3id.org/policygraph/eli/cn/guofa/2020/7>",
        "measure": f"<{gx}/measure/9>",
    }
    q = query.load(home, name)
    rows = store.select(q.text, {p.name: term(params[p.name]) for p in q.params})
    assert rows.vars and len(rows) > 0, f"{name} returns nothing on the real graph"


if __name__ == "__main__":  # print a query's rows on the fixture graph, for review
    sys.stdout.write(as_csv(run(mini_store(), HOME, sys.argv[1])))
