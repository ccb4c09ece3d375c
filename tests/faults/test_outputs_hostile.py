"""Faults catalogue (issue 27, severe 1 and 2, and 12's export into the corpus): an output never
destroys what it did not make. `site -o` writes only into a new or empty folder or one it made,
never deletes another file or a sibling it did not make, removes what a killed run left, and is
readable by others; every `-o` refuses directories, devices, FIFOs and sockets, writes through a
link only to a regular file, keeps the mode of the file it replaces, and refuses the corpus's own
data/, ontology/ and queries/."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, copy_home
from servers import one_line_error
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
NO_CACHE = {"POLICYGRAPH_ENDPOINT": "", "POLICYGRAPH_CACHE": "off"}  # every site made whole


def site(out: Path, *more: str) -> str:
    result = runner.invoke(app, ["site", "-o", str(out), *more], env=NO_CACHE)
    assert result.exit_code == 0, result.output
    return result.stderr


def queries_to(out: Path) -> str:
    """`queries -f csv -o out`: the smallest command that writes a file."""
    return one_line_error(["queries", "-f", "csv", "-o", str(out)])


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site made by `site`, in a folder of its own (tests copy what they change)."""
    out = tmp_path_factory.mktemp("made") / "site"
    site(out)
    return out


# --- site -o ---------------------------------------------------------------------------------


def test_a_folder_with_an_index_and_other_files_is_refused_and_kept(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    (out / "precious.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["site", "-o", str(out)], env=NO_CACHE)
    assert result.exit_code == 2 and "holds something else" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "precious.txt"]
    assert (out / "precious.txt").read_text(encoding="utf-8") == "mine"


def test_a_file_added_to_a_site_is_never_deleted(made: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "site"
    shutil.copytree(made, out)
    (out / "CNAME").write_text("policy.example.org", encoding="utf-8")
    err = one_line_error(["site", "-o", str(out)])
    assert "holds CNAME, which policygraph site did not write" in err
    assert (out / "CNAME").read_text(encoding="utf-8") == "policy.example.org"
    (out / "CNAME").unlink()
    (out / "eli" / "notes").mkdir()
    assert "holds eli/notes" in one_line_error(["site", "-o", str(out)])


def test_a_rebuild_keeps_a_sibling_named_like_the_old_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    site(out)
    sibling = tmp_path / ".site.old"
    sibling.mkdir()
    (sibling / "thesis.docx").write_bytes(b"years of work")
    site(out)  # the cache off: made and swapped again
    assert (sibling / "thesis.docx").read_bytes() == b"years of work"
    assert (out / "index.html").is_file() and (out / ".policygraph-site").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.old", "site"]


def test_what_a_killed_site_left_is_removed_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "site"
    left = tmp_path / ".site.policygraph-staging-k1ll3d"  # a staging folder of a killed run
    left.mkdir()
    (left / ".policygraph-site").write_text("", encoding="utf-8")
    (left / "index.html").write_text("half", encoding="utf-8")
    empty = tmp_path / ".site.policygraph-old-3mpty"  # killed before the old site moved in
    empty.mkdir()
    theirs = tmp_path / ".site.policygraph-staging-theirs"  # no marker: not one it made
    theirs.mkdir()
    (theirs / "keep.txt").write_text("keep", encoding="utf-8")
    site(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [theirs.name, "site"]
    assert (theirs / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_the_site_is_readable_by_others(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        out = tmp_path / "site"
        site(out)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "eli").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o644


def test_a_site_into_the_corpus_is_refused(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home").root
    err = one_line_error(["site", "-o", str(home / "data" / "site"), "--home", str(home)])
    assert "inside the data/ of the corpus" in err
    assert not (home / "data" / "site").exists()


# --- every -o --------------------------------------------------------------------------------


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "pipe: a device, a FIFO or a socket, not a regular file" in queries_to(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        yield path


def test_a_socket_is_refused(unix_socket: Path) -> None:
    assert "not a regular file" in queries_to(unix_socket)
    assert stat.S_ISSOCK(os.lstat(unix_socket).st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    err = one_line_error(["export", "-o", str(null)])
    assert "not a regular file" in err
    assert stat.S_ISCHR(os.lstat(null).st_mode)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert "out.csv: a directory, not a file" in queries_to(folder)
    assert folder.is_dir()


def test_a_link_to_a_file_is_written_through_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = runner.invoke(app, ["queries", "-f", "csv", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8-sig").startswith("name")


@pytest.mark.parametrize("kind", ["fifo", "nothing", "directory"])
def test_a_link_to_anything_else_is_refused(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert "a symbolic link to" in queries_to(link)
    assert link.is_symlink() and os.readlink(link) == str(target)


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "private.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    result = runner.invoke(app, ["queries", "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8-sig").startswith("name")


@pytest.mark.parametrize("where", ["data/ttl/departments.ttl", "ontology/x.ttl", "queries/x.csv"])
def test_an_output_into_the_corpus_is_refused(tmp_path: Path, where: str) -> None:
    home = copy_home(tmp_path / "home").root
    target = home / where
    before = target.read_bytes() if target.exists() else None
    args = ["export", "-f", "ttl"] if where.endswith(".ttl") else ["queries", "-f", "csv"]
    err = one_line_error([*args, "-o", str(target), "--home", str(home)])
    assert f"inside the {where.split('/')[0]}/ of the corpus at {home}" in err
    assert (target.read_bytes() if target.exists() else None) == before


def test_an_output_into_the_project_corpus_through_a_link_is_refused(tmp_path: Path) -> None:
    (first,) = sorted((REPO / "queries").glob("*.rq"))[:1]
    link = tmp_path / "tasks.csv"
    link.symlink_to(first)
    assert "inside the queries/ of the corpus" in queries_to(link)


def test_dash_is_standard_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["queries", "-f", "csv", "-o", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip("\ufeff").startswith("name") and not (tmp_path / "-").exists()
