"""The search: its page, the index of every page's whole text, and the example queries it
suggests."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from policygraph.render.site import words
from policygraph.render.site.base import Site
from policygraph.render.site.html import write_changed

EXAMPLES = ("科技厅", "研发", "上市")  # what the search suggests, where the corpus has it
SHARD_BYTES = 128 * 1024  # about what one file of the index holds, past the first
MIN_SHARDS = 16  # of characters: a query loads a sixteenth of them, or less, at any size


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


def write_index(index: dict[str, str], root: Path, in_place: bool = False) -> list[str]:
    """The search index (:func:`shards`) into the site's static files; their names in the
    site. ``in_place``: only the files that differ from what ``root`` holds are written."""
    folder = root / "static" / "search"
    folder.mkdir(parents=True, exist_ok=True)
    files = {root / "static" / name: body.encode("utf-8") for name, body in index.items()}
    if in_place:
        write_changed(files)
    else:
        for path, data in files.items():
            path.write_bytes(data)
    return [path.relative_to(root).as_posix() for path in files]


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


Part = tuple[dict[str, list[int]], str]  # what :func:`part` makes of some entries


def part(entries: list[dict[str, str]], first: int = 0) -> Part:
    """What :func:`shards` makes of ``entries``, the entries ``first`` on of the index: which
    of them hold each character (by their numbers in the index), and their JSON without their
    texts, joined by commas as in the list of them. Made of the entries known early while the
    rest of the site is made (on the site's worker: 0.4 s of the 0.6 s of the whole index at
    1,000 documents), then of the others (:func:`shards`)."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for at, entry in enumerate(entries, first):
        held = set(entry["t"] + entry.get("a", "") + entry.get("x", ""))
        held -= _SPACES
        for ch in held:
            postings[ch].append(at)
    listed = _json([{k: v for k, v in e.items() if k != "x"} for e in entries])[1:-1]
    return dict(postings), listed


_SPACES = frozenset(" \t\n\r\u3000")


def shards(index: list[dict[str, str]], early: tuple[int, Part] | None = None) -> dict[str, str]:
    """The search index as scripts (loaded by script elements: works from file://), by their
    names under ``static/``. The first, ``search-index.js``, is all the page loads: each entry's
    kind, title, page and other names, the words of the kinds in both languages, and how the
    rest is split. The rest is loaded when a query needs it: ``search/c<n>.js``, which entries
    hold each character (a character's shard: its code point modulo their number), and
    ``search/t<n>.js``, the whole texts of entries ``n * per`` to ``(n + 1) * per - 1``. A query
    loads the shards of its characters, then the texts of the entries that hold them all.
    ``early``: the number of entries at the index's start and :func:`part` of them, made
    already."""
    upto, (before, listed) = early if early is not None else (0, ({}, ""))
    rest, rest_listed = part(index[upto:], upto)
    postings = dict(before)  # (the lists of both made anew: neither part is changed)
    for ch, ids in rest.items():
        postings[ch] = postings[ch] + ids if ch in postings else ids
    listed = ",".join(x for x in (listed, rest_listed) if x)
    size = sum(len(ids) * 4 + 8 for ids in postings.values())
    chars = max(MIN_SHARDS, -(-size // SHARD_BYTES))
    text = sum(len(e.get("x", "").encode("utf-8")) for e in index) or 1
    per = max(1, len(index) * SHARD_BYTES // text)
    out = {"search-index.js": _head(listed, chars, per)}
    by_shard: dict[int, dict[str, list[int]]] = {}
    for ch in sorted(postings):
        by_shard.setdefault(ord(ch) % chars, {})[ch] = postings[ch]
    for n, found in sorted(by_shard.items()):
        out[f"search/c{n}.js"] = f'window.PG_LOADED("c{n}", {_json(found)});\n'
    texts: dict[int, dict[str, str]] = {}
    for at, entry in enumerate(index):
        if entry.get("x"):
            texts.setdefault(at // per, {})[str(at)] = entry["x"]
    for n, found_texts in sorted(texts.items()):
        out[f"search/t{n}.js"] = f'window.PG_LOADED("t{n}", {_json(found_texts)});\n'
    return out


def _head(listed: str, chars: int, per: int) -> str:
    """``search-index.js``; ``listed``: the entries without their texts (:func:`part`)."""
    kinds = {k: [w.zh, w.en] for k, w in words.search_kinds().items()}
    split = {"chars": chars, "per": per}
    return (
        f"window.PG_INDEX = [{listed}];\nwindow.PG_KINDS = {_json(kinds)};\n"
        f"window.PG_SEARCH = {_json(split)};\n"
    )
