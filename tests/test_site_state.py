"""`site` again (issue 24): with nothing changed nothing is written; after a change, the office
files whose table is unchanged are taken from the last site (hard links), the others made
again, and the site is the one a whole build makes; a file edited by hand is made again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
SCIENCE = "org/gx/science-technology/任务清单.docx"  # the department renamed below
FINANCE = "org/gx/finance/任务清单.docx"  # one the renaming does not touch


def site(home: Path, out: Path) -> str:
    result = runner.invoke(app, ["site", "-o", str(out), "--home", str(home)])
    assert result.exit_code == 0, result.output
    return result.stderr


def files(out: Path) -> dict[str, Path]:
    return {p.relative_to(out).as_posix(): p for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_home(tmp_path / "home").root


def test_a_site_again_with_nothing_changed_writes_nothing(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    site(home, out)
    before = {name: p.stat().st_mtime_ns for name, p in files(out).items()}
    said = site(home, out)
    assert "is up to date: nothing written" in said
    assert {name: p.stat().st_mtime_ns for name, p in files(out).items()} == before


def test_after_a_change_unchanged_office_files_are_taken_from_the_last_site(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    site(home, out)
    inode = {name: os.stat(out / name).st_ino for name in (SCIENCE, FINANCE)}
    departments = home / "data" / "ttl" / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(
        text.replace('"广西壮族自治区科学技术厅"@zh', '"广西壮族自治区科学技术厅（新）"@zh'),
        "utf-8",
    )
    said = site(home, out)
    assert "office files unchanged, taken as they were" in said
    assert os.stat(out / FINANCE).st_ino == inode[FINANCE]  # the same file, linked
    assert os.stat(out / SCIENCE).st_ino != inode[SCIENCE]  # made again
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    whole = tmp_path / "whole"
    site(home, whole)
    again, fresh = files(out), files(whole)
    assert again.keys() == fresh.keys()
    for name, path in fresh.items():
        if not name.endswith((".xlsx", ".docx")):  # these carry the time they were made
            assert again[name].read_bytes() == path.read_bytes(), name
    assert "广西壮族自治区科学技术厅（新）" in (out / SCIENCE.replace("docx", "csv")).read_text(
        "utf-8-sig"
    )


def test_an_office_file_edited_by_hand_is_made_again(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    site(home, out)
    edited = out / FINANCE
    original = edited.read_bytes()
    edited.write_bytes(b"not a docx")
    said = site(home, out)
    assert "up to date" not in said
    made = edited.read_bytes()
    assert made != b"not a docx" and made[:2] == original[:2] == b"PK"
