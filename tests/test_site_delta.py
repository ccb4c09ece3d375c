"""The site's whole-graph views read by their change alone (``views/delta.py``, issue 24): after
each change, every view of ``delta.VIEWS`` merged from its kept rows must be the whole read, row
for row and in the same order; where the module's conditions do not hold, the view is read whole
(and still equal)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.corpus import Corpus
from policygraph.rdf import PG
from policygraph.store import open_store
from policygraph.store.results import Rows
from policygraph.views import delta, network
from policygraph.views.internal import query

runner = CliRunner()
FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
LINKS = ("--accept-links", "margin=0.3")


def run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Corpus:
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "cache"))
    return copy_home(tmp_path / "home")


def read(corpus: Corpus) -> tuple[delta.Reading, dict[str, Rows]]:
    """Every view of ``VIEWS`` as the site reads it, kept for the next time."""
    reading = delta.Reading(open_store(corpus, endpoint=""), corpus)
    rows = {name: reading.select(query(name)) for name in delta.VIEWS}
    reading.keep()
    return reading, rows


def assert_whole(corpus: Corpus, rows: dict[str, Rows]) -> None:
    """Each view's rows are those of a whole read, in the same order."""
    store = open_store(corpus, endpoint="")
    for name, found in rows.items():
        whole = store.select(query(name))
        assert found.vars == whole.vars, name
        assert found.rows == delta.canonical(whole.rows), name


def ingest(corpus: Corpus, name: str, *more: str) -> None:
    run("ingest", str(FIX / name), *more, "--home", str(corpus.root))


def test_a_new_document_is_read_by_its_change_alone(home: Corpus) -> None:
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    read(home)
    # Kunming's measures implement Yunnan's, held before them
    ingest(home, "kunming-measures.txt", "--jurisdiction", "cn-yn-kunming", *LINKS)
    reading, rows = read(home)
    change = reading.change()
    assert change is not None and change.subjects
    assert reading.merged == list(delta.VIEWS)
    assert_whole(home, rows)


def test_a_document_naming_departments_already_named(home: Corpus, tmp_path: Path) -> None:
    """A department the new document names too is reached backwards from it (a responsibility
    names its department), and every view merged is still the whole read."""
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    read(home)
    text = (FIX / "yunnan-measures.txt").read_text(encoding="utf-8")
    again = tmp_path / "yunnan-again.txt"
    again.write_text(
        text.replace("云政办发〔2022〕12号", "云政办发〔2022〕99号").replace(
            "高质量发展的实施意见", "高质量发展的补充意见"
        ),
        encoding="utf-8",
    )
    run("ingest", str(again), "--jurisdiction", "cn-yn", "--home", str(home.root))
    reading, rows = read(home)
    change = reading.change()
    assert change is not None
    shared = delta._pointed_at(reading.store, change.subjects, (str(PG.department),))
    assert shared - change.subjects  # departments held before, named again
    assert reading.merged == list(delta.VIEWS)
    assert_whole(home, rows)


def test_nothing_changed_takes_every_kept_row(home: Corpus) -> None:
    read(home)
    reading, rows = read(home)
    assert reading.change() == delta.Change(frozenset())
    assert reading.merged == list(delta.VIEWS)
    assert_whole(home, rows)


def test_a_curated_file_edited_reads_every_view_whole(home: Corpus) -> None:
    read(home)
    targets = home.ttl / "targets.ttl"
    text = targets.read_text(encoding="utf-8")
    assert '"高新区总数"@zh' in text
    targets.write_text(text.replace('"高新区总数"@zh', '"高新区总数（测试）"@zh'), encoding="utf-8")
    reading, rows = read(home)
    assert reading.change() is None
    assert reading.merged == []
    assert_whole(home, rows)


def test_a_document_removed_reads_every_view_whole(home: Corpus) -> None:
    before = set(home.root.rglob("*"))
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    read(home)
    for path in set(home.root.rglob("*")) - before:  # its files taken out, the graph built
        if path.is_file():
            path.unlink()
    run("build", "--quiet", "--home", str(home.root))
    reading, rows = read(home)
    assert reading.change() is None
    assert reading.merged == []
    assert_whole(home, rows)


def test_each_view_is_read_as_declared() -> None:
    """An edited query is another query: its reach must be read again and declared anew."""
    for name, (digest, _, _) in delta.VIEWS.items():
        assert delta.query_digest(query(name)) == digest, name


def test_the_site_data_merged_is_the_whole_one(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the site is given (``SiteData``) after a new document, from the kept rows, is what a
    whole read gives (the cache off)."""
    from policygraph.views.site_data import SiteData

    def data() -> SiteData:
        return SiteData(open_store(home, endpoint=""), home, None)  # type: ignore[arg-type]

    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    data()
    ingest(home, "kunming-measures.txt", "--jurisdiction", "cn-yn-kunming", *LINKS)
    merged = data()
    assert sorted(merged.merged) == sorted(delta.VIEWS)
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    whole = data()
    assert whole.merged == []
    assert whole.implementations and whole.terms  # compared below: neither is empty
    for name in (
        "summary",
        "quotes",
        "departments",
        "funding",
        "dates_said",
        "citations",
        "subjects",
        "implementations",
        "terms",
    ):
        assert getattr(merged, name) == getattr(whole, name), name
    assert merged.said == whole.said != {}  # the roles the departments' network is made of
    nets = [network.neighbourhoods(d.departments, d.said) for d in (merged, whole)]
    assert list(nets[0].edges(data=True)) == list(nets[1].edges(data=True))
    assert list(nets[0].nodes(data=True)) == list(nets[1].nodes(data=True))
    assert merged.source_statements() == whole.source_statements() != {}
    chains = merged._chains, whole._chains  # what every chain reads: links and implementations
    assert chains[1].implementation and chains[1].components and chains[1].components.links
    assert chains[0].implementation == chains[1].implementation
    assert chains[0].components and chains[0].components.links == chains[1].components.links
    assert chains[0].components.parent == chains[1].components.parent


def test_kept_rows_come_back_as_the_terms_they_were_and_a_blank_node_is_not_kept() -> None:
    """Encoded rows decode to equal terms (an IRI, a literal with a language, one with a
    datatype, none); a row with a blank node cannot be kept (its label is the store's)."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from policygraph.views import delta

    rows = [
        (URIRef("urn:x:a"), Literal("措施", lang="zh"), None),
        (URIRef("urn:x:a"), Literal("3", datatype=XSD.integer), Literal("plain")),
    ]
    kept = delta._encode(rows)
    assert kept is not None and kept[0][0] == "urn:x:a"
    back = delta._decode(kept)
    assert back == rows and [type(t) for t in back[1]] == [URIRef, Literal, Literal]
    assert back[0][1].language == "zh" and back[1][1].datatype == XSD.integer
    assert delta._encode([*rows, (BNode(), Literal("x"), None)]) is None


def sources(corpus: Corpus) -> tuple[list[object], list[str]]:
    """The source files as the site lists them (from each metadata file's kept sources),
    kept for the next time, and the metadata files read alone to list them."""
    import policygraph.views.delta as module

    alone: list[str] = []
    real = module._own_sources

    def counted(path: Path, sha: str) -> list[object] | None:
        alone.append(path.name)
        return real(path, sha)

    module._own_sources = counted  # type: ignore[assignment]
    try:
        reading = delta.Reading(open_store(corpus, endpoint=""), corpus)
        found: list[object] = list(reading.source_files())
        reading.select(query("site-quotes"))
        reading.keep()
    finally:
        module._own_sources = real  # type: ignore[assignment]
    return found, alone


def test_the_sources_listed_from_each_files_kept_ones_are_the_whole_metadatas(
    home: Corpus,
) -> None:
    """Each metadata file's sources are kept by its SHA-256: after one new document only its
    file is read alone, and the list is what the whole metadata gives; where a file says
    something of another file's source (its values may then come from either), the whole
    metadata is read, and the list is still its (the source's text file is the other's)."""
    from policygraph.corpus import SourceFile, source_files

    metadata = [p.name for p in sorted(home.sources.glob("*.ttl"))]
    first, alone = sources(home)
    assert first == source_files(home.metadata()) and alone == metadata
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    again, alone = sources(Corpus.of(home.root))
    assert again == source_files(Corpus.of(home.root).metadata())
    assert len(again) == len(first) + 1 and len(alone) == 1
    one = next(s for s in again if isinstance(s, SourceFile) and s.text_file is None)
    (home.sources / "zz-other.ttl").write_text(
        f'<{one.iri}> <https://w3id.org/policygraph/ontology#textFileName> "other.txt" .\n',
        encoding="utf-8",
    )
    third, alone = sources(Corpus.of(home.root))
    assert alone == ["zz-other.ttl"]
    assert third == source_files(Corpus.of(home.root).metadata())
    assert [s.text_file for s in third if s.iri == one.iri] == ["other.txt"]  # type: ignore[attr-defined]


def test_a_node_added_below_a_document_held_before_counts_it_again(home: Corpus) -> None:
    """A document's counts read what is below it by ``eli:is_part_of+`` (``REACHED``): a new
    file that puts a measure, with a responsibility on it, two steps below a document held
    before changes that document's counts, and the merged rows are the whole read's."""
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    _, before = read(home)
    counts = {(str(d), str(w)): int(str(n)) for d, w, n in before["document-counts"].rows}
    document = next(d for (d, w), n in counts.items() if w == "measures")
    part = f"{document}/part/99"
    (home.ttl / "zz-added.ttl").write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        "@prefix eli: <http://data.europa.eu/eli/ontology#> .\n"
        f"<{part}> a pg:Part ; eli:is_part_of <{document}> .\n"
        f"<{part}/measure/1> a pg:Measure ; eli:is_part_of <{part}> .\n"
        f"<{part}/measure/1/lead/1> a pg:Responsibility ; pg:provision <{part}/measure/1> .\n",
        encoding="utf-8",
    )
    reading, rows = read(home)
    assert reading.change() is not None and "document-counts" in reading.merged
    assert_whole(home, rows)
    after = {(str(d), str(w)): int(str(n)) for d, w, n in rows["document-counts"].rows}
    for what in ("measures", "responsibilities", "parts"):
        assert after[(document, what)] == counts.get((document, what), 0) + 1, what


def test_texts_are_each_terms_text_kept_or_read_whole(home: Corpus) -> None:
    """``texts`` gives ``str`` of each term the whole read gives (None where unbound), from
    the kept rows and from a store alike; a view's text rows are kept as its terms' are."""
    ingest(home, "yunnan-measures.txt", "--jurisdiction", "cn-yn")
    read(home)
    reading = delta.Reading(open_store(home, endpoint=""), home)
    store = open_store(home, endpoint="")
    for name in ("site-quotes", "measure-departments", "department-headers"):
        whole = delta.canonical(store.select(query(name)).rows)
        said = [tuple(None if t is None else str(t) for t in row) for row in whole]
        assert reading.texts(query(name)).rows == said, name
        assert sorted(delta.texts(store, query(name)).rows, key=str) == sorted(said, key=str)
    assert reading.merged == ["site-quotes", "measure-departments", "department-headers"]


def test_rows_inserted_in_one_pass_are_those_insort_gives() -> None:
    import bisect
    import random

    draw = random.Random(7)
    rows = sorted(((f"urn:x:{draw.randrange(50)}", str(i)) for i in range(300)), key=delta._key)
    fresh = sorted(((f"urn:x:{draw.randrange(60)}", "n") for _ in range(40)), key=delta._key)
    expected = list(rows)
    for row in fresh:
        bisect.insort(expected, row, key=delta._key)
    assert delta._inserted(rows, fresh) == expected
    assert delta._inserted([], fresh) == fresh and delta._inserted(rows, []) == rows


def test_counts_of_given_documents_are_the_rows_document_counts_gives() -> None:
    """``summary.counts_of`` (the rows of the documents a change reaches) counts as
    document-counts.rq does, on the fixture graph and on the real one."""
    from rdflib import URIRef

    from policygraph.store.embedded import EmbeddedStore
    from policygraph.views.summary import counts_of

    real = Corpus.locate(Path(__file__).resolve().parent.parent)
    mini = Path(__file__).resolve().parent / "fixtures" / "mini"
    for store in (
        EmbeddedStore([real.ontology, *sorted(mini.glob("*.ttl"))]),
        open_store(real, endpoint=""),
    ):
        whole = delta.canonical(store.select(query("document-counts")).rows)
        documents = tuple(sorted({URIRef(str(r[0])) for r in whole}))
        assert whole and delta.canonical(counts_of(store, documents)) == whole
        first = [r for r in whole if r[0] == documents[0]]
        assert delta.canonical(counts_of(store, documents[:1])) == first
