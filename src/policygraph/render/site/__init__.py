"""`policygraph site`: a static site of the graph that works opened from disk.

Pages mirror the graph's IRIs (:mod:`.paths`); each links its Turtle and embeds its metadata as
JSON-LD; every script and style is in the site (no network, no server); Jinja2 templates in
``templates/``, SVG drawn in Python (:mod:`.svg`). The site is built in a temporary directory
beside the target and moved into place when whole, so a failed build leaves the old one; it is
written only into a new or empty folder or one it made (its marker, ``.policygraph-site``, lists
what it wrote) and deletes nothing it did not make. What
the last site was made from is remembered (:mod:`.state`): with nothing changed, nothing is
written; after a change, office files whose table is unchanged are taken from the last site.
"""

from __future__ import annotations

import datetime as dt
import glob
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
from policygraph.rdf.namespaces import PG
from policygraph.render.output import refuse_inside_corpus

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
    """Build the site of ``corpus`` into ``out`` (replacing the site there, all or nothing);
    nothing is written when the site there is already the one this corpus makes. ``out`` must
    be new, empty, or a site this command made holding nothing else (:func:`check_ours`)."""
    from policygraph.render.site import state
    from policygraph.render.site.pages import SitePages

    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError(N_("{path}: not a directory"), code="site-not-directory", path=out)
    refuse_inside_corpus(out)
    as_of = dt.date.today()  # progress is shown as of the day the site is built
    last = state.load(out)
    site_key = state.key(corpus, base_url, as_of.isoformat())
    if (out / "index.html").is_file() and state.unchanged(out, last, site_key):
        size = sum(stamp[0] for stamp in last.files.values())
        return SiteResult(out, last.pages, len(last.files), size, unchanged=True)
    check_ours(out, last.files)
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    with Staging(out) as staging:
        pages = SitePages(corpus, base_url, as_of, last=(out, last))
        result = pages.write(staging.root)
        staging.mark()
        _swap(staging.root, out)
    written = state.record(out, site_key, result.pages, pages.sheets)
    state.save(out, written)
    result.directory = out
    result.files = len(written.files)
    result.bytes = sum(stamp[0] for stamp in written.files.values())
    return result


# --- the folder: only ever one this command made ---------------------------------------------

MARKER = ".policygraph-site"  # in every site: the files the site wrote, one a line
STAGING, OLD = "policygraph-staging-", "policygraph-old-"  # ``.<out>.<these>XXXX`` beside it


def check_ours(out: Path, recorded: dict[str, list[int]]) -> None:
    """An InputError unless ``out`` is new, empty, or a site this command made that holds
    nothing else: the files its marker lists (or, for a site made before the marker, the files
    its recorded state lists)."""
    if not out.is_dir() or not any(out.iterdir()):
        return
    marker = out / MARKER
    if marker.is_file():
        made = set(marker.read_text(encoding="utf-8").splitlines())
    elif (out / "index.html").is_file() and recorded:
        made = set(recorded)
    else:
        raise InputError(
            N_("{path}: a directory that holds something else than a site; give another"),
            code="site-directory-occupied",
            path=out,
        )
    made.add(MARKER)
    folders = {parent.as_posix() for name in made for parent in Path(name).parents}
    for top, dirs, files in os.walk(out):  # links are not followed
        dirs.sort()
        here = Path(top).relative_to(out)
        for name in sorted(dirs + files):
            entry = (here / name).as_posix()
            folder = name in dirs and not (Path(top) / name).is_symlink()
            if entry not in (folders if folder else made):
                raise InputError(
                    N_(
                        "{path}: holds {entry}, which policygraph site did not write; a site is "
                        "only written into an empty directory or one it made (move it away or "
                        "give another directory)"
                    ),
                    code="site-foreign-file",
                    path=out,
                    entry=entry,
                )


class Staging:
    """A folder beside ``out``, uniquely named, where the new site is made: readable by others
    as the umask says (not 0700), and locked while in use so that the next run, which removes
    what a killed run left, never removes one a running build is filling."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> Staging:
        import fcntl

        self.root = Path(
            tempfile.mkdtemp(prefix=f".{self.out.name}.{STAGING}", dir=self.out.parent)
        )
        os.chmod(self.root, 0o777 & ~_umask())
        self.lock = (self.root / MARKER).open("w", encoding="utf-8")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        return self

    def mark(self) -> None:
        """Write the marker: every file of the site, made by this command."""
        names = sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if not p.is_dir()
        )
        self.lock.write("".join(f"{n}\n" for n in names if n != MARKER))
        self.lock.flush()

    def __exit__(self, *exc: object) -> None:
        self.lock.close()
        if self.root.exists():
            shutil.rmtree(self.root, ignore_errors=True)


def remove_leftovers(out: Path) -> None:
    """Remove the staging and old folders of ``out`` a killed run left: only folders named as
    this command names them that hold its marker (not locked by a running build) or nothing."""
    import fcntl

    for folder in out.parent.glob(f".{glob.escape(out.name)}.policygraph-*"):
        if not folder.name.startswith((f".{out.name}.{STAGING}", f".{out.name}.{OLD}")):
            continue
        if folder.is_symlink() or not folder.is_dir():
            continue
        if not any(folder.iterdir()):
            folder.rmdir()
            continue
        try:
            with (folder / MARKER).open("r+b") as held:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue  # no marker (not ours), or a build is filling it


def _swap(staging: Path, out: Path) -> None:
    """The new site in place of the old: the old one is moved aside into a folder of its own
    (never a name something else may hold), then removed."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.{OLD}", dir=out.parent))
        os.rename(out, old)  # onto the empty folder just made
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
