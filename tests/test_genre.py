"""The genre as publishers write it: four real State Council pages (tests/genre/gov-cn, as a
crawler stored them) and one small document per convention (tests/genre/conventions), each with a
gold file written by hand (tests/genre/gold). The extractor must read every gold row and nothing
else; the documents must ingest as they are and leave the corpus valid; an ingest that would
leave it failing changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import copy_home, snapshot
from genre.evaluate import CONVENTIONS, GENRE, documents, gold, readings, score
from rdflib import Literal
from typer.testing import CliRunner

from policygraph import checks
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.departments import DepartmentIndex
from policygraph.rdf import ELI, PG
from policygraph.text.readers import read_source
from policygraph.text.structure import parse_measures

runner = CliRunner()
DOCUMENTS = documents()
REAL = sorted(GENRE.glob("*.html"))


def cli(home: Corpus, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, [*args, "--home", str(home.root)])
    return r.exit_code, r.stdout.removeprefix("\ufeff"), r.stderr


def test_every_document_has_its_gold_file() -> None:
    names = {name for name, _, _ in DOCUMENTS}
    assert {p.stem for p in REAL} <= names and len(REAL) == 4
    assert {p.stem for p in CONVENTIONS.glob("*.*") if p.suffix in (".txt", ".html")} <= names
    assert len(DOCUMENTS) == len(list((GENRE.parent / "gold").glob("*.tsv")))


@pytest.mark.parametrize(("name", "source", "gold_file"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_the_extractor_reads_what_a_careful_reader_reads(
    name: str, source: Path, gold_file: Path
) -> None:
    expected, got = gold(gold_file), readings(source)
    s = score(name, expected, got)
    missed, extra = sorted((expected - got).elements()), sorted((got - expected).elements())
    assert (missed, extra) == ([], []), f"{name}: missed {missed}; read in excess {extra}"
    assert s.precision == s.recall == 1.0 and s.catch_alls_as_departments == 0


def test_a_rule_stated_in_prose_is_a_judgement_with_its_sentence() -> None:
    text = (CONVENTIONS / "rule-later-item.txt").read_text(encoding="utf-8")
    entries = [e for p in parse_measures(text).provisions for a in p.annotations for e in a.entries]
    ruled = [e for e in entries if e.rule is not None]
    assert ruled and {e.rule.text for e in ruled if e.rule} == {"列第一位者为牵头单位，下同"}
    assert all(e.role in ("lead", "co-lead") for e in ruled)
    before = entries[: entries.index(ruled[0])]  # before the rule: all responsible, no basis
    assert before and {e.role for e in before} == {"responsible"}


# --- ingest, as a user would: the real pages with no options ---------------------------------


@pytest.fixture(scope="module")
def genre_home(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    home = copy_home(tmp_path_factory.mktemp("genre") / "home")
    for page in REAL:
        code, out, err = cli(home, "ingest", str(page))
        assert code == 0 and "Added" in out, out + err
    return home


def test_the_real_pages_ingest_as_they_are_and_the_corpus_stays_valid(genre_home: Corpus) -> None:
    assert checks.validate(genre_home).of("Violation") == []
    measures = {"117": 30, "121": 16, "128": 14, "38": 53}  # counted by reading the pages
    for page in REAL:  # each one's task-division table, from the graph
        number = read_source(page.read_bytes(), page.name).metadata["number"]
        code, out, _ = cli(genre_home, "tasks", "--doc", number, "-f", "json")
        assert code == 0 and len(json.loads(out)) == measures[page.stem.split("-")[-1]], number


@pytest.mark.parametrize(
    ("number", "title", "kind"),
    [
        (
            "国办发〔2018〕117号",
            "国务院办公厅关于对真抓实干成效明显地方进一步加大激励支持力度的通知",
            "Notice",
        ),
        ("国办发〔2018〕121号", "国务院办公厅关于加快发展体育竞赛表演产业的指导意见", "Opinions"),
        ("国办发〔2018〕128号", "国务院办公厅关于印发“无废城市”建设试点工作方案的通知", "Plan"),
        ("国发〔2018〕38号", "国务院关于支持自由贸易试验区深化改革创新若干措施的通知", "Notice"),
    ],
)
def test_header_fields_come_from_the_page(
    genre_home: Corpus, number: str, title: str, kind: str
) -> None:
    meta = genre_home.metadata()
    (doc,) = meta.subjects(ELI.id_local, Literal(number))
    assert [str(t) for t in meta.objects(doc, ELI.title)] == [title]
    assert meta.value(doc, ELI.type_document) == PG[kind]


def test_leads_co_leads_and_catch_alls_reach_the_task_table(genre_home: Corpus) -> None:
    code, out, err = cli(genre_home, "tasks", "--doc", "国办发〔2018〕117号", "-f", "json")
    assert code == 0, err
    rows = {r["number"]: r for r in json.loads(out)}
    assert rows[16]["lead"] == ["国家发展改革委"] and rows[16]["co_lead"] == ["有关部门"]
    assert rows[18]["lead"] == ["国家发展改革委", "财政部"]
    assert rows[1]["responsible"] == ["市场监管总局"] and rows[1]["lead"] == []
    code, out, err = cli(genre_home, "tasks", "--doc", "国发〔2018〕38号", "-f", "csv")
    assert code == 0, err
    assert "人民银行等部门" in out and "、等部门" not in out


def test_national_short_forms_resolve_to_the_register(genre_home: Corpus) -> None:
    index = DepartmentIndex(genre_home.curated_graph())
    for short, official in [
        ("税务总局", "国家税务总局"),
        ("发展改革委", "中华人民共和国国家发展和改革委员会"),
        ("市场监管总局", "国家市场监督管理总局"),
        ("人力资源社会保障部", "中华人民共和国人力资源和社会保障部"),
        ("国务院办公厅", "中华人民共和国国务院办公厅"),
    ]:
        iri = index.lookup(short, "cn")
        assert iri is not None and index.pref_label[iri] == official, short
    new = [s for s in genre_home.curated_graph().subjects() if "/org/cn/" in str(s)]
    assert not any(str(s).endswith(("等部门", "有关部门", "国务院")) for s in new)


# --- the convention fixtures, ingested with their options, into one corpus -------------------


def _manifest() -> list[dict[str, str]]:
    with (CONVENTIONS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_every_convention_fixture_ingests_and_the_corpus_stays_valid(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    for row in _manifest():
        args = ["--jurisdiction", row["jurisdiction"], "--level", row["level"]]
        args += ["--kind", row["kind"]]
        code, out, err = cli(home, "ingest", str(CONVENTIONS / row["file"]), *args)
        assert code == 0 and "Added" in out, row["file"] + out + err
    assert checks.validate(home).of("Violation") == []


def test_a_provincial_counterpart_is_known_and_a_bare_short_form_stays_local(
    tmp_path: Path,
) -> None:
    home = copy_home(tmp_path / "home")
    text = (
        "云南省人民政府办公厅关于加强统计工作的通知\n云政办发〔2024〕3号\n各州、市人民政府：\n"
        "一、主要措施\n（一）加强统计监测。建立监测制度。（省发展改革委、统计局负责）\n"
        "云南省人民政府办公厅\n2024年1月5日\n"
    )
    doc = tmp_path / "yn.txt"
    doc.write_text(text, encoding="utf-8")
    code, out, err = cli(home, "ingest", str(doc), "--jurisdiction", "cn-yn")
    assert code == 0, out + err
    graph = home.curated_graph()
    index = DepartmentIndex(graph)
    local = index.lookup("统计局", "cn-yn")  # 省统计局 by the inherited prefix, never 国家统计局
    assert local is not None and "国家" not in index.pref_label[local]
    ndrc = index.lookup("云南省发展改革委", "cn-yn")
    assert ndrc is not None
    counterpart = next(graph.objects(ndrc, PG.counterpartOf))
    assert index.pref_label[counterpart] == "中华人民共和国国家发展和改革委员会"


def test_an_ingest_that_would_fail_validate_changes_nothing(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    page = GENRE / "2018-gbf-117.html"
    # a maintainer's own shape that this document (and no other) fails: 国办发 numbers refused
    (home.shapes / "local.shapes.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:shape> a sh:NodeShape ; "
        "sh:targetClass <https://w3id.org/policygraph/ontology#PolicyDocument> ;\n"
        "  sh:property [ sh:path <http://data.europa.eu/eli/ontology#id_local> ; "
        'sh:pattern "^[^国]|^国发" ] .\n',
        encoding="utf-8",
    )
    assert checks.validate(home).of("Violation") == []  # the corpus passes before
    before = {d: snapshot(d) for d in (home.sources, home.ttl)}
    code, out, err = cli(home, "ingest", str(page))
    assert code == 1, out + err
    refused = out[out.index("Refused") :]
    assert "nothing was changed" in refused
    assert "国办发〔2018〕117号" in refused.split("Violation:", 1)[1]  # the one it brings
    assert {d: snapshot(d) for d in (home.sources, home.ttl)} == before
    assert not list(home.sources.glob("cn-2018-117*"))


def test_a_violation_the_corpus_had_before_does_not_block_an_ingest(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    (home.shapes / "local.shapes.ttl").write_text(  # fails before any ingest
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "<urn:x:shape> a sh:NodeShape ; sh:targetNode <urn:x:absent> ;\n"
        "  sh:property [ sh:path <urn:x:never> ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    assert len(checks.validate(home).of("Violation")) == 1
    code, out, err = cli(home, "ingest", str(GENRE / "2018-gbf-117.html"))
    assert code == 0 and "Added" in out and "1 violation(s)" in out, out + err
    assert list(home.sources.glob("cn-2018-117*"))


def test_a_task_table_header_not_understood_is_said(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    doc = tmp_path / "plan.txt"
    doc.write_text(
        "昆明市人民政府办公室关于印发重点工作任务分工方案的通知\n昆政办〔2024〕5号\n"
        "| 序号 | 重点任务 | 牵头单位 | 督办领导 |\n| 1 | 建设创新平台 | 市科技局 | 张三 |\n"
        "昆明市人民政府办公室\n2024年1月5日\n",
        encoding="utf-8",
    )
    code, out, err = cli(home, "ingest", str(doc), "--jurisdiction", "cn-yn-kunming", "--dry-run")
    assert code == 0, out + err
    assert "the task table's column '督办领导'" in " ".join(out.split())


def test_a_city_portal_panel_with_spaced_labels_is_read() -> None:
    page = (
        "<html><body><div class='info'><ul><li>索 引 号：11440100/2023-00123</li>"
        "<li>发布机构：广州市人民政府办公厅</li><li>成文日期：2023-05-06</li>"
        "<li>标　　题：广州市人民政府办公厅关于印发某某方案的通知</li>"
        "<li>文　　号：穗府办〔2023〕9号</li></ul></div><div class='content'>"
        "<p>一、主要任务</p><p>（一）做好某事。具体做法如下。（市发展改革委牵头，市财政局配合）</p>"
        "<p>（二）做好另一件事。具体做法如下。（市商务局负责）</p></div></body></html>"
    )
    source = read_source(page.encode("utf-8"), "page.html")
    assert source.metadata["title"] == "广州市人民政府办公厅关于印发某某方案的通知"
    assert source.metadata["number"] == "穗府办〔2023〕9号"
    assert source.metadata["issuer"] == "广州市人民政府办公厅"
    assert "索 引 号" not in source.text and "标　　题" not in source.text


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("省直各有关部门", "catch-all"),
        ("其他有关部门", "catch-all"),
        ("市直有关单位", "catch-all"),
        ("省级有关部门", "catch-all"),
        ("各地区各部门", "catch-all"),
        ("有关部门和单位", "catch-all"),
        ("等有关部门", "catch-all"),
        ("国务院有关部门和单位", "catch-all"),
        ("中央和国家机关有关部门", "catch-all"),
        ("各省（自治区、直辖市）人民政府", "collective"),
        ("各有关省级人民政府", "collective"),
        ("各省、自治区、直辖市人民政府", "collective"),
        ("各县（市、区）人民政府", "collective"),
        ("试点城市政府", "collective"),
        ("市场监管局", "dept"),
        ("省发展改革委", "dept"),
        ("国务院办公厅", "dept"),
    ],
)
def test_catch_alls_collectives_and_departments_are_told_apart(name: str, kind: str) -> None:
    from policygraph.text.names import is_catch_all, is_collective

    told = "catch-all" if is_catch_all(name) else "collective" if is_collective(name) else "dept"
    assert told == kind


def _entries(text: str) -> list[tuple[str, str]]:
    s = parse_measures(text)
    return [(e.role, e.name.text) for p in s.provisions for a in p.annotations for e in a.entries]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # prose in brackets is not an annotation; a closing one with a role word is never lost
        ("（一）创新模式。探索合作模式（鼓励社会资本参与），提升效率。\n", []),
        ("（一）创新模式。建立咨询制度（邀请专家进行技术指导），提升效率。\n", []),
        ("（一）创新模式。对牵头单位（含联合牵头）给予奖励。\n", []),
        (
            "（一）加强统筹。完善机制（省发展改革委牵头，省财政厅配合）。强化考核（省统计局负责）。\n",
            [("lead", "省发展改革委"), ("co-lead", "省财政厅"), ("responsible", "省统计局")],
        ),
        (
            "（一）完善工作机制。（由市发展改革委牵头，市财政局配合）\n",
            [("lead", "市发展改革委"), ("co-lead", "市财政局")],
        ),
        (
            "（一）推进改革。开展试点（含高新区。完善机制（省科技厅负责）。\n",
            [("responsible", "省科技厅")],
        ),
        # words that are not a body stay unread
        (
            "（一）成立专班。建立机制（市领导任组长，市发展改革委参与）。\n",
            [("co-lead", "市发展改革委")],
        ),
        # prose is no lead rule
        (
            "（一）建立机制。首先由省发展改革委牵头建立联席会议。\n（二）推进改革。（省科技厅、省教育厅负责）\n",
            [("responsible", "省科技厅"), ("responsible", "省教育厅")],
        ),
        # a rule sentence inside a labelled list is no name
        (
            "（一）推进改革。（责任单位：省科技厅、省教育厅，排在第一位的为牵头单位，下同）\n",
            [("lead", "省科技厅"), ("co-lead", "省教育厅")],
        ),
        # a standing note's body is the body, not the words before it
        (
            "（一）加强统筹。以下各项任务均需各市人民政府落实，不再列出。\n（二）推进改革。（省科技厅负责）\n",
            [("responsible", "省科技厅"), ("responsible", "各市人民政府")],
        ),
        # labels by the whole label
        (
            "（一）推进改革。（主要牵头单位：省科技厅；主要内容：建设平台）\n",
            [("lead", "省科技厅")],
        ),
    ],
)
def test_what_is_and_is_not_an_annotation(text: str, expected: list[tuple[str, str]]) -> None:
    assert _entries(text) == expected


def test_a_list_under_a_rule_inherits_its_level_prefix(tmp_path: Path) -> None:
    home = copy_home(tmp_path / "home")
    doc = tmp_path / "yn.txt"
    doc.write_text(
        "云南省人民政府办公厅关于加强统计工作的通知\n云政办发〔2024〕4号\n各州、市人民政府：\n"
        "一、主要措施\n（一）加强统计。（省统计局、省发展改革委负责，排在第一位的为牵头单位，下同）\n"
        "（二）加强监测。（省卫生健康委、统计局负责）\n云南省人民政府办公厅\n2024年1月5日\n",
        encoding="utf-8",
    )
    code, out, err = cli(home, "ingest", str(doc), "--jurisdiction", "cn-yn")
    assert code == 0, out + err
    new = [line for line in out.splitlines() if "new department" in line]
    assert not any("new department: 统计局" in line for line in new)
    assert any("云南省统计局 (written" in line and "统计局" in line for line in new)
