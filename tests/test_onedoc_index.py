"""Issue 24, one more document: the plan and the build of one document read from the index on
disk only the departments of the jurisdictions their lookups ask for (``checks.asked``), and
make the build's fingerprints from those rows. Every answer must be the one the index made
from every row (``DepartmentIndex.from_rows``) gives, and an ingest must write the same files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_home
from rdflib import URIRef
from typer.testing import CliRunner

from policygraph.checks import asked as asked_module
from policygraph.checks.mentions import (
    _DEPARTMENTS,
    Mentions,
    department_rows,
    facts_where,
    kept_digest,
)
from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.departments import DepartmentIndex
from policygraph.rdf import PG, SKOS
from policygraph.text.names import with_inherited_prefix

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
J, PREF, ALT = str(PG.jurisdiction), str(SKOS.prefLabel), str(SKOS.altLabel)
runner = CliRunner()
Row = tuple[str, str, str, str | None]


def dept(iri: str, jurisdictions: list[str], pref: str, *alt: str) -> list[Row]:
    rows: list[Row] = [(iri, J, j, "@iri") for j in jurisdictions]
    return [*rows, (iri, PREF, pref, "zh"), *((iri, ALT, a, "zh") for a in alt)]


ORG = "https://example.org/org/"
GX = "https://w3id.org/policygraph/org/gx/government-general-office"  # of Guangxi (departments.ttl)
ROWS: list[Row] = [
    *dept(ORG + "cn/czb", ["cn"], "财政部"),
    *dept(ORG + "cn/tjj", ["cn"], "国家统计局", "统计局"),
    *dept(ORG + "cn/kjb", ["cn"], "科学技术部", "科技部"),
    *dept(ORG + "cn-yn/czt", ["cn-yn"], "云南省财政厅", "省财政厅", "财政厅"),
    *dept(ORG + "cn-yn/tjj", ["cn-yn"], "云南省统计局", "省统计局", "统计局"),
    *dept(ORG + "cn-yn/kjt", ["cn-yn"], "云南省科学技术厅", "省科技厅", "科技厅"),
    # 市科技局 in two cities: resolved by the document's own city
    *dept(ORG + "cn-yn-kunming/kjj", ["cn-yn-kunming"], "昆明市科学技术局", "市科技局"),
    *dept(ORG + "cn-yn-qujing/kjj", ["cn-yn-qujing"], "曲靖市科学技术局", "市科技局"),
    *dept(ORG + "cn-yn-qujing/czj", ["cn-yn-qujing"], "曲靖市財政局", "市財政局"),  # traditional
    *dept(
        ORG + "cn-yn-qujing-luliang/kjj", ["cn-yn-qujing-luliang"], "陆良县科学技术局", "县科技局"
    ),
    *dept(ORG + "cn-gx/czt", ["cn-gx"], "广西壮族自治区财政厅", "自治区财政厅", "财政厅"),
    # two jurisdictions (the first row's wins), a label that is an IRI, a department without a
    # preferred label (not a department of the index), labels of a department in two files
    *dept(ORG + "cn-yn-qujing/fgw", ["cn-yn-qujing", "cn-yn-kunming"], "曲靖市发展和改革委员会"),
    (ORG + "cn-yn-qujing/fgw", ALT, ORG + "elsewhere", "@iri"),
    (ORG + "cn-yn/none", J, "cn-yn", "@iri"),
    (ORG + "cn-yn/none", ALT, "无名局", "zh"),
    (ORG + "cn-yn-qujing/czj", ALT, "市财政局", "zh"),
]
NAMES = [
    *("财政部", "统计局", "国家统计局", "科技部", "财政厅", "省财政厅", "省科技厅", "市科技局"),
    *("市财政局", "市財政局", "县科技局", "科技局", "自治区财政厅", "曲靖市发展和改革委员会"),
    *("发展改革委", "无名局", "市科枝局", "财政", "陆良县科学技术局", "广西壮族自治区财政厅"),
]
PLACES = [None, "", "cn", "cn-yn", "cn-yn-kunming", "cn-yn-qujing", "cn-yn-qujing-luliang"]
PLACES += ["cn-gx", "cn-gx-liuzhou", "cn-zj"]


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Mentions:
    """An index on disk holding ``ROWS``, each row a file of its own (in their order)."""
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    found = Mentions.open(copy_home(tmp_path / "home"))
    assert found is not None
    found.db.execute("DELETE FROM facts")
    found.db.execute("DELETE FROM files")
    names = [f"data/ttl/row{k:03d}.ttl" for k in range(len(ROWS))]
    found.db.executemany(  # each fact of a file of the index, as the index holds them
        "INSERT INTO files VALUES (?, '', '')", [(name,) for name in names]
    )
    found.db.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, NULL)",
        [(name, *row) for name, row in zip(names, ROWS, strict=True)],
    )
    return found


def read_as_asked(index: Mentions) -> DepartmentIndex:
    return asked_module.Departments(index, ())


def answers(index: DepartmentIndex, jurisdiction: str | None) -> list[object]:
    """Everything the plan and the build ask of an index for a document of ``jurisdiction``."""
    out: list[object] = [index.fingerprint(jurisdiction)]
    for name in NAMES:
        out.append(index.lookup(name, jurisdiction))
        out.append(index.suggest(name, jurisdiction=jurisdiction, near=True))
    for reading in with_inherited_prefix(["省财政厅", "统计局", "市科技局", "县科技局"]):
        out.append(index.lookup_reading(reading, jurisdiction))
    return out


@pytest.mark.parametrize("jurisdiction", PLACES)
def test_each_answer_is_the_one_of_the_index_of_every_row(
    jurisdiction: str | None, index: Mentions
) -> None:
    made, asked = DepartmentIndex.from_rows(ROWS), read_as_asked(index)
    assert answers(asked, jurisdiction) == answers(made, jurisdiction)
    assert made.lookup("市科技局", "cn-yn-qujing") == URIRef(ORG + "cn-yn-qujing/kjj")
    assert made.lookup("市科技局", "cn-yn") is None  # the case is one: not every answer None
    # then every other jurisdiction, and the fingerprints of each, on the same index
    for other in PLACES:
        assert answers(asked, other) == answers(made, other)
    assert asked.fingerprint(None) == made.fingerprint(None)
    assert (asked.labels, asked.pref_label) == (made.labels, made.pref_label)
    assert asked.jurisdiction == made.jurisdiction


def test_a_lookup_in_a_jurisdiction_indexes_its_chain_alone(index: Mentions) -> None:
    asked = read_as_asked(index)
    assert asked.lookup("市科技局", "cn-yn-qujing") == URIRef(ORG + "cn-yn-qujing/kjj")
    assert asked.fingerprint("cn-yn-qujing") == DepartmentIndex.from_rows(ROWS).fingerprint(
        "cn-yn-qujing"
    )
    assert set(asked.jurisdiction.values()) == {"cn-yn-qujing"}  # found in the nearest
    assert asked.lookup("无此部", "cn-yn-qujing") is None  # not a local form: cn too
    assert set(asked.jurisdiction.values()) == {"cn", "cn-yn", "cn-yn-qujing"}
    assert asked.lookup("科技部") == URIRef(ORG + "cn/kjb")  # in no jurisdiction: every one
    assert len(asked.labels) == len(DepartmentIndex.from_rows(ROWS).labels)


def test_a_plans_own_departments_over_it(index: Mentions) -> None:
    """A plan adds its new departments to a layer over the index (``copy``), or to the index
    itself (``add``): the same answers as over the index of every row."""
    made, asked = DepartmentIndex.from_rows(ROWS), read_as_asked(index)
    new = URIRef(ORG + "cn-yn-qujing/kxj")
    for index in (made, asked):
        layer = index.copy()
        layer.add(new, "cn-yn-qujing", "曲靖市科学技术协会", ["市科协", "科协"])
        assert layer.lookup("市科协", "cn-yn-qujing-luliang") == new
        assert new not in index and new in layer
    layers = [i.copy() for i in (made, asked)]
    for layer in layers:
        layer.add(new, "cn-yn-qujing", "曲靖市科学技术协会", ["市科协"])
    assert answers(layers[1], "cn-yn-qujing") == answers(layers[0], "cn-yn-qujing")
    for index in (made, asked):
        index.add(new, "cn-yn-qujing", "曲靖市科学技术协会", ["市科协"])
    for place in PLACES:
        assert answers(asked, place) == answers(made, place)


def ingest(home: Corpus, path: Path, jurisdiction: str | None) -> str:
    args = ["ingest", str(path), "--home", str(home.root)]
    args += ["--jurisdiction", jurisdiction] if jurisdiction else []
    result = runner.invoke(app, args)
    return f"{result.exit_code}\n{result.output}"


def files_of(home: Corpus) -> dict[str, bytes]:
    return {
        p.relative_to(home.root).as_posix(): p.read_bytes()
        for p in sorted(home.root.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.parts)
    }


def every_row(mentions: Mentions, exclude: list[Path]) -> DepartmentIndex:
    return DepartmentIndex.from_rows(mentions.rows(_DEPARTMENTS, exclude=exclude))


def test_an_ingest_writes_what_the_index_of_every_row_makes_it_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province, a city, a county and a document in no jurisdiction ingested one by one into
    two copies, one with the index of every row: the same files and the same output."""
    steps = [
        ("yunnan-measures.txt", "cn-yn"),
        ("qujing-plan.txt", "cn-yn-qujing"),
        ("kunming-measures.txt", "cn-yn-qujing-luliang"),  # a county: 市科技局 is its city's
        ("dali-notice.txt", None),
        ("qujing-plan.txt", "cn-yn-qujing"),  # planned again: the index without its own files
    ]
    homes = [copy_home(tmp_path / name) for name in ("every", "asked")]
    said: list[list[str]] = [[], []]
    for k, home in enumerate(homes):
        monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / f"cache{k}"))
        with monkeypatch.context() as m:
            if k == 0:
                m.setattr(asked_module, "Departments", every_row)
            for name, jurisdiction in steps:
                said[k].append(ingest(home, FIX / name, jurisdiction))
    assert said[0] == said[1]
    assert said[0][0].startswith("0\n")
    every, asked = files_of(homes[0]), files_of(homes[1])
    assert every.keys() == asked.keys()
    assert [n for n in every if every[n] != asked[n]] == []


def test_the_fingerprints_are_made_from_the_labels_as_written(
    monkeypatch: pytest.MonkeyPatch, index: Mentions
) -> None:
    """Every index kind gives each jurisdiction the same fingerprint, made from the labels as
    written (no label normalised to digest it); labels that read otherwise give another."""
    from rdflib import Graph, Literal

    from policygraph import departments
    from policygraph.text import names

    graph = Graph()
    for s, p, o, lang in ROWS:
        obj = URIRef(o) if lang == "@iri" else Literal(o, lang=lang)
        graph.add((URIRef(s), URIRef(p), obj))
    made, rows = DepartmentIndex(graph), DepartmentIndex.from_rows(ROWS)
    normalised: list[str] = []
    real = names.normalize

    def spy(label: str) -> str:
        normalised.append(label)
        return real(label)

    monkeypatch.setattr(departments, "normalize", spy)
    asked = read_as_asked(index)
    found = {j: asked.fingerprint(j) for j in [*PLACES, None]}
    assert normalised == []
    assert (
        found == {j: made.fingerprint(j) for j in found} == {j: rows.fingerprint(j) for j in found}
    )
    index.db.execute("UPDATE facts SET o = '市科枝局' WHERE o = '市科技局'")
    changed = read_as_asked(index)
    assert changed.fingerprint("cn-yn-qujing") != found["cn-yn-qujing"]
    assert changed.fingerprint("cn-gx") == found["cn-gx"]


@pytest.mark.parametrize("one_by_one", [1000, 0])
def test_the_files_read_over_the_index_are_read_as_if_it_held_them(
    tmp_home: Corpus, monkeypatch: pytest.MonkeyPatch, one_by_one: int
) -> None:
    """The build of one more document reads the departments of the index with the files the
    ingest just wrote read over it (``Mentions.overlay``, the index itself left as it was for
    the scoped validation): each jurisdiction's rows, those of the files written, and the
    digests, as an index that holds those files gives them; the kept digests asked one by one
    or all read at once (``one_by_one``: how many asks before they are)."""
    from policygraph.checks import asked as asked_module
    from policygraph.checks.asked import Departments

    monkeypatch.setattr(asked_module, "_ONE_BY_ONE", one_by_one)
    from policygraph.departments import fingerprints_of

    departments = tmp_home.ttl / "departments.ttl"
    over, held = Mentions.open(tmp_home), Mentions.open(tmp_home)
    assert over is not None and held is not None
    over.refresh()
    before = {o for _, p, o, _ in over.rows(_DEPARTMENTS) if p == _DEPARTMENTS[0]}
    made = Departments(over, ())  # every digest kept: those of the files read over are not theirs
    for place in sorted(before | {"cn-gx-nowhere"}):
        made.fingerprint(place)
    made.keep()
    assert kept_digest(over, "cn-gx-liuzhou") and kept_digest(over, "cn-gx-nowhere") == ""
    text = departments.read_text(encoding="utf-8")
    assert "柳州市科学技术局" in text
    departments.write_text(  # a label changed, and a department added in a new jurisdiction
        text.replace("柳州市科学技术局", "柳州市科学技术局（新）")
        + '\n<https://example.org/org/cn-gx-nowhere/kjj> pg:jurisdiction "cn-gx-nowhere" ;\n'
        '    skos:prefLabel "某市科学技术局"@zh ; skos:altLabel "市科技局"@zh .\n',
        encoding="utf-8",
    )
    new = tmp_home.ttl / "new-departments.ttl"
    new.write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/org/cn-gx-liuzhou/new> pg:jurisdiction "cn-gx-liuzhou" ;\n'
        '    skos:prefLabel "柳州市新局"@zh .\n',
        encoding="utf-8",
    )
    over.overlay([departments, new])
    places = sorted({o for _, p, o, _ in over.rows(_DEPARTMENTS) if p == _DEPARTMENTS[0]})
    assert {"cn-gx-nowhere", "cn-gx-liuzhou"} <= set(places)
    asked = Departments(over, ())
    read = [
        (department_rows(over, j), asked.fingerprint(j), asked.lookup("市科技局", j))
        for j in places
    ]
    rows = over.rows(_DEPARTMENTS)
    liuzhou = "https://w3id.org/policygraph/org/gx/liuzhou/science-technology"
    facts = [
        facts_where(over, c, v, _DEPARTMENTS) for c, v in [("s", liuzhou), ("o", "cn-gx-nowhere")]
    ]
    assert facts[1] and "柳州市科学技术局（新）" in str(facts[0])
    assert asked.lookup("柳州市科学技术局（新）", "cn-gx-liuzhou")
    assert asked.lookup("柳州市新局", "cn-gx-liuzhou")
    assert asked.lookup("柳州市科学技术局", "cn-gx-liuzhou") is None
    held.refresh()  # the same index (one file), now holding the files
    assert kept_digest(held, "cn-gx-liuzhou") is None and kept_digest(held, "cn-gx-nowhere") is None
    still = dict(held.db.execute("SELECT jurisdiction, digest FROM digests"))
    assert still == {j: fingerprints_of(held.rows(_DEPARTMENTS)).get(j, "") for j in still}
    whole = DepartmentIndex.from_rows(held.rows(_DEPARTMENTS))
    assert rows == held.rows(_DEPARTMENTS)
    assert facts == [
        facts_where(held, c, v, _DEPARTMENTS) for c, v in [("s", liuzhou), ("o", "cn-gx-nowhere")]
    ]
    assert read == [
        (department_rows(held, j), whole.fingerprint(j), whole.lookup("市科技局", j))
        for j in places
    ]


def test_each_kept_digest_is_the_one_made_again(tmp_home: Corpus) -> None:
    """The build of an ingest keeps each jurisdiction's departments' digest in the index; a
    file stating facts of a jurisdiction's departments changed (a label edited, a department
    moved to another jurisdiction) forgets that jurisdiction's, and each digest still kept is
    the one made again from the index."""
    from policygraph.departments import fingerprints_of

    r = ingest(tmp_home, FIX / "qujing-plan.txt", "cn-yn-qujing")
    assert r.startswith("0\n"), r
    index = Mentions.open(tmp_home)
    assert index is not None
    kept = dict(index.db.execute("SELECT jurisdiction, digest FROM digests"))
    assert {"cn", "cn-gx", "cn-gx-liuzhou", "cn-yn"} <= kept.keys()
    assert "cn-yn-qujing" not in kept  # the ingest's own files state its departments: made anew
    assert kept == {j: fingerprints_of(index.rows(_DEPARTMENTS)).get(j, "") for j in kept}

    def kept_now() -> dict[str, str]:
        index.refresh()
        return dict(index.db.execute("SELECT jurisdiction, digest FROM digests"))

    def fresh(kept: dict[str, str]) -> dict[str, str]:
        return {j: fingerprints_of(index.rows(_DEPARTMENTS)).get(j, "") for j in kept}

    extra = tmp_home.ttl / "extra-departments.ttl"
    prefixes = (
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    )
    new = '<https://example.org/org/new> skos:prefLabel "新局"@zh ; pg:jurisdiction "{}" .\n'
    label = f'<{GX}> skos:altLabel "自治区某厅"@zh .\n'  # a label of a department held elsewhere
    extra.write_text(prefixes + new.format("cn-gx-liuzhou") + label, encoding="utf-8")
    now = kept_now()
    assert not {"cn-gx", "cn-gx-liuzhou"} & now.keys()
    assert {"cn", "cn-yn"} <= now.keys() and now == fresh(now)
    made = asked_module.Departments(index, ())
    made.fingerprint("cn-gx-liuzhou")
    made.keep()
    assert {"cn-gx", "cn-gx-liuzhou"} <= kept_now().keys()
    extra.write_text(prefixes + new.format("cn-yn"), encoding="utf-8")  # moved to Yunnan
    now = kept_now()
    assert not {"cn-yn", "cn-gx-liuzhou"} & now.keys()  # where it is, and where it was
    assert "cn-gx" not in now  # the label no longer written
    assert "cn" in now and now == fresh(now)
    r = ingest(tmp_home, FIX / "yunnan-measures.txt", "cn-yn")  # the build keeps them again
    assert r.startswith("0\n"), r
    again = dict(index.db.execute("SELECT jurisdiction, digest FROM digests"))
    assert {"cn-gx", "cn-gx-liuzhou", "cn-yn-qujing"} <= again.keys()
    assert again == {j: fingerprints_of(index.rows(_DEPARTMENTS)).get(j, "") for j in again}
    index.close()


def test_a_batch_keeps_the_digests_it_made_and_each_is_the_one_made_again(
    tmp_home: Corpus, tmp_path: Path
) -> None:
    """A batch's rebuild keeps the digests it made, inside the batch's transaction; a file
    stating departments written or changed by hand before the next batch forgets those of its
    jurisdictions, and every digest kept is always the one made again from the index."""
    import shutil

    from policygraph.departments import fingerprints_of

    def batch(*names: str) -> None:
        folder = tmp_path / f"batch-{names[0]}"
        folder.mkdir()
        for name in names:
            shutil.copy(FIX / name, folder / name)
        result = runner.invoke(app, ["ingest", str(folder), "--home", str(tmp_home.root)])
        assert result.exit_code in (0, 1), result.output
        assert "added" in result.output

    def kept() -> dict[str, str]:
        index = Mentions.open(tmp_home)
        assert index is not None
        try:
            index.refresh()
            found = dict(index.db.execute("SELECT jurisdiction, digest FROM digests"))
            fresh = fingerprints_of(index.rows(_DEPARTMENTS))
            assert found == {j: fresh.get(j, "") for j in found}
            return found
        finally:
            index.close()

    batch("yunnan-measures.txt", "qujing-plan.txt")
    assert {"cn", "cn-gx", "cn-gx-liuzhou"} <= kept().keys()
    extra = tmp_home.ttl / "extra-departments.ttl"
    prefixes = (
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    )
    new = '<https://example.org/org/new> skos:prefLabel "新局"@zh ; pg:jurisdiction "{}" .\n'
    extra.write_text(prefixes + new.format("cn-gx-liuzhou"), encoding="utf-8")
    batch("dali-notice.txt", "kunming-measures.txt")
    assert {"cn-gx-liuzhou", "cn-yn"} <= kept().keys()
    extra.write_text(prefixes + new.format("cn-yn"), encoding="utf-8")  # moved to Yunnan
    assert not {"cn-gx-liuzhou", "cn-yn"} & kept().keys()


def test_an_index_that_cannot_be_read_during_the_build_gives_way_to_the_curated_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the index cannot be read as the build of one more document asks (a lock held too
    long, a damaged page), the build reads the curated graph instead: the same files."""
    import sqlite3

    calls: list[object] = []

    def locked(*args: object) -> None:
        calls.append(args)
        raise sqlite3.OperationalError("database is locked")

    homes = [copy_home(tmp_path / name) for name in ("read", "locked")]
    said = []
    for k, home in enumerate(homes):
        monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / f"cache{k}"))
        with monkeypatch.context() as m:
            if k == 1:
                m.setattr(asked_module, "kept_digest", locked)
            said.append(ingest(home, FIX / "qujing-plan.txt", "cn-yn-qujing"))
    assert calls  # the build asked, and could not read
    assert said[0] == said[1] and said[0].startswith("0\n")
    every, read = files_of(homes[0]), files_of(homes[1])
    assert [n for n in every if every[n] != read.get(n)] == []


def test_digests_made_before_another_writer_changed_the_index_are_not_kept(
    tmp_home: Corpus,
) -> None:
    """A build reads the index as it asks, in no transaction of its own: where another process
    brings the index up to a changed file meanwhile (it forgets digests not yet kept), the
    digests the build made before are not kept."""
    reader, writer = Mentions.open(tmp_home), Mentions.open(tmp_home)
    assert reader is not None and writer is not None
    reader.refresh()
    made = asked_module.Departments(reader, ())
    old = made.fingerprint("cn-gx-liuzhou")
    departments = tmp_home.ttl / "departments.ttl"
    text = departments.read_text(encoding="utf-8")
    departments.write_text(text.replace("柳州市科学技术局", "柳州市科技局（改）"), encoding="utf-8")
    writer.refresh()  # another connection: the file indexed again
    made.keep()
    assert kept_digest(reader, "cn-gx-liuzhou") is None
    again = asked_module.Departments(reader, ())
    assert again.fingerprint("cn-gx-liuzhou") != old
    again.keep()  # nothing changed since it first read: kept
    assert kept_digest(reader, "cn-gx-liuzhou") == again.digests["cn-gx-liuzhou"]
    reader.close()
    writer.close()
