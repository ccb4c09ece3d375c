"""Chinese first (issue 25): the language is chosen by --lang, POLICYGRAPH_LANG, then the locale;
every help text and click's own words speak it, from one catalogue that is whole; errors carry
codes and parameters, the library names no flag (the CLI adds it); machine formats do not
change with the language."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from conftest import REPO
from typer.testing import CliRunner

from policygraph import i18n
from policygraph.cli.app import app
from policygraph.errors import InputError

runner = CliRunner()
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}
C = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    i18n.use("en")  # each test leaves the process speaking English


@pytest.mark.parametrize(
    ("given", "environ", "lang"),
    [
        (None, {}, "en"),
        (None, {"LANG": "C"}, "en"),
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL first
        (None, {"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "C"}, "zh"),
        (None, {"POLICYGRAPH_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ("zh", {"POLICYGRAPH_LANG": "en"}, "zh"),  # --lang first
        ("zh-CN", {}, "zh"),
    ],
)
def test_the_language_is_chosen_in_order(
    given: str | None, environ: dict[str, str], lang: str
) -> None:
    assert i18n.resolve(given, "--lang", environ) == lang


def test_a_language_it_does_not_speak_is_an_error_not_a_guess() -> None:
    with pytest.raises(InputError, match="fr"):
        i18n.resolve(None, "", {"POLICYGRAPH_LANG": "fr"})
    result = runner.invoke(app, ["--lang", "fr", "summary"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --lang=fr:") and result.stderr.count("\n") == 1


def test_the_catalogue_is_whole_and_compiled() -> None:
    """Every msgid (marked strings, the help of every command and option, click's words) has a
    Chinese translation keeping its {fields}, and the .mo is the compiled .po."""
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "messages.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        po = REPO / "src/policygraph/locale/zh_CN/LC_MESSAGES/policygraph.po"
        checked = subprocess.run(
            [msgfmt, "--check", "-o", "/dev/null", str(po)], capture_output=True
        )
        assert checked.returncode == 0, checked.stderr


def command_paths() -> list[list[str]]:
    found: list[list[str]] = [[]]

    def walk(command: object, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


# What is not an English sentence in a Chinese help text: flags, metavars, command lines,
# paths, URLs, names of formats and variables.
CODE = re.compile(
    r"`[^`]*`|https?://\S+|\S*[/\\.=@<>:_]\S*|--?[\w-]+|\b[A-Z][A-Z0-9_]+\b|\[[^\]]*\]"
)
ENGLISH = re.compile(r"[A-Za-z]+(?:[ ,'’-]+[A-Za-z]+){3,}")  # four English words in a row


def english_sentences(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        if line.strip().startswith("policygraph"):  # an example command line
            continue
        found += ENGLISH.findall(CODE.sub(" ", line))
    return found


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "policygraph")
def test_every_help_speaks_chinese(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env=ZH)
    assert result.exit_code == 0, result.output
    assert "用法：" in result.stdout
    assert english_sentences(result.stdout) == [], result.stdout
    english = runner.invoke(app, [*path, "--help"], env=C)
    assert "Usage:" in english.stdout and "用法" not in english.stdout


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (["tasks", "--nope"], "没有"),
        (["tasks", "--names", "x"], "--names"),
        (["validate", "--engine", "x"], "--engine"),
        (["tasks", "-f", "table", "-o", "x.txt"], "--format"),
        (["--lang"], "zh"),
    ],
)
def test_errors_speak_chinese_with_the_flag_to_use(args: list[str], chinese: str) -> None:
    result = runner.invoke(app, args, env=ZH)
    assert result.exit_code == 2
    assert result.stderr.startswith("错误：") and chinese in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert english_sentences(result.stderr) == [], result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["summary", "-f", "json"],
        ["tasks", "-f", "csv"],
        ["depts", "-f", "json"],
        ["queries", "-f", "csv"],
    ],
)
def test_machine_formats_are_the_same_in_both_languages(args: list[str]) -> None:
    zh = runner.invoke(app, args, env=ZH)
    en = runner.invoke(app, args, env=C)
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout_bytes == en.stdout_bytes


def library_nodes() -> list[tuple[str, ast.AST]]:
    """Every syntax node of the library below the CLI, with where it is (``module.py:line``)."""
    package = REPO / "src" / "policygraph"
    out = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).parts[0] != "cli":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            out += [
                (f"{path.relative_to(package)}:{getattr(node, 'lineno', 0)}", node)
                for node in ast.walk(tree)
            ]
    return out


def test_the_library_names_no_flag() -> None:
    """Below the CLI, no error message names a flag: the boundary adds it (cli/app.py HINTS)."""
    found = [
        where
        for where, node in library_nodes()
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and any(
            isinstance(text, ast.Constant)
            and isinstance(text.value, str)
            and re.search(r"(?<![\w-])--[a-z]", text.value)
            for text in ast.walk(node.exc)
        )
    ]
    assert found == []


README_ZH = REPO / "README.zh-CN.md"


def readme_commands() -> list[list[str]]:
    import shlex

    text = README_ZH.read_text(encoding="utf-8")
    lines = [
        line.split("#", 1)[0].strip()
        for block in re.findall(r"```sh\n(.*?)```", text, re.S)
        for line in block.splitlines()
    ]
    return [shlex.split(line)[1:] for line in lines if line.startswith("policygraph ")]


def test_the_chinese_readme_says_the_two_commands_and_its_commands_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README.zh-CN.md: the two set-up commands, and every policygraph command it shows runs, in
    order, on a copy of the corpus (the forms it writes are the ones it imports); its example
    error is the one the tool prints."""
    from conftest import copy_home

    text = README_ZH.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    home = copy_home(tmp_path / "home")
    monkeypatch.chdir(tmp_path)
    commands = readme_commands()
    assert len(commands) >= 10
    for args in commands:
        result = runner.invoke(app, args, env={**ZH, "POLICYGRAPH_HOME": str(home.root)})
        assert result.exit_code == 0, (args, result.output)
    said = runner.invoke(app, ["tasks", "--names", "x"], env=ZH).stderr.strip()
    assert f"```\n{said}\n```" in text


def test_validate_speaks_chinese_from_the_shapes_own_messages() -> None:
    """The report's words from the catalogue, each rule's label and each result's message from
    the shapes' @zh literals; -f json is the same in both languages (English messages, with the
    Chinese beside them)."""
    import json

    zh = runner.invoke(app, ["validate"], env=ZH)
    en = runner.invoke(app, ["validate"], env=C)
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout.startswith("通过（无违反约束）") and "== 警告 ==" in zh.stdout
    assert "-- 来源中所写的日期无法读作日期 (4)" in zh.stdout
    assert "a date written in a source cannot be read as a date" in en.stdout
    assert "a date written in a source cannot be read as a date" not in zh.stdout
    assert "既是牵头单位" in zh.stdout and "is both lead" in en.stdout
    as_json = runner.invoke(app, ["validate", "-f", "json"], env=ZH)
    assert as_json.stdout == runner.invoke(app, ["validate", "-f", "json"], env=C).stdout
    results = json.loads(as_json.stdout)
    assert all(r["message_zh"] for r in results)  # every shape of the corpus says it in Chinese


ERRORS = {
    "PolicyGraphError",
    "InputError",
    "SourceError",
    "ExtractionError",
    "UnknownDepartmentError",
    "GraphSyntaxError",
    "ShapesError",
    "QueryError",
    "EndpointError",
}


def test_every_error_of_the_library_is_a_template_in_the_catalogue() -> None:
    """Below the CLI, an error's message is a marked template (``N_("… {field} …")`` with its
    parameters), never a finished English sentence (an f-string or a plain string): only then
    can the catalogue say it in Chinese."""
    found = [
        where
        for where, node in library_nodes()
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ERRORS
        and node.args
        and (
            isinstance(node.args[0], ast.JoinedStr)
            or (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str))
        )
    ]
    assert found == []


def test_the_systems_reason_speaks_chinese_too() -> None:
    """An error that carries the operating system's reason (``strerror``) ends in Chinese, not
    in glibc's English; every reason listed is in the catalogue."""
    result = runner.invoke(app, ["query", "/nonexistent/q.rq"], env=ZH)
    assert result.exit_code == 2
    assert "没有那个文件或目录" in result.stderr and "No such file" not in result.stderr
    english = runner.invoke(app, ["query", "/nonexistent/q.rq"], env=C)
    assert "No such file or directory" in english.stderr
    i18n.use("zh")
    assert all(i18n._(reason) != reason for reason in i18n.OS_REASONS)


@pytest.mark.parametrize("fmt", ["tree", "md"])
def test_the_chain_speaks_chinese_with_the_curators_chinese_basis(fmt: str) -> None:
    """Levels by the ontology's Chinese names, the link's kind and proposer in words, and each
    judged link's basis as the curator wrote it in Chinese (pg:basis @zh)."""
    zh = runner.invoke(app, ["chain", "lz:1", "-f", fmt], env=ZH)
    assert zh.exit_code == 0, zh.output
    assert "研判" in zh.stdout and "主题相同" in zh.stdout
    if fmt == "tree":
        assert "落实链条" in zh.stdout and "[国家级]" in zh.stdout
    assert re.findall(r"[A-Za-z]+(?: [A-Za-z]+){2,}", zh.stdout) == [], zh.stdout
    en = runner.invoke(app, ["chain", "lz:1", "-f", fmt], env=C)
    assert "judged link" in en.stdout and "same subject" in en.stdout
