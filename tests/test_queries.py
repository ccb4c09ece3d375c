"""Golden tests: every query of the user's catalogue (queries/) and every internal query of the
views (src/policygraph/views/queries/) runs against the fixed fixture graph and is compared, as a
multiset of rows, with tests/golden/<name>.csv (tests/golden/internal/<name>.csv). A parity test
makes sure every query has one, and every catalogue query's example runs.

To review a changed query: `python tests/test_queries.py NAME [internal]` prints its rows as CSV;
check them against tests/fixtures/mini/ by hand before writing them to the golden file.
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

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.store import sparql as query
from policygraph.store.embedded import EmbeddedStore
from policygraph.store.results import Rows
from policygraph.views import internal

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
MINI = HERE / "fixtures" / "mini"
REPO = HERE.parent
HOME = Corpus.locate(REPO)
INTERNAL = GOLDEN / "internal"
CATALOGUE = sorted(p.stem for p in HOME.queries.glob("*.rq"))
QUERIES = [(GOLDEN, name) for name in CATALOGUE] + [(INTERNAL, name) for name in internal.names()]
IDS = [f"{'internal/' if where == INTERNAL else ''}{name}" for where, name in QUERIES]
PARAMS: dict[str, dict[str, str]] = json.loads((GOLDEN / "params.json").read_text(encoding="utf-8"))


# Questions the five seed texts give no answer to (the fixture graph has answers).
NOTHING_IN_THE_REAL_CORPUS = {
    "document-deadlines": "the Guangxi measures set no deadline",
    "document-date": "the sources disagree on the Guangxi document's date: it carries none",
    "progress-reports": "no returned form is in the corpus (tests/test_progress.py makes some)",
}


def term(value: str) -> URIRef | Literal:
    """<…> an IRI, digits an integer, anything else a string."""
    if value.startswith("<"):
        return URIRef(value[1:-1])
    return Literal(int(value)) if value.isdigit() else Literal(value)


def mini_store() -> EmbeddedStore:
    return EmbeddedStore([HOME.ontology, *sorted(MINI.glob("*.ttl"))])


def load(where: Path, name: str) -> query.NamedQuery:
    if where == INTERNAL:
        return query.parse_header(name, Path(name), internal.query(name))
    return query.load(HOME.queries, name)


def run(store: EmbeddedStore, where: Path, name: str) -> Rows:
    bindings = {k: term(v) for k, v in PARAMS.get(name, {}).items()}
    return store.select(load(where, name).text, bindings)


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


@pytest.mark.parametrize("where", [GOLDEN, INTERNAL], ids=["catalogue", "internal"])
def test_every_query_has_a_golden_file(where: Path) -> None:
    names = [name for w, name in QUERIES if w == where]
    missing = [q for q in names if not (where / f"{q}.csv").exists()]
    stale = [p.stem for p in where.glob("*.csv") if p.stem not in names]
    assert not missing and not stale, f"missing golden: {missing}; golden without query: {stale}"


@pytest.mark.parametrize(("where", "name"), QUERIES, ids=IDS)
def test_every_query_has_a_header(where: Path, name: str) -> None:
    q = load(where, name)
    assert q.title and q.description, f"{q.name}.rq needs '# title:' and '# description:'"
    declared = {p.name for p in q.params}
    assert declared == set(PARAMS.get(q.name, {})), f"{q.name}: params {declared} vs golden"
    if where == GOLDEN:
        assert q.examples, f"{q.name}.rq needs '# example: policygraph query {q.name} …'"


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_examples_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import shlex

    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)  # an example may write a file
    for example in load(GOLDEN, name).examples:
        args = shlex.split(example)
        assert args[:3] == ["policygraph", "query", name], example
        result = CliRunner().invoke(app, args[1:], env={"POLICYGRAPH_ENDPOINT": ""})
        assert result.exit_code == 0, (example, result.output)
        assert not re.search(r"^0 row\(s\)", result.stdout, re.M), f"{example} answers nothing"


@pytest.mark.parametrize(("where", "name"), QUERIES, ids=IDS)
def test_golden(mini: EmbeddedStore, where: Path, name: str) -> None:
    golden = (where / f"{name}.csv").read_text(encoding="utf-8")
    assert multiset(as_csv(run(mini, where, name))) == multiset(golden)


@pytest.mark.parametrize(("where", "name"), QUERIES, ids=IDS)
def test_runs_on_the_real_graph(store: EmbeddedStore, where: Path, name: str) -> None:
    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    params = {
        "doc": f"<{gx}>",
        "dept": "<https://w3id.org/policygraph/org/gx/liuzhou/government>",
        "ref": "gx",
        "name": "科技厅",
        "from": f"<{gx}>",
        "to": "<https://w3id.org/policygraph/eli/cn/guofa/2020/7>",
        "measure": f"<{gx}/measure/9>",
        "number": "11",
        "s": f"<{gx}>",
        "document": f"<{gx}>",
        "node": f"<{gx}/measure/9/lead/1>",
        "p": "<https://w3id.org/policygraph/ontology#department>",
    }
    q = load(where, name)
    rows = store.select(q.text, {p.name: term(params[p.name]) for p in q.params})
    if name in NOTHING_IN_THE_REAL_CORPUS:
        assert rows.vars and len(rows) == 0, NOTHING_IN_THE_REAL_CORPUS[name]
    else:
        assert rows.vars and len(rows) > 0, f"{name} returns nothing on the real graph"


if __name__ == "__main__":  # print a query's rows on the fixture graph, for review
    where = INTERNAL if sys.argv[2:] == ["internal"] else GOLDEN
    sys.stdout.write(as_csv(run(mini_store(), where, sys.argv[1])))


@pytest.mark.parametrize("name", CATALOGUE)
def test_catalogue_examples_run_in_a_shell(name: str, tmp_path: Path) -> None:
    """As a user pastes them: through bash, with the installed entry point."""
    import os
    import subprocess

    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "policygraph").exists():
        pytest.skip("the policygraph entry point is not installed beside this Python")
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYGRAPH")}
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '')}"
    for example in load(GOLDEN, name).examples:
        done = subprocess.run(
            ["bash", "-c", example], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert done.returncode == 0, (example, done.stderr)


def test_a_tuple_binds_a_parameter_to_each_of_its_values(store: EmbeddedStore) -> None:
    """What the chain view asks: the cards of many provisions in one query; none, no row."""
    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81/measure/"
    nine, eleven = URIRef(gx + "9"), URIRef(gx + "11")
    text = internal.query("measure-card")
    assert "VALUES ?measure { <" in query.bind(text, {"measure": (nine, eleven)})
    both = store.select(text, {"measure": (nine, eleven)}).dicts()
    one = store.select(text, {"measure": nine}).dicts()
    assert {r["measure"] for r in both} == {nine, eleven}
    assert [r for r in both if r["measure"] == nine] == one
    assert store.select(text, {"measure": ()}).rows == []
