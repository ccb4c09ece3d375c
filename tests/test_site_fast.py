"""`site` again after a change, fast (issue 24): the site's folder is updated in place (only
the files that differ are written, the files no longer made removed), and what it takes from
the last site is what a whole build makes, byte for byte; a run killed half way leaves a site
that does not claim to be up to date, and the next run makes it right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_home
from test_site_incremental import FIX, assert_same_as_whole, site
from typer.testing import CliRunner

from policygraph.cli.app import app

runner = CliRunner()
MARKER = ".policygraph-site"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_home(tmp_path / "home").root


@pytest.fixture
def built(home: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    site(home, out)
    return out


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in out.rglob("*")
        if p.is_file()
    }


def ingest(home: Path, name: str) -> None:
    result = runner.invoke(app, ["ingest", str(FIX / name), "--home", str(home)])
    assert result.exit_code == 0, result.output


def test_a_new_document_is_written_into_the_site_in_place(
    home: Path, built: Path, tmp_path: Path
) -> None:
    before = stamps(built)
    folder = built.stat().st_ino
    ingest(home, "yunnan-measures.txt")
    said = site(home, built)
    assert "pages whose data is unchanged, taken as they were" in said
    assert built.stat().st_ino == folder  # the same folder, not a new one swapped in
    after = stamps(built)
    untouched = [name for name in before if after.get(name) == before[name]]
    assert "ontology/index.html" in untouched  # a page made again as it was is not written
    assert len(untouched) > len(before) / 2
    assert [n for n in after if n not in before]  # the new document's pages
    marker = set((built / MARKER).read_text(encoding="utf-8").splitlines())
    assert marker == set(after) - {MARKER}  # the marker lists exactly what the site holds
    assert_same_as_whole(home, built, tmp_path)
    assert "is up to date: nothing written" in site(home, built)


def test_a_file_no_longer_made_is_removed(home: Path, built: Path, tmp_path: Path) -> None:
    """A page the site made that the next does not (here: one listed by the marker and the
    state as made last time) is removed, and the folder it leaves empty with it."""
    stale = built / "eli" / "gone" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("a page of a document since removed", encoding="utf-8")
    marker = built / MARKER
    marker.write_text(marker.read_text(encoding="utf-8") + "eli/gone/index.html\n", "utf-8")
    ingest(home, "yunnan-measures.txt")
    site(home, built)
    assert not stale.exists() and not stale.parent.exists()
    assert_same_as_whole(home, built, tmp_path)


# The site command updating a site in place, killed (SIGKILL) once half the files it writes
# are written: the kill comes at a known point, never by chance.
KILLED_HALF_WAY = """
import os, sys
import policygraph.render.site.html as html
real = html.write_changed
def half(files):
    files = dict(files)
    if len(files) > 20:
        real(dict(list(files.items())[: len(files) // 2]))
        os.kill(os.getpid(), 9)
    real(files)
html.write_changed = half
from policygraph.cli.app import main
sys.argv = ["policygraph", "site", "-o", sys.argv[1], "--home", sys.argv[2]]
main()
"""


def test_a_site_killed_half_way_is_not_up_to_date_and_the_next_run_makes_it_right(
    home: Path, built: Path, tmp_path: Path
) -> None:
    ingest(home, "yunnan-measures.txt")
    env = {**os.environ, "POLICYGRAPH_ENDPOINT": ""}
    died = subprocess.run(
        [sys.executable, "-c", KILLED_HALF_WAY, str(built), str(home)],
        capture_output=True,
        env=env,
    )
    assert died.returncode == -9, died.stderr
    part = next(iter(built.rglob("*.html")))
    (part.parent / f".{part.name}.policygraph-part").write_bytes(b"half")  # as a kill leaves
    said = site(home, built)
    assert "up to date" not in said
    assert not list(built.rglob("*.policygraph-part"))
    assert_same_as_whole(home, built, tmp_path)


def test_a_second_site_into_the_same_folder_waits_for_the_first(
    home: Path, built: Path, tmp_path: Path
) -> None:
    """While one run writes a site in place, another into the same folder writes nothing (not
    even the flag saying the site is being written) until the first is done; then it makes the
    whole site's files."""
    import fcntl
    import hashlib
    import threading
    import time

    name = hashlib.sha256(str(built.resolve()).encode()).hexdigest()[:32]
    cache = Path(os.environ["POLICYGRAPH_CACHE"])
    [lock_path] = cache.rglob(f"{name}.lock")
    ingest(home, "yunnan-measures.txt")
    seen = {p: p.stat().st_mtime_ns for p in lock_path.parent.glob(f"{name}*")}
    said: list[str] = []
    with open(lock_path, "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a first run holds it
        other = threading.Thread(target=lambda: said.append(site(home, built)))
        other.start()
        time.sleep(3)  # ample for the second run to reach its first write, were it not waiting
        now = {p: p.stat().st_mtime_ns for p in lock_path.parent.glob(f"{name}*")}
        assert other.is_alive() and now == seen
        fcntl.flock(held, fcntl.LOCK_UN)
    other.join(timeout=900)
    assert not other.is_alive() and said
    assert_same_as_whole(home, built, tmp_path)
