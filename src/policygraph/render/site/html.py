"""Pages to files: the page model, the Jinja2 templates rendered, the site's static files, and
the JSON-LD each page embeds."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass
class Page:
    path: str  # relative to the site's root
    template: str
    context: dict[str, Any]
    iri: str | None = None
    # files beside the page: their bytes, or a file of the last site to take as it is
    extra: dict[str, bytes | Path] = field(default_factory=dict)


def render_pages(
    pages: list[Page], root: Path, base_url: str | None, taken_files: dict[str, Path] | None = None
) -> SiteResult:
    """Write every page (and the files beside it) under ``root``; ``taken_files``: files of
    the last site taken as they are, by their names in the site."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    result = SiteResult(root)
    files: dict[Path, bytes] = {}
    taken = {root / name: old for name, old in (taken_files or {}).items()}
    for page in pages:
        depth = page.path.count("/")
        context = {"root": "../" * depth, "iri": page.iri, **page.context}
        if page.iri and base_url:
            context["iri"] = base_url.rstrip("/") + "/" + page.path.removesuffix("index.html")
        html = env.get_template(page.template).render(**context)
        files[root / page.path] = html.encode("utf-8")
        for name, data in page.extra.items():
            target = (root / page.path).parent / name
            if isinstance(data, Path):
                taken[target] = data
            else:
                files[target] = data
        result.pages += 1
    for path in [*files, *taken]:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(files)
    for target, old in taken.items():
        _take(old, target)
    result.reused = len(taken) - len(taken_files or {})
    shutil.copytree(STATIC, root / "static", dirs_exist_ok=True)
    return result


def _take(old: Path, target: Path) -> None:
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
