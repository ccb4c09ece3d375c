"""`policygraph ingest` on documents of the genre written for the tests (not copies of the corpus):
a Yunnan regional document implementing 国发〔2020〕7号 and a Kunming city document implementing it."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CN, TASK_KEYS, snapshot, staff_csv
from rdflib import URIRef
from typer.testing import CliRunner

from policygraph import ingest
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.text.amounts import find_amounts
from policygraph.text.metadata import read_metadata
from policygraph.text.structure import parse_measures

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
YUNNAN, KUNMING = FIX / "yunnan-measures.txt", FIX / "kunming-measures.txt"
YN = "https://w3id.org/policygraph/eli/cn-yn/云政办发/2022/12"
KM = "https://w3id.org/policygraph/eli/cn-yn-kunming/昆政办/2022/30"
runner = CliRunner()


def cli(home: Corpus, *args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, [*args, "--home", str(home.root)])
    return r.exit_code, r.stdout.removeprefix("\ufeff"), r.stderr


def digest(home: Corpus) -> str:
    h = hashlib.sha256()
    for p in sorted((home.root / "data").rglob("*")):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


# --- the genre's conventions ---------------------------------------------------------------------


def test_arabic_items_restarting_in_each_part() -> None:
    s = parse_measures(YUNNAN.read_text(encoding="utf-8"), "yn")
    assert [(p.part, p.ordinal, p.title.text) for p in s.provisions] == [
        (1, 1, "指导思想"),
        (1, 2, "发展目标"),
        (2, 1, "大力集聚高端创新资源"),
        (2, 2, "吸引培育一流创新人才"),
        (3, 1, "加强关键核心技术攻关"),
        (3, 2, "支持高新技术企业发展壮大"),
        (3, 3, "大力培育发展新兴产业"),
        (4, 1, "深化管理体制机制改革"),
    ]
    assert s.style == "arabic" and s.restarts_per_part
    assert [p.ordinal for p in s.provisions if p.general] == [1, 2]


def test_articles_and_paren_items() -> None:
    s = parse_measures(KUNMING.read_text(encoding="utf-8"), "km")
    assert s.style == "article" and [p.label for p in s.provisions] == [
        "第一条",
        "第二条",
        "第三条",
        "第四条",
    ]
    text = "一、措施\n（1）支持创新。（牵头：市科技局）\n（2）优化环境。（市财政局负责）\n"
    s2 = parse_measures(text, "t")
    assert s2.style == "arabic-paren" and [p.title.text for p in s2.provisions] == [
        "支持创新",
        "优化环境",
    ]
    # (1) sub-items inside a (一) item stay part of its text.
    s3 = parse_measures("一、措施\n（一）支持创新。\n（1）甲。\n（2）乙。（牵头：市科技局）\n", "t")
    assert [p.label for p in s3.provisions] == ["（一）"] and s3.provisions[
        0
    ].annotation is not None


def test_annotations_and_amounts_of_the_yunnan_document() -> None:
    text = YUNNAN.read_text(encoding="utf-8")
    s = parse_measures(text, "yn")
    notes = {(p.part, p.ordinal): p.annotation for p in s.provisions if p.annotation}
    roles = {
        k: {r: [e.name.text for e in a.names(r)] for r in ("lead", "co-lead", "responsible")}
        for k, a in notes.items()
    }
    assert roles[(2, 1)] == {
        "lead": ["省科技厅"],
        "co-lead": ["省财政厅", "发展改革委"],
        "responsible": [],
    }
    assert roles[(3, 1)] == {
        "lead": ["省科技厅", "省工业和信息化厅"],
        "co-lead": ["省财政厅", "各州（市）人民政府"],
        "responsible": [],
    }
    assert roles[(3, 3)] == {"lead": [], "co-lead": [], "responsible": ["省工业和信息化厅"]}
    assert roles[(4, 1)] == {
        "lead": [],
        "co-lead": [],
        "responsible": ["省委编办", "省人力资源社会保障厅"],
    }
    amounts = [
        (a.kind, a.wan_yuan)
        for p in s.provisions
        if not p.general
        for a in find_amounts(text, p.body)
    ]
    assert amounts == [
        ("cap", Decimal(500)),
        ("floor", Decimal(100)),
        ("ratio", None),
        ("cap", Decimal(15000)),
        ("fixed", Decimal(20)),
        ("fixed", Decimal("0.5")),
    ]


def test_metadata_from_the_text() -> None:
    meta = read_metadata(YUNNAN.read_text(encoding="utf-8"))
    assert meta == {
        "number": "云政办发〔2022〕12号",
        "title": "云南省人民政府办公厅关于促进高新技术产业开发区高质量发展的实施意见",
        "issuer": "云南省人民政府办公厅",
        "date": "2022-03-01",
        "plan_title": None,
    }


def test_names_with_their_own_prefix_are_not_prefixed(home: Corpus) -> None:
    plan = ingest.plan(home, YUNNAN, ingest.Options(jurisdiction="cn-yn"))
    labels = {n.label for n in plan.new}
    # 发展改革委 after 省财政厅 inherits 省; 国家税务总局云南省税务局 and 省委组织部 carry their own.
    assert {
        "云南省发展改革委",
        "国家税务总局云南省税务局",
        "云南省委组织部",
        "各州（市）人民政府",
    } <= labels
    assert not any(label.startswith("云南省国家") for label in labels)
    assert plan.known == {}  # no Guangxi department is taken for a Yunnan one


# --- the whole path, on a private copy of the corpus ---------------------------------------------


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    from conftest import copy_home

    home = copy_home(tmp_path_factory.mktemp("ingest") / "home")
    for path, jur in ((YUNNAN, "cn-yn"), (KUNMING, "cn-yn-kunming")):
        code, out, err = cli(
            home, "ingest", str(path), "--jurisdiction", jur, "--accept-links", "margin=0.3"
        )
        assert code == 0, out + err
    return home


def test_tasks_for_ingested_documents(ingested: Corpus) -> None:
    code, out, _ = cli(ingested, "tasks", "--doc", "昆政办〔2022〕30号", "-f", "csv")
    assert code == 0
    rows = [
        (r["number"], r["lead"], r["co_lead"], r["responsible"]) for r in staff_csv(out, TASK_KEYS)
    ]
    assert rows == [
        ("1", "市科技局", "市财政局、各县（区）人民政府", ""),
        ("2", "市委组织部", "市人力资源社会保障局、市财政局", ""),
        ("3", "市科技局", "市科技局、市工业和信息化局", ""),
        ("4", "", "", "市科技局、市税务局"),
    ]
    code, out, _ = cli(ingested, "tasks", "--doc", "云政办发〔2022〕12号", "-f", "csv")
    numbers = [r["number"] for r in staff_csv(out, TASK_KEYS)]
    assert numbers == ["2.1", "2.2", "3.1", "3.2", "3.3", "4.1"]


def test_chain_from_the_city_reaches_the_national_document(ingested: Corpus) -> None:
    code, out, _ = cli(ingested, "chain", "昆政办〔2022〕30号:1", "-f", "json")
    assert code == 0, out
    view = json.loads(out)
    iris = {n["iri"] for n in view["nodes"]}
    assert {f"{KM}/measure/1", f"{YN}/part/2/measure/1", f"{CN}/measure/4"} <= iris
    links = {(lk["lower"], lk["higher"]): lk for lk in view["links"]}
    accepted = links[(f"{KM}/measure/1", f"{YN}/part/2/measure/1")]
    assert (
        accepted["kind"] == "judged"
        and accepted["proposed_by"] == "SuggestLinks"
        and "score" in accepted["basis"]
    )
    assert {(d["lower"], d["higher"]) for d in view["document_level"]} >= {
        ("昆政办〔2022〕30号", "云政办发〔2022〕12号"),
        ("云政办发〔2022〕12号", "国发〔2020〕7号"),
    }


def test_validate_reports_their_defects(ingested: Corpus) -> None:
    code, out, _ = cli(ingested, "validate", "-f", "json")
    assert code == 0
    results = json.loads(out)
    both = {r["focus"] for r in results if r["rule"] == "LeadAndCoLead"}
    assert {f"{YN}/part/3/measure/2", f"{KM}/measure/3"} <= both
    assert not [r for r in results if r["severity"] == "Violation"]


def test_ingesting_again_changes_nothing(ingested: Corpus) -> None:
    before = digest(ingested)
    code, out, _ = cli(
        ingested,
        "ingest",
        str(KUNMING),
        "--jurisdiction",
        "cn-yn-kunming",
        "--accept-links",
        "margin=0.3",
    )
    assert code == 0 and "unchanged: nothing to do" in out
    assert digest(ingested) == before


def test_near_misses_are_suggested(ingested: Corpus, tmp_path: Path) -> None:
    typo = tmp_path / "typo.txt"
    typo.write_text(
        "云政发〔2023〕1号\n\n云南省关于某事的意见\n\n一、措施\n（一）支持创新。（牵头：省科枝厅）\n\n云南省人民政府\n2023年1月1日\n",
        encoding="utf-8",
    )
    plan = ingest.plan(ingested, typo, ingest.Options(jurisdiction="cn-yn"))
    new = {n.label: n for n in plan.new}
    assert "省科技厅" in new["云南省科枝厅"].suggestions


# --- bad input leaves the corpus as it was ------------------------------------------------------


def failing(home: Corpus, path: Path, *options: str) -> str:
    before = snapshot(home.ttl), digest(home)
    code, _, err = cli(home, "ingest", str(path), *options)
    assert code == 2 and err.startswith("Error: ") and err.count("\n") == 1
    assert (snapshot(home.ttl), digest(home)) == before
    return err


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_text_in_any_encoding(tmp_home: Corpus, tmp_path: Path, encoding: str) -> None:
    """The same document in GB18030 or UTF-16 (with CRLF) gives the same task table, and its
    plain text is kept beside the original with the encoding recorded."""
    text = KUNMING.read_text(encoding="utf-8").replace("\n", "\r\n")
    source = tmp_path / "km.txt"
    source.write_bytes(text.encode(encoding))
    code, out, err = cli(tmp_home, "ingest", str(source), "--jurisdiction", "cn-yn-kunming")
    assert code == 0, out + err
    code, out, _ = cli(tmp_home, "tasks", "--doc", "昆政办〔2022〕30号", "-f", "json")
    assert [(r["lead"], r["responsible"]) for r in json.loads(out)] == [
        (["市科技局"], []),
        (["市委组织部"], []),
        (["市科技局"], []),
        ([], ["市科技局", "市税务局"]),
    ]
    assert (tmp_home.sources / "cn-yn-kunming-2022-30.txt").read_bytes() == text.encode(encoding)
    meta = (tmp_home.sources / "cn-yn-kunming-2022-30.ttl").read_text(encoding="utf-8")
    assert f'pg:encoding "{encoding.removesuffix("-sig")}"' in meta
    derived = tmp_home.sources / "cn-yn-kunming-2022-30.plain.txt"
    assert derived.exists() == (encoding != "utf-8-sig")
    assert cli(tmp_home, "validate")[0] == 0  # every quote checked against the plain text


def test_not_text(tmp_home: Corpus, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 4)
    err = failing(tmp_home, junk, "--jurisdiction", "cn-yn-kunming")
    assert "junk.txt" in err and "not text" in err


def test_empty_file(tmp_home: Corpus, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n \n")
    assert "is empty" in failing(tmp_home, empty, "--jurisdiction", "cn-yn")


def test_no_numbered_items(tmp_home: Corpus, tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("关于某事的通知\n\n这里没有编号的条目。\n", encoding="utf-8")
    assert "no numbered items" in failing(tmp_home, plain, "--jurisdiction", "cn-yn")


def test_number_already_in_the_corpus_with_other_content(tmp_home: Corpus, tmp_path: Path) -> None:
    clash = tmp_path / "clash.txt"
    clash.write_text(
        "桂政办发〔2021〕81号\n\n关于另一件事的措施\n\n一、措施\n（一）甲。（牵头：自治区科技厅）\n",
        encoding="utf-8",
    )
    err = failing(tmp_home, clash, "--jurisdiction", "cn-gx", "--level", "region")
    assert "桂政办发〔2021〕81号 is already in the corpus" in err


def test_dry_run_writes_nothing(tmp_home: Corpus) -> None:
    before = digest(tmp_home)
    code, out, _ = cli(tmp_home, "ingest", str(YUNNAN), "--jurisdiction", "cn-yn", "--dry-run")
    assert code == 0 and "Dry run" in out and "new department: 云南省科技厅" in out
    assert digest(tmp_home) == before


def test_arabic_items_with_a_dunhao() -> None:
    s = parse_measures(
        "一、措施\n1、支持创新。（牵头：市科技局）\n2、优化环境。（牵头：市财政局）\n", "t"
    )
    assert s.style == "arabic" and [(p.label, p.title.text) for p in s.provisions] == [
        ("1、", "支持创新"),
        ("2、", "优化环境"),
    ]


def test_lists_separated_by_commas_and_semicolons() -> None:
    text = (
        "一、措施\n（一）支持创新。（牵头单位：市科技局；配合单位：市财政局，市商务局；市教育局）\n"
    )
    (p,) = parse_measures(text, "t").provisions
    assert [e.name.text for e in p.annotation.names("co-lead")] == [
        "市财政局",
        "市商务局",
        "市教育局",
    ]


def test_known_departments_are_linked(home: Corpus, tmp_path: Path) -> None:
    doc = tmp_path / "liuzhou.txt"
    doc.write_text(
        "柳政办〔2023〕5号\n\n柳州市人民政府办公室关于某事的通知\n\n一、措施\n"
        "（一）支持创新。（牵头：自治区科技厅，配合：柳州市科技局、市财政局）\n\n柳州市人民政府办公室\n2023年2月1日\n",
        encoding="utf-8",
    )
    plan = ingest.plan(home, doc, ingest.Options(jurisdiction="cn-gx-liuzhou"))
    assert plan.known == {
        "自治区科技厅": URIRef("https://w3id.org/policygraph/org/gx/science-technology"),
        "柳州市科技局": URIRef("https://w3id.org/policygraph/org/gx/liuzhou/science-technology"),
    }
    assert [n.label for n in plan.new if "财政" in n.label] == ["柳州市财政局"]


# --- deadlines, catch-all phrases and unread annotation text (issue 12) -------------------------

QUJING = FIX / "qujing-plan.txt"
QJ = "https://w3id.org/policygraph/eli/cn-yn-qujing/曲政办发/2023/8"


@pytest.fixture(scope="module")
def with_qujing(ingested: Corpus) -> Corpus:
    code, out, err = cli(ingested, "ingest", str(QUJING), "--jurisdiction", "cn-yn-qujing")
    assert code == 0, out + err
    return ingested


def test_deadlines_and_catch_all_in_the_task_table(with_qujing: Corpus) -> None:
    code, out, err = cli(with_qujing, "tasks", "--doc", "曲政办发〔2023〕8号", "-f", "json")
    assert code == 0, err
    table = [
        (r["number"], r["lead"], r["co_lead"], r["responsible"], r["deadline"])
        for r in json.loads(out)
    ]
    assert table == [
        (1, ["市科技局"], ["市财政局"], [], ["2023年底前"]),
        (2, ["市委组织部"], ["市人力资源社会保障局", "各有关单位"], [], ["2024年6月底前"]),
        (3, [], ["各县（市、区）人民政府"], ["市政务服务局"], ["每季度调度"]),
        (4, ["市自然资源规划局"], [], ["各有关单位"], ["持续推进"]),
        (5, ["市科技局"], [], [], []),
    ]


def test_deadlines_are_normalised_in_the_graph(with_qujing: Corpus) -> None:
    from policygraph.store import open_store
    from policygraph.views.internal import query

    rows = open_store(with_qujing, endpoint="").select(
        query("document-deadlines"), {"doc": URIRef(QJ)}
    )
    found = {
        (str(r["quote"]), str(r["due"] or r["recurrence"] or r["ongoing"])) for r in rows.dicts()
    }
    assert found == {
        ("2023年底前", "2023-12-31"),
        ("2024年6月底前", "2024-06-30"),
        ("每季度调度", "P3M"),
        ("持续推进", "true"),
    }


def test_no_catch_all_phrase_or_unread_text_becomes_a_department(with_qujing: Corpus) -> None:
    added = (with_qujing.ttl / "ingested-cn-yn-qujing-2023-8.ttl").read_text(encoding="utf-8")
    for phrase in ("各有关单位", "按职责分工", "完成时限", "督办方式", "专项督查", "每季度"):
        assert f'skos:prefLabel "{phrase}' not in added and f'"{phrase}"@zh' not in added


def test_unread_annotation_text_is_a_warning(with_qujing: Corpus) -> None:
    code, out, _ = cli(with_qujing, "validate", "-f", "json")
    assert code == 0
    unread = [r for r in json.loads(out) if r["rule"] == "AnnotationUnderstood"]
    assert [(r["severity"], r["focus"]) for r in unread] == [
        ("Warning", f"{QJ}/measure/5/unread/1")
    ]
    assert "督办方式：专项督查" in unread[0]["message"]


def test_a_notice_that_issues_a_plan(tmp_path: Path, home: Corpus) -> None:
    """印发通知: the 文号, issuer and date are the notice's; the plan's title is kept too; the
    measures are the plan's; the reporting duty in the notice is not a measure."""
    from conftest import copy_home

    private = copy_home(tmp_path / "home")
    assert cli(private, "ingest", str(YUNNAN), "--jurisdiction", "cn-yn")[0] == 0
    notice = FIX / "dali-notice.txt"
    code, out, err = cli(private, "ingest", str(notice), "--jurisdiction", "cn-yn-dali")
    assert code == 0, out + err
    assert "issuer: 大理白族自治州人民政府办公室 · date: 2023-06-08" in out
    assert "kind: plan" in out
    meta = (private.sources / "cn-yn-dali-2023-15.ttl").read_text(encoding="utf-8")
    assert 'pg:titleVariant "大理州推动高新技术产业开发区高质量发展三年行动方案"' in meta
    code, out, _ = cli(private, "tasks", "--doc", "大政办发〔2023〕15号", "-f", "json")
    rows = [(r["number"], r["lead"], r["responsible"], r["deadline"]) for r in json.loads(out)]
    assert rows == [
        (1, ["州工业和信息化局"], [], ["2025年底前"]),
        (2, ["州科技局"], [], ["每年"]),
        (3, [], ["州科技局"], ["持续推进"]),
    ]


def test_sub_items_with_their_own_annotations_are_the_measures(tmp_path: Path) -> None:
    from conftest import copy_home

    text = (
        "昭政发〔2023〕5号\n\n昭通市人民政府关于加快高新区建设的实施意见\n\n"
        "为贯彻落实《云南省人民政府办公厅关于促进高新技术产业开发区高质量发展的实施意见》"
        "（云政办发〔2022〕12号），提出如下意见。\n"
        "一、主要任务\n（一）强化创新驱动。\n"
        "1.建设研发平台。支持企业建设研发中心。（牵头单位：市科技局；配合单位：市财政局；完成时限：2024年底前）\n"
        "2.培育科技企业。实施高企倍增计划。（市科技局牵头，市税务局配合，持续推进）\n"
        "（二）优化营商环境。推行一网通办。（市政务服务局负责）\n"
        "\n昭通市人民政府\n2023年5月6日\n"
    )
    path = tmp_path / "zt.txt"
    path.write_text(text, encoding="utf-8")
    home = copy_home(tmp_path / "home")
    assert cli(home, "ingest", str(YUNNAN), "--jurisdiction", "cn-yn")[0] == 0
    code, out, err = cli(home, "ingest", str(path), "--jurisdiction", "cn-yn-zhaotong")
    assert code == 0, out + err
    code, out, _ = cli(home, "tasks", "--doc", "昭政发〔2023〕5号", "-f", "json")
    rows = [(r["number"], r["title"], r["lead"], r["deadline"]) for r in json.loads(out)]
    assert rows == [
        ("1.1", "建设研发平台", ["市科技局"], ["2024年底前"]),
        ("1.2", "培育科技企业", ["市科技局"], ["持续推进"]),
        (2, "优化营商环境", [], []),
    ]
    graph = (home.ttl / "doc-yn-zhaotong-2023-5.ttl").read_text(encoding="utf-8")
    assert "pg:Group" in graph and "/group/1/item/2>" in graph
    assert cli(home, "validate")[0] == 0


def test_one_departments_list_carries_the_deadlines(with_qujing: Corpus) -> None:
    code, out, err = cli(
        with_qujing, "tasks", "--dept", "曲靖市科技局", "--doc", "曲政办发〔2023〕8号", "-f", "json"
    )
    assert code == 0, err
    assert [(r["number"], r["role"], r["deadline"]) for r in json.loads(out)] == [
        (1, "牵头", ["2023年底前"]),
        (5, "牵头", []),
    ]


def test_task_table_disagreements_and_stray_rows_are_warnings(tmp_path: Path) -> None:
    from conftest import copy_home
    from test_extract import TABLE_DOC

    path = tmp_path / "doc.txt"
    path.write_text(
        "曲政发〔2023〕3号\n\n曲靖市人民政府关于建设创新平台的实施意见\n\n"
        + TABLE_DOC
        + "\n曲靖市人民政府\n2023年2月1日\n",
        encoding="utf-8",
    )
    home = copy_home(tmp_path / "home")
    code, out, err = cli(home, "ingest", str(path), "--jurisdiction", "cn-yn-qujing")
    assert code == 0, out + err
    code, out, _ = cli(home, "validate", "-f", "json")
    found = {r["rule"]: r["message"] for r in json.loads(out) if r["rule"].startswith("TaskTable")}
    assert "市发展改革委 (配合)" in found["TaskTableAgrees"]
    assert "建设数据中心" in found["TaskTableRowMatched"]
