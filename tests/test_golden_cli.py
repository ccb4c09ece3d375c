"""The outputs users rely on, recorded from the real corpus before the code was reorganised
(issue 11), must stay byte-identical: build summary, summary, validate, task tables, chain, depts.

The recordings are kept as they were made. The changes since were intended, and are checked
exactly: csv starts with the UTF-8 BOM on stdout as in a file (the same bytes both ways);
`validate --format json` is the list of result records, as json is everywhere (the records are
the recorded report's "results", unchanged, with each message and rule label in Chinese beside
them since issue 25); the task tables (issue 12) carry the headers staff
print (文件, 序号, 条目, 任务, …) and two more columns, 责任单位 and 完成时限 (empty for the
Guangxi measures, which set no deadline), with every recorded cell unchanged; since issue 26 条目
is the item's label as the source writes it ((四)) and the recorded number is in 条目编号.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app

GOLDEN = Path(__file__).resolve().parent / "golden" / "cli"
CASES = {
    "build.txt": ["build"],
    "summary.txt": ["summary"],
    "validate.json": ["validate", "--format", "json"],
    "tasks.csv": ["tasks", "--format", "csv"],
    "tasks-by-department.csv": ["tasks", "--by", "department", "--format", "csv"],
    "chain-gx-11.json": ["chain", "gx:11", "--format", "json"],
    "depts.csv": ["depts", "--format", "csv"],
}


@pytest.fixture(scope="module")
def private_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_home(tmp_path_factory.mktemp("golden") / "home").root


def run(home: Path, args: list[str]) -> bytes:
    result = CliRunner().invoke(app, [*args, "--home", str(home)], env={"POLICYGRAPH_ENDPOINT": ""})
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def assert_task_table(now: bytes, recorded: bytes) -> None:
    header, *new = rows(now)
    old_header, *old = rows(recorded)
    assert header == [
        "文件",
        "序号",
        "条目",
        "任务",
        "牵头单位",
        "配合单位",
        "责任单位",
        "完成时限",
        "条目编号",
    ]
    assert old_header == ["document", "number", "title", "lead", "co_lead"]
    assert [r[1] for r in new] == [str(n) for n in range(1, len(old) + 1)]
    assert [[r[0], r[8], r[3], r[4], r[5]] for r in new] == old
    assert [r[2] for r in new[:2]] == ["(四)", "(五)"]  # 条目, as the source writes it
    assert {(r[6], r[7]) for r in new} == {("", "")}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_unchanged(private_home: Path, name: str) -> None:
    recorded, now = (GOLDEN / name).read_bytes(), run(private_home, CASES[name])
    if name.endswith(".csv"):
        assert now.startswith("\ufeff".encode())
    if name == "validate.json":
        records = json.loads(now)
        chinese = ("message_zh", "rule_label_zh")
        assert [{k: v for k, v in r.items() if k not in chinese} for r in records] == json.loads(
            recorded
        )["results"]
        assert all(r["message_zh"] and r["rule_label_zh"] for r in records)
    elif name == "tasks.csv":
        assert_task_table(now, recorded)
    elif name == "tasks-by-department.csv":
        header = "文件,单位,文中写法,牵头数,配合数,牵头任务,配合任务\r\n".encode()
        assert now == "\ufeff".encode() + header + recorded.split(b"\r\n", 1)[1]
    elif name.endswith(".csv"):
        assert now == "\ufeff".encode() + recorded
    else:
        assert now == recorded
