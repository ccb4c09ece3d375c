"""One numbering everywhere (issue 26, item 7): a task has the same 序号 (its place in the task
table, 1…n) and the same 条目 (its label as the source writes it, (四)) in the task table, in one
department's list, on the return form (xlsx and docx) and in `progress`; `progress` shows the
latest 进展情况 a department wrote; a task the source lists twice for one department is asked
once on its form, and the source's duplication stays a warning of `validate`; a form written
before 条目 had a column of its own still reads back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO, copy_home
from openpyxl import load_workbook
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus

runner = CliRunner()
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}
SOURCE = REPO / "data" / "sources" / "2021-gx-guizhengbanfa-2021-81-measures.txt"
SCIENCE = "广西壮族自治区科学技术厅"
CBIRC = "中国银行保险监督管理委员会广西监管局"  # named twice in (十四)'s co-lead list
MIIT = "广西壮族自治区工业和信息化厅"  # lead and co-lead of (十一)


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture(scope="module")
def gx(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return copy_home(tmp_path_factory.mktemp("numbering") / "home")


@pytest.fixture
def home(gx: Corpus, tmp_path: Path) -> Corpus:
    """A fresh copy for a test that imports."""
    return copy_home(tmp_path / "home", gx.root)


def records(home: Corpus, *args: str) -> list[dict[str, object]]:
    return list(json.loads(run(*args, "-f", "json", "--home", str(home.root))))


def form(home: Corpus, out: Path, dept: str | None = None) -> Path:
    args = ["tasks", "--return-form", "-o", str(out), "--home", str(home.root)]
    run(*args, *(["--dept", dept] if dept else []))
    return out


def xlsx_rows(path: Path, sheet: str) -> list[dict[str, object]]:
    ws = load_workbook(path)[sheet]
    headers = [c.value for c in ws[2]]
    return [
        dict(zip(headers, [c.value for c in row], strict=True)) for row in ws.iter_rows(min_row=3)
    ]


def docx_rows(path: Path) -> list[list[list[str]]]:
    """Each table's rows as their cells' visible text (the hidden identity left out)."""
    from docx import Document

    return [
        [
            [
                "".join(r.text for p in cell.paragraphs for r in p.runs if not r.font.hidden)
                for cell in row.cells
            ]
            for row in table.rows
        ]
        for table in Document(str(path)).tables
    ]


# --- one numbering ------------------------------------------------------------------------------


def test_the_task_table_numbers_by_place_and_labels_as_the_source(gx: Corpus) -> None:
    rows = records(gx, "tasks")
    assert [r["seq"] for r in rows] == list(range(1, 25))
    assert [r["number"] for r in rows] == list(range(4, 28))  # the key keeps what it held
    text = SOURCE.read_text("utf-8")
    for r in rows:
        label, title = str(r["label"]), str(r["title"])
        assert not title.startswith(label)  # 任务 without the label glued on
        assert re.search(rf"\s{re.escape(label + title)}", text), label  # 条目 as written
    assert (rows[0]["label"], rows[0]["title"]) == ("(四)", "推动国家高新区创建")


def test_the_same_task_has_the_same_number_everywhere(gx: Corpus, tmp_path: Path) -> None:
    table = {r["title"]: (r["seq"], r["label"]) for r in records(gx, "tasks")}
    mine = records(gx, "tasks", "--dept", "科技厅")
    assert mine and all(table[a["title"]] == (a["seq"], a["label"]) for a in mine)
    progress = records(gx, "progress", "--as-of", "2024-07-01")
    assert progress and all(table[p["task"]] == (p["seq"], p["label"]) for p in progress)
    on_form = xlsx_rows(form(gx, tmp_path / "f.xlsx"), "广西壮族自治区科学技术厅")
    assert [(r["序号"], r["条目"]) for r in on_form] == [table[str(r["任务"])] for r in on_form]
    assert len(on_form) == len({a["title"] for a in mine})
    tables = docx_rows(form(gx, tmp_path / "f.docx"))
    assert all(t[0][:3] == ["序号", "条目", "任务"] for t in tables)
    for t in tables:
        assert [(int(r[0]), r[1]) for r in t[1:]] == [table[r[2]] for r in t[1:]]
    # the tables people read: 序号, then 条目 in a column of its own
    out = run("tasks", "--dept", "科技厅", "-f", "md", "--home", str(gx.root))
    assert "| 文件 | 序号 | 条目 | 任务 |" in out and "| 1 | (四) | 推动国家高新区创建 |" in out
    out = run("progress", "--as-of", "2024-07-01", "-f", "md", "--home", str(gx.root))
    assert out.splitlines()[2].startswith("| 序号 | 条目 | 任务 |")


def test_the_staff_csv_carries_the_label_under_its_header(gx: Corpus) -> None:
    out = run("tasks", "--dept", "科技厅", "-f", "csv", "--home", str(gx.root))
    header, first = out.removeprefix("\ufeff").splitlines()[:2]
    assert header == "单位,文件,序号,条目,任务,职责,文中写法,说明,完成时限,条目编号"
    assert first.split(",")[2:5] == ["1", "(四)", "推动国家高新区创建"]
    assert first.endswith(",4")


# --- what a department wrote ---------------------------------------------------------------------


def test_progress_shows_the_latest_progress_text(home: Corpus, tmp_path: Path) -> None:
    path = form(home, tmp_path / "科技厅.xlsx", "科技厅")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.value: c.column for c in ws[2]}
    ws.cell(row=3, column=headers["进展情况"], value="已提交创建申请")
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(path)
    run("progress", "import", str(path), "--received", "2024-03-01", "--home", str(home.root))
    later = tmp_path / "later.xlsx"
    form(home, later, "科技厅")
    wb = load_workbook(later)
    ws = wb.worksheets[0]
    ws.cell(row=3, column=headers["进展情况"], value="科技部已批复")
    ws.cell(row=3, column=headers["完成状态"], value="已完成")
    wb.save(later)
    run("progress", "import", str(later), "--received", "2024-06-01", "--home", str(home.root))

    def shown(as_of: str) -> dict[str, object]:
        rows = records(home, "progress", "--as-of", as_of, "--dept", "科技厅")
        return next(r for r in rows if r["label"] == "(四)")

    assert shown("2024-02-01")["progress"] == ""
    assert shown("2024-04-01")["progress"] == "已提交创建申请"
    assert shown("2024-07-01")["progress"] == "科技部已批复"
    for env in (None, ZH):  # the table people read, in either language
        out = run(
            "progress", "--as-of", "2024-07-01", "-f", "md", "--home", str(home.root), env=env
        )
        assert "进展情况" in out.splitlines()[2] and "| 科技部已批复 |" in out


# --- a task the source lists twice for one department -------------------------------------------


def test_a_task_listed_twice_is_asked_once_and_validate_warns(gx: Corpus, tmp_path: Path) -> None:
    named = records(gx, "tasks", "--dept", "广西银保监局")
    assert [a["label"] for a in named].count("(十四)") == 2  # as the source writes it
    path = form(gx, tmp_path / "all.xlsx")
    cbirc = xlsx_rows(path, CBIRC)
    assert [r["条目"] for r in cbirc] == ["(十四)", "(二十一)"]
    miit = [r for r in xlsx_rows(path, MIIT) if r["条目"] == "(十一)"]
    assert [r["本单位职责"] for r in miit] == ["牵头、配合"]
    for t in docx_rows(form(gx, tmp_path / "all.docx")):
        labels = [r[1] for r in t[1:]]
        assert len(labels) == len(set(labels))  # no department is asked twice about a task
    # the source's duplication is not fixed: validate reports it, as a warning
    found = {
        (r["rule"], str(r["focus"]).rsplit("/", 1)[-1], str(r["value"]).rsplit("/", 1)[-1])
        for r in records(gx, "validate")
        if r["severity"] == "Warning"
    }
    assert ("DepartmentTwiceInList", "14", "cbirc-branch") in found
    assert ("LeadAndCoLead", "11", "industry-it") in found


def test_reports_on_either_of_the_twice_named_count(home: Corpus, tmp_path: Path) -> None:
    """A form written before asked 银保监局 twice about (十四): its second row still reads back,
    and counts for the one row the form asks now."""
    path = form(home, tmp_path / "银保监局.xlsx", "广西银保监局")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.value: c.column for c in ws[2]}
    first = ws.cell(row=3, column=1).value
    assert str(first).endswith("/measure/14/co-lead/9")
    ws.cell(row=3, column=1, value=str(first).replace("/co-lead/9", "/co-lead/11"))
    ws.cell(row=3, column=headers["进展情况"], value="已对接创业园区")
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(path)
    run("progress", "import", str(path), "--received", "2024-03-01", "--home", str(home.root))
    rows = [
        r
        for r in records(home, "progress", "--as-of", "2024-07-01", "--dept", "广西银保监局")
        if r["label"] == "(十四)"
    ]
    assert [(r["status"], r["progress"]) for r in rows] == [("推进中", "已对接创业园区")]


# --- forms written before this change -------------------------------------------------------------


def old_form(new: Path, out: Path) -> Path:
    """A form as the code before 条目 wrote it: no 条目 column, the label glued to 任务, 序号 1…n."""
    wb = load_workbook(new)
    for ws in wb.worksheets:
        headers = [c.value for c in ws[2]]
        number, label, task = (headers.index(h) + 1 for h in ("序号", "条目", "任务"))
        for r in range(3, ws.max_row + 1):
            glued = f"{ws.cell(row=r, column=label).value}{ws.cell(row=r, column=task).value}"
            ws.cell(row=r, column=task, value=glued)
            ws.cell(row=r, column=number, value=r - 2)
        ws.unmerge_cells("B1:K1")
        ws.delete_cols(label)
        ws.merge_cells("B1:J1")
    wb.save(out)
    return out


def test_a_form_without_the_label_column_still_imports(home: Corpus, tmp_path: Path) -> None:
    path = old_form(form(home, tmp_path / "new.xlsx", "科技厅"), tmp_path / "old.xlsx")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.value: c.column for c in ws[2]}
    assert "条目" not in headers and ws.cell(row=3, column=headers["任务"]).value == (
        "(四)推动国家高新区创建"
    )
    ws.cell(row=3, column=headers["进展情况"], value="已提交创建申请")
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(path)
    out = run("progress", "import", str(path), "--received", "2024-03-01", "--home", str(home.root))
    assert "Stored 1 report(s) from 1 file(s)" in out
    (row,) = [
        r
        for r in records(home, "progress", "--as-of", "2024-07-01", "--dept", "科技厅")
        if r["label"] == "(四)"
    ]
    assert row["status"] == "推进中" and row["progress"] == "已提交创建申请"


def test_an_edited_task_is_still_refused(home: Corpus, tmp_path: Path) -> None:
    """Accepting the old form's 任务 accepts nothing else: a label glued to another title is an
    edit."""
    path = form(home, tmp_path / "f.xlsx", "科技厅")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = {c.value: c.column for c in ws[2]}
    ws.cell(row=3, column=headers["任务"], value="(五)推动国家高新区创建")
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(path)
    result = runner.invoke(app, ["progress", "import", str(path), "--home", str(home.root)])
    assert result.exit_code == 2 and "the task text was edited" in result.stderr


def test_the_form_checks_the_columns_it_names(gx: Corpus, tmp_path: Path) -> None:
    """With 条目 in, the drop-down and the date check still sit on 完成状态 and 完成日期."""
    ws = load_workbook(form(gx, tmp_path / "f.xlsx", "科技厅")).worksheets[0]
    letters = {c.value: c.column_letter for c in ws[2]}
    checks = {dv.type: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    end = ws.max_row
    assert checks["list"] == f"{letters['完成状态']}3:{letters['完成状态']}{end}"
    assert checks["date"] == f"{letters['完成日期']}3:{letters['完成日期']}{end}"
    assert ws.auto_filter.ref == f"B2:{letters['填报人']}{end}"
