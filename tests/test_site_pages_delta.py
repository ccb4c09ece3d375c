"""`site` again after one new document, its pages (issue 24): what every run looks at of the
whole site (the links between pages, the folder, the pages taken) made cheaper, each held to
what it replaced."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_home
from test_site_incremental import FIX, assert_same_as_whole, site
from typer.testing import CliRunner

from policygraph.cli.app import app
from policygraph.render.site.paths import link

runner = CliRunner()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whole site of the project's corpus, made once for this module's tests to read."""
    where = tmp_path_factory.mktemp("made")
    home = copy_home(where / "home").root
    out = where / "site"
    site(home, out)
    return out


def relpath(from_page: str, to_page: str) -> str:
    """What links were made with before: ``posixpath.relpath`` from the page's folder."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")


def test_a_link_is_what_relpath_gives_between_every_two_pages_of_a_real_site(
    made: Path,
) -> None:
    pages = sorted(p.relative_to(made).as_posix() for p in made.rglob("*.html"))
    files = sorted(p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file())
    assert "index.html" in pages and "org/index.html" in pages
    assert max(p.count("/") for p in pages) >= 4  # folders nested deep
    pairs = [(a, b) for a in pages for b in pages] + [(a, b) for a in pages[:20] for b in files]
    wrong = [(a, b) for a, b in pairs if link(a, b) != relpath(a, b)]
    assert not wrong, wrong[:5]
    assert link("eli/a/index.html", "eli/a/index.html", "m-1") == "index.html#m-1"  # same page
    assert link("eli/a/b/index.html", "eli/a/c/index.html") == "../c/index.html"  # same folder


@pytest.mark.parametrize(
    "from_page, to_page",
    [
        ("index.html", "index.html"),
        ("a/index.html", "a"),  # a folder's own name: "."
        ("a/b/index.html", "a"),
        ("external/http-//example.org/x/index.html", "index.html"),  # an empty segment
        ("external/a/../b/index.html", "org/index.html"),  # a ".." segment
        ("index.html", "external/./a/index.html"),  # a "." segment
        ("/abs/index.html", "a/index.html"),  # absolute
        ("a/index.html", "a/b/"),  # a folder
        ("", "a/index.html"),
    ],
)
def test_a_link_between_paths_that_are_not_plain_is_still_what_relpath_gives(
    from_page: str, to_page: str
) -> None:
    assert link(from_page, to_page) == relpath(from_page, to_page)
    assert link(from_page, to_page, "x") == relpath(from_page, to_page) + "#x"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return copy_home(tmp_path / "home").root


def test_pages_edited_or_deleted_by_hand_are_made_again(home: Path, tmp_path: Path) -> None:
    """The stamps the folder's one walk sees decide what is taken: a page edited by hand, an
    office file deleted, a page made a link to its own copy are each made again, and the site
    equals a whole build."""
    out = tmp_path / "site"
    site(home, out)
    runner.invoke(app, ["ingest", str(FIX / "yunnan-measures.txt"), "--home", str(home)])
    edited = out / "ontology" / "index.html"
    edited.write_bytes(edited.read_bytes().replace(b"</body>", b"<p>edited-by-a-person</p></body>"))
    [sheet, *_] = sorted(out.glob("org/**/*.xlsx"))
    sheet.unlink()
    [page, *_] = sorted(out.glob("org/**/index.html"), key=lambda p: -len(p.parts))
    copy = tmp_path / "copy.html"
    copy.write_bytes(page.read_bytes())
    page.unlink()
    page.symlink_to(copy)
    said = site(home, out)
    assert "pages whose data is unchanged, taken as they were" in said
    assert b"edited-by-a-person" not in edited.read_bytes()
    assert sheet.is_file() and not page.is_symlink()
    assert_same_as_whole(home, out, tmp_path)


def test_a_source_texts_key_reads_what_its_turtle_is_made_from_once_for_all(
    tmp_path: Path,
) -> None:
    """Each source's triples, read for every source in one query (kept by the site from one
    run to the next), are the triples of its own description (its page's Turtle), and the key is
    made from exactly those."""
    from policygraph import checks
    from policygraph.corpus import Corpus
    from policygraph.render.site.others import _described
    from policygraph.store import open_store
    from policygraph.views.site_data import SiteData

    corpus = Corpus.locate(copy_home(tmp_path / "home").root)
    data = SiteData(open_store(corpus, endpoint=""), corpus, checks.validate(corpus))
    iris = [str(s.iri) for s in data.source_files()]
    said = data.source_statements()
    assert len(iris) >= 5 and set(iris) <= set(said)  # and the returned forms, which name files
    for iri in iris:
        whole = data.description(iri)
        lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in whole)
        assert len(whole) > 3 and _described(iri, said) == "".join(lines).encode("utf-8")
    assert _described("https://w3id.org/policygraph/source/none", said) == b""


def test_a_documents_own_citations_file_is_its_own_not_shared(tmp_path: Path) -> None:
    """Where ``build`` writes each citing document's citations in ``citations-<source>.ttl``,
    the file belongs to that document (its bundle's key), not to every page's shared key."""
    from policygraph.render.site.reuse import own_files

    corpus = copy_home(tmp_path / "home")
    short = "zj-zhouqing-2022-910"  # a generated document's, its source cn-zj-zhouqing-2022-910
    mine = corpus.ttl / f"citations-cn-{short}.ttl"
    doc = corpus.ttl / f"doc-{short}.ttl"
    for path in (mine, doc):
        path.write_text("# one document's\n", encoding="utf-8")
    stubs = corpus.ttl / "citations.ttl"
    found = own_files(corpus, {short, "gx", "lz"})
    assert sorted(found[short]) == [mine, doc]
    assert corpus.ttl / "doc-gx.ttl" in found["gx"]
    assert all(stubs not in files for files in found.values())


def test_facts_are_placed_only_on_the_pages_made_and_the_site_is_the_whole_one(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one new document, the facts of a node are listed only on a page made now (a page
    taken from the last site shows those it was made with), and the site equals a whole build:
    a fact left off a page made, or a page taken that should not be, makes it differ."""
    from policygraph.render.site import others

    out = tmp_path / "site"
    site(home, out)
    result = runner.invoke(
        app,
        ["ingest", str(FIX / "yunnan-measures.txt"), "--jurisdiction", "cn", "--home", str(home)],
    )
    assert result.exit_code in (0, 1), result.output
    placed: list[tuple[set[str], set[str]]] = []
    real = others.place_facts

    def seen(s: Any) -> None:
        real(s)
        placed.append(({p for p, facts in s.facts.items() if facts}, {p.path for p in s.pages}))

    monkeypatch.setattr(others, "place_facts", seen)
    assert "pages whose data is unchanged, taken as they were" in site(home, out)
    [(with_facts, made)] = placed
    assert with_facts and with_facts <= made
    monkeypatch.undo()
    assert_same_as_whole(home, out, tmp_path)


def test_the_undirected_network_is_what_networkx_makes() -> None:
    """``network.undirected`` gives ``to_undirected()``'s graph: the same nodes, neighbours and
    data in the same order, an edge's data that of its last direction, on the project's network
    and on one whose two directions of an edge differ."""
    import networkx as nx

    from policygraph.corpus import Corpus
    from policygraph.store import open_store
    from policygraph.views import network

    def shown(g: Any) -> list[Any]:
        return [g.graph, list(g.nodes(data=True)), [list(g.adj[n].items()) for n in g]]

    corpus = Corpus.locate(Path(__file__).resolve().parent.parent)
    real = network.collaboration_network(open_store(corpus, endpoint=""))
    assert real.number_of_edges() > 10
    odd = nx.DiGraph(name="odd")
    odd.add_node("b", label="乙", leads=1)
    odd.add_edge("b", "a", weight=2, leads=1)
    odd.add_edge("a", "b", weight=2, leads=0)
    odd.add_edge("a", "c", weight=1, leads=3)
    for g in (real, odd):
        copy = network.undirected(g)
        assert type(copy) is nx.Graph and shown(copy) == shown(g.to_undirected())
    assert network.undirected(odd).edges["a", "b"]["leads"] == 0  # a → b: from the node added later


def test_a_keys_bytes_are_its_values_whichever_objects_hold_them() -> None:
    """Pickled without a memo: a value met twice is written twice, so a key does not change
    with which objects the views happen to share (with a memo, the second is a reference)."""
    from policygraph.render.site.reuse import encoded
    from policygraph.views.site import Words

    word = Words("牵头", "lead")
    shared = [word, word, {"a": (1, "市科技局")}]
    apart = [Words("牵头", "lead"), Words("牵头", "lead"), {"a": (1, "市科技局")}]
    assert encoded(shared) == encoded(apart)
    assert encoded(apart) != encoded([Words("配合", "co-lead"), *apart[1:]])
    assert encoded([1, "1"]) != encoded(["1", 1])  # types count, not only the text


def test_the_nodes_looked_at_for_anchors_are_every_node_with_an_address_on_a_page_made() -> None:
    """``others._on_pages`` gives, in order, every node whose address (``paths.address``) is on a
    page made, as looking at every node found, and not every node: IRIs one of which begins another without
    being above it (``measure/1``, ``measure/10``), a fragment's document, an IRI outside the
    base, a node with no page above it, and a page made whose IRI is none of its nodes'."""
    from types import SimpleNamespace

    from policygraph.rdf.namespaces import BASE
    from policygraph.render.site import others
    from policygraph.render.site.paths import address, page_of

    doc, other = f"{BASE}eli/cn-gx/2021/81", f"{BASE}eli/cn-lz/2021/18"
    nodes = [
        doc,
        f"{doc}/measure/1",
        f"{doc}/measure/1/funding/2",
        f"{doc}/measure/10",
        f"{doc}/measure/10/target/1",
        f"{doc}/part/3",
        f"{BASE}ontology#Measure",
        f"{BASE}ontology#Article",
        f"{other}/article/4",
        f"{BASE}nowhere/x",
        "http://example.org/elsewhere",
    ]
    subjects = {n: ("Measure", "措施") for n in nodes}
    pages_with_iris = [doc, f"{doc}/measure/1", f"{BASE}ontology", other, f"{doc}/measure/10"]
    for made_iris in (pages_with_iris, [f"{doc}/measure/1"], [other, f"{BASE}ontology"], []):
        made = {page_of(iri) for iri in made_iris} | {"search/index.html"}
        site = SimpleNamespace(subjects=subjects, page_iris=set(pages_with_iris))

        def on_made(found: list[str], made: set[str]) -> list[str]:
            return [n for n in found if (at := address(n, set(pages_with_iris))) and at[0] in made]

        every = on_made(sorted(subjects), made)
        looked_at = others._on_pages(site, made)
        assert on_made(looked_at, made) == every, made_iris
        assert looked_at == sorted(looked_at) and len(looked_at) < len(nodes)
    assert every == [] and others._on_pages(site, made) == []
