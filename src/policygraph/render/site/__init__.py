"""`policygraph site`: a static site of the graph that works opened from disk.

Pages mirror the graph's IRIs (:mod:`.paths`); each links its Turtle and embeds its metadata as
JSON-LD; every script and style is in the site (no network, no server); Jinja2 templates in
``templates/``, SVG drawn in Python (:mod:`.svg`). The site is built in a temporary directory
beside the target and moved into place when whole, so a failed build leaves the old one. What
the last site was made from is remembered (:mod:`.state`): with nothing changed, nothing is
written; after a change, office files whose table is unchanged are taken from the last site.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policygraph.corpus import Corpus, write_atomic
from policygraph.errors import InputError
from policygraph.i18n import N_

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


@dataclass
class Page:
    path: str  # relative to the site's root
    template: str
    context: dict[str, Any]
    iri: str | None = None
    # files beside the page: their bytes, or a file of the last site to take as it is
    extra: dict[str, bytes | Path] = field(default_factory=dict)


def build_site(corpus: Corpus, out: Path, base_url: str | None = None) -> SiteResult:
    """Build the site of ``corpus`` into ``out`` (replacing what is there, all or nothing);
    nothing is written when the site there is already the one this corpus makes."""
    from policygraph.render.site import state
    from policygraph.render.site.pages import SitePages

    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError(N_("{path}: not a directory"), code="site-not-directory", path=out)
    if out.exists() and any(out.iterdir()) and not (out / "index.html").exists():
        raise InputError(
            N_("{path}: a directory that holds something else than a site; give another"),
            code="site-directory-occupied",
            path=out,
        )
    as_of = dt.date.today()  # progress is shown as of the day the site is built
    last = state.load(out)
    site_key = state.key(corpus, base_url, as_of.isoformat())
    if (out / "index.html").is_file() and state.unchanged(out, last, site_key):
        size = sum(stamp[0] for stamp in last.files.values())
        return SiteResult(out, last.pages, len(last.files), size, unchanged=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        pages = SitePages(corpus, base_url, as_of, last=(out, last))
        result = pages.write(staging)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    written = state.record(out, site_key, result.pages, pages.sheets)
    state.save(out, written)
    result.directory = out
    result.files = len(written.files)
    result.bytes = sum(stamp[0] for stamp in written.files.values())
    return result


def _swap(staging: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def render_pages(pages: list[Page], root: Path, base_url: str | None) -> SiteResult:
    """Write every page (and the files beside it) under ``root``."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    result = SiteResult(root)
    files: dict[Path, bytes] = {}
    taken: dict[Path, Path] = {}  # files of the last site, taken as they are
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
    result.reused = len(taken)
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
            "pg": "https://w3id.org/policygraph/ontology#",
        },
        "@id": iri,
        "@type": types,
        **{k: v for k, v in values.items() if v not in (None, "", [])},
    }
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
