"""A persistent embedded store: the graph of a large corpus parsed once, kept on disk.

Every embedded command used to parse every Turtle file: at a million triples that is 3 s before
a query that needs 0.01 s. Here the first command on a corpus bulk-loads its files into an
on-disk Oxigraph store in the cache directory, named by the SHA-256 of what the files hold;
later commands open it read-only. A changed file is a new name, so a new store: nothing stale
is ever read. Two commands starting at once each build into a directory of their own and the
first to finish renames it into place; the other keeps what is there.

Small corpora are parsed in memory as before (opening a store on disk costs more than parsing
a few megabytes). ``POLICYGRAPH_CACHE`` names the directory (default: ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``policygraph/stores``); ``POLICYGRAPH_CACHE=off`` turns the cache off. A
cache directory that cannot be written is the same as no cache.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ENV_CACHE = "POLICYGRAPH_CACHE"
# Below this much Turtle, parse in memory (the real corpus, 1 MB, parses in 0.1 s).
MIN_BYTES = 8 * 2**20
KEEP = 4  # stores kept besides the one in use; older ones are removed
FORMAT = "2"  # bumped when what a store holds or how it is laid out changes (in the key)
DIGESTS = "digests.json"  # each file's SHA-256 and what stat said of it then (file_digests)
REMEMBERED = 50_000  # files whose digests are remembered: a corpus of 10,000 documents has 35,000


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


def key(files: Sequence[Path], digests: Path | None = None) -> str:
    """The SHA-256 of what ``files`` hold, in order (their names do not matter); ``digests`` as
    for :func:`file_digests` (at a million triples, remembering saves 0.14 s of every command)."""
    digest = hashlib.sha256(f"policygraph store {FORMAT}\n".encode())
    found = file_digests(files, digests)
    for path in files:
        digest.update(bytes.fromhex(found[path]))
    return digest.hexdigest()


def file_digests(files: Sequence[Path], digests: Path | None = None) -> dict[Path, str]:
    """Each file's SHA-256 (hex), in order.

    ``digests``: a file remembering each file's SHA-256 with what ``stat`` said of it when it
    was read. A file whose size, modification time (ns), inode and device are as they were, and
    which had not been modified for 2 s when it was read, is not read again (git's rule: a change
    within the clock's resolution of the reading would otherwise go unseen)."""
    known = _remembered(digests)
    out: dict[Path, str] = {}
    changed = False
    for path in files:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]
        name = str(path.resolve())
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


def _sha256(path: Path) -> str:
    one = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            one.update(chunk)
    return one.hexdigest()


def _remembered(digests: Path | None) -> dict[str, dict[str, Any]]:
    if digests is None:
        return {}
    try:
        found = json.loads(digests.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or unreadable: every file is read
    return found if isinstance(found, dict) else {}


def _remember(digests: Path, known: dict[str, dict[str, Any]]) -> None:
    """Write the digests (the ``REMEMBERED`` read last), replacing the file in one step; a cache that
    cannot be written only means reading the files again next time."""
    newest = sorted(known.items(), key=lambda kv: kv[1].get("read_at", 0))[-REMEMBERED:]
    with contextlib.suppress(OSError):
        digests.parent.mkdir(parents=True, exist_ok=True)
        tmp = digests.with_name(f".{digests.name}.{os.getpid()}")
        tmp.write_text(json.dumps(dict(newest)), encoding="utf-8")
        tmp.replace(digests)


def cached(files: Sequence[Path], load: Any) -> Any | None:
    """A read-only on-disk pyoxigraph store holding ``files`` (``load(store, files)`` fills a new
    one), or None: a small corpus, the cache off, or a cache directory that cannot be written."""
    import pyoxigraph as ox

    where = directory()
    if where is None or sum(p.stat().st_size for p in files) < MIN_BYTES:
        return None
    final = where / key(files, digests_file())
    if not final.is_dir():
        try:
            where.mkdir(parents=True, exist_ok=True)
            _build(where, final, files, load)
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


def _build(where: Path, final: Path, files: Sequence[Path], load: Any) -> None:
    import pyoxigraph as ox

    building = where / f".building-{final.name[:16]}-{os.getpid()}-{time.monotonic_ns()}"
    try:
        store = ox.Store(str(building))
        try:
            load(store, files)
            # The bulk loader leaves its files as it wrote them; one compaction (0.8 s at 10^6
            # triples) makes every later read faster: chain 1.08 -> 0.80 s, depts 3.4 -> 2.3 s,
            # the task table of every document 9 -> 5 s.
            store.optimize()
            store.flush()
        except BaseException as exc:
            # The frames of the traceback hold the store open, and RocksDB would write into
            # the directory after it is removed: let go of it first.
            traceback.clear_frames(exc.__traceback__)
            raise
        finally:
            del store
        try:
            building.rename(final)
        except OSError:
            if not final.is_dir():
                raise  # not because another command was first
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _prune(where: Path, keep: Path) -> None:
    """Remove all but the ``KEEP`` stores used last (besides ``keep``), and builds left behind
    by commands that died an hour or more ago."""
    now = time.time()
    stores = []
    for entry in where.iterdir():
        if entry == keep:
            continue
        try:
            used = entry.stat().st_mtime
        except OSError:
            continue
        if entry.name.startswith(".building-"):
            if now - used > 3600:
                shutil.rmtree(entry, ignore_errors=True)
        elif len(entry.name) == 64:
            stores.append((used, entry))
    for _, entry in sorted(stores, reverse=True)[KEEP:]:
        shutil.rmtree(entry, ignore_errors=True)
