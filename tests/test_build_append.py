"""Issue 24, one more document: a build that only adds documents (``build.append``) builds the
new documents, their citations and the documents whose departments they changed, and keeps the
rest without reading what it was made of. Its files, and what it keeps for the next build, must
be what a whole build makes; where the new files change what another document's files are made
of, the whole build makes them."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from typer.testing import CliRunner

from policygraph import build as build_package
from policygraph.build import Given, append, state
from policygraph.checks import asked
from policygraph.checks.mentions import Mentions
from policygraph.cli.app import app
from policygraph.corpus import Corpus, is_generated
from policygraph.text.citations import DocumentIndex

runner = CliRunner()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each build, whether it only added documents."""
    made: list[bool] = []
    real = build_package.build

    def spy(*args: object, **kwargs: object) -> build_package.BuildResult:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        made.append(result.added)
        return result

    for module in ("policygraph.ingest.apply", "policygraph.ingest.batch"):
        monkeypatch.setattr(importlib.import_module(module), "build", spy)
    return made


def as_a_whole_build(home: Corpus) -> None:
    """The built files, and what the state keeps of what they were made of, are a whole
    build's (every document extracted, every text's citations resolved)."""
    whole = build_package._outputs(home, None, state.State())
    on_disk = {p.name: p.read_text("utf-8") for p in home.ttl.glob("*.ttl") if is_generated(p)}
    assert set(on_disk) == set(whole.files)
    assert [n for n in whole.files if whole.files[n] != on_disk[n]] == []
    kept = state.load(home)
    assert kept.records == whole.records
    assert kept.prints == whole.prints
    assert as_sets(kept.cited) == as_sets(whole.cited)
    assert {n: kept.docs[n] for n in whole.keys} == whole.keys


def as_sets(cited: dict[str, Any]) -> dict[str, Any]:
    """The resolution kept, its lists (sets kept in no order) as sets."""
    out = dict(cited)
    for name in ("held", "taken"):
        out[name] = set(out[name])
    out["asked"] = tuple(set(keys) for keys in out["asked"])
    return out


def ingest(home: Corpus, doc: Path) -> None:
    result = runner.invoke(app, ["ingest", str(doc), "--home", str(home.root)])
    assert result.exit_code == 0, result.output


def generated(tmp_path: Path, count: int, seed: int) -> list[Path]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from documents import generate

    return list(generate(tmp_path / "docs", count, seed=seed))


def test_documents_one_by_one_are_added_as_a_whole_build_makes_them(
    tmp_path: Path, builds: list[bool]
) -> None:
    """A province's cities, then more one by one: a city whose province is not held (its
    citation a stub), the province (which the stub's citation asked for: the whole build), then
    cities citing it (each added alone). After each, the files and the state are a whole
    build's."""
    docs = generated(tmp_path, 34, 11)
    province, cities = docs[0], docs[1:]
    later = [cities[0], province, *cities[-4:]]
    crawl = tmp_path / "first"
    crawl.mkdir()
    for d in docs:
        if d not in later:
            (crawl / d.name).write_bytes(d.read_bytes())
    home = copy_home(tmp_path / "home")
    result = runner.invoke(app, ["ingest", str(crawl), "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    for d in later:
        ingest(home, d)
        as_a_whole_build(home)
    assert builds == [False, True, False, True, True, True, True], builds  # the batch: whole


def test_a_department_added_rebuilds_the_documents_of_its_jurisdiction(
    tmp_path: Path, builds: list[bool]
) -> None:
    """Two documents of one city: the second adds the city's departments the first did not
    name, so the first is extracted again, in a build that adds the second."""
    docs = generated(tmp_path, 60, 7)
    by_city: dict[str, list[tuple[Path, set[str]]]] = {}
    for d in docs[1:]:
        text = d.read_text(encoding="utf-8")
        city = re.search(r"([\u4e00-\u9fff]{2}市)人民政府", text)
        named = set(re.findall(r"市[\u4e00-\u9fff]{1,10}?(?:局|委|办)", text))
        by_city.setdefault(city.group(1) if city else "", []).append((d, named))
    (first, _), (second, _) = next(
        ds[:2] for city, ds in by_city.items() if city and len(ds) >= 2 and ds[1][1] - ds[0][1]
    )
    home = copy_home(tmp_path / "home")
    ingest(home, docs[0])
    ingest(home, first)
    before = state.load(home)
    ingest(home, second)
    after = state.load(home)
    assert builds[-1] is True, builds
    changed = [n for n in before.docs if n.startswith("doc-") and before.docs[n] != after.docs[n]]
    assert changed, "no document of the city extracted again"
    as_a_whole_build(home)


# --- what is the whole build's: each change that a build adding documents cannot make ---------


@pytest.fixture
def built_home(tmp_path: Path) -> Iterator[Corpus]:
    home = copy_home(tmp_path / "home")
    build_package.build(home)
    yield home


@contextlib.contextmanager
def given(home: Corpus) -> Iterator[Given]:
    """What ``ingest`` gives the build, from the index brought up to the files."""
    mentions = Mentions.open(home)
    assert mentions is not None
    mentions.refresh()
    try:
        curated = home.curated_graph()
        departments = asked.Departments(mentions, ())
        yield Given(curated, departments, DocumentIndex.of(curated, None), mentions.naming)
    finally:
        mentions.close()


def rebuilt(home: Corpus) -> build_package.BuildResult:
    with given(home) as g:
        return build_package.build(home, None, g)


def test_a_new_file_stating_a_held_documents_facts_is_the_whole_build(
    built_home: Corpus,
) -> None:
    doc = "https://w3id.org/policygraph/eli/cn-gx/guizhengbanfa/2021/81"
    (built_home.ttl / "mine.ttl").write_text(
        f'<{doc}> <https://w3id.org/policygraph/ontology#titleVariant> "新的题名"@zh .\n',
        encoding="utf-8",
    )
    assert rebuilt(built_home).added is False
    as_a_whole_build(built_home)


def test_a_changed_file_is_the_whole_build(built_home: Corpus) -> None:
    departments = built_home.ttl / "departments.ttl"
    departments.write_text(
        departments.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8"
    )
    assert rebuilt(built_home).added is False
    as_a_whole_build(built_home)


def test_a_new_document_a_held_text_cites_is_the_whole_build(
    tmp_path: Path, builds: list[bool]
) -> None:
    """The province after its city: the city's citation of it, a stub, now the province."""
    docs = generated(tmp_path, 3, 11)
    home = copy_home(tmp_path / "home")
    ingest(home, docs[1])
    ingest(home, docs[0])
    assert builds[-1] is False
    as_a_whole_build(home)
    stubs = (home.ttl / "citations.ttl").read_text(encoding="utf-8")
    assert "云南省人民政府办公厅关于" not in stubs


def test_a_state_without_a_resolution_is_the_whole_build(
    built_home: Corpus, tmp_path: Path
) -> None:
    kept = state.load(built_home)
    kept.cited = {}
    state.save(built_home, kept)
    doc = generated(tmp_path, 1, 3)[0]
    result = runner.invoke(app, ["ingest", str(doc), "--home", str(built_home.root)])
    assert result.exit_code == 0, result.output
    as_a_whole_build(built_home)
    assert append.added(built_home, kept, state.input_files(built_home), None, None) is None


def test_a_new_document_given_a_held_source_text_is_the_whole_build(built_home: Corpus) -> None:
    """Its citations would be found in a text the build adding documents does not read."""
    source = next(iter(state.load(built_home).records.values()))[0]
    (built_home.ttl / "mine.ttl").write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        '<urn:x:doc> a pg:PolicyDocument ; pg:shortName "mine" ;\n'
        f"  pg:sourceText <{source}> .\n",
        encoding="utf-8",
    )
    assert rebuilt(built_home).added is False
    as_a_whole_build(built_home)


def test_a_new_document_another_file_names_is_the_whole_build(built_home: Corpus) -> None:
    """A curated file naming the document before it was held (as the object of a link)."""
    prefix = "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
    (built_home.ttl / "links.ttl").write_text(
        prefix + "<urn:x:other> <urn:x:implements> <urn:x:doc> .\n", encoding="utf-8"
    )
    rebuilt(built_home)
    (built_home.ttl / "mine.ttl").write_text(
        prefix + '<urn:x:doc> a pg:PolicyDocument ; pg:shortName "mine" .\n', encoding="utf-8"
    )
    assert rebuilt(built_home).added is False
    as_a_whole_build(built_home)


def test_a_new_document_alone_is_added(built_home: Corpus) -> None:
    """The same new document, named nowhere else: added (what the two tests above tell apart)."""
    (built_home.ttl / "mine.ttl").write_text(
        "@prefix pg: <https://w3id.org/policygraph/ontology#> .\n"
        '<urn:x:doc> a pg:PolicyDocument ; pg:shortName "mine" .\n',
        encoding="utf-8",
    )
    assert rebuilt(built_home).added is True
    as_a_whole_build(built_home)


# --- a review's cases: each once a fast path that differed from the whole build --------------

PG = "https://w3id.org/policygraph/ontology#"
CITING = (
    "为贯彻落实《国务院关于促进国家高新技术产业开发区高质量发展的若干意见》（国发〔2020〕7号）。\n"
)


def source_of(home: Corpus, name: str, n: int) -> str:
    """A citing text at ``name`` and the Turtle of its document and source."""
    path = home.root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CITING, encoding="utf-8")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return (
        f"<urn:x:doc{n}> a <{PG}PolicyDocument> ; <{PG}sourceText> <urn:x:src{n}> .\n"
        f'<urn:x:src{n}> <{PG}fileName> "{name}" ; <{PG}sha256> "{sha}" ;'
        f' <{PG}extractionProfile> "none" ; <{PG}describes> <urn:x:doc{n}> .\n'
    )


def test_a_citations_file_named_as_others_were_before_their_digests(built_home: Corpus) -> None:
    """x/y.txt and x-y.txt both name x-y.txt, so both files have digests; a new x-y.txt.txt,
    whose stem is that name, has one too in the whole build."""
    old = source_of(built_home, "data/sources/x/y.txt", 1)
    old += source_of(built_home, "data/sources/x-y.txt", 2)
    (built_home.sources / "mine-old.ttl").write_text(old, encoding="utf-8")
    build_package.build(built_home)
    new = source_of(built_home, "data/sources/x-y.txt.txt", 3)
    (built_home.sources / "mine-new.ttl").write_text(new, encoding="utf-8")
    assert rebuilt(built_home).added is False
    as_a_whole_build(built_home)
    assert not (built_home.ttl / "citations-x-y.txt.ttl").exists()


def test_a_new_citing_document_alone_is_added(built_home: Corpus) -> None:
    (built_home.sources / "mine-new.ttl").write_text(
        source_of(built_home, "data/sources/mine.txt", 3), encoding="utf-8"
    )
    assert rebuilt(built_home).added is True
    as_a_whole_build(built_home)
    assert (built_home.ttl / "citations-mine.ttl").exists()


def test_a_new_file_deriving_a_held_quote_elsewhere_is_the_whole_build(
    built_home: Corpus,
) -> None:
    """A curated quote's source is what places it (anchors.ttl)."""
    quote = next(str(s) for s, p, _ in built_home.curated_graph() if str(p) == f"{PG}quote")
    source = next(iter(state.load(built_home).records.values()))[0]
    (built_home.ttl / "mine.ttl").write_text(
        f"<{quote}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{source}> .\n",
        encoding="utf-8",
    )
    assert rebuilt(built_home).added is False


def test_another_opencc_is_the_whole_build(
    built_home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenCC's tables make the mentions' keys: the resolution kept is another's."""
    from policygraph.build import citations

    (built_home.ttl / "mine.ttl").write_text(
        f'<urn:x:doc> a <{PG}PolicyDocument> ; <{PG}shortName> "mine" .\n', encoding="utf-8"
    )
    monkeypatch.setattr(citations, "opencc_version", lambda: "another")
    citations._version.cache_clear()
    try:
        assert rebuilt(built_home).added is False
    finally:
        monkeypatch.undo()
        citations._version.cache_clear()


def test_a_stray_built_citations_file_is_removed_by_a_build_that_adds(
    built_home: Corpus, tmp_path: Path
) -> None:
    """A built citations file the last build did not make goes, as the whole build takes it."""
    made = next(built_home.ttl.glob("citations-2021-*.ttl"))
    (built_home.ttl / "citations-stray.ttl").write_bytes(made.read_bytes())
    (built_home.sources / "mine-new.ttl").write_text(
        source_of(built_home, "data/sources/mine.txt", 3), encoding="utf-8"
    )
    assert rebuilt(built_home).added is True
    assert not (built_home.ttl / "citations-stray.ttl").exists()
    as_a_whole_build(built_home)
