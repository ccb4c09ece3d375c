"""One more document, faster still (issue 24): what each step keeps must be what the slower
step gave, for every input the project knows."""

from __future__ import annotations

import itertools
import os
import re
import sys
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin
from pypinyin.phrases_dict import phrases_dict
from rdflib import Graph
from test_onedoc_fast import QUJING, YUNNAN, ingest

from policygraph import build, checks
from policygraph.build import citations
from policygraph.corpus import Corpus, source_files
from policygraph.errors import SourceError
from policygraph.rdf import PG
from policygraph.text import places
from policygraph.text.citations import Mention

ROOT = Path(__file__).resolve().parents[1]
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?=自治州|市|地区|盟|县|区|省)")


def _names() -> set[str]:
    """The last two to six characters before 市, 州, 县… in the project's texts and the real
    pages, and every city the generator can make (two characters of its CITY_CHARS)."""
    names: set[str] = set()
    files = [*(ROOT / "data" / "sources").glob("*.txt"), *(ROOT / "tests" / "genre").rglob("*")]
    for path in files:
        if path.suffix in {".txt", ".html", ".tsv"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in _PLACE.finditer(text):
                names.update(m.group()[-n:] for n in range(2, min(len(m.group()), 6) + 1))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import documents

    names.update("".join(p) for p in itertools.permutations(documents.CITY_CHARS, 2))
    names.update(places.PROVINCES)
    return names


def test_pinyin_is_lazy_pinyins_for_every_place_named() -> None:
    names = _names()
    assert len(names) > 1000
    wrong = {n: (places.pinyin(n), "".join(lazy_pinyin(n))) for n in names}
    assert {n: pair for n, pair in wrong.items() if pair[0] != pair[1]} == {}


def test_pinyin_is_lazy_pinyins_for_every_word_of_the_phrase_dictionary() -> None:
    """Where the phrase dictionary could differ from the characters' first readings: each of
    its words is read from its file, as ``lazy_pinyin`` reads it (47,000 words, a second)."""
    assert len(phrases_dict) > 40000
    assert [w for w in phrases_dict if places.pinyin(w) != "".join(lazy_pinyin(w))] == []


def test_each_characters_readings_are_read_from_its_line_as_the_table_has_them() -> None:
    """A character of pypinyin's table, looked up on its line of the file, has the readings the
    whole table gives it (the table read whole was 0.05 s of one more document): every tenth of
    its 42,000 characters, its first and its last (each looked up alone: all of them, 13 s);
    every character of the places above is checked through ``pinyin``."""
    import json

    table = list(json.loads(places._dictionary("pinyin_dict.json")).items())
    assert len(table) > 40000
    some = [*table[::10], table[0], table[-1]]
    assert {k: v for k, v in some if places._reading(chr(int(k))) != v} == {}
    assert places._reading("a") == "" and places._reading("柳") == dict(table)[str(ord("柳"))]


def test_a_word_of_the_phrase_dictionary_is_read_from_its_file() -> None:
    """A word read otherwise than its characters' first readings (重庆: chóng, not zhòng)
    comes from the dictionary's file; a part of a name that is a word, from ``lazy_pinyin``."""
    assert places._phrase("重庆") == ["chóng", "qìng"]
    assert places._phrase("重庆市") is None  # not a word: lazy_pinyin segments it
    assert places._phrase("庆") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [("曲靖", "qujing"), ("重庆", "chongqing"), ("六安", "luan"), ("吕梁", "lvliang")],
)
def test_pinyin_of_a_word_the_phrases_read_otherwise(name: str, expected: str) -> None:
    assert places.pinyin(name) == expected == "".join(lazy_pinyin(name))


def test_a_city_without_phrases_does_not_load_them() -> None:
    """The point of it: a city of characters read one way each, or a city that is a word of
    the phrase dictionary (成都, 厦门), needs no phrase dictionary loaded (a fifth of a second
    of one more document's ingest)."""
    import subprocess

    code = (
        "import sys; from policygraph.text.places import jurisdiction_of as j;"
        "print(j('云南省曲靖市人民政府'), j('广西壮族自治区梧州市'), j('四川省成都市'),"
        " j('福建省厦门市人民政府'), 'pypinyin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "cn-yn-qujing",
        "cn-gx-wuzhou",
        "cn-sc-chengdu",
        "cn-fj-xiamen",
        "False",
    ]


# --- citations.ttl from each text's kept mentions (build.citations.KeptMentions) -------------


@pytest.fixture
def home(yunnan_home: Corpus) -> Corpus:
    return yunnan_home


def searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the build searches for citations (their first characters)."""
    found: list[str] = []
    real = citations.find_mentions

    def spy(text: str) -> list[Mention]:
        found.append(text[:40])
        return real(text)

    monkeypatch.setattr(citations, "find_mentions", spy)
    return found


def test_one_more_document_searches_its_text_alone_and_writes_the_same_citations(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = searched(monkeypatch)
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert len(texts) == 1 and texts[0] in QUJING.read_text(encoding="utf-8")
    kept = {p.name: p.read_text(encoding="utf-8") for p in home.ttl.glob("citations*.ttl")}
    assert "cites/1" in "".join(kept.values())
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    texts.clear()
    made = build.outputs(home)  # every text read and searched
    assert {n: made[n] for n in made if n.startswith("citations")} == kept
    assert len(texts) == len(list(home.sources.glob("*.txt"))) > 1


def test_mentions_with_their_keys_kept_resolve_as_mentions_found_in_the_text() -> None:
    """The keys kept with the mentions (a title and a number as compared) resolve each as the
    mentions found again do: by number, by title (traditional characters, full-width digits),
    a title completed by the number cited with it in another text, and the stubs' keys."""
    from rdflib import Literal, URIRef

    from policygraph.rdf import DCT, ELI
    from policygraph.text.citations import DocumentIndex, find_mentions

    meta = Graph()
    doc, other = URIRef("urn:doc:gx"), URIRef("urn:doc:nat")
    meta.add((doc, ELI.id_local, Literal("桂政办发〔2021〕81号")))
    meta.add((other, DCT.title, Literal("关于促进国家高新技术产业开发区高质量发展的若干意见")))
    texts = [
        "按照《關於促進國家高新技術產業開發區高質量發展的若干意見》；桂政办发（２０２１）81號，",
        "《某省实施方案》（某政发〔2022〕3号）印发。",
        "再按《某省实施方案》执行；桂政辦發[2021]081號。",
    ]
    found = [find_mentions(t) for t in texts]
    kept = [[m.keyed() for m in ms] for ms in found]
    assert all(m.keys is not None for ms in kept for m in ms)

    def resolved(mentions: list[list[Mention]]) -> list[list[str]]:
        resolver = citations._Resolver(DocumentIndex.from_rows([]))
        resolver.index = DocumentIndex(meta)
        for ms in mentions:
            resolver.learn(ms)
        out: list[list[str]] = []
        for ms in mentions:
            done: list[URIRef] = []
            for m in ms:
                done.append(resolver.resolve(m, done))
            out.append([str(d) for d in done])
        return out

    fresh = resolved(found)
    assert resolved(kept) == fresh
    assert fresh[0] == [str(other), str(doc)] and fresh[2][1] == str(doc)
    assert fresh[2][0] == fresh[1][0] and "cited" in fresh[1][0]  # completed by its number


def test_a_kept_text_edited_is_refused_not_taken_from_the_kept_mentions(home: Corpus) -> None:
    """The kept mentions are the text's whose digest is recorded: a text edited since (its
    document's file kept by the build, its key unchanged) is read when the kept mentions are
    opened, and refused as it was when the build read every text."""
    text = next(p for p in home.sources.glob("*.txt") if p.read_bytes() == YUNNAN.read_bytes())
    text.write_text(text.read_text(encoding="utf-8") + "\n附：", encoding="utf-8")
    sources = source_files(home.curated_graph())
    with pytest.raises(SourceError, match="SHA-256"):
        citations.KeptMentions(home, sources, build._Texts(home, sources))


def test_kept_mentions_not_as_written_are_found_again(
    home: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept file of another shape (damaged, an older format) is no answer: the texts are
    searched again and the file is the one made from scratch."""
    from policygraph.store import cache

    made = build.outputs(home)["citations.ttl"]
    (kept_file,) = (home_cache(monkeypatch) / "citations").glob("*.marshal")
    body = cache.read_marshalled(kept_file, citations.KEPT_FORMAT)
    assert body is not None
    body["texts"] = {sha: [["x"]] for sha in body["texts"]}  # rows of another shape
    cache.keep_marshalled(kept_file, body)
    texts = searched(monkeypatch)
    assert build.outputs(home)["citations.ttl"] == made
    assert len(texts) == len(body["texts"])
    data = kept_file.read_bytes()  # bytes that are not those written: no kept mentions
    kept_file.write_bytes(data[:-40] + bytes(40))
    texts.clear()
    assert build.outputs(home)["citations.ttl"] == made
    assert len(texts) == len(body["texts"])


def placed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The quotes the build looks for in a text (not taken from the kept offsets)."""
    found: list[str] = []
    real = citations.nth

    def spy(text: str, wanted: str, occurrence: int) -> int:
        found.append(wanted)
        return real(text, wanted, occurrence)

    monkeypatch.setattr(citations, "nth", spy)
    return found


def test_curated_quotes_are_placed_from_the_kept_offsets_as_in_their_texts(
    home: Corpus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The offsets of the curated quotes are kept with each text's mentions, and ``anchors.ttl``
    is what placing every quote in its text gives (the cache off). One more document's own
    quotes are placed by ingest in its own file: the build places none, and ``anchors.ttl``
    is left as it was."""
    monkeypatch.setenv("POLICYGRAPH_CACHE", str(tmp_path / "fresh"))  # nothing kept yet
    looked = placed(monkeypatch)
    first = build.outputs(home)["anchors.ttl"]
    assert len(looked) > 20  # every curated quote placed once, in its text
    looked.clear()
    assert build.outputs(home)["anchors.ttl"] == first
    assert looked == []
    assert ingest(home, QUJING, "cn-yn-qujing") == 0
    assert looked == []
    kept = (home.ttl / "anchors.ttl").read_text(encoding="utf-8")
    assert kept == first
    monkeypatch.setenv("POLICYGRAPH_CACHE", "off")
    assert build.outputs(home)["anchors.ttl"] == kept


def home_cache(monkeypatch: pytest.MonkeyPatch) -> Path:
    return Path(os.environ["POLICYGRAPH_CACHE"])


# --- the document index made once for the plan and the build (checks.mentions) --------------


def _documents(home: Corpus) -> list[tuple[str, str, str, str | None]]:
    from policygraph.checks.mentions import DOCUMENTS, Mentions

    index = Mentions.open(home)
    assert index is not None
    index.refresh()
    rows = index.rows(DOCUMENTS)
    index.close()
    return rows


@pytest.mark.parametrize("clash", ["none", "before", "after", "ranked"])
def test_the_document_index_grown_is_the_index_made(home: Corpus, clash: str) -> None:
    """New documents added to the index made last: what ``from_rows`` makes of every row, also
    where a new document's number or title is one the index has (which one wins is the rows'
    order, and for titles eli:title, dct:title, then variants, in turn)."""
    from policygraph.checks import mentions as module
    from policygraph.text.citations import DocumentIndex

    rows = _documents(home)
    subjects = sorted({r[0] for r in rows})
    new = set(subjects[::3])
    before = [r for r in rows if r[0] not in new]
    title = next(r for r in before if r[1] != module.DOCUMENTS[0])
    number = next(r for r in before if r[1] == module.DOCUMENTS[0])
    if clash == "before":  # the title and number of old ones, in a file before them: they win
        rows = [("http://example.org/new", *title[1:]), ("http://example.org/new", *number[1:])]
        rows += _documents(home)
    elif clash == "after":  # in a file after them: the new one wins
        rows = [
            *rows,
            ("http://example.org/new", *title[1:]),
            ("http://example.org/new", *number[1:]),
        ]
    elif clash == "ranked":  # a variant after an old eli:title, an eli:title before a variant
        variant = str(PG.titleVariant)
        rows = [*rows, ("http://example.org/new", variant, title[2], title[3])]
        rows = [("http://example.org/newer", module.DOCUMENTS[1], "新的标题", None), *rows]
        rows.append(("http://example.org/new", variant, "新的标题", None))
    last = module._document_index(before)
    numbers, titles = dict(last.by_number), dict(last.by_title)
    grown = module._document_index(rows)
    made = DocumentIndex.from_rows(rows)
    assert grown is not last
    assert grown.by_number == made.by_number and grown.by_title == made.by_title
    assert (last.by_number, last.by_title) == (numbers, titles)
    assert module._document_index(rows) is grown


@pytest.mark.parametrize(
    "form", ["as published", "with a BOM and CRLF line ends", "in GB18030 with its BOM"]
)
def test_an_ingested_documents_quotes_are_placed_where_the_build_would_place_them(
    home: Corpus, tmp_path: Path, form: str
) -> None:
    """Each quote ``ingest`` writes of the document's text (its stated link to the document
    it implements) carries its offsets, the occurrence the build's anchors would give, in the
    text the corpus reads (a BOM and CRLF line ends kept as the file has them; a text read
    from GB18030 with its BOM, whose derived plain text the corpus reads without it); the
    corpus then validates (``QuoteAtOffsets``)."""
    from policygraph.build.anchors import nth
    from policygraph.rdf import PROV

    path, text = tmp_path / QUJING.name, QUJING.read_text(encoding="utf-8")
    if form == "as published":
        path = QUJING
    elif form == "in GB18030 with its BOM":  # read with U+FEFF first; the corpus drops it
        path.write_bytes(b"\x84\x31\x95\x33" + text.encode("gb18030"))
    else:
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert ingest(home, path, "cn-yn-qujing") == 0
    written = Graph().parse(next(home.ttl.glob("ingested-cn-yn-qujing-*.ttl")))
    sources = {s.iri: s for s in source_files(home.curated_graph())}
    quotes = list(written.subject_objects(PG.quote))
    assert quotes  # the instrument: the document states what it implements
    for node, quote in quotes:
        text = home.read_text(sources[written.value(node, PROV.wasDerivedFrom)])
        start = written.value(node, PG.quoteStart)
        assert start is not None and int(start) == nth(text, str(quote), 1) >= 0
        assert int(written.value(node, PG.quoteEnd)) == int(start) + len(str(quote))
    assert not checks.validate(home).of("Violation")


@pytest.mark.parametrize("name", ["\ud800成", "成", "", "a重庆", "重庆b"])
def test_pinyin_of_what_no_dictionary_file_holds_is_lazy_pinyins(name: str) -> None:
    assert places.pinyin(name) == "".join(lazy_pinyin(name))


def test_pinyin_follows_pypinyins_switch_for_no_phrases() -> None:
    """With ``PYPINYIN_NO_PHRASES`` set, ``lazy_pinyin`` reads each character alone (重庆:
    zhongqing): so does the reading from the files."""
    import subprocess

    code = (
        "from pypinyin import lazy_pinyin; from policygraph.text.places import pinyin;"
        "print(*(pinyin(n) + ' ' + ''.join(lazy_pinyin(n)) for n in ('重庆', '厦门', '曲靖')))"
    )
    env = {**os.environ, "PYPINYIN_NO_PHRASES": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.split() == ["zhongqing"] * 2 + ["shamen"] * 2 + ["qujing"] * 2


def test_a_link_accepted_before_is_placed_again_in_the_text_as_it_is_read() -> None:
    """A link accepted at an earlier ingest is kept without its quote's offsets, which ingest
    places again in the text as the reader reads it now (a new version of a reader may read
    the same bytes otherwise: the old offsets would fail ``QuoteAtOffsets``)."""
    from rdflib import Literal, URIRef

    from policygraph.ingest.files import accepted_links
    from policygraph.rdf import PROV

    link, g = URIRef("urn:x:link"), Graph()
    for p, o in (
        (PG.linkKind, PG.Judged),
        (PROV.wasAttributedTo, PG.SuggestLinks),
        (PG.quote, Literal("促进高新区")),
        (PG.quoteStart, Literal(5)),
        (PG.quoteEnd, Literal(10)),
    ):
        g.add((link, p, o))
    kept = accepted_links(g)[link]
    assert (link, PG.quote, Literal("促进高新区")) in kept
    assert [t for t in kept if t[1] in (PG.quoteStart, PG.quoteEnd)] == []
