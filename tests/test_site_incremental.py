"""`site` again after a change (issue 24): what it takes from the last site must be what a whole
build makes. Each test builds a site, changes the corpus (a new document, a curated file edited,
a department renamed), builds again into the same folder, and compares that folder byte for byte
with a site built whole into a new folder."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"


def site(home: Path, out: Path) -> str:
    result = runner.invoke(app, ["site", "-o", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.stderr


def contents(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def same(name: str, one: bytes, other: bytes) -> bool:
    """Byte for byte; an office file (a zip) by what it holds, but the time it was made in
    (the zip's times, xlsx's ``docProps/core.xml``): two whole builds differ there."""
    if one == other:
        return True
    if not name.endswith((".xlsx", ".docx")):
        return False
    a, b = zipfile.ZipFile(io.BytesIO(one)), zipfile.ZipFile(io.BytesIO(other))
    names = [n for n in a.namelist() if n != "docProps/core.xml"]
    return a.namelist() == b.namelist() and all(a.read(n) == b.read(n) for n in names)


def assert_same_as_whole(home: Path, out: Path, tmp_path: Path) -> None:
    """The site in ``out`` is what a whole build makes with no cache: the whole build shares no
    kept view with the site it checks, so a view kept stale would show."""
    fresh = tmp_path / "whole"
    if fresh.exists():
        shutil.rmtree(fresh)
    with pytest.MonkeyPatch.context() as m:
        m.setenv("POLICYGRAPH_CACHE", "off")
        site(home, fresh)
    again, whole = contents(out), contents(fresh)
    assert sorted(again) == sorted(whole)
    differ = [name for name in whole if not same(name, again[name], whole[name])]
    assert differ == []


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_home(tmp_path / "home").root


@pytest.fixture
def built(home: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    site(home, out)
    return out


def test_after_a_new_document_the_site_is_the_whole_one(
    home: Path, built: Path, tmp_path: Path
) -> None:
    before = contents(built)
    result = runner.invoke(
        app,
        ["ingest", str(FIX / "yunnan-measures.txt"), "--jurisdiction", "cn", "--home", str(home)],
    )
    assert result.exit_code == 0, result.output
    said = site(home, built)
    assert "pages whose data is unchanged, taken as they were" in said  # some were taken
    assert contents(built) != before  # the new document is in the site: it was made again
    assert_same_as_whole(home, built, tmp_path)


def test_after_a_curated_file_is_edited_the_site_is_the_whole_one(
    home: Path, built: Path, tmp_path: Path
) -> None:
    replace_in(home / "data" / "ttl" / "targets.ttl", '"高新区总数"@zh', '"高新区总数（测试）"@zh')
    site(home, built)
    shown = (b.decode("utf-8", "replace") for b in contents(built).values())
    assert any("高新区总数（测试）" in text for text in shown)
    assert_same_as_whole(home, built, tmp_path)


def test_after_a_department_is_renamed_the_site_is_the_whole_one(
    home: Path, built: Path, tmp_path: Path
) -> None:
    replace_in(
        home / "data" / "ttl" / "departments.ttl",
        '"广西壮族自治区科学技术厅"@zh',
        '"广西壮族自治区科学技术厅（新）"@zh',
    )
    site(home, built)
    assert_same_as_whole(home, built, tmp_path)


def run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def test_the_next_day_the_site_is_the_whole_one(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress is shown as of the day: the documents under supervision and the departments
    showing progress are made again, every other page is taken."""
    import datetime as dt
    from types import SimpleNamespace

    from openpyxl import load_workbook

    from policygraph.render.site import folder

    for name in ("yunnan-measures.txt", "qujing-plan.txt"):  # Qujing's plan implements Yunnan's
        run("ingest", str(FIX / name), "--home", str(home))
    reported = tmp_path / "form.xlsx"
    run(
        "tasks",
        "--doc",
        "曲政办发〔2023〕8号",
        "--return-form",
        "-o",
        str(reported),
        "--home",
        str(home),
    )
    book = load_workbook(reported)
    sheet = book.worksheets[0]
    status = next(c.column for c in sheet[2] if c.value == "完成状态")
    sheet.cell(row=3, column=status, value="推进中")
    book.save(reported)
    run("progress", "import", str(reported), "--received", "2024-03-01", "--home", str(home))
    out = tmp_path / "site"
    site(home, out)
    before = contents(out)
    later = dt.date.fromordinal(dt.date.today().toordinal() + 400)
    monkeypatch.setattr(folder, "dt", SimpleNamespace(date=SimpleNamespace(today=lambda: later)))
    said = site(home, out)
    assert "pages whose data is unchanged, taken as they were" in said
    assert contents(out) != before  # the pages showing progress, as of the new day
    assert_same_as_whole(home, out, tmp_path)


def test_a_responsibility_added_below_a_document_changes_its_counts_on_the_home_page(
    home: Path, built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document's counts are read again for the documents a new node reaches (through
    ``pg:provision`` and ``eli:is_part_of``): a new file that puts one more responsibility on
    a measure of the Guangxi document adds one to that document's row of the home page, and
    the site is the one a whole build (no kept views) makes."""
    import re

    gx = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    row = re.compile(r"桂政办发〔2021〕81号.*?data-label=\"职责\"[^>]*>(\d+)<")

    def responsibilities(out: Path) -> int:
        found = row.search((out / "index.html").read_text(encoding="utf-8"))
        assert found is not None
        return int(found.group(1))

    before = responsibilities(built)
    (home / "data" / "ttl" / "zz-one-more.ttl").write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        f"<{gx}/measure/9/lead/99> a pg:Responsibility ; pg:provision <{gx}/measure/9> .\n",
        encoding="utf-8",
    )
    site(home, built)
    assert responsibilities(built) == before + 1
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    assert_same_as_whole(home, built, tmp_path)
