"""The supervision loop as an office runs it (issue 15): return forms go out to the departments
of a city plan with deadlines (曲政办发〔2023〕8号, ingested with the Yunnan document it
implements), come back filled in — one sorted, one with a column added, one with a status that is
not in the list, one as .docx, one as .csv — and are read back: per-cell problems, nothing stored
while any remains, dated reports with their provenance, the latest status, what is overdue and
who has not answered."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_home
from openpyxl import load_workbook
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus

runner = CliRunner()
QJ = "曲政办发〔2023〕8号"


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A corpus with the Yunnan measures and the Qujing plan that implements them."""
    home = copy_home(tmp_path_factory.mktemp("progress") / "home")
    for name in ("yunnan-measures.txt", "qujing-plan.txt"):
        run("ingest", str(FIXTURES / "ingest" / name), "--home", str(home.root), code=0)
    return home


@pytest.fixture
def home(plan: Corpus, tmp_path: Path) -> Corpus:
    """A fresh copy for each test: imports write into it."""
    return copy_home(tmp_path / "home", plan.root)


def form(home: Corpus, where: Path, dept: str | None = None, fmt: str = "xlsx") -> Path:
    out = where / f"{dept or 'all'}.{fmt}"
    args = ["tasks", "--doc", QJ, "--return-form", "-o", str(out), "--home", str(home.root)]
    run(*args, *(["--dept", dept] if dept else []))
    return out


def fill(path: Path, values: dict[str, dict[str, object]], sheet: int = 0) -> None:
    """Fill rows by their task (a substring of 任务) as a department would, in openpyxl."""
    wb = load_workbook(path)
    ws = wb.worksheets[sheet]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    for r in range(3, ws.max_row + 1):
        task = str(ws.cell(row=r, column=headers["任务"]).value or "")
        for key, cells in values.items():
            if key in task:
                for header, value in cells.items():
                    ws.cell(row=r, column=headers[header], value=value)
    wb.save(path)


def statuses(home: Corpus, as_of: str = "2024-07-01") -> dict[tuple[str, str], dict[str, str]]:
    out = run("progress", "--doc", QJ, "--as-of", as_of, "-f", "json", "--home", str(home.root))
    return {(r["task"], r["department"]): r for r in json.loads(out)}


def stored(home: Corpus) -> list[Path]:
    return sorted(home.ttl.glob("progress-*.ttl")) + sorted(
        (home.root / "data" / "returns").glob("*")
    )


# --- the forms ---------------------------------------------------------------------------------


def test_the_form_has_a_sheet_per_department_and_its_identities(
    home: Corpus, tmp_path: Path
) -> None:
    wb = load_workbook(form(home, tmp_path))
    names = [ws.title for ws in wb.worksheets]
    assert "曲靖市科技局" in names and "曲靖市财政局" in names and len(names) == 7
    ws = wb["曲靖市科技局"]
    identity = json.loads(ws["A1"].value)
    assert identity["form"] == "policygraph return form"
    assert identity["document"].endswith("/曲政办发/2023/8")
    assert identity["department"] == "https://w3id.org/policygraph/org/cn-yn-qujing/曲靖市科技局"
    assert ws.column_dimensions["A"].hidden
    headers = [ws.cell(row=2, column=c).value for c in range(2, 12)]
    assert headers == [
        "序号",
        "条目",
        "任务",
        "本单位职责",
        "完成时限",
        "进展情况",
        "完成状态",
        "完成日期",
        "佐证材料",
        "填报人",
    ]
    assert ws["A3"].value.startswith("https://w3id.org/policygraph/")
    assert ws["C3"].value == "（一）" and ws["D3"].value == "建设创新平台"
    assert ws["E3"].value == "牵头" and ws["F3"].value == "2023年底前"
    assert ws.protection.sheet and ws["D3"].protection.locked and not ws["H3"].protection.locked
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and lists[0].formula1 == '"已完成,推进中,未启动,滞后"'


def test_a_form_for_one_department(home: Corpus, tmp_path: Path) -> None:
    wb = load_workbook(form(home, tmp_path, "曲靖市财政局"))
    assert [ws.title for ws in wb.worksheets] == ["曲靖市财政局"]
    err = runner.invoke(
        app,
        [
            "tasks",
            "--doc",
            QJ,
            "--return-form",
            "--dept",
            "省科技厅",
            "-o",
            str(tmp_path / "x.xlsx"),
            "--home",
            str(home.root),
        ],
    )
    assert err.exit_code == 2 and "assigns nothing to" in err.stderr


# --- the round trip ------------------------------------------------------------------------------


def test_round_trip_as_offices_do_it(home: Corpus, tmp_path: Path) -> None:
    science = form(home, tmp_path, "曲靖市科技局")
    finance = form(home, tmp_path, "曲靖市财政局")
    organisation = form(home, tmp_path, "曲靖市委组织部")
    # 科技局 fills in both rows, then sorts them (the identity column moves with them)
    fill(
        science,
        {
            "建设创新平台": {
                "进展情况": "已建成重点实验室2个",
                "完成状态": "已完成",
                "完成日期": "2023-12-20",
                "填报人": "李明",
            },
            "加强统筹调度": {"进展情况": "专班已建立", "完成状态": "推进中"},
        },
    )
    wb = load_workbook(science)
    ws = wb.worksheets[0]
    rows = [[c.value for c in ws[r]] for r in (3, 4)]
    for r, values in zip((3, 4), reversed(rows), strict=True):
        for c, v in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(science)
    # 财政局 adds a column of its own before filling in
    wb = load_workbook(finance)
    ws = wb.worksheets[0]
    ws.insert_cols(3)
    ws.cell(row=2, column=3, value="备注")
    wb.save(finance)
    fill(
        finance,
        {"建设创新平台": {"进展情况": "资金已拨付", "完成状态": "推进中", "填报人": "王芳"}},
    )
    # 组织部 types a status that is not in the list
    fill(organisation, {"引育创新人才": {"进展情况": "基本完成", "完成状态": "基本完成"}})
    soffice = shutil.which("soffice")
    if soffice:  # one file re-saved as LibreOffice saves it
        out = tmp_path / "lo"
        subprocess.run(
            [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(science)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        science = out / science.name
    files = [str(science), str(finance), str(organisation)]
    refused = runner.invoke(
        app, ["progress", "import", *files, "--received", "2024-06-20", "--home", str(home.root)]
    )
    assert refused.exit_code == 2, refused.output
    assert "曲靖市委组织部!H3 “基本完成”: 完成状态 is not one of the list" in refused.stderr
    assert "nothing was stored" in refused.stderr
    assert stored(home) == []
    accepted = runner.invoke(
        app,
        [
            "progress",
            "import",
            *files,
            "--received",
            "2024-06-20",
            "--accept-valid-rows",
            "--home",
            str(home.root),
        ],
    )
    assert accepted.exit_code == 1, accepted.output
    assert "Stored 3 report(s) from 2 file(s)" in accepted.stdout
    now = statuses(home)
    assert now[("建设创新平台", "曲靖市科技局")]["status"] == "已完成"
    assert now[("建设创新平台", "曲靖市科技局")]["overdue"] == "否"
    assert now[("建设创新平台", "曲靖市财政局")]["status"] == "推进中"
    assert now[("建设创新平台", "曲靖市财政局")]["overdue"] == "是"  # due 2023-12-31
    assert now[("加强统筹调度", "曲靖市科技局")]["overdue"] == "否"  # no deadline
    assert now[("引育创新人才", "曲靖市委组织部")]["status"] == "未报送"
    assert now[("引育创新人才", "曲靖市委组织部")]["overdue"] == "是"  # due 2024-06-30
    assert now[("强化要素保障", "曲靖市自然资源规划局")]["overdue"] == "否"  # 持续推进
    assert now[("深化放管服改革", "曲靖市政务服务局")]["overdue"] == "是"  # 每季度: Q2 ended
    # before the reports came in, the same question gives the answer of that day
    before = statuses(home, "2024-06-01")
    assert before[("建设创新平台", "曲靖市科技局")]["status"] == "未报送"
    answered = json.loads(
        run(
            "progress",
            "--doc",
            QJ,
            "--as-of",
            "2024-07-01",
            "--by",
            "department",
            "-f",
            "json",
            "--home",
            str(home.root),
        )
    )
    silent = {r["department"] for r in answered if r["reported"] == 0}
    assert silent == {
        "曲靖市委组织部",
        "曲靖市人力资源社会保障局",
        "曲靖市政务服务局",
        "曲靖市自然资源规划局",
        "各县（市、区）人民政府",
    }
    # the same file again changes nothing
    again = runner.invoke(app, ["progress", "import", str(finance), "--home", str(home.root)])
    assert again.exit_code == 0 and "imported before" in again.stderr
    # and the corpus still validates, rebuilds and takes a new document
    assert run("validate", "--home", str(home.root)).startswith("Passes (no violation)")
    run("build", "--home", str(home.root))
    run("ingest", str(FIXTURES / "ingest" / "dali-notice.txt"), "--home", str(home.root))


def test_each_report_rests_on_the_cells_of_the_file_kept(home: Corpus, tmp_path: Path) -> None:
    science = form(home, tmp_path, "曲靖市科技局")
    fill(
        science,
        {
            "建设创新平台": {
                "进展情况": "已建成",
                "完成状态": "已完成",
                "完成日期": "2023-12-20",
                "佐证材料": "验收报告",
                "填报人": "李明",
            }
        },
    )
    run("progress", "import", str(science), "--received", "2024-01-05", "--home", str(home.root))
    from rdflib import Graph
    from rdflib.namespace import Namespace

    pg = Namespace("https://w3id.org/policygraph/ontology#")
    (ttl,) = home.ttl.glob("progress-*.ttl")
    g = Graph().parse(ttl)
    (report,) = g.subjects(pg.reportsOn, None)
    kept = home.root / str(g.value(g.value(report, pg.onForm), pg.fileName))
    assert kept.read_bytes() == science.read_bytes()  # byte for byte
    sheet, cells = str(g.value(report, pg.cells)).split("!")
    ws = load_workbook(kept)[sheet]
    first, _ = cells.split(":")
    row = int(first[1:])
    assert ws[f"G{row}"].value == str(g.value(report, pg.progressText)) == "已建成"
    assert ws[f"H{row}"].value == "已完成" and str(g.value(report, pg.status)).endswith("Completed")
    assert ws[f"J{row}"].value == str(g.value(report, pg.evidence))
    assert ws[f"K{row}"].value == str(g.value(report, pg.reporter))
    assert str(g.value(report, pg.receivedOn)) == "2024-01-05"


def test_history_stays_and_the_latest_counts(home: Corpus, tmp_path: Path) -> None:
    first = form(home, tmp_path, "曲靖市财政局")
    fill(first, {"建设创新平台": {"完成状态": "推进中"}})
    run("progress", "import", str(first), "--received", "2024-03-01", "--home", str(home.root))
    (tmp_path / "later").mkdir()
    second = form(home, tmp_path / "later", "曲靖市财政局")  # a new form, months later
    fill(second, {"建设创新平台": {"完成状态": "已完成", "完成日期": "2024-05-01"}})
    run("progress", "import", str(second), "--received", "2024-05-10", "--home", str(home.root))
    assert len(list(home.ttl.glob("progress-*.ttl"))) == 2
    assert statuses(home, "2024-04-01")[("建设创新平台", "曲靖市财政局")]["status"] == "推进中"
    late = statuses(home, "2024-07-01")[("建设创新平台", "曲靖市财政局")]
    assert late["status"] == "已完成" and late["overdue"] == "否"
    out = runner.invoke(app, ["validate", "--home", str(home.root)])
    assert "completed （一）建设创新平台 on 2024-05-01, after its deadline 2023-12-31" in out.stdout


# --- per-cell problems ---------------------------------------------------------------------------


def test_every_problem_is_named_by_its_cell(home: Corpus, tmp_path: Path) -> None:
    path = form(home, tmp_path)
    wb = load_workbook(path)
    science, finance = wb["曲靖市科技局"], wb["曲靖市财政局"]
    science["A4"] = "https://w3id.org/policygraph/nothing"  # unknown row identity
    science["G3"], science["H3"], science["I3"] = "进展", "已完成", "去年年底"  # not a date
    science["D3"] = "建设创新平台和实验室"  # edited task text
    finance["H3"] = "推进中"
    finance["A3"] = science["A3"].value  # another department's row
    wb.save(path)
    result = runner.invoke(app, ["progress", "import", str(path), "--home", str(home.root)])
    assert result.exit_code == 2
    err = result.stderr
    assert "曲靖市科技局!A4 “https://w3id.org/policygraph/nothing”: no such row" in err
    assert "曲靖市科技局!I3 “去年年底”: not a date" in err
    assert "曲靖市科技局!D3 “建设创新平台和实验室”: the task text was edited" in err
    assert "曲靖市财政局!A3" in err and "the same row twice (first at 曲靖市科技局!A3)" in err
    assert stored(home) == []


def test_a_department_reports_only_on_its_own_rows(home: Corpus, tmp_path: Path) -> None:
    science_row = load_workbook(form(home, tmp_path))["曲靖市科技局"]["A3"].value
    (tmp_path / "one").mkdir()
    path = form(home, tmp_path / "one", "曲靖市财政局")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    ws["A3"], ws["H3"] = science_row, "推进中"  # 科技局's row on 财政局's form
    wb.save(path)
    result = runner.invoke(app, ["progress", "import", str(path), "--home", str(home.root)])
    assert result.exit_code == 2
    assert "曲靖市财政局!A3" in result.stderr
    assert "a row of 曲靖市科技局: a department reports only on its own rows" in result.stderr
    assert stored(home) == []


def test_a_form_for_a_document_that_does_not_exist(home: Corpus, tmp_path: Path) -> None:
    path = form(home, tmp_path, "曲靖市财政局")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    identity = json.loads(ws["A1"].value)
    identity["document"] = "https://w3id.org/policygraph/eli/cn-yn/none/2099/1"
    ws["A1"] = json.dumps(identity, ensure_ascii=False)
    ws["H3"] = "推进中"
    wb.save(path)
    result = runner.invoke(app, ["progress", "import", str(path), "--home", str(home.root)])
    assert result.exit_code == 2
    assert "!A1" in result.stderr and "a document the corpus does not hold" in result.stderr


# --- docx and csv ----------------------------------------------------------------------------


def test_a_docx_form_comes_back(home: Corpus, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    path = form(home, tmp_path, "曲靖市自然资源规划局", fmt="docx")
    doc = Document(str(path))
    (table,) = doc.tables
    row = table.rows[1]
    row.cells[5].paragraphs[0].add_run("用地指标已保障")
    status = row.cells[6]._tc.find(".//" + qn("w:sdtContent")).find(".//" + qn("w:t"))
    status.text = "推进中"
    row.cells[9].paragraphs[0].add_run("赵六")
    doc.save(str(path))
    run("progress", "import", str(path), "--received", "2024-06-01", "--home", str(home.root))
    now = statuses(home)[("强化要素保障", "曲靖市自然资源规划局")]
    assert now["status"] == "推进中" and now["overdue"] == "否"


def test_a_csv_form_comes_back(home: Corpus, tmp_path: Path) -> None:
    """As Excel saves one sheet as CSV: hidden columns included."""
    path = form(home, tmp_path, "曲靖市政务服务局")
    ws = load_workbook(path).worksheets[0]
    rows = [[("" if c is None else c) for c in r] for r in ws.iter_rows(values_only=True)]
    rows[2][7], rows[2][8] = "已完成", "2024-06-15"
    out = tmp_path / "政务服务局.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    run("progress", "import", str(out), "--received", "2024-06-20", "--home", str(home.root))
    now = statuses(home)[("深化放管服改革", "曲靖市政务服务局")]
    assert now["status"] == "已完成" and now["overdue"] == "否"  # done in the quarter to 06-30


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_libreoffice_opens_the_forms(home: Corpus, tmp_path: Path, fmt: str) -> None:
    path = form(home, tmp_path, fmt=fmt)
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(path),
        ],
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0 and (tmp_path / "pdf" / f"{path.stem}.pdf").stat().st_size > 5000


def test_the_site_shows_the_latest_status_and_what_is_late(home: Corpus, tmp_path: Path) -> None:
    finance = form(home, tmp_path, "曲靖市财政局")
    fill(finance, {"建设创新平台": {"完成状态": "推进中", "进展情况": "资金已拨付"}})
    run("progress", "import", str(finance), "--received", "2024-06-20", "--home", str(home.root))
    site = tmp_path / "site"
    run("site", "-o", str(site), "--home", str(home.root))
    (page,) = [
        p
        for p in site.rglob("index.html")
        if "曲政办发〔2023〕8号" in p.read_text("utf-8")
        and "落实情况" in p.read_text("utf-8")
        and "<h1>曲靖市人民政府办公室" in p.read_text("utf-8")
    ]
    html = page.read_text("utf-8")
    assert 'class="status-chart"' in html and "未反馈" in html
    assert html.count('<tr class="overdue">') >= 1  # (一) is due 2023-12-31: late today
    assert "推进中" in html
    departments = [
        p for p in site.rglob("index.html") if "<h1>曲靖市财政局</h1>" in p.read_text("utf-8")
    ]
    assert len(departments) == 1
    mine = departments[0].read_text("utf-8")
    assert "落实情况" in mine and "推进中" in mine and 'class="status-chart"' in mine


def test_a_damaged_file_is_one_error_line(home: Corpus, tmp_path: Path) -> None:
    good = form(home, tmp_path, "曲靖市财政局")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(good.read_bytes()[:2000])  # a zip cut short
    result = runner.invoke(app, ["progress", "import", str(damaged), "--home", str(home.root)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "damaged.xlsx" in result.stderr and stored(home) == []
