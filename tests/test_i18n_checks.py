"""Chinese first (issue 25), the checks and the tables: every finding of ``validate`` (text, the
defects page, each shape's failing fixture on either engine), the 说明 of ``progress`` and the
titles and totals of ``summary``, ``depts`` and ``tasks`` speak Chinese under a Chinese locale
and English under C; the machine formats are the same bytes in both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from policygraph import checks, i18n
from policygraph.checks.report import render_defects, render_text
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.text.dates import read_date
from policygraph.text.notes import Label, Note

runner = CliRunner()
ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}
C = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": ""}
FIX = Path(__file__).resolve().parent / "fixtures" / "shapes"

# What is not English in a Chinese report: IRIs, paths, file names, prefixed names (pg:quote),
# SHACL's own terms in a default message, names written in capitals.
CODE = re.compile(
    r"https?://\S+|\S*[/\\=@<>_#]\S*|\b\w+\.(?:ttl|md|xlsx|docx|csv|json|rq)\b"
    r"|\b[a-z]+:[A-Za-z]\w*|\b[A-Z][A-Za-z0-9_]+\b|`[^`]*`"
)
# Two English words in a row, or one of the words these reports used to leave in English
# (date roles, amount kinds, roles, the counted things, the pieces of the date problems).
ENGLISH = re.compile(
    r"[A-Za-z]{2,}(?:[ ,'’/-]+[A-Za-z]{2,})+|\b(?:"
    r"revised|issued|signed|published|drafted|drafting|consultation|held|cap|fixed|floor|ratio|"
    r"lead|nothing|nobody|measures|items|parts|number|fails|value|probably|together|"
    r"region|national|city|county|opinions|notice|plan|government|collective|tasks|overdue|"
    r"due|ongoing|period|documents|departments|answered|reported|none"
    r")\b"
)


def english(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """The English left in ``text`` (a Chinese report); ``names``: identifiers it may show (the
    documents' short names, which --doc takes)."""
    found = []
    for line in text.splitlines():
        if line.strip().startswith("policygraph"):  # a command line, quoted
            continue
        words = [w for w in CODE.sub(" ", line).split() if w.strip("│┃") not in names]
        found += [m.group(0) for m in ENGLISH.finditer(" ".join(words))]
    return found


def test_the_detector_catches_the_fragments_it_is_for() -> None:
    assert english("将 X 的 revised 日期写作“20211224日”") == ["revised"]
    assert english("给出的 made public / published on the web 日期为") != []
    assert english("year, month and day run together with no 年") != []
    assert english("转述为 cap 1000万元；其所写为 fixed 1000万元") == ["cap", "fixed"]
    assert english("https://w3id.org/policygraph/org/cn/most pg:quote departments.ttl") == []


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    i18n.use("en")  # each test leaves the process speaking English


def cli(env: dict[str, str], *args: str) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


# --- validate -----------------------------------------------------------------------------------


def test_validate_speaks_chinese_under_zh_and_english_under_c() -> None:
    zh = cli(ZH, "validate")
    assert "警告" in zh and "修订日期" in zh and "疑为2021年12月24日" in zh
    assert english(zh) == [], zh
    c = cli(C, "validate")
    assert c.startswith("Passes (no violation): 0 violation(s), 16 warning(s), 5 info(s)\n")
    assert "writes the revised date of" in c and "year, month and day run together" in c
    assert not re.search(r"[\u4e00-\u9fff]{2,}日期为|修订日期|疑为", c)


def test_the_defects_page_speaks_the_language(tmp_path: Path) -> None:
    zh_page, c_page = tmp_path / "zh.md", tmp_path / "c.md"
    cli(ZH, "validate", "--defects", str(zh_page))
    cli(C, "validate", "--defects", str(c_page))
    zh = zh_page.read_text(encoding="utf-8")
    assert zh.startswith("# 已知的来源缺陷\n") and "## 来源缺陷（警告）" in zh
    assert english(zh) == [], zh
    # English: the page the project keeps, byte for byte
    assert c_page.read_text(encoding="utf-8") == (REPO / "docs/source-defects.md").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "-f", "json"],
        ["validate", "-f", "csv"],
        ["summary", "-f", "json"],
        ["depts", "-f", "csv"],
        ["depts", "-f", "json"],
        ["progress", "--doc", "gx", "--as-of", "2024-07-01", "-f", "json"],
        ["progress", "--doc", "gx", "--as-of", "2024-07-01", "-f", "csv"],
    ],
    ids=" ".join,
)
def test_machine_formats_are_the_same_in_both_languages(args: list[str]) -> None:
    assert cli(ZH, *args) == cli(C, *args)


def fail_fixtures() -> list[str]:
    return sorted(p.name for p in FIX.glob("*-fail.ttl"))


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
@pytest.mark.parametrize("fixture", fail_fixtures())
def test_every_finding_of_every_shape_speaks_chinese(
    home: Corpus, fixture: str, engine: str
) -> None:
    """Each shape's failing fixture: the findings (messages with their parameters, the default
    message of a shape that gives none) say nothing in English under zh, on either engine."""
    report = checks.validate(home, [FIX / "base.ttl", FIX / fixture], engine=engine)
    assert report.results
    i18n.use("zh")
    text = render_text(report)
    assert english(text) == [], text
    assert english(render_defects(report)) == []
    i18n.use("en")
    assert all(r.message and r.message_zh for r in report.results)
    assert re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", render_text(report))


# --- notes: a code, a template, parameters ------------------------------------------------------


def test_a_date_problem_is_a_note_said_in_each_language() -> None:
    reading = read_date("202112月")
    note = reading.said
    assert reading.value is None and isinstance(note, Note)
    assert note.code == "date-run-together-month" and note.params["guess"] == "2021年12月"
    assert (
        reading.problem
        == str(note)
        == "year and month run together with no 年 (202112月): " + ("probably 2021年12月")
    )
    assert note.in_language("zh") == "年、月连写，缺少“年”字（202112月）：疑为2021年12月"
    i18n.use("zh")
    assert note.said() == f"{note}" == note.in_language("zh")
    assert str(note) == note.in_language("en")  # str() stays English, for logs


def test_a_label_is_its_notation_for_machines_and_its_words_for_people() -> None:
    level = Label("region", zh="省级")
    assert level == "region" and level.said() == "region"
    i18n.use("zh")
    assert level.said() == "省级" and Label("x").said() == "x"


# --- the tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["summary"],
        ["depts"],
        ["tasks"],
        ["tasks", "--by", "department"],
        ["tasks", "--doc", "gx", "--full"],
        ["validate", "-f", "md"],
        ["progress", "--doc", "gx", "--as-of", "2024-07-01"],
        ["progress", "--doc", "gx", "--as-of", "2024-07-01", "--by", "department"],
        ["progress", "--doc", "gx", "--as-of", "2024-07-01", "-f", "md"],
    ],
    ids=" ".join,
)
def test_the_tables_speak_chinese_under_zh(args: list[str]) -> None:
    zh = cli(ZH, *args)
    assert english(zh, short_names()) == [], zh


def short_names() -> frozenset[str]:
    return frozenset(r["short"] for r in json.loads(cli(C, "summary", "-f", "json")))


def test_the_tables_speak_english_under_c() -> None:
    assert "documents · " in cli(C, "summary") and "国家级" not in cli(C, "summary")
    assert "national" in cli(C, "summary") and "国家级" in cli(ZH, "summary")
    c = cli(C, "progress", "--doc", "gx", "--as-of", "2024-07-01", "-f", "md")
    assert "no report received" in c and "tasks: 0 overdue" in c
    zh = cli(ZH, "progress", "--doc", "gx", "--as-of", "2024-07-01", "-f", "md")
    assert "未收到报送" in zh and "逾期 0 项" in zh


RECURSIVE = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "<https://example.org/S> a sh:NodeShape ; sh:targetNode <https://example.org/a> ;\n"
    "    sh:property [ sh:path <https://example.org/knows> ; sh:node <https://example.org/S> ] .\n"
)


def test_a_shape_the_compiler_refuses_is_said_in_the_language(tmp_path: Path) -> None:
    """Why the compiled engine refuses a shape is a note: Chinese under zh, English under C."""
    shapes, data = tmp_path / "s.ttl", tmp_path / "d.ttl"
    shapes.write_text(RECURSIVE, encoding="utf-8")
    data.write_text(
        "<https://example.org/a> <https://example.org/knows> <https://example.org/a> .\n"
    )
    args = ["validate", "--engine", "sparql", "--data", str(data), "--shapes", str(shapes)]
    zh = runner.invoke(app, args, env=ZH)
    assert zh.exit_code == 2 and "递归" in zh.stderr, zh.output
    assert english(zh.stderr) == [], zh.stderr
    c = runner.invoke(app, args, env=C)
    assert c.exit_code == 2 and "its shapes are recursive" in c.stderr, c.output


SHAPES = (
    "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
    "<https://example.org/Said> a sh:NodeShape ; sh:targetNode <https://example.org/a> ;\n"
    '    sh:property [ sh:path <https://example.org/name> ; sh:minCount 1 ; sh:message "needs a name" ] .\n'
    "<https://example.org/Silent> a sh:NodeShape ; sh:targetNode <https://example.org/a> ;\n"
    "    sh:property [ sh:path <https://example.org/age> ; sh:minCount 1 ] .\n"
)


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_a_shape_without_a_message_gets_one_in_chinese(tmp_path: Path, engine: str) -> None:
    """A shape with no message: the engine's default, and its Chinese; a shape whose message
    is English only: that message, in both languages (it says more than a default)."""
    shapes, data = tmp_path / "s.ttl", tmp_path / "d.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data.write_text(
        "<https://example.org/a> <https://example.org/knows> <https://example.org/a> .\n"
    )
    report = checks.validate_files([data], [shapes], engine=engine)
    found = {r.rule.rsplit("/", 1)[-1]: r for r in report.results}
    assert found["Said"].message == "needs a name" and found["Said"].message_zh == ""
    assert "不满足“最少个数”约束（1）" in found["Silent"].message_zh
    assert "https://example.org/a -> " in found["Silent"].message_zh
    i18n.use("zh")
    assert found["Said"].said() == "needs a name"


def test_the_reports_notes_speak_the_language(tmp_path: Path) -> None:
    """A note of the report (data Oxigraph would rewrite, validated by pySHACL) is said in the
    language spoken, on stderr; the report kept for machines carries its code."""
    shapes, data = tmp_path / "s.ttl", tmp_path / "d.nt"
    shapes.write_text(SHAPES, encoding="utf-8")
    data.write_text(
        '<https://example.org/a> <https://example.org/age> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    report = checks.validate_files([data], [shapes])
    (note,) = report.notes
    assert note.code == "validated-by-pyshacl" and note.params["why"].code == "literals-rewritten"
    args = ["validate", "--data", str(data), "--shapes", str(shapes)]
    zh = runner.invoke(app, args, env=ZH)
    assert zh.stderr.startswith("注意：数据中有 1 个字面量") and english(zh.stderr) == [], zh.stderr
    c = runner.invoke(app, args, env=C)
    assert c.stderr.startswith("Note: 1 literal(s) of the data would be rewritten"), c.stderr


def test_a_date_given_that_cannot_be_read_is_said_in_the_language() -> None:
    """The date reader's problem inside an error: Chinese within Chinese, English within English."""
    page = str(Path(__file__).resolve().parent / "genre" / "gov-cn" / "2018-gbf-117.html")
    args = ["ingest", page, "--date", "202112月", "--dry-run"]
    zh = runner.invoke(app, args, env=ZH)
    assert zh.exit_code == 2 and "年、月连写，缺少“年”字（202112月）：疑为2021年12月" in zh.stderr
    assert english(zh.stderr) == [], zh.stderr
    c = runner.invoke(app, args, env=C)
    assert c.exit_code == 2 and "year and month run together with no 年 (202112月)" in c.stderr


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_the_chinese_message_names_the_parameter_that_failed(tmp_path: Path, engine: str) -> None:
    """A shape that gives a parameter twice (two sh:class): each result's Chinese default
    message names the class it failed, as the English one does, not whichever the shapes graph
    gives first; pySHACL's results do not say which failed, so theirs names neither."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a , ex:b ; sh:class ex:Person , ex:Animal .\n"
        "ex:a a ex:Person .\nex:b a ex:Animal .\n",
        encoding="utf-8",
    )
    found = checks.validate_files([shapes], [shapes], engine=engine).results
    said = {(r.focus.rsplit("/", 1)[-1], r.message_zh.rsplit("/", 1)[-1]) for r in found}
    if engine == "sparql":
        assert said == {("a", "Animal>）"), ("b", "Person>）")}
    else:
        assert {focus for focus, _ in said} == {"a", "b"} and len(found) == 2
        assert not [r for r in found if "Animal" in r.message_zh or "Person" in r.message_zh]


def test_a_literal_in_a_message_is_shown_as_written() -> None:
    """A literal focus node is shown in the English message by its lexical form, as in the
    Chinese one: an XML literal's Python value is a DOM object (once shown as
    ``<xml.dom.minidom.DocumentFragment object at 0x…>``)."""
    from w3c.suite import cases

    case = next(c for c in cases("core") if c.name == "core/node/datatype-002")
    found = checks.validate_files([case.data], [case.shapes], engine="sparql").results
    assert found and all("object at 0x" not in r.message for r in found)
    assert "<span>Hello</span> fails" in {
        r.message[: len("<span>Hello</span> fails")] for r in found
    }
