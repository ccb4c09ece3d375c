"""`policygraph site`: a static site of the graph that works opened from disk.

Pages mirror the graph's IRIs (:mod:`.paths`); each links its Turtle and embeds its metadata as
JSON-LD; every script and style is in the site (no network, no server); Jinja2 templates in
``templates/``, SVG drawn in Python (:mod:`.svg`). The site is built in a temporary directory
beside the target and moved into place when whole, so a failed build leaves the old one.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policygraph.corpus import Corpus, write_atomic
from policygraph.errors import InputError

STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class SiteResult:
    directory: Path
    pages: int = 0
    files: int = 0
    bytes: int = 0


@dataclass
class Page:
    path: str  # relative to the site's root
    template: str
    context: dict[str, Any]
    iri: str | None = None
    extra: dict[str, bytes] = field(default_factory=dict)  # files beside the page


def build_site(corpus: Corpus, out: Path, base_url: str | None = None) -> SiteResult:
    """Build the site of ``corpus`` into ``out`` (replacing what is there, all or nothing)."""
    from policygraph.render.site.pages import SitePages

    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a directory")
    if out.exists() and any(out.iterdir()) and not (out / "index.html").exists():
        raise InputError(
            f"{out}: a directory that holds something else than a site; give another -o"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        result = SitePages(corpus, base_url).write(staging)
        _swap(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.directory = out
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
    for page in pages:
        depth = page.path.count("/")
        context = {"root": "../" * depth, "iri": page.iri, **page.context}
        if page.iri and base_url:
            context["iri"] = base_url.rstrip("/") + "/" + page.path.removesuffix("index.html")
        html = env.get_template(page.template).render(**context)
        files[root / page.path] = html.encode("utf-8")
        for name, data in page.extra.items():
            files[(root / page.path).parent / name] = data
        result.pages += 1
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(files)
    shutil.copytree(STATIC, root / "static", dirs_exist_ok=True)
    result.files = sum(1 for p in root.rglob("*") if p.is_file())
    result.bytes = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return result


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
