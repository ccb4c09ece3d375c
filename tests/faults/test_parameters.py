"""Faults catalogue (issue 14): mistakes in query parameters are one Error: line and exit 2,
never an answer that looks right."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from policygraph.cli.app import app

M27 = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81/measure/27"
runner = CliRunner()


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args), input=stdin, env={"POLICYGRAPH_ENDPOINT": ""})
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-p", f"measur=<{M27}>"],
            "measure-reports has no parameter 'measur': it takes measure (IRI)",
        ),
        ([], "measure-reports needs the parameter measure=… (IRI"),
        (["-p", f"measure=<{M27}"], "the parameter measure takes an IRI"),
        (["-p", "measure=gx:99"], "the parameter measure takes an IRI"),
        (["-p", "measure=科技厅"], "the parameter measure takes an IRI"),
        # words of one measure's title are no IRI: never a guess bound as one
        (["-p", "measure=加速产业集聚发展"], "the parameter measure takes an IRI"),
        (["-p", "measure"], "a parameter needs name=value"),
    ],
)
def test_a_wrong_parameter_is_an_error(args: list[str], message: str) -> None:
    code, out, err = run("query", "measure-reports", *args)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("value", [f"<{M27}>", M27, "gx:27", "桂政办发〔2021〕81号:27"])
def test_every_way_of_naming_the_measure_gives_the_same_answer(value: str) -> None:
    code, out, err = run("query", "measure-reports", "-p", f"measure={value}", "-f", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 3  # the header and the two reports on (二十七)


def test_prefixed_names_and_missing_prefixes() -> None:
    code, out, _ = run(
        "query", "-", "-f", "csv", stdin="SELECT ?l WHERE { pg:Lead skos:prefLabel ?l }"
    )
    assert code == 0 and "牵头" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "an update: policygraph query only reads"),
        ("SELECT ?x WHERE { ?x foo:bar ?y }", "unknown prefix foo:"),
        ("SELECT ?x WHERE { ?x ?y }", "query does not parse: error at 1:"),
    ],
)
def test_a_broken_query_is_one_line_naming_what_is_wrong(text: str, message: str) -> None:
    code, out, err = run("query", "-", stdin=text)
    assert code == 2 and out == ""
    assert err.startswith("Error: ") and message in err and err.count("\n") == 1
