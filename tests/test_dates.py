"""The date reader, and the curated date statements checked against it."""

from __future__ import annotations

import pytest

from policygraph.store.embedded import EmbeddedStore
from policygraph.text.dates import read_date


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2021年9月8日(星期三)16:00", "2021-09-08"),
        ("发布日期: 2022-02-24 17:03", "2022-02-24"),
        ("2020年7月", "2020-07"),
        ("2021年", "2021"),
    ],
)
def test_readable(text: str, value: str) -> None:
    assert read_date(text).value == value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("202112月", "probably 2021年12月"),
        ("20213月—20219月", "probably 2021年3月"),
        ("20211224日", "probably 2021年12月24日"),
        ("2021年2月30日", "not a day of the calendar"),
        ("8月初", "no year in it"),
    ],
)
def test_unreadable(text: str, problem: str) -> None:
    reading = read_date(text)
    assert reading.value is None and problem in (reading.problem or "")


def test_curated_date_statements_agree_with_the_reader(store: EmbeddedStore) -> None:
    rows = store.select(
        "PREFIX pg: <https://w3id.org/policygraph/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?s ?text ?date ?problem ?problem_zh ?comment WHERE { ?s a pg:DateStatement ; "
        "pg:dateText ?text . OPTIONAL { ?s pg:date ?date } "
        'OPTIONAL { ?s pg:dateProblem ?problem FILTER(LANG(?problem) = "en") } '
        'OPTIONAL { ?s pg:dateProblem ?problem_zh FILTER(LANG(?problem_zh) = "zh") } '
        "OPTIONAL { ?s rdfs:comment ?comment } }"
    ).dicts()
    assert len(rows) == 17
    for r in rows:
        reading = read_date(str(r["text"]))
        if reading.value is not None:
            assert str(r["date"]) == reading.value, r["s"]
        elif reading.problem == "no year in it":
            assert r["date"] is not None and r["comment"] is not None, (
                f"{r['s']}: say where the year comes from"
            )
        else:
            assert r["date"] is None and str(r["problem"]).startswith(
                reading.problem.split(" (")[0]
            ), r["s"]
            # the problem in both languages, each as the reader says it in that language
            said = reading.said
            assert said is not None and r["problem_zh"] is not None, r["s"]
            assert str(r["problem_zh"]).startswith(said.in_language("zh").split("（")[0]), r["s"]
