"""Pages to files: the page model, the Jinja2 templates rendered, the site's static files, and
the JSON-LD each page embeds."""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any, Protocol

from policygraph.corpus import write_atomic
from policygraph.rdf.namespaces import PG

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class SiteResult:
    directory: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0
    unchanged: bool = False  # the site there was already this one: nothing written
    reused: int = 0  # office files taken from the last site, their tables unchanged
    taken: int = 0  # pages taken from the last site, nothing they draw on changed
    made: list[str] = field(default_factory=list)  # every file of the site but its marker
    kept: set[str] = field(default_factory=set)  # of those, files left as the last site wrote


class Pending(Protocol):
    """A file beside a page being made elsewhere (:class:`.worker.Later`): its bytes, waited
    for."""

    def result(self) -> bytes: ...


@dataclass
class Page:
    path: str  # relative to the site's root
    template: str
    context: dict[str, Any]
    iri: str | None = None
    # files beside the page: their bytes (or being made), or a file of the last site to take
    extra: dict[str, bytes | Path | Pending] = field(default_factory=dict)
    html: Pending | None = None  # the page's HTML, being made elsewhere (:func:`render_html`)


PART = ".policygraph-part"  # a file being written in place: ``.<name>.policygraph-part``


def render_pages(
    pages: list[Page],
    root: Path,
    base_url: str | None,
    taken_files: Mapping[str, str | Path] | None = None,
    in_place: bool = False,
    before: Callable[[list[str]], None] | None = None,
) -> SiteResult:
    """Write every page (and the files beside it) under ``root``; ``taken_files``: files of
    the last site taken as they are, by their names in the site. ``in_place``: ``root`` holds
    the last site, and only the files that differ from what it holds are written; ``before``
    is told the names of every file before any is written."""
    result = SiteResult(root)
    files: dict[str, bytes] = {}  # by their names in the site
    taken: dict[str, str | Path] = dict(taken_files or {})
    result.pages = _render(pages, base_url, files, taken)
    result.made = [*files, *taken, *(f"static/{name}" for name in static_files())]
    result.kept = _in_place(root, taken)
    if before is not None:
        before(result.made)
    # a file left in place is in its folder already (23,000 folders at 1,000 documents)
    moved = [name for name in taken if name not in result.kept]
    for folder in sorted({name.rpartition("/")[0] for name in [*files, *moved]}):
        (root / folder).mkdir(parents=True, exist_ok=True)
    if in_place:
        write_changed({root / name: data for name, data in files.items()})
        write_changed({root / "static" / n: p.read_bytes() for n, p in static_files().items()})
    else:
        write_atomic({root / name: data for name, data in files.items()})
    for name in moved:
        _take(taken[name], root / name)
    result.reused = len(taken) - len(taken_files or {})
    if not in_place:
        shutil.copytree(STATIC, root / "static", dirs_exist_ok=True)
    return result


def _in_place(root: Path, taken: dict[str, str | Path]) -> set[str]:
    """The files taken from the last site that are already where the site has them (the
    last site is ``root``): their names. By their text first (83,000 paths compared)."""
    prefix = f"{root}/"
    return {
        name for name, old in taken.items() if str(old) == prefix + name or Path(old) == root / name
    }


def _render(
    pages: list[Page],
    base_url: str | None,
    files: dict[str, bytes],
    taken: dict[str, str | Path],
) -> int:
    """Each page's HTML into ``files`` with the files beside it (those taken from the last site
    into ``taken``), by their names in the site; the number of pages."""
    for page in pages:
        if page.html is not None:
            files[page.path] = page.html.result()
        else:
            files[page.path] = render_html(
                page.path, page.template, page.context, page.iri, base_url
            )
        folder = page.path.rpartition("/")[0]
        for name, data in page.extra.items():
            target = f"{folder}/{name}" if folder else name
            if isinstance(data, Path):
                taken[target] = data
            else:
                files[target] = data if isinstance(data, bytes) else data.result()
    return len(pages)


def render_html(
    path: str, template: str, context: dict[str, Any], iri: str | None, base_url: str | None
) -> bytes:
    """A page's HTML (its path, template, context and IRI); the templates loaded once a process
    (the site's worker renders some pages: :mod:`.worker`)."""
    context = {"root": "../" * path.count("/"), "iri": iri, **context}
    if iri and base_url:
        context["iri"] = base_url.rstrip("/") + "/" + path.removesuffix("index.html")
    html: str = _environment().get_template(template).render(**context)
    return html.encode("utf-8")


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def static_files() -> dict[str, Path]:
    """The site's static files (its style and script), by their names under ``static/``."""
    return {p.relative_to(STATIC).as_posix(): p for p in sorted(STATIC.rglob("*")) if p.is_file()}


def write_changed(files: dict[Path, bytes]) -> None:
    """Write each file that does not already hold its bytes, one at a time, each whole (written
    beside it, then renamed over it): a file already as it should be is left as it is (a
    symbolic link in its place is replaced, whatever it points at)."""
    for path, data in files.items():
        try:
            st = os.lstat(path)
            if S_ISREG(st.st_mode) and st.st_size == len(data) and path.read_bytes() == data:
                continue
        except OSError:
            pass  # not there yet
        part = path.with_name(f".{path.name}{PART}")
        part.write_bytes(data)
        os.replace(part, path)


def _take(old: str | Path, target: Path) -> None:
    """A file of the last site into the new one: a hard link (the old site is removed once the
    new one is in place), or a copy where the file system has none."""
    try:
        os.link(old, target)
    except OSError:
        shutil.copy2(old, target)


def json_ld(iri: str, types: list[str], **values: object) -> str:
    """The page's metadata: ELI and schema.org terms."""
    data = {
        "@context": {
            "eli": "http://data.europa.eu/eli/ontology#",
            "schema": "https://schema.org/",
            "pg": str(PG),
        },
        "@id": iri,
        "@type": types,
        **{k: v for k, v in values.items() if v not in (None, "", [])},
    }
    return script_json(data)


# In a <script> element, JSON may hold nothing the HTML parser reads: no "<" (which opens
# "</script>" or "<!--", whose script-data states swallow the rest of the page), no ">" or "&",
# and no U+2028/U+2029 (line ends to older JavaScript). Each is written as its \u escape,
# which JSON reads as the same character.
_SCRIPT_SAFE = {ord(c): f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"}


def script_json(data: object) -> str:
    """``data`` as JSON that is safe inside an HTML <script> element."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE)
