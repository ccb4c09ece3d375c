"""Task-division tables and department analytics, checked against the source annotations."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from conftest import ASSIGNMENT_KEYS, DEPT_KEYS, TASK_KEYS, staff_csv
from expected import EXPECTED
from openpyxl import load_workbook
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.errors import InputError, UnknownDepartmentError
from policygraph.render import office
from policygraph.render.graph import graphml
from policygraph.store.embedded import EmbeddedStore
from policygraph.views import tasks
from policygraph.views.network import analyse, collaboration_network

runner = CliRunner()


def cli(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout.removeprefix("\ufeff"), r.stderr


def guangxi_csv() -> list[dict[str, str]]:
    code, out, _ = cli("tasks", "--format", "csv")
    assert code == 0
    return staff_csv(out, TASK_KEYS)


def test_csv_has_one_row_per_concrete_measure() -> None:
    rows = guangxi_csv()
    assert [int(r["number"]) for r in rows] == list(range(4, 28))
    assert [int(r["seq"]) for r in rows] == list(range(1, 25))
    assert {r["document"] for r in rows} == {"桂政办发〔2021〕81号"}


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_csv_cells_equal_the_source_annotation(n: int) -> None:
    row = next(r for r in guangxi_csv() if int(r["number"]) == n)
    assert row["lead"] == "、".join(w for _, w in EXPECTED[n]["lead"])
    assert row["co_lead"] == "、".join(w for _, w in EXPECTED[n]["co-lead"])


def test_official_names(home: Corpus, store: EmbeddedStore) -> None:
    doc = tasks.find_document(store, "gx")
    table = tasks.task_table(store, doc, names="official")
    row = next(r for r in table.rows if r.number == 24)
    assert table.show(row.lead) == ["广西壮族自治区住房和城乡建设厅"]


def test_a_document_found_by_its_iri_as_by_its_short_name_and_number(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_short = tasks.find_document(store, "gx")
    asked: list[dict[str, object]] = []
    select = store.select

    def counted(sparql: str, bindings: dict[str, object] | None = None) -> object:
        asked.append(dict(bindings or {}))
        return select(sparql, bindings)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "select", counted)
    assert tasks.find_document(store, str(by_short.iri)) == by_short
    assert [sorted(a) for a in asked] == [["document", "ref"]]  # the one document read
    assert tasks.find_document(store, " 桂政办发〔2021〕81号 ") == by_short
    with pytest.raises(InputError, match=re.escape("no document 'https://example.org/nope'")):
        tasks.find_document(store, "https://example.org/nope")


def test_csv_file_has_bom(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert cli("tasks", "-f", "csv", "-o", str(out))[0] == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert (
        data.decode("utf-8-sig").splitlines()[0]
        == "文件,序号,条目,任务,牵头单位,配合单位,责任单位,完成时限,条目编号"
    )


def test_xlsx_reads_back_as_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert cli("tasks", "-f", "xlsx", "-o", str(out))[0] == 0
    ws = load_workbook(out).active
    assert ws["A1"].value.endswith("任务分工表")
    assert [c.value for c in ws[2]] == ["序号", "条目", "任务", "牵头单位", "配合单位", "完成时限"]
    got = [[c.value or "" for c in row] for row in ws.iter_rows(min_row=3)]
    want = [
        [int(r["seq"]), r["label"], r["title"], r["lead"], r["co_lead"], r["deadline"]]
        for r in guangxi_csv()
    ]
    assert got == want
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$1:$2"  # the title and header rows repeat on every page
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws["D3"].alignment.wrap_text and ws["C3"].border.left.style == "thin"


def test_docx_table_and_cjk_font(tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    out = tmp_path / "t.docx"
    assert cli("tasks", "-f", "docx", "-o", str(out))[0] == 0
    doc = Document(str(out))
    (table,) = doc.tables
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["序号", "条目", "任务", "牵头单位", "配合单位", "完成时限"]
    assert rows[1:] == [
        [r["seq"], r["label"], r["title"], r["lead"], r["co_lead"], r["deadline"]]
        for r in guangxi_csv()
    ]
    run = table.rows[1].cells[2].paragraphs[0].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == office.CJK_FONT


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui libreoffice-writer-nogui)",
)
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_files_open_in_libreoffice(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"t.{fmt}"
    assert cli("tasks", "-f", fmt, "-o", str(out))[0] == 0
    office = shutil.which("soffice") or shutil.which("libreoffice")
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "t.pdf"
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 1000, result.stderr


def test_file_formats_need_output_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from policygraph.cli import options

    monkeypatch.setattr(options, "is_terminal", lambda: True)
    code, _, err = cli("tasks", "-f", "xlsx")
    assert code == 2 and "give -o FILE" in err


def test_binary_formats_go_to_a_pipe() -> None:
    result = runner.invoke(app, ["tasks", "-f", "xlsx"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK")


def test_md_and_json() -> None:
    code, out, _ = cli("tasks", "-f", "md")
    assert code == 0 and "| 序号 | 条目 | 任务 | 牵头单位 | 配合单位 | 完成时限 |" in out
    code, out, _ = cli("tasks", "-f", "json")
    import json

    data = json.loads(out)  # a list of records, as everywhere
    row = next(r for r in data if r["number"] == 11)
    assert row["lead"] == ["自治区工业和信息化厅", "科技厅"]


def test_by_department_groups_aliases() -> None:
    code, out, _ = cli("tasks", "--by", "department", "-f", "csv")
    assert code == 0
    rows = {r["department"]: r for r in staff_csv(out, DEPT_KEYS)}
    kjt = rows["广西壮族自治区科学技术厅"]
    assert set(kjt["names_in_document"].split("、")) == {"自治区科技厅", "科技厅"}
    # Leads (四)(五)(六)(八)(九)(十)(十一)(十五)(十六)(十七)(十八)(二十六)(二十七): 13, by hand.
    assert (kjt["leads"], kjt["co_leads"]) == ("13", "11")
    # Listed twice in (十四)'s co-lead list, but it co-leads that measure once.
    assert rows["中国银行保险监督管理委员会广西监管局"]["co_leads"] == "2"


ALIASES = [
    "科技厅",
    "自治区科技厅",
    "广西科技厅",
    "广西壮族自治区科学技术厅",
    "https://w3id.org/policygraph/org/gx/science-technology",
]


def test_every_alias_gives_the_same_table() -> None:
    outputs = {cli("tasks", "--dept", name, "-f", "csv")[1] for name in ALIASES}
    assert len(outputs) == 1
    (out,) = outputs
    assert len(out.strip().splitlines()) == 1 + 13 + 11


def test_unknown_department_exits_2_with_suggestions() -> None:
    code, _, err = cli("tasks", "--dept", "自治区科枝厅")
    assert code == 2
    assert (
        err.startswith("Error: no such department: '自治区科枝厅'; did you mean")
        and "自治区科技厅" in err
    )


def test_name_with_quotes_and_braces_is_just_a_name(home: Corpus, store: EmbeddedStore) -> None:
    evil = '科技厅" } UNION { ?department ?p ?o } #'
    with pytest.raises(UnknownDepartmentError, match="no such department"):
        tasks.find_department(store, evil)
    code, _, err = cli("tasks", "--dept", evil)
    assert code == 2 and "no such department" in err


def test_collective_expands_for_a_member_city() -> None:
    code, out, _ = cli("tasks", "--dept", "柳州市人民政府", "-f", "csv")
    assert code == 0
    rows = staff_csv(out, ASSIGNMENT_KEYS)
    assert len(rows) == 24  # 设区市人民政府 is named on every concrete measure
    assert {r["via"] for r in rows} == {"通过设区市人民政府"}
    assert [r["number"] for r in rows if r["role"] == "牵头"] == ["7", "19", "23", "25"]


def test_document_without_responsibilities_is_an_error() -> None:
    code, _, err = cli("tasks", "--doc", "柳政规〔2021〕18号")
    assert code == 2 and "assigns no departments" in err


def test_unknown_document() -> None:
    code, _, err = cli("tasks", "--doc", "nope")
    assert code == 2 and "no document 'nope'" in err


def test_graphml_round_trip(home: Corpus, store: EmbeddedStore, tmp_path: Path) -> None:
    g = collaboration_network(store)
    path = tmp_path / "d.graphml"
    path.write_bytes(graphml(g))
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(g.nodes)
    assert {(u, v, d["weight"], d["leads"]) for u, v, d in back.edges(data=True)} == {
        (u, v, d["weight"], d["leads"]) for u, v, d in g.edges(data=True)
    }
    assert (
        back.nodes["https://w3id.org/policygraph/org/gx/tax"]["label"]
        == "国家税务总局广西壮族自治区税务局"
    )


def test_network_facts(home: Corpus, store: EmbeddedStore) -> None:
    report = analyse(collaboration_network(store), top=100)
    pair = next(
        p for p in report.pairs if {p.a, p.b} == {"广西壮族自治区科学技术厅", "设区市人民政府"}
    )
    # Both are named on all 24 measures; 科技厅 leads 13 of them, the cities lead 4 (by hand).
    assert pair.weight == 24
    assert {pair.a_leads_b, pair.b_leads_a} == {13, 4}
    assert len(report.components) == 1


def test_depts_lists_counts() -> None:
    code, out, _ = cli("depts", "-f", "csv")
    assert code == 0
    rows = {r["official"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["设区市人民政府"]["leads"], rows["设区市人民政府"]["co_leads"]) == ("4", "20")
    assert rows["中华人民共和国国务院"]["leads"] == "0"
