"""Guard rails of the code's house (issue 11): short functions, the floors, the installed entry
point, and the wheel that works anywhere."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO

SRC = REPO / "src" / "policygraph"
MAX_LINES = 60


def long_functions(root: Path, limit: int = MAX_LINES) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - first + 1
                if length > limit:
                    out.append(
                        f"{path.relative_to(root.parent)}:{node.lineno} {node.name} ({length})"
                    )
    return out


def test_no_function_is_longer_than_60_lines() -> None:
    assert long_functions(SRC) == []


def test_the_length_check_can_fail(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    (tmp_path / "m.py").write_text(f"def f() -> None:\n{body}\n", encoding="utf-8")
    assert long_functions(tmp_path) == [f"{tmp_path.name}/m.py:1 f ({MAX_LINES + 1})"]


# --- the installed entry point, and the wheel ------------------------------------------------


def entry_point() -> str:
    found = Path(sys.executable).parent / "policygraph"
    if not found.exists():
        pytest.skip("the policygraph entry point is not installed beside this Python")
    return str(found)


def test_entry_point_runs_and_maps_errors_to_exit_codes(tmp_path: Path) -> None:
    run = [entry_point()]
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYGRAPH")}
    version = subprocess.run([*run, "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("policygraph ")
    csv = subprocess.run([*run, "tasks", "-f", "csv"], capture_output=True, env=env, cwd=tmp_path)
    assert csv.returncode == 0 and csv.stdout.startswith("\ufeff文件,序号,条目".encode())
    bad = subprocess.run(
        [*run, "tasks", "--dept", "没有这个单位"], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    usage = subprocess.run([*run, "tasks", "-f", "pdf"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and usage.stderr.startswith("Error: ") and "pdf" in usage.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed into a fresh venv (its dependencies taken
    from this environment's site-packages, so that no download is needed)."""
    pytest.importorskip("hatchling")
    work = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(work),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = work.glob("policygraph-*.whl")
    target = work / "venv"
    venv.create(target, with_pip=False)
    site = next(target.glob("lib/python*/site-packages"))
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site / "borrowed-dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    return target


def run_installed(venv_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYGRAPH")}
    env.pop("PYTHONPATH", None)
    python = venv_dir / "bin" / "python"
    code = "import sys; from policygraph.cli.app import main; sys.argv[0] = 'policygraph'; main()"
    return subprocess.run(
        [str(python), "-c", code, *args], capture_output=True, text=True, env=env, cwd=cwd
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--version"], "policygraph "),
        (["summary"], "桂政办发〔2021〕81号"),
        (["validate"], "Passes (no violation): 0 violation(s)"),
        (["tasks"], "任务分工表"),
        (["chain", "gx:11"], "加速产业集聚发展"),
        (["query", "corpus-totals", "-f", "csv"], "documents"),
    ],
)
def test_the_wheel_works_anywhere(
    installed: Path, tmp_path: Path, args: list[str], expected: str
) -> None:
    result = run_installed(installed, tmp_path, *args)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_the_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYGRAPH")}
    code = "import policygraph.corpus as c; k = c.Corpus.locate(); print(k.origin, k.root)"
    out = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    origin, root = out.stdout.split()
    assert origin == "bundled" and str(installed) in root


def test_ingest_refuses_the_installed_corpus(installed: Path, tmp_path: Path) -> None:
    sample = REPO / "tests" / "fixtures" / "ingest" / "yunnan-measures.txt"
    result = run_installed(installed, tmp_path, "ingest", str(sample), "--jurisdiction", "cn-yn")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and "--home" in result.stderr


def test_the_architecture_page_names_every_room_and_module() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        room = path.relative_to(SRC).parts[0].removesuffix(".py")
        if f"`{room}" not in page or (
            len(path.relative_to(SRC).parts) > 1
            and f"`{path.stem}`" not in page
            and f"{path.stem}" not in page
        ):
            missing.append(str(path.relative_to(SRC)))
    assert missing == [], "docs/architecture.md does not say what these are for"


def test_the_python_api_takes_a_corpus_or_a_plain_path() -> None:
    from policygraph import Corpus, open_store

    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    counts = {
        int(str(open_store(home, endpoint="").select(query).rows[0][0]))
        for home in (REPO, str(REPO), Corpus.locate(REPO))
    }
    assert len(counts) == 1 and counts.pop() > 5000


def test_a_path_that_is_no_corpus_is_an_input_error(tmp_path: Path) -> None:
    from policygraph import Corpus
    from policygraph.errors import InputError

    with pytest.raises(InputError, match="is not a policygraph corpus home"):
        Corpus.locate(tmp_path)


def test_the_wheel_builds_the_site_and_exports(installed: Path, tmp_path: Path) -> None:
    site = run_installed(installed, tmp_path, "site", "-o", "site")
    assert site.returncode == 0, site.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "static" / "site.css").is_file()
    export = run_installed(installed, tmp_path, "export", "-o", "all.nq")
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "all.nq").stat().st_size > 100_000
