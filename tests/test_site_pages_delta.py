"""`site` again after one new document, its pages (issue 24): what every run looks at of the
whole site (the links between pages, the folder, the pages taken) made cheaper, each held to
what it replaced."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from conftest import copy_home
from test_site_incremental import site

from policygraph.render.site.paths import link


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
