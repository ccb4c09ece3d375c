"""Chinese first, the command line itself (issue 25): what the commands print of their own (the
plan `ingest` reads, a batch's progress and verdicts, the summaries of `site`, `suggest-links`,
`export`, `extract`, `query`, the `queries` catalogue) and the errors the CLI raises itself,
usage errors at the root among them, speak Chinese under LANG=zh_CN.UTF-8 and English under
LANG=C; machine formats (report files, -f json/csv, Turtle) are the same bytes in both."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from test_i18n import ZH, C, english_sentences
from typer.testing import CliRunner

from policygraph import i18n
from policygraph.cli.app import app
from policygraph.corpus import Corpus

runner = CliRunner()
GENRE = Path(__file__).resolve().parent / "genre" / "gov-cn"
PAGES = sorted(GENRE.glob("*.html"))

# Short English phrases the command line used to print under Chinese: each is caught even where
# english_sentences (four words in a row) would let it pass.
PHRASES = [
    "not in the corpus",
    "nothing written",
    "would write",
    "Dry run",
    "inferred from the issuer",
    "short name",
    "departments known",
    "new department",
    "in no register",
    "restarting in each part",
    "could not read",
    "with departments",
    "numbering",
    "amounts",
    "issuer:",
    "kind:",
    "level:",
    "files/s",
    "added",
    "refused",
    "unchanged",
    "reason / warnings",
    "file(s)",
    "Wrote",
    "pages",
    "curated links",
    "precision",
    "recall",
    "row(s)",
    "Try '",
    "for help",
    "Usage",
    "No such option",
    "must be",
    "not both",
    "go together",
    "at least",
    "no measures",
    "takes a date",
    "describe one document",
    "give one file",
    "Error:",
    "national",
    "notice",
]


# Names of formats, as a list of the values an option takes: not English words
FORMAT_NAMES = re.compile(r"\b(ttl|nt|nq|trig|jsonld|csv|tsv|md|json|html|xlsx|docx|table)\b")


def untranslated(text: str) -> list[str]:
    """English sentences, and the short phrases this command line used to print in English."""
    found = english_sentences(FORMAT_NAMES.sub(" ", text))
    found += [p for p in PHRASES if re.search(rf"(?<![\w/.-]){re.escape(p)}", text)]
    return found


def run(env: dict[str, str], args: list[str], **kwargs: Any) -> Any:
    return runner.invoke(app, args, env=env, **kwargs)


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use("en")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A copy of the corpus home: nothing these tests run writes into it but `ingest`."""
    return copy_home(tmp_path_factory.mktemp("cli") / "home")


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_ingest_dry_run_of_every_real_page_speaks_the_language(home: Corpus, page: Path) -> None:
    args = ["ingest", str(page), "--dry-run", "--home", str(home.root)]
    zh, en = run(ZH, args), run(C, args)
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    assert untranslated(zh.stdout) == [], zh.stdout
    assert "试运行：将写入" in zh.stdout and "层级：国家" in zh.stdout  # the ontology's label
    assert "文种：" in zh.stdout and "（由发文机关推断）" in zh.stdout
    assert "Dry run: would write" in en.stdout and "level: national" in en.stdout
    assert "(inferred from the issuer)" in en.stdout and not re.search("试运行|层级：", en.stdout)


def test_what_ingest_could_not_read_is_said_with_the_option_to_give(
    home: Corpus, tmp_path: Path
) -> None:
    """A note of ingest (a template, a code, parameters) in the language, with its flag."""
    page = tmp_path / "措施.txt"
    page.write_text("一、总体要求\n（一）加强领导。（省科技厅牵头）\n", encoding="utf-8")
    args = ["ingest", str(page), "--dry-run", "--jurisdiction", "cn-yn", "--level", "region"]
    args += ["--home", str(home.root)]
    zh, en = run(ZH, args), run(C, args)
    assert zh.exit_code == en.exit_code == 0, zh.output + en.output
    assert "未能读出：标题（请使用 --title）" in zh.stdout, zh.stdout
    assert "从标题判断的文种（请使用 --kind）" not in zh.stdout or "文种：其他" in zh.stdout
    assert untranslated(zh.stdout) == [], zh.stdout
    assert "could not read: the title (use --title)" in en.stdout


def batch(env: dict[str, str], where: Path) -> tuple[Any, bytes, bytes]:
    """A batch of one real page, an empty file and a text of no numbered items, on a copy of
    the corpus: its output and its report files."""
    crawl = where / "crawl"
    crawl.mkdir(parents=True)
    shutil.copy(PAGES[0], crawl / PAGES[0].name)
    (crawl / "empty.txt").write_bytes(b"")
    (crawl / "notes.txt").write_text("没有编号的文字。\n", encoding="utf-8")
    copied = copy_home(where / "home")
    reports = []
    for suffix in ("csv", "json"):
        out = where / f"report.{suffix}"
        args = ["ingest", str(crawl), "--jobs", "1", "--report", str(out)]
        result = run(env, [*args, "--home", str(copied.root)])
        reports.append(out.read_bytes().replace(str(where).encode(), b"WHERE"))
    return result, reports[0], reports[1]


def test_a_batch_speaks_the_language_and_its_report_files_do_not(tmp_path: Path) -> None:
    zh, zh_csv, zh_json = batch(ZH, tmp_path / "zh")
    en, en_csv, en_json = batch(C, tmp_path / "en")
    assert zh.exit_code == en.exit_code == 1, zh.output + en.output
    assert (zh_csv, zh_json) == (en_csv, en_json)  # machine formats: English, the same bytes
    assert b"refused" in zh_csv and b"status" in zh_csv
    assert "共 3 个文件" in zh.stdout and "已拒绝 2 个" in zh.stdout and "结果" in zh.stdout
    assert untranslated(zh.stdout) == [], zh.stdout
    assert "已写入" in zh.stderr and "已读取" in zh.stderr and "已规划" in zh.stderr
    assert "of 3 file(s)." in en.stdout and "refused" in en.stdout and "Wrote" in en.stderr


def both(args: list[str], **kwargs: Any) -> tuple[Any, Any]:
    zh, en = run(ZH, args, **kwargs), run(C, args, **kwargs)
    assert zh.exit_code == en.exit_code == 0, (args, zh.output, en.output)
    return zh, en


def test_summaries_speak_the_language(home: Corpus, tmp_path: Path) -> None:
    at = ["--home", str(home.root)]
    zh, en = both(["suggest-links", "--from", "gx", "--to", "cn", "--top", "1", "--evaluate", *at])
    assert "建议的落实关联" in zh.stdout and "suggested links" in en.stdout  # the sheet's title
    assert "首选建议与" in zh.stderr and "精确率" in zh.stderr and untranslated(zh.stderr) == []
    assert "curated links: precision" in en.stderr
    zh, en = both(["site", "-o", str(tmp_path / "site"), *at])
    assert zh.stderr.startswith("网站已写入") or "已是最新" in zh.stderr, zh.stderr
    assert "请用浏览器打开" in zh.stderr and untranslated(zh.stderr) == [], zh.stderr
    assert "Open " in en.stderr and "in a browser." in en.stderr
    zh, en = both(["query", "corpus-totals", *at])
    assert "来自 内嵌存储 的 1 行" in zh.stdout and "1 row(s) from embedded" in en.stdout
    zh, en = both(["depts", "--network", *at])
    assert "个部门" in zh.stdout and "度中心度" in zh.stdout and untranslated(zh.stdout) == []
    assert "Degree centrality" in en.stdout


def test_the_query_catalogue_speaks_chinese_and_its_machine_formats_do_not(home: Corpus) -> None:
    zh, en = both(["queries", "--home", str(home.root)])
    assert "文件之间的引用网络" in zh.stdout and "The citation network" in en.stdout
    assert "部门，例如" in zh.stdout  # a parameter's description
    assert "文件之间的引用网络" not in en.stdout
    for fmt in ("json", "csv"):
        zh, en = both(["queries", "-f", fmt, "--home", str(home.root)])
        assert zh.stdout_bytes == en.stdout_bytes and "The citation network" in zh.stdout


def test_every_query_has_its_chinese_title_and_description(home: Corpus) -> None:
    from policygraph.store.sparql import list_queries

    for q in list_queries(home.queries):
        assert q.title_zh and q.description_zh, q.name
        assert all(p.description_zh for p in q.params), q.name
        said = q.said("zh")
        assert said.title == q.title_zh and said.text == q.text  # the SPARQL is the same
        assert q.said("en") == q


@pytest.mark.parametrize(
    "args",
    [
        ["extract", str(PAGES[1])],
        ["suggest-links", "--from", "gx", "--to", "cn", "-f", "json"],
        ["chain", "gx:11", "-f", "json"],
        ["query", "corpus-totals", "-f", "csv"],
        ["query", "corpus-totals", "-f", "sparql-json"],
    ],
)
def test_machine_formats_are_the_same_bytes_in_both_languages(
    home: Corpus, args: list[str]
) -> None:
    zh, en = both([*args, "--home", str(home.root)])
    assert zh.stdout_bytes == en.stdout_bytes and zh.stdout_bytes


def test_a_file_written_is_said_in_the_language(home: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "yunnan.ttl"
    zh, en = both(["extract", str(PAGES[1]), "-o", str(out), "--home", str(home.root)])
    assert zh.stderr.startswith("已写入") and en.stderr.startswith("Wrote")


ERRORS: list[tuple[list[str], str]] = [
    (["--nope", "summary"], "没有这个选项"),  # at the root: one line, as under a command
    (["--home", "/nonexistent-home", "summary"], "不是 policygraph 语料库目录"),
    (["tasks", "--by", "x"], "--by 须为 measure, department 之一"),
    (["progress", "--by", "x"], "--by 须为 task, department 之一"),
    (["progress", "--as-of", "x"], "--as-of 须为日期"),
    (["suggest-links", "--from", "gx", "--to", "cn", "--top", "0"], "--top 至少为 1"),
    (["suggest-links", "--from", "lz-interpretation", "--to", "gx"], "没有可关联的措施"),
    (["ingest", str(PAGES[0]), str(PAGES[1]), "--title", "x"], "--title 描述的是单个文件"),
    (["ingest", str(PAGES[0]), str(PAGES[1]), "--dry-run"], "--dry-run 只显示单个文件"),
    (["ingest", str(PAGES[0]), "--report", "x.txt"], "--report 只能写入"),
    (["validate", "--data", "x.ttl"], "--data 和 --shapes 须同时给出"),
    (["load"], "请给出 --endpoint"),
    (["load", "--endpoint", "http://x", "--graph", "g", "--default-graph"], "只能给出其一"),
    (["query", "corpus-totals", "-f", "ttl"], "SELECT 查询的结果是数据行"),
    (["query", "-", "-f", "csv"], "CONSTRUCT 或 DESCRIBE 查询的结果是图"),
]


@pytest.mark.parametrize(("args", "said"), ERRORS, ids=[" ".join(a[:3]) for a, _ in ERRORS])
def test_the_errors_of_the_command_line_speak_the_language(
    home: Corpus, args: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("POLICYGRAPH_ENDPOINT", raising=False)
    given = args if args[0] == "--home" else [*args, "--home", str(home.root)]
    stdin = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    zh, en = run(ZH, given, input=stdin), run(C, given, input=stdin)
    assert zh.exit_code == en.exit_code == 2, zh.output
    assert zh.stderr.startswith("错误：") and said in zh.stderr, zh.stderr
    assert zh.stderr.count("\n") == 1 and untranslated(zh.stderr) == [], zh.stderr
    assert en.stderr.startswith("Error: ") and en.stderr.count("\n") == 1, en.stderr
    assert not re.search("[\u4e00-\u9fff]", en.stderr.replace(str(PAGES[0]), "")), en.stderr


def test_a_binary_format_to_a_terminal_is_refused_in_the_language(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("policygraph.cli.options.is_terminal", lambda: True)
    args = ["summary", "-f", "xlsx", "--home", str(home.root)]
    zh, en = run(ZH, args), run(C, args)
    assert zh.exit_code == en.exit_code == 2
    assert "是二进制文件格式" in zh.stderr and untranslated(zh.stderr) == [], zh.stderr
    assert "is a binary file format: give -o FILE" in en.stderr


def test_a_root_home_is_every_command_s_home(tmp_home: Corpus) -> None:
    """`policygraph --home DIR COMMAND` as the README shows it: DIR for the command (as
    POLICYGRAPH_HOME), a command's own --home first; the environment is left as it was."""
    import os

    before = os.environ.get("POLICYGRAPH_HOME")
    (tmp_home.queries / "only-here.rq").write_text(
        "# title: Only in this home\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8"
    )
    at_root = run(C, ["--home", str(tmp_home.root), "queries", "-f", "csv"])
    assert at_root.exit_code == 0 and "only-here" in at_root.stdout, at_root.output
    assert "only-here" not in run(C, ["queries", "-f", "csv"]).stdout
    bad = run(C, ["--home", "/nonexistent-home", "queries", "--home", str(tmp_home.root)])
    assert bad.exit_code == 0 and "only-here" in bad.stdout, bad.output  # its own comes first
    assert os.environ.get("POLICYGRAPH_HOME") == before


def test_a_returned_form_s_problems_speak_the_language(tmp_home: Corpus, tmp_path: Path) -> None:
    """Each problem of a returned form (a note: template, code, parameters) and the refusal, in
    the language, with what to run where the CLI knows it; nothing stored in either."""
    bad = tmp_path / "表.csv"
    bad.write_text("序号,任务,完成状态\n1,x,已完成\n", encoding="utf-8")
    args = ["progress", "import", str(bad), "--home", str(tmp_home.root)]
    zh, en = run(ZH, args), run(C, args)
    assert zh.exit_code == en.exit_code == 2, zh.output
    assert "没有表格标识" in zh.stderr and "（请使用 policygraph tasks --return-form）" in zh.stderr
    assert "错误：回收的表格中有 1 处问题" in zh.stderr and untranslated(zh.stderr) == []
    assert "no form identity" in en.stderr and "(use policygraph tasks --return-form)" in en.stderr
    assert not list((tmp_home.root / "data").rglob("progress-*.ttl"))
