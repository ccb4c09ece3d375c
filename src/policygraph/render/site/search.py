"""The search: its page, the index of every page's whole text, and the example queries it
suggests."""

from __future__ import annotations

import json
from pathlib import Path

from policygraph.render.site import words
from policygraph.render.site.base import Site

EXAMPLES = ("科技厅", "研发", "上市")  # what the search suggests, where the corpus has it


def search_index(site: Site) -> str:
    """The search index as one script (works from file://): the entries, and the words of
    their kinds in both languages."""
    kinds = {k: [w.zh, w.en] for k, w in words.search_kinds().items()}
    data = json.dumps(site.index, ensure_ascii=False, separators=(",", ":"))
    said = json.dumps(kinds, ensure_ascii=False, separators=(",", ":"))
    return f"window.PG_INDEX = {data};\nwindow.PG_KINDS = {said};\n"


def search_page(site: Site) -> None:
    site.add(
        "search/index.html",
        "search.html",
        None,
        title="搜索",
        examples=site.examples,
        autofocus=True,
    )


def suggested(site: Site) -> list[str]:
    """The example queries the search box suggests: those of ``EXAMPLES`` that find
    something in this corpus, else the name of the first department (never an example that
    finds nothing)."""
    texts = [" ".join(e.values()) for e in site.index]
    found = [q for q in EXAMPLES if any(q in t for t in texts)]
    if not found and site.departments:
        found = [site.departments[0].official]
    return found


def write_index(site: Site, root: Path) -> None:
    """The search index into the site's static files."""
    (root / "static" / "search-index.js").write_text(search_index(site), encoding="utf-8")
