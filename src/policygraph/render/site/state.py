"""What the site in a folder was made from: `site` again with nothing changed writes nothing,
and after a change the office files whose table is unchanged are taken from the last site.

The office files (each document's and department's task table as xlsx and docx) are four fifths
of the time of a site (measured at 300 documents: 190 of 245 s); after one new document almost
all of them are what they were. The state is one small JSON file per site folder in the cache
directory (the store's cache, given by the caller as a :class:`Kept`: the site does not import
the store; the cache off means every site is made whole, as before). It records

- ``key``: a digest of policygraph's code, the site's templates and static files, every file of
  the corpus (``data/``, ``ontology/``, ``queries/``), the base URL and the day the site shows
  progress as of;
- ``files``: each file of the site with its size and modification time as written;
- ``sheets``: for each office file, a digest of the table it was made from;
- ``bundles``: for each held document, the key of its pages and what they are
  (:mod:`.reuse`).

It is kept with ``marshal`` (27 MB at 1,000 documents: as JSON, 0.9 s to read and write),
with the SHA-256 of its bytes (``store.cache.keep_marshalled``: a state damaged or cut short is
no state), in a file of its own name (``.state``; the JSON state of earlier code is not read).

Beside it, a flag says whether the site was written to the end: a run that updates the site in
place raises it first (:func:`begin`) and lowers it after the state (:func:`save`), so a run
killed half way leaves a site that is not up to date.

Nothing is trusted without checking: the site is left as it is only when the key is the
recorded one and every file is still as written; an office file is taken from the last site
only when its table's digest is the recorded one and the file is still as written (a file
edited by hand is made again); a document's pages likewise (:mod:`.reuse`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from policygraph.build.state import code_version
from policygraph.corpus import Corpus, snapshot

FORMAT = "2"  # bumped when what the state holds changes
MARKER = ".policygraph-site"  # in every site: the files the site wrote, one a line
SITE_CODE = Path(__file__).resolve().parent  # templates/ and static/


class Kept(Protocol):
    """Where what was made is kept between runs (``policygraph.store.cache``, which the caller
    gives)."""

    def directory(self) -> Path | None: ...

    def read_json(self, path: Path | None, form: str) -> dict[str, Any] | None: ...

    def keep_json(self, path: Path | None, body: object) -> None: ...

    def read_marshalled(self, path: Path | None, form: str) -> dict[str, Any] | None: ...

    def keep_marshalled(self, path: Path | None, body: dict[str, Any]) -> None: ...

    def add_files(self, digest: Any, files: Sequence[Path], root: Path) -> None: ...


@dataclass
class SiteState:
    key: str = ""
    pages: int = 0
    files: dict[str, list[int]] = field(default_factory=dict)  # path in the site -> size, mtime
    sheets: dict[str, str] = field(default_factory=dict)  # office file -> its table's digest
    bundles: dict[str, dict[str, Any]] = field(default_factory=dict)  # a document -> its pages
    # each regular file's stamp as the folder's check found it just now (not recorded): None
    # where the folder was not walked (then each file is looked at by itself)
    seen: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)


def location(out: Path, cache: Kept) -> Path | None:
    """The state file of the site in ``out``, or None when the cache is off."""
    where = cache.directory()
    if where is None:
        return None
    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:32]
    return where / "sites" / f"{name}.state"


def load(out: Path, cache: Kept) -> SiteState:
    """The state of the last site written to ``out``; an empty one where there is none. Where a
    run began writing the site and did not finish (:func:`begin`), the state is the last one
    but for its key: the site is not up to date, though each file still as the last one wrote
    it may be taken."""
    found = cache.read_marshalled(location(out, cache), FORMAT)
    if found is None:
        return SiteState()
    try:
        loaded = SiteState(
            str(found["key"]),
            int(found["pages"]),
            dict(found["files"]),
            dict(found["sheets"]),
            dict(found["bundles"]),
        )
    except (KeyError, TypeError, ValueError):
        return SiteState()
    writing = cache.read_json(_writing(out, cache), FORMAT)
    if writing is None or writing.get("writing", True):
        loaded.key = ""  # begun and not finished (or not known to be finished)
    return loaded


def begin(out: Path, cache: Kept) -> None:
    """Say the site in ``out`` is being written: until :func:`save`, it is not up to date."""
    cache.keep_json(_writing(out, cache), {"format": FORMAT, "writing": True})


def save(out: Path, state: SiteState, cache: Kept) -> None:
    """Write the state in one step, then say the site is written; a cache that cannot be
    written only means a whole site next time."""
    recorded = {k: v for k, v in state.__dict__.items() if k != "seen"}
    cache.keep_marshalled(location(out, cache), {"format": FORMAT, **recorded})
    cache.keep_json(_writing(out, cache), {"format": FORMAT, "writing": False})


def _writing(out: Path, cache: Kept) -> Path | None:
    where = location(out, cache)
    return where.with_suffix(".writing") if where is not None else None


def corpus_digests(corpus: Corpus, cache: Kept) -> dict[str, str]:
    """The SHA-256 of every corpus file a site is made from (``data/``, ``ontology/``,
    ``queries/``), by its name in the corpus, in the order of their names: read once a run, for
    the site's key and the keys of its pages (:mod:`.reuse`). Those under ``data/`` and
    ``ontology/`` are the corpus's snapshot's, whose pass and remembered digests the checks
    share (:func:`policygraph.corpus.snapshot`; listing and reading them file by file was 0.4 s
    at 1,000 documents); the few queries' are read through ``add_files``."""
    files = snapshot(corpus, cache.directory())
    found = files.digests(files.names("data", "ontology"))
    lines = _Lines()
    cache.add_files(lines, corpus.files_under("queries"), corpus.root)
    return {**found, **lines.found}  # data/, ontology/, queries/: as their paths sort


class _Lines:
    """Takes what ``add_files`` adds to a digest: one ``name\\0sha256\\n`` a file."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def update(self, data: bytes) -> None:
        name, _, sha = data.decode().rstrip("\n").partition("\0")
        self.found[name] = sha


def key(base_url: str | None, as_of: str, digests: dict[str, str], kind: str = "site") -> str:
    """Everything a site is made from (see the module's text): ``digests``, the SHA-256 of the
    corpus files it counts by their names in the corpus, read once a run
    (:func:`corpus_digests`, or a part of them), as ``store.cache.add_files`` adds files."""
    digest = header(base_url, as_of, kind)
    for name, sha in digests.items():
        digest.update(f"{name}\0{sha}\n".encode())
    return str(digest.hexdigest())


def header(base_url: str | None, as_of: str, kind: str) -> Any:
    """The digest of a key before its files: the format, the code, the site's address and day,
    and the site's own templates and static files."""
    digest = hashlib.sha256(f"policygraph {kind} {FORMAT}\n{code_version()}\n".encode())
    digest.update(f"{base_url or ''}\n{as_of}\n".encode())
    for root in (SITE_CODE / "templates", SITE_CODE / "static"):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(SITE_CODE).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest


def stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def intact(out: Path, state: SiteState, name: str) -> bool:
    """Whether the site's file ``name`` is still as the last site wrote it: its stamp as the
    folder's walk saw it (``state.seen``), else as it is now."""
    if state.seen is not None:
        found = state.seen.get(name)
        return found is not None and found == state.files.get(name)
    try:
        return stamp(out / name) == state.files.get(name)
    except OSError:
        return False


def unchanged(out: Path, state: SiteState, site_key: str) -> bool:
    """Whether the site in ``out`` is the one ``site_key`` makes, every file as written."""
    return (
        bool(state.key)
        and state.key == site_key
        and bool(state.files)
        and all(intact(out, state, name) for name in state.files)
    )


def sheet_digest(sheet: Any) -> str:
    """A digest of everything an office file is made from: its table."""
    body = [
        sheet.title,
        [c.__dict__ for c in sheet.columns],
        sheet.rows,
        sheet.footer,
        sheet.lines,
        sheet.staff,
    ]
    text = json.dumps(body, ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record(
    out: Path,
    site_key: str,
    pages: int,
    sheets: dict[str, str],
    bundles: dict[str, dict[str, Any]],
) -> SiteState:
    """The state of the site just written to ``out``."""
    files = {p.relative_to(out).as_posix(): stamp(p) for p in sorted(out.rglob("*")) if p.is_file()}
    return SiteState(site_key, pages, files, sheets, bundles)


def record_made(
    out: Path,
    site_key: str,
    result: Any,
    last: SiteState,
    sheets: dict[str, str],
    bundles: dict[str, dict[str, Any]],
) -> SiteState:
    """The state of the site just updated in place in ``out``, from what was made
    (``result.made``, ``result.kept``; :class:`~.html.SiteResult`): a file left as the last
    site wrote it keeps its recorded stamp (it was checked intact when taken); only the others
    and the marker are looked at. A stat of what was written, not of every file of the site."""
    files = {}
    for name in sorted(dict.fromkeys([*result.made, MARKER])):  # (made: sorted already, once)
        kept = last.files.get(name) if name in result.kept else None
        files[name] = kept if kept is not None else stamp(out / name)
    return SiteState(site_key, result.pages, files, sheets, bundles)
