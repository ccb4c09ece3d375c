"""A persistent embedded store: the graph of a large corpus parsed once, kept on disk.

Every embedded command used to parse every Turtle file: at a million triples that is 3 s before
a query that needs 0.01 s. Here the first command on a corpus bulk-loads its files into an
on-disk Oxigraph store in the cache directory, named by the SHA-256 of what the files hold;
later commands open it read-only. A changed file is a new name, so a new store: nothing stale
is ever read. Two commands starting at once each build into a directory of their own and the
first to finish renames it into place; the other keeps what is there.

A store is derived from the kept store it shares most files with: each file's triples are also
held in a named graph of its own, named by the file's SHA-256 (listed in ``<name>.files.json``
beside the store), so after one new document the next command copies the
last store (a RocksDB checkpoint: hard links, milliseconds), takes out the triples of the files
that changed or went (those no other file holds too) and loads the new ones: at a thousand
documents, seconds instead of the 20-45 s of loading every file again. Queries see the default
graph only, which is the merge of the files, as when the files are parsed in memory (Oxigraph's
union default graph would count a triple held by two files twice).

Small corpora are parsed in memory as before (opening a store on disk costs more than parsing
a few megabytes). ``POLICYGRAPH_CACHE`` names the directory (default: ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``policygraph/stores``); ``POLICYGRAPH_CACHE=off`` turns the cache off. A
cache directory that cannot be written is the same as no cache.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import marshal
import os
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from policygraph.corpus import remembered

ENV_CACHE = "POLICYGRAPH_CACHE"
# Below this much Turtle, parse in memory (the real corpus, 1 MB, parses in 0.1 s).
MIN_BYTES = 8 * 2**20
KEEP = 4  # stores kept besides the one in use; older ones are removed
FORMAT = "3"  # bumped when what a store holds or how it is laid out changes (in the key)
DIGESTS = "digests.json"  # each file's SHA-256 and what stat said of it then (file_digests)
REMEMBERED = 50_000  # files whose digests are remembered: a corpus of 10,000 documents has 35,000


CODE_FILES = ("*.py", "*.rq", "*.mo", "*.html", "*.css", "*.js")  # what makes its output


@functools.cache
def code_digest() -> str:
    """A digest of policygraph's own code (every module, its queries, its compiled message
    catalogues, the site's templates and static files, by path and content): what it makes from
    a corpus is kept only for the code that made it (the package's version number alone would
    miss an edit in a checkout, a translation or a query)."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in code_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_files(package: Path) -> list[Path]:
    """The files of ``CODE_FILES`` under ``package``, sorted, but the bundled corpus's: found in
    one walk (a glob for each kind took 0.016 s of every process)."""
    suffixes = tuple(pattern.removeprefix("*") for pattern in CODE_FILES)
    found = []
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [d for d in subfolders if d not in ("_corpus", "__pycache__")]
        found += [Path(folder, name) for name in files if name.endswith(suffixes)]
    return sorted(found)


def directory() -> Path | None:
    """Where stores are kept, or None when the cache is off."""
    given = os.environ.get(ENV_CACHE)
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0", "no") else Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policygraph" / "stores"


def digests_file() -> Path | None:
    """Where each file's remembered SHA-256 is kept (see :func:`file_digests`); None when the
    cache is off."""
    where = directory()
    return where / DIGESTS if where is not None else None


def add_files(digest: Any, files: Sequence[Path], root: Path) -> None:
    """Add to ``digest`` each file's name (relative to ``root``) and SHA-256, through the
    remembered digests: what a kept result was made from."""
    for path, sha in file_digests(files, digests_file()).items():
        digest.update(f"{path.relative_to(root).as_posix()}\0{sha}\n".encode())


def read_json(path: Path | None, form: str) -> dict[str, Any] | None:
    """What :func:`keep_json` kept at ``path`` in the format ``form``; None where there is none,
    it cannot be read, or it is of another format."""
    try:
        found = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("format") == form else None


def keep_json(path: Path | None, body: object) -> None:
    """Write ``body`` as JSON to ``path`` in one step (written aside, then renamed); no path (the
    cache off), or a cache that cannot be written, is no error: what it would have kept is made
    again next time."""
    if path is None:
        return
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(body, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


_MARSHAL = f"marshal {marshal.version} python {sys.version_info[0]}.{sys.version_info[1]}"


def read_marshalled(path: Path | None, form: str) -> dict[str, Any] | None:
    """What :func:`keep_marshalled` kept at ``path`` in the format ``form``; None where there is
    none, it cannot be read, its bytes are not those written (their SHA-256 is kept with them),
    or it was written by another version of Python or in another format."""
    try:
        data = path.read_bytes() if path else b""
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    if head != f"{hashlib.sha256(body).hexdigest()} {_MARSHAL}".encode():
        return None
    try:
        found = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return None
    return found if isinstance(found, dict) and found.get("format") == form else None


def keep_marshalled(path: Path | None, body: dict[str, Any]) -> None:
    """:func:`keep_json`, marshalled, with the SHA-256 of the bytes (what a cache holds many of
    is read back in a fraction of the time JSON takes: the mentions of 10,000 texts, the state
    of their build, each checked again as it was read; with the digest, a file damaged or cut
    short is no file)."""
    if path is None:
        return
    with contextlib.suppress(OSError, ValueError):  # (ValueError: a value marshal cannot keep)
        data = marshal.dumps(body)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        head = f"{hashlib.sha256(data).hexdigest()} {_MARSHAL}\n".encode()
        tmp.write_bytes(head + data)
        tmp.replace(path)


def key(
    files: Sequence[Path], digests: Path | None = None, found: dict[Path, str] | None = None
) -> str:
    """The SHA-256 of what ``files`` hold, in order (their names do not matter); ``digests`` as
    for :func:`file_digests` (at a million triples, remembering saves 0.14 s of every command),
    ``found``: the digests already read."""
    digest = hashlib.sha256(f"policygraph store {FORMAT}\n".encode())
    found = found if found is not None else file_digests(files, digests)
    for path in files:
        digest.update(bytes.fromhex(found[path]))
    return digest.hexdigest()


def file_digests(files: Sequence[Path], digests: Path | None = None) -> dict[Path, str]:
    """Each file's SHA-256 (hex), in order.

    ``digests``: a file remembering each file's SHA-256 with what ``stat`` said of it when it
    was read. A file whose size, modification time (ns), inode and device are as they were, and
    which had not been modified for 2 s when it was read, is not read again (git's rule: a change
    within the clock's resolution of the reading would otherwise go unseen)."""
    known = _known(digests)
    out: dict[Path, str] = {}
    changed = False
    folders: dict[Path, Path] = {}  # each folder resolved once (83,000 files of a site)
    for path in files:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]
        name = _NAMES.get(path)
        if name is None:
            name = str(_resolved(path, folders))
            if path.is_absolute():  # (a relative one names another file in another folder)
                if len(_NAMES) >= 100_000:
                    _NAMES.clear()  # (a long batch's: held within bounds)
                _NAMES[path] = name
        entry = known.get(name)
        if entry and entry["stat"] == stamp and entry["read_at"] - st.st_mtime_ns > 2_000_000_000:
            out[path] = str(entry["sha256"])
        else:
            read_at = time.time_ns()
            out[path] = _sha256(path)
            known[name] = {"stat": stamp, "sha256": out[path], "read_at": read_at}
            changed = True
    if changed and digests is not None:
        _remember(digests, known)
    return out


# each file's name in the digests, as this process first resolved it (a site again asked for
# the digests of the corpus's 4,000 graph files three times, resolving each); a file moved
# since under a name that is no longer its own is still only taken at its word where what stat
# says of it now (its inode and device among it) is what the entry says: the same file
_NAMES: dict[Path, str] = {}


def _resolved(path: Path, folders: dict[Path, Path]) -> Path:
    """``path.resolve()``, its folder resolved once for all the files in it (the file itself
    resolved where it is a symbolic link)."""
    if path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = path.parent.resolve()
    return folder / path.name


def _sha256(path: Path) -> str:
    one = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            one.update(chunk)
    return one.hexdigest()


# the digests file as this process last read or wrote it, under what stat said of it then (the
# site asked for the digests of its 83,000 files three or four times a run, each time parsing
# the 1.3 MB file again); another process's write is another stamp, and the file is read again
_READ: dict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = {}


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _known(digests: Path | None) -> dict[str, Any]:
    """:func:`remembered` of ``digests``, parsed once while the file is as this process left it."""
    if digests is None:
        return {}
    stamp, held = _stamp(digests), _READ.get(digests)
    if held is not None and stamp is not None and held[0] == stamp:
        return held[1]
    known = remembered(digests)
    if stamp is not None:
        _READ[digests] = (stamp, known)
    return known


def _remember(digests: Path, known: dict[str, dict[str, Any]]) -> None:
    """Write the digests (the ``REMEMBERED`` read last), replacing the file in one step; a cache that
    cannot be written only means reading the files again next time."""
    newest = dict(sorted(known.items(), key=lambda kv: kv[1].get("read_at", 0))[-REMEMBERED:])
    _READ.pop(digests, None)
    with contextlib.suppress(OSError):
        digests.parent.mkdir(parents=True, exist_ok=True)
        tmp = digests.with_name(f".{digests.name}.{os.getpid()}")
        tmp.write_text(json.dumps(newest), encoding="utf-8")
        tmp.replace(digests)
        stamp = _stamp(digests)
        if stamp is not None:
            _READ[digests] = (stamp, newest)


def cached(files: Sequence[Path], parse: Any) -> Any | None:
    """A read-only on-disk pyoxigraph store holding ``files`` (``parse(path)`` gives a file's
    triples as pyoxigraph terms), or None: a small corpus, the cache off, or a cache directory
    that cannot be written."""
    import pyoxigraph as ox

    where = directory()
    if where is None or sum(p.stat().st_size for p in files) < MIN_BYTES:
        return None
    found = file_digests(files, digests_file())
    final = where / key(files, digests_file(), found)
    if not final.is_dir():
        try:
            where.mkdir(parents=True, exist_ok=True)
            _build(where, final, files, parse, found)
        except OSError as exc:
            if not final.is_dir():  # else another command put it there meanwhile
                if exc.errno in _NO_CACHE:
                    return None  # a cache that cannot be written is no cache, not an error
                raise
        _prune(where, final)
    with contextlib.suppress(OSError):
        os.utime(final)  # used now: pruning removes the stores used longest ago
    return ox.Store.read_only(str(final))


_NO_CACHE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.ENOTDIR}


def _build(
    where: Path, final: Path, files: Sequence[Path], parse: Any, found: dict[Path, str]
) -> None:
    import pyoxigraph as ox

    building = where / f".building-{final.name[:16]}-{os.getpid()}-{time.monotonic_ns()}"
    paths = _graphs(files, found)
    try:
        base = _nearest(where, set(paths))
        if base is not None:
            try:
                ox.Store.read_only(str(base[0])).backup(str(building))
            except OSError:  # pruned meanwhile by another command: loaded afresh
                shutil.rmtree(building, ignore_errors=True)
                base = None
        store = ox.Store(str(building))
        try:
            if base is not None:
                _derive(store, base[1], paths, parse)
            else:
                _fill(store, [(p, g) for g, p in paths.items()], parse)
                # The bulk loader leaves its files as it wrote them; one compaction (0.8 s at
                # 10^6 triples) makes every later read faster: chain 1.08 -> 0.80 s, depts 3.4
                # -> 2.3 s, the task table of every document 9 -> 5 s.
                store.optimize()
            store.flush()
        except BaseException as exc:
            # The frames of the traceback hold the store open, and RocksDB would write into
            # the directory after it is removed: let go of it first.
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            del store
        _write_manifest(final, sorted(paths))
        try:
            building.rename(final)
        except OSError:
            if not final.is_dir():
                raise  # not because another command was first
    finally:
        shutil.rmtree(building, ignore_errors=True)


BATCH = 400_000  # quads handed to the bulk loader at once
MANIFEST = ".files.json"  # beside each store: the files it holds, by graph, with their SHA-256


def _graphs(files: Sequence[Path], found: dict[Path, str]) -> dict[str, Path]:
    """The named graph each file goes into: named by what it holds (the n-th file holding the
    same bytes: ``…:n``), so a copy of a corpus, or a file renamed, is the same graph."""
    seen: dict[str, int] = {}
    out = {}
    for path in files:
        n = seen[found[path]] = seen.get(found[path], 0) + 1
        out[f"urn:x-policygraph:file:{found[path]}:{n}"] = path
    return out


def _write_manifest(final: Path, graphs: list[str]) -> None:
    """The graphs of the store about to be named ``final``, written before it is: a store in
    place always has its manifest (a manifest without its store is pruned)."""
    manifest = final.with_name(final.name + MANIFEST)
    tmp = manifest.with_name(f".{manifest.name}.{os.getpid()}")
    tmp.write_text(json.dumps({"format": FORMAT, "graphs": graphs}), encoding="utf-8")
    tmp.replace(manifest)


def _nearest(where: Path, wanted: set[str]) -> tuple[Path, set[str]] | None:
    """The kept store sharing the most files with ``wanted`` (graph names), and its graphs; None
    when none shares at least half of them (loading afresh is then as quick, and the store is
    compacted)."""
    best: tuple[int, Path, set[str]] | None = None
    for manifest in where.glob("*" + MANIFEST):
        store = manifest.with_name(manifest.name.removesuffix(MANIFEST))
        try:
            held = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(held, dict) or held.get("format") != FORMAT or not store.is_dir():
            continue
        graphs = set(held.get("graphs") or [])
        shared = len(graphs & wanted)
        if 2 * shared >= len(wanted) and (best is None or shared > best[0]):
            best = (shared, store, graphs)
    return (best[1], best[2]) if best else None


def _fill(store: Any, files: list[tuple[Path, str]], parse: Any) -> None:
    """Each file into a named graph of its own and into the default graph, in one pass of the
    bulk loader (each file's blank nodes its own, the same in both graphs); ``parse(path)``
    gives a file's triples."""
    import pyoxigraph as ox

    batch: list[Any] = []
    for path, graph in files:
        name = ox.NamedNode(graph)
        for t in parse(path):
            batch += (ox.Quad(t.subject, t.predicate, t.object, name), t)
        if len(batch) >= BATCH:  # the loader holds what it is given: memory stays bounded
            store.bulk_extend(batch)
            batch = []
    store.bulk_extend(batch)


def _derive(store: Any, held: set[str], wanted: dict[str, Path], parse: Any) -> None:
    """Turn ``store`` (a copy of a store holding the graphs ``held``) into one holding the files
    ``wanted`` (by graph): the triples of each file gone taken out of the default graph unless
    another file holds them too, its graph dropped; then the new files loaded."""
    import pyoxigraph as ox

    from policygraph.store.sparql import internal

    for graph in sorted(held - set(wanted)):
        store.update(internal("take-out-file").replace("$file", f"<{graph}>"))
        store.remove_graph(ox.NamedNode(graph))
    _fill(store, [(p, g) for g, p in wanted.items() if g not in held], parse)


def _prune(where: Path, keep: Path) -> None:
    """Remove all but the ``KEEP`` stores used last (besides ``keep``) with their manifests, and
    builds and manifests left behind by commands that died an hour or more ago."""
    now = time.time()
    stores = []
    for entry in where.iterdir():
        if entry == keep:
            continue
        try:
            used = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith(".building-") or (
            entry.name.endswith(MANIFEST)
            and not entry.with_name(entry.name.removesuffix(MANIFEST)).exists()
        ):
            if now - used > 3600:
                shutil.rmtree(entry, ignore_errors=True)
                with contextlib.suppress(OSError):
                    entry.unlink()
        elif len(entry.name) == 64:
            stores.append((used, entry))
    for _, entry in sorted(stores, reverse=True)[KEEP:]:
        with contextlib.suppress(OSError):
            entry.with_name(entry.name + MANIFEST).unlink()
        shutil.rmtree(entry, ignore_errors=True)
