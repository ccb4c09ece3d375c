"""The dataset of a corpus (what ``export`` writes, in one graph) as N-Triples in parts of
bounded size, read file by file and never held whole: what ``load`` sends into a staging graph
when the dataset is large (:mod:`policygraph.store.remote`). The client's memory stays that of
one part, one file's blank-node triples and one bucket of the tally, whatever the corpus's size.

- Every file is parsed as it streams; each triple becomes one N-Triples line. A part is sent
  once it holds ``part_bytes``.
- A blank node is one node only within one request: the triples of one file that name a blank
  node go together, in a part of their own at the end of the file (blank nodes are renamed apart
  per file, as the dataset's store keeps each file's own).
- The dataset's description (VoID, :func:`policygraph.store.dataset.dataset`) needs the distinct
  triples of each graph and the typed nodes of each class, and the check after the load the
  distinct triples of the whole: each line's hash is kept on disk in buckets by its value
  (:class:`Tally`) and counted one bucket at a time at the end. Two lines whose 64-bit hashes
  collide would count once: the server would then hold one more triple than expected, which the
  check reports (never a silent wrong count).
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from policygraph.corpus import Corpus
from policygraph.rdf.namespaces import PG
from policygraph.store.dataset import graph_name
from policygraph.store.embedded import _bad_turtle, _unreadable
from policygraph.store.sparql import internal

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BUCKETS = 256
_HELD = 4096  # records of a bucket held in memory before they go to its file


def graphs(corpus: Corpus) -> list[tuple[str, list[Path]]]:
    """The dataset's named graphs and the files each holds, as
    :func:`~policygraph.store.dataset.dataset` reads them (without the shapes)."""
    out = [(graph_name(p.stem), [p]) for p in sorted(corpus.ttl.glob("*.ttl"))]
    out.append((graph_name("sources"), sorted(corpus.sources.glob("*.ttl"))))
    out.append((graph_name("ontology"), [corpus.ontology]))
    return [(graph, files) for graph, files in out if files]


def size(corpus: Corpus) -> int:
    """The bytes of Turtle the dataset is read from."""
    return sum(path.stat().st_size for _, files in graphs(corpus) for path in files)


class Tally:
    """Each line sent, by its hash, with its graph and (for ``?s a <class>``) its class, kept in
    :data:`BUCKETS` files by the hash's value; :meth:`counts` reads one bucket at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held = [array("q") for _ in range(BUCKETS)]

    def add(self, line: bytes, graph: int, cls: int) -> None:
        h = hash(line)
        held = self.held[h % BUCKETS]
        held.extend((h, (graph << 32) | (cls + 1)))
        if len(held) >= 2 * _HELD:
            self._spill(h % BUCKETS)

    def _spill(self, bucket: int) -> None:
        with (self.folder / str(bucket)).open("ab") as f:
            self.held[bucket].tofile(f)
        del self.held[bucket][:]

    def counts(self) -> tuple[int, dict[int, int], dict[int, int]]:
        """The distinct lines of all graphs, the distinct lines of each graph, and the distinct
        typed nodes of each class counted in each graph (as the description counts them)."""
        distinct, sizes, classes = 0, dict[int, int](), dict[int, int]()
        for bucket in range(BUCKETS):
            records = array("q")
            path = self.folder / str(bucket)
            if path.exists():
                records.frombytes(path.read_bytes())
            records.extend(self.held[bucket])
            seen = set(zip(records[0::2], records[1::2], strict=True))
            distinct += len({h for h, _ in seen})
            for _, where in seen:
                graph, cls = where >> 32, (where & 0xFFFFFFFF) - 1
                sizes[graph] = sizes.get(graph, 0) + 1
                if cls >= 0:
                    classes[cls] = classes.get(cls, 0) + 1
        return distinct, sizes, classes


class _Counted:
    """A file read through, counting its bytes (how far a load has come)."""

    def __init__(self, f: IO[bytes], read: Callable[[int], None]) -> None:
        self.f, self.said = f, read

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.said(len(data))
        return data


@dataclass
class Stream:
    """The dataset of ``corpus`` as N-Triples parts (iterate it once); then :attr:`count`, the
    distinct triples sent. ``read``: the bytes of Turtle read so far, of :attr:`total`."""

    corpus: Corpus
    part_bytes: int
    read: int = 0
    count: int = 0

    def __post_init__(self) -> None:
        self.graphs = graphs(self.corpus)
        self.total = sum(p.stat().st_size for _, files in self.graphs for p in files)
        self.classes: dict[str, int] = {}
        self.described: set[Any] = set()  # the subjects with a pg:fileName
        self.lines: list[bytes] = []
        self.held = 0

    def __iter__(self) -> Iterator[bytes]:
        with tempfile.TemporaryDirectory(prefix="policygraph-load-") as folder:
            tally = Tally(Path(folder))
            for index, (_, files) in enumerate(self.graphs):
                for path in files:
                    yield from self._file(path, index, tally)
            for line in self._description(tally):
                tally.add(line, len(self.graphs), -1)
                yield from self._take(line)
            if self.lines:
                yield self._part()
            self.count = tally.counts()[0]

    def _take(self, line: bytes) -> Iterator[bytes]:
        """``line`` into the part being filled; the part, once full."""
        self.lines.append(line)
        self.held += len(line)
        if self.held >= self.part_bytes:
            yield self._part()

    def _part(self) -> bytes:
        part = b"".join(self.lines)
        self.lines.clear()
        self.held = 0
        return part

    def _file(self, path: Path, graph: int, tally: Tally) -> Iterator[bytes]:
        """The parts filled while reading ``path``; its blank-node triples join the part being
        filled once the file is read, all of them (one request: one set of blank nodes)."""
        import pyoxigraph as ox

        kind, file_name = ox.NamedNode(_RDF_TYPE), ox.NamedNode(str(PG.fileName))
        blank: list[bytes] = []
        try:
            with path.open("rb") as f:
                reader = _Counted(f, self._advance)
                for q in ox.parse(
                    cast(IO[bytes], reader), ox.RdfFormat.TURTLE, rename_blank_nodes=True
                ):
                    line = f"{q} .\n".encode()
                    cls = -1
                    if q.predicate == kind and isinstance(q.object, ox.NamedNode):
                        cls = self.classes.setdefault(q.object.value, len(self.classes))
                    elif q.predicate == file_name:
                        self.described.add(q.subject)
                    tally.add(line, graph, cls)
                    if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
                        blank.append(line)
                        continue
                    yield from self._take(line)
        except SyntaxError as exc:
            raise _bad_turtle(path, exc) from exc
        except OSError as exc:
            raise _unreadable(path, exc) from exc
        self.lines += blank
        self.held += sum(len(line) for line in blank)
        if self.held >= self.part_bytes:
            yield self._part()

    def _advance(self, n: int) -> None:
        self.read += n

    def _description(self, tally: Tally) -> list[bytes]:
        """The dataset's description, made by the dataset's own code from the counts."""
        from policygraph.store.dataset import _describe

        facts = _Facts(self, tally)
        _describe(facts)
        return facts.lines


class _Facts:
    """What :func:`policygraph.store.dataset._describe` asks of the dataset's store, answered
    from the tally, and the quads it adds to it, as N-Triples lines."""

    def __init__(self, stream: Stream, tally: Tally) -> None:
        import pyoxigraph as ox

        _, sizes, classes = tally.counts()
        names = [ox.NamedNode(graph) for graph, _ in stream.graphs]
        self.sizes = {names[g]: n for g, n in sorted(sizes.items())}
        by_index = {i: cls for cls, i in stream.classes.items()}
        self.classes = {by_index[i]: n for i, n in classes.items()}
        self.described = stream.described
        self.lines: list[bytes] = []

    def __len__(self) -> int:
        return sum(self.sizes.values())

    def query(self, sparql: str) -> list[dict[str, Any]]:
        import pyoxigraph as ox

        if sparql == internal("graph-sizes"):
            return [{"g": g, "n": ox.Literal(str(n))} for g, n in self.sizes.items()]
        if sparql == internal("class-sizes"):
            return [
                {"c": ox.NamedNode(c), "n": ox.Literal(str(n))} for c, n in self.classes.items()
            ]
        raise AssertionError("the description asked what the tally does not count")

    def named_graphs(self) -> Iterator[Any]:
        return iter(self.sizes)

    def quads_for_pattern(self, *pattern: Any) -> Iterator[Any]:
        import pyoxigraph as ox

        for subject in self.described:
            yield ox.Quad(subject, ox.NamedNode(str(PG.fileName)), ox.Literal(""))

    def add(self, quad: Any) -> None:
        self.lines.append(f"{quad.subject} {quad.predicate} {quad.object} .\n".encode())
