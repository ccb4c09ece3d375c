"""Faults catalogue (issue 27, items 3 and 11): curated stays curated, and races and kills leave
nothing behind. Ingest never rewrites a file of its own that was edited by hand (the SHA-256 it
recorded says so) and keeps the links accepted at an earlier ingest unless told to drop them;
concurrent imports of one form store it once; a killed `progress import` or `site` leaves
nothing the next run does not remove."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, copy_home
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.ingest.files import STAMP

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
YUNNAN = FIX / "yunnan-measures.txt"
INGESTED = "data/ttl/ingested-cn-yn-2022-12.ttl"
METADATA = "data/sources/cn-yn-2022-12.ttl"
runner = CliRunner()


def ingest(home: Corpus, *more: str) -> Result:
    args = ["ingest", str(YUNNAN), "--jurisdiction", "cn-yn", "--home", str(home.root), *more]
    return runner.invoke(app, args)


def links_in(home: Corpus) -> int:
    return int(home.path(INGESTED).read_text(encoding="utf-8").count("/implements/suggested-"))


# --- item 3: curated stays curated ------------------------------------------------------------


def test_an_edited_file_of_ingest_is_never_rewritten(tmp_home: Corpus) -> None:
    assert ingest(tmp_home).exit_code == 0
    for rel in (INGESTED, METADATA):
        path = tmp_home.path(rel)
        pristine = path.read_bytes()
        edited = pristine + b"# checked by hand\n"
        path.write_bytes(edited)
        again = ingest(tmp_home)
        assert again.exit_code == 2, again.stdout
        err = again.stderr.strip()
        assert err.count("\n") == 0 and err.startswith("Error: ")
        assert f"{rel} was edited by hand" in err
        assert path.read_bytes() == edited  # the curator's edit is there, whole
        path.write_bytes(pristine)
    assert ingest(tmp_home).exit_code == 0


def test_a_reingest_keeps_the_links_accepted_before_unless_told(tmp_home: Corpus) -> None:
    first = ingest(tmp_home, "--accept-links", "margin=0.3")
    assert first.exit_code == 0, first.output
    accepted = links_in(tmp_home)
    assert accepted > 0
    again = ingest(tmp_home)  # no rule given this time: the links stay
    assert again.exit_code == 0, again.output
    assert "link accepted before, kept" in again.stdout
    assert "unchanged" in again.stdout
    assert links_in(tmp_home) == accepted
    dropped = ingest(tmp_home, "--drop-links")
    assert dropped.exit_code == 0, dropped.output
    assert links_in(tmp_home) == 0


def test_a_file_written_before_the_digest_was_recorded(tmp_home: Corpus) -> None:
    assert ingest(tmp_home).exit_code == 0
    path = tmp_home.path(INGESTED)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(STAMP)
    turtle = text[text.index("@prefix") :]
    earlier = (
        "# Added by `policygraph ingest` from 云政办发〔2022〕12号: a curated file from now on.\n\n"
    )
    path.write_text(earlier + turtle, encoding="utf-8")  # as the version before wrote it
    again = ingest(tmp_home)
    assert again.exit_code == 0, again.output
    assert path.read_text(encoding="utf-8") == text  # the machine's: written again, recorded
    changed = earlier + turtle.replace("merge with the full official name", "merged by hand")
    path.write_text(changed, encoding="utf-8")
    refused = ingest(tmp_home)
    assert refused.exit_code == 2 and "holds no record of what ingest wrote" in refused.stderr
    assert path.read_text(encoding="utf-8") == changed


# --- item 11: races and kills -----------------------------------------------------------------

QJ = "曲政办发〔2023〕8号"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A corpus with the Qujing plan (and the Yunnan measures it implements)."""
    home = copy_home(tmp_path_factory.mktemp("races") / "home")
    for name in ("yunnan-measures.txt", "qujing-plan.txt"):
        done = runner.invoke(app, ["ingest", str(FIX / name), "--home", str(home.root)])
        assert done.exit_code == 0, done.output
    return home


@pytest.fixture
def filled(plan: Corpus, tmp_path: Path) -> tuple[Corpus, Path]:
    """A fresh copy of the corpus, and a return form of it filled in by a department."""
    home = copy_home(tmp_path / "home", plan.root)
    out = tmp_path / "财政局.xlsx"
    args = ["tasks", "--doc", QJ, "--return-form", "--dept", "曲靖市财政局", "-o", str(out)]
    done = runner.invoke(app, [*args, "--home", str(home.root)])
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    headers = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(row=3, column=headers["完成状态"], value="推进中")
    wb.save(out)
    return home, out


def kept(home: Corpus) -> list[str]:
    """What imports left: the reports, the files kept, and any hidden file beside them."""
    returns = home.root / "data" / "returns"
    found = [p for p in home.ttl.iterdir() if p.name.startswith((".progress", "progress-"))]
    found += list(returns.iterdir()) if returns.is_dir() else []
    return sorted(p.name for p in found)


def test_a_form_stored_meanwhile_is_not_stored_again(filled: tuple[Corpus, Path]) -> None:
    from policygraph.ingest import returns
    from policygraph.store import open_store

    home, form = filled
    readings, skipped = returns.read_new(home, open_store(home), [form])
    assert len(readings) == 1 and not skipped  # read before the other import stored it
    other = runner.invoke(app, ["progress", "import", str(form), "--home", str(home.root)])
    assert other.exit_code == 0 and "from 1 file(s)" in other.stdout, other.output
    before = kept(home)
    late = [(r, returns.files(home, r, dt.date(2024, 7, 1))) for r in readings]
    assert returns.store_readings(home, late) == []  # checked again under the lock
    assert kept(home) == before


def test_five_concurrent_imports_of_one_form_store_it_once(filled: tuple[Corpus, Path]) -> None:
    home, form = filled
    command = [sys.executable, "-m", "policygraph", "progress", "import", str(form)]
    runs = [
        subprocess.Popen(
            [*command, "--home", str(home.root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(5)
    ]
    said = [(r.wait(), *r.communicate()) for r in runs]
    stored = [out for code, out, _ in said if code == 0 and "from 1 file(s)" in out]
    assert len(stored) == 1, said
    for code, _out, err in said:
        assert code == 0 or (code == 2 and "another policygraph command is writing" in err), err
    assert len(kept(home)) == 2  # one report file, one kept copy


def test_an_import_that_read_before_another_stored_stores_nothing(
    filled: tuple[Corpus, Path],
) -> None:
    """The race itself, without timing: two imports both read the form while it was not yet
    stored (the check before the lock passes for both); the first stores it, and the second,
    once it holds the lock, finds it stored and writes nothing (the check under the lock)."""
    import datetime as dt

    from policygraph.ingest import returns
    from policygraph.store import open_store

    home, form = filled
    day = dt.date(2024, 6, 20)
    first, _ = returns.read_new(home, open_store(home), [form])
    second, _ = returns.read_new(home, open_store(home), [form])
    assert len(first) == len(second) == 1  # neither sees it stored
    stored = returns.store_readings(home, [(r, returns.files(home, r, day)) for r in first])
    assert len(stored) == 1
    after_first = kept(home)
    again = returns.store_readings(home, [(r, returns.files(home, r, day)) for r in second])
    assert again == [] and kept(home) == after_first


KILLED_AT_THE_KEPT_COPY = (
    "import os, sys\n"
    "real = os.replace\n"
    "def replace(src, dst, *args, **kw):\n"
    "    real(src, dst, *args, **kw)\n"
    "    if os.sep + 'returns' + os.sep in str(dst):\n"
    "        os.kill(os.getpid(), 9)\n"
    "os.replace = replace\n"
    "from policygraph.cli.app import main\n"
    "sys.argv = ['policygraph', 'progress', 'import', sys.argv[1], '--home', sys.argv[2]]\n"
    "main()\n"
)


def test_a_killed_import_leaves_nothing_the_next_run_keeps(filled: tuple[Corpus, Path]) -> None:
    home, form = filled
    died = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_KEPT_COPY, str(form), str(home.root)],
        capture_output=True,
    )
    assert died.returncode == -9, died.stderr
    left = kept(home)
    assert any(n.startswith(".progress-") for n in left) and len(left) == 2  # half written
    writer = runner.invoke(app, ["build", "-q", "--home", str(home.root)])  # the next writer
    assert writer.exit_code == 0, writer.output
    assert kept(home) == []
    again = runner.invoke(app, ["progress", "import", str(form), "--home", str(home.root)])
    assert again.exit_code == 0 and "from 1 file(s)" in again.stdout, again.output
    now = kept(home)
    assert len(now) == 2 and not any(n.startswith(".") for n in now), now


# The site command, made to stop for good once every page is staged and before the site is put
# in place (at the copy of its static files): the kill comes at a known point, never by chance.
STOPPED_SITE = """
import shutil, sys, time, types
from pathlib import Path
import policygraph.render.site.html as site
marker, out, home = sys.argv[1:4]
def stop(*args, **kwargs):
    Path(marker).write_text("staged")
    time.sleep(600)
site.shutil = types.SimpleNamespace(**{**vars(shutil), "copytree": stop})
from policygraph.cli.app import main
sys.argv = ["policygraph", "site", "-o", out, "--home", home]
main()
"""


def test_a_killed_site_leaves_no_staging_folder(tmp_path: Path) -> None:
    out, marker = tmp_path / "site", tmp_path.parent / f"{tmp_path.name}.staged"
    env = {**os.environ, "POLICYGRAPH_CACHE": "off", "POLICYGRAPH_ENDPOINT": ""}
    command = [sys.executable, "-c", STOPPED_SITE, str(marker), str(out), str(REPO)]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None and not marker.exists():
        time.sleep(0.05)
    assert marker.exists(), f"the site never reached its staging: {run.poll()}"
    os.kill(run.pid, signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL
    assert any(p.name.startswith(".site.") for p in tmp_path.iterdir())  # what the kill left
    done = runner.invoke(app, ["site", "-o", str(out), "--home", str(REPO)], env=env)
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
