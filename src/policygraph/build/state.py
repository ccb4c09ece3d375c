"""What the last build of a corpus was made from, so that a build with nothing changed parses
nothing and writes nothing, and a build after one new document extracts that document alone.

The state is one small file per corpus in the cache directory, marshalled (``store.cache``:
``POLICYGRAPH_CACHE``; the cache off, or a directory that cannot be written, means every build
is a whole build, as before). It records

- ``inputs``: a digest of the code of policygraph and of every file under ``data/`` but the
  built ones (names and contents, through the digests the corpus's snapshot remembers, so an
  unchanged file is not read again);
- ``outputs``: each built file's SHA-256 as the build wrote it;
- ``docs``: for each ``doc-*.ttl``, the key it was extracted from (:func:`document_key`);
  for each ``citations-*.ttl``, a digest of its triples;
- what a build that only adds documents (``build.append``) needs to leave the others alone
  without reading them: ``files``, each input file's digest by name; ``records``, what each
  document's key was made of; ``prints``, each jurisdiction's departments' fingerprint; and
  ``cited``, what the citations were resolved against (``citations.Citations.summary``).

Nothing in it is trusted without checking: a build does nothing only when the inputs digest is
the recorded one *and* every built file is byte-for-byte what the build wrote; a document is
reused only when its key is the recorded one and its file is what was written; what the state
says the others were made of is used (``build.append``) only when every built file is what the
build wrote, every input file it records is as recorded, and the code (and OpenCC's version)
is the one that made it. A file edited by hand, a state file from another version, or one
rolled back by a failed ingest is a rebuild.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policygraph.corpus import Corpus, SourceFile, snapshot
from policygraph.store import cache

FORMAT = "2"  # bumped when what the state holds changes


@dataclass
class State:
    inputs: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # built file name -> SHA-256
    docs: dict[str, str] = field(default_factory=dict)  # doc-*.ttl etc. -> the key it was made from
    files: dict[str, str] = field(default_factory=dict)  # input file name -> SHA-256
    records: dict[str, Record] = field(default_factory=dict)  # doc-*.ttl -> its key's parts
    prints: dict[str, str] = field(default_factory=dict)  # jurisdiction ("": none) -> fingerprint
    cited: dict[str, Any] = field(default_factory=dict)  # the citations' resolution, summed up


# What one document's key is made of but the fingerprint of its jurisdiction's departments:
# its source's IRI, file, digest, profile, document, text file and text digest, and the
# document's short name, 文号 and jurisdiction ("" for none)
Record = tuple[str, str, str, str, str, str, str, str, str, str]


def code_version() -> str:
    """A digest of policygraph's own code and of this state's format: any change to the
    extractor is a new version."""
    return hashlib.sha256(
        f"policygraph build state {FORMAT}\n{cache.code_digest()}".encode()
    ).hexdigest()


def location(corpus: Corpus) -> Path | None:
    """The corpus's state file, or None when the cache is off."""
    where = cache.directory()
    if where is None:
        return None
    name = hashlib.sha256(str(corpus.root.resolve()).encode()).hexdigest()[:32]
    return where / "builds" / f"{name}.marshal"


def load(corpus: Corpus) -> State:
    """The state of the last build; an empty one where there is none or it cannot be read."""
    found = cache.read_marshalled(location(corpus), FORMAT)
    if found is None:
        return State()
    try:
        return State(
            str(found["inputs"]),
            dict(found["outputs"]),
            dict(found["docs"]),
            dict(found["files"]),
            {name: _record(r) for name, r in dict(found["records"]).items()},
            dict(found["prints"]),
            dict(found["cited"]),
        )
    except (KeyError, TypeError, ValueError):
        return State()


def _record(found: object) -> Record:
    """A kept record (a ValueError where it is not ten strings)."""
    if not isinstance(found, (list, tuple)) or len(found) != 10:
        raise ValueError("not a record")
    if not all(isinstance(part, str) for part in found):
        raise ValueError("not a record")
    return tuple(found)


def save(corpus: Corpus, state: State) -> None:
    """Write the state in one step; a cache that cannot be written only means a whole build
    next time."""
    cache.keep_marshalled(location(corpus), {"format": FORMAT, **state.__dict__})


def digest_of(files: dict[str, str]) -> str:
    """The digest of the code and of the input files ``files`` (:func:`input_files`)."""
    digest = hashlib.sha256(code_version().encode())
    for name, sha in files.items():
        digest.update(f"{name.removeprefix('data/')}\0{sha}\n".encode())
    return digest.hexdigest()


def input_files(corpus: Corpus) -> dict[str, str]:
    """Every file under ``data/`` but the built ones, with its SHA-256, in the order of the
    names as paths sort."""
    files = snapshot(corpus, cache.directory())  # one pass a process shares (corpus.Snapshot)
    ttl = f"{corpus.relative(corpus.ttl)}/"
    every = files.names("data")
    top = {
        n for n in every if n.startswith(ttl) and "/" not in n[len(ttl) :] and n.endswith(".ttl")
    }
    files.digests(sorted(top))  # read in one call: the digests remembered once, not once a file
    names = [n for n in every if not (n in top and files.is_generated(n))]
    return files.digests(names)


def unchanged(corpus: Corpus, state: State) -> set[str]:
    """The built files the state records that are still what the last build wrote (the others
    are missing, or were changed since)."""
    files = snapshot(corpus, cache.directory())
    ttl = corpus.relative(corpus.ttl)
    present = {n: f"{ttl}/{n}" for n in state.outputs if files.stamp(f"{ttl}/{n}") is not None}
    found = files.digests(list(present.values()))
    return {n for n, name in present.items() if found[name] == state.outputs[n]}


def record(source: SourceFile, facts: list[str | None]) -> Record:
    """What one document's graph is made of but the departments: the source's record (its
    file and text digests, its profile) and the document's own metadata that the extractor
    reads (``facts``: short name, 文号, jurisdiction)."""
    short, number, jurisdiction = (f or "" for f in facts)
    return (
        str(source.iri),
        source.file_name,
        source.sha256,
        source.profile,
        str(source.describes),
        source.text_file or "",
        source.text_sha256 or "",
        short,
        number,
        jurisdiction,
    )


def document_key(made_of: Record, departments: str) -> str:
    """The key of one document's graph: the code, its :func:`record` and the fingerprint of
    the departments its names can mean (:meth:`DepartmentIndex.fingerprint`)."""
    parts = [code_version(), *made_of, departments]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def sha256_text(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
