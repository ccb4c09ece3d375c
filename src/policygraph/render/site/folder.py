"""`policygraph site`: the site made into a folder, only into a folder that is new, empty or
one this command made (its marker, ``.policygraph-site``, lists what it wrote; it deletes
nothing it did not make).

A site this command made whose state is recorded (:mod:`.state`) is updated in place: only the
files that differ from what it holds are written, each whole (written beside it, then renamed
over it), and the files no longer made are removed. While it is written, the recorded state
says the site is not up to date and the marker lists the files of both sites; the marker, then
the state, are written last: a run killed half way leaves a site the next run makes right (what
it wrote no longer matches the recorded stamps, so none of it is taken as it is). Any other
site is built whole in a uniquely named folder beside the target and moved into place when
whole, so a failed build leaves the old one. With nothing changed, nothing is written; after a
change, the pages and office files whose data is unchanged are left as they are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import glob
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from policygraph.corpus import Corpus
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.render.output import refuse_inside_corpus
from policygraph.render.site import reuse, state
from policygraph.render.site.base import Site
from policygraph.render.site.html import PART, SiteResult, write_changed
from policygraph.render.site.pages import write
from policygraph.render.site.worker import Later, Worker
from policygraph.views.site_data import Early, SiteData


def build_site(
    corpus: Corpus,
    out: Path,
    read: Callable[[Early], SiteData],
    kept: state.Kept,
    base_url: str | None = None,
) -> SiteResult:
    """Build the site of ``corpus`` into ``out``; nothing is written when the site there is
    already the one this corpus makes. ``out`` must be new, empty, or a site this command made
    holding nothing else (:func:`check_ours`). A site this command made, whose state is
    recorded, is updated in place (:func:`_update`); any other is made whole in a staging
    folder and swapped in, all or nothing. Two runs into one folder take turns: the second
    waits for the first (a lock beside the site's state in the cache)."""
    out = out.resolve()
    with _one_at_a_time(out, kept), _frozen():
        return _build_site(corpus, out, read, kept, base_url)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Python's collector, while the site is made, told to leave alone what is there when it
    is begun and when the views are read (:func:`frozen_now`: their million objects live as
    long as the run) and to run less often (the site makes many short-lived objects and few
    cycles). Each full collection walked every object read: 1.1-1.6 s of collections in a
    site again after one new document at 1,000 documents, 0.4 s so. All as it was after."""
    import gc

    was = gc.get_threshold()
    gc.set_threshold(20_000, 20, 10)
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*was)


def frozen_now() -> None:
    """What is there now (the views just read) left alone by the collector until the site is
    made (:func:`_frozen`)."""
    import gc

    gc.freeze()


@contextlib.contextmanager
def _one_at_a_time(out: Path, kept: state.Kept) -> Iterator[None]:
    """Held while a site is written into ``out``; without a cache no site is updated in place
    (each is made whole and swapped in), so there is nothing to lock."""
    where = state.location(out, kept)
    if where is None:
        yield
        return
    where.parent.mkdir(parents=True, exist_ok=True)
    with open(where.with_suffix(".lock"), "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_site(
    corpus: Corpus,
    out: Path,
    read: Callable[[Early], SiteData],
    kept: state.Kept,
    base_url: str | None,
) -> SiteResult:
    if out.exists() and not out.is_dir():
        raise InputError(N_("{path}: not a directory"), code="site-not-directory", path=out)
    refuse_inside_corpus(out)
    as_of = dt.date.today()  # progress is shown as of the day the site is built
    last = state.load(out, kept)
    digests = state.corpus_digests(corpus, kept)  # read once: the site's key, its pages' keys
    site_key = state.key(base_url, as_of.isoformat(), digests)
    if (out / "index.html").is_file() and state.unchanged(out, last, site_key):
        size = sum(stamp[0] for stamp in last.files.values())
        return SiteResult(out, last.pages, len(last.files), size, unchanged=True)
    in_place = bool(last.files) and (out / MARKER).is_file() and (out / "index.html").is_file()
    # the folder walked on another core beside the views; the site's worker forked now, while
    # the process is small (worker.Worker.start), after the walk's (no thread of its yet)
    with Walk(out, last.files, parts=in_place) as walk, Worker().start() as worker:
        early = _Early(worker)

        def views() -> SiteData:
            data = read(early)
            last.seen = walk.stamps()  # each file's stamp; an InputError for a file not ours
            return data

        out.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(out)
        if in_place:
            made_as = (base_url, as_of, early)
            result, site = _update(corpus, out, views, kept, made_as, last, digests)
            written = state.record_made(out, site_key, result, last, site.sheets, _records(site))
        else:
            with Staging(out) as staging:
                site = Site(views(), base_url, as_of, last=(out, last), worker=worker)
                early.give(site)
                frozen_now()
                site.bundles = reuse.start(site, corpus, base_url, kept, digests)
                result = write(site, staging.root)
                staging.mark()
                _swap(staging.root, out)
            written = state.record(out, site_key, result.pages, site.sheets, _records(site))
    state.save(out, written, kept)
    result.directory = out
    result.files = len(written.files)
    result.bytes = sum(stamp[0] for stamp in written.files.values())
    return result


class _Early:
    """What the site's worker makes of the first views read (the departments and their roles)
    while the others are read: the departments' network (:func:`.reuse.neighbourhoods`, 1.2 s
    at 1,000 documents), given to the site once it is made."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.neighbours: Later[Any] | None = None

    def __call__(self, known: list[Any], said: Any) -> None:
        self.neighbours = self.worker.later(reuse.neighbourhoods, known, said)

    def give(self, site: Site) -> None:
        if self.neighbours is not None:
            site.neighbours = self.neighbours


def _records(site: Site) -> dict[str, dict[str, Any]]:
    return site.bundles.records if site.bundles is not None else {}


def _update(
    corpus: Corpus,
    out: Path,
    read: Callable[[], SiteData],
    kept: state.Kept,
    made_as: tuple[str | None, dt.date, _Early],
    last: state.SiteState,
    digests: dict[str, str],
) -> tuple[SiteResult, Site]:
    """The site in ``out`` updated in place: only the files that differ are written, the files
    no longer made removed. While it is written, the recorded state says the site is not up to
    date (a run killed half way leaves a site the next run makes right: the files it wrote no
    longer match their recorded stamps, so nothing of them is taken), and the marker lists the
    files of both sites; the marker, then the state, are written last. ``made_as``: the base
    URL, the day progress is shown as of and what the site's worker makes of the first views
    (:class:`_Early`); ``digests``: every corpus file's, read already."""
    base_url, as_of, early = made_as
    data = read()  # (the folder checked: nothing of it written before)
    state.begin(out, kept)
    site = Site(data, base_url, as_of, last=(out, last), worker=early.worker)
    early.give(site)
    frozen_now()
    site.bundles = reuse.start(site, corpus, base_url, kept, digests)
    listed = (out / MARKER).read_text(encoding="utf-8")
    old = set(listed.splitlines())

    def before(names: list[str]) -> None:  # the marker lists every file there may be
        new = sorted(set(names) - old - {MARKER})  # after the last site's, in their order
        if new:
            text = listed if not listed or listed.endswith("\n") else listed + "\n"
            write_changed({out / MARKER: (text + "\n".join(new) + "\n").encode()})

    result = write(site, out, in_place=True, before=before)
    result.made = sorted(set(result.made))  # once (83,000 names: 0.07 s a sort)
    _remove_unmade(out, old - set(result.made))
    _write_marker(out, result.made)
    return result, site


def _write_marker(out: Path, names: list[str]) -> None:
    """The marker listing ``names``, sorted."""
    listed = "\n".join(n for n in names if n != MARKER)
    write_changed({out / MARKER: (listed + "\n" if listed else "").encode()})


def _remove_unmade(out: Path, names: set[str]) -> None:
    """Remove the files the last site made that this one does not, and the folders that
    leaves empty."""
    folders: set[Path] = set()
    for name in sorted(names - {MARKER}):
        path = out / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
        # a folder a killed run made for a file it never wrote is removed too
        folders.update(p for p in path.parents if p != out and out in p.parents)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


# --- the folder: only ever one this command made ---------------------------------------------

MARKER = state.MARKER  # in every site: the files the site wrote, one a line
STAGING, OLD = "policygraph-staging-", "policygraph-old-"  # ``.<out>.<these>XXXX`` beside it


def check_ours(
    out: Path, recorded: dict[str, list[int]], parts: bool = False
) -> dict[str, list[int]]:
    """An InputError unless ``out`` is new, empty, or a site this command made that holds
    nothing else: the files its marker lists (or, for a site made before the marker, the files
    its recorded state lists). ``parts``: the half-written files a run killed while updating
    the site in place left (``.<name>.policygraph-part``) are removed, not refused. Returns the
    stamp (size, modification time) of each regular file of the site, seen in the same walk:
    what :func:`.state.intact` compares with the recorded one (a symbolic link has none)."""
    made = _made(out, recorded)
    return {} if made is None else _walked(out, made, parts)


def _made(out: Path, recorded: dict[str, list[int]]) -> set[str] | None:
    """What :func:`check_ours` asks before its walk: the files the site in ``out`` made, or
    None where ``out`` is new or empty; an InputError where it is not a site."""
    if not out.is_dir() or not any(out.iterdir()):
        return None
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
    return made


def _walked(out: Path, made: set[str], parts: bool) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = {}
    _walk(out, str(out), "", (made, _folders(made)), parts, seen)
    return seen


class Walk:
    """:func:`check_ours` with its walk of every file of the site (83,000 files at 1,000
    documents: 1.3 s of a site again after one new document) done on another core while the
    views are read: by a process forked when it begins, which holds what to walk without
    copying it, sends back the stamps and ends (a run killed with kill -9 leaves no worker
    waiting: it ends when its walk does). Where there is no other core, or no fork (not
    Linux), the walk is done when it begins. The folder new, empty or not a site is told when
    it begins (an occupied folder is refused at once); a file in it the site did not write is
    refused when the stamps are asked for, before anything of the site is written. A walk that
    fails in the worker is done again in this process, which raises its error (an error of ours
    need not survive pickling)."""

    def __init__(self, out: Path, recorded: dict[str, list[int]], parts: bool = False) -> None:
        self.out, self.recorded, self.parts = out, recorded, parts
        self.seen: dict[str, list[int]] | None = None
        self.worker: Any = None
        self.answer: Any = None

    def __enter__(self) -> Walk:
        made = _made(self.out, self.recorded)
        if made is None:
            self.seen = {}
        elif (os.cpu_count() or 1) < 2 or sys.platform != "linux":
            self.seen = _walked(self.out, made, self.parts)
        else:
            import multiprocessing

            context = multiprocessing.get_context("fork")
            self.answer, send = context.Pipe(duplex=False)
            self.worker = context.Process(
                target=_walk_forked,
                args=((self.answer, send), self.out, made, self.parts),
                daemon=True,
            )
            self.worker.start()
            send.close()  # the worker's end only: its end gone is the end of the answer
        return self

    def stamps(self) -> dict[str, list[int]]:
        """Each regular file's stamp, as :func:`check_ours` returns it (waiting for the walk)."""
        if self.seen is None:
            try:
                found = self.answer.recv()
            except (EOFError, OSError):  # the worker gone (killed, out of memory)
                found = None
            if found is None:
                found = check_ours(self.out, self.recorded, self.parts)
            self.seen = found
        return self.seen

    def __exit__(self, *exc: object) -> None:
        if self.worker is not None:
            self.answer.close()
            self.worker.join()


def _walk_forked(pipe: tuple[Any, Any], out: Path, made: set[str], parts: bool) -> None:
    """In the forked worker: the walk sent back, or None where it raised. The pipe's other end,
    which the fork copied, is closed first: with the asking process gone, the send then fails
    (rather than wait for a reader that will never come) and the worker ends."""
    answer, send = pipe
    answer.close()
    try:
        found: dict[str, list[int]] | None = _walked(out, made, parts)
    except Exception:
        found = None
    with contextlib.suppress(OSError):  # the process that asked is gone
        send.send(found)
    send.close()


def _walk(
    out: Path,
    top: str,
    here: str,
    ours: tuple[set[str], set[str]],
    parts: bool,
    seen: dict[str, list[int]],
) -> None:
    """The folder ``top`` (``here`` in the site) and those below it, in the order of their
    names, links not followed: each entry one the site made (``ours``: its files, its
    folders), each file's stamp into ``seen``."""
    made, folders = ours
    with os.scandir(top) as found:
        entries = sorted(found, key=lambda e: e.name)
    for e in entries:
        entry = here + e.name
        if e.is_dir(follow_symlinks=False):
            if entry in folders:
                _walk(out, e.path, entry + "/", ours, parts, seen)
                continue
        elif entry in made:
            if e.is_file(follow_symlinks=False):
                st = e.stat(follow_symlinks=False)
                seen[entry] = [st.st_size, st.st_mtime_ns]
            continue
        elif parts and e.name.startswith(".") and e.name.endswith(PART):
            os.unlink(e.path)
            continue
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


def _folders(names: set[str]) -> set[str]:
    """Every folder the files ``names`` are in, and the folders above them."""
    out: set[str] = set()
    for name in names:
        at = name.rfind("/")
        while at > 0:
            name = name[:at]
            if name in out:
                break
            out.add(name)
            at = name.rfind("/")
    return out


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
