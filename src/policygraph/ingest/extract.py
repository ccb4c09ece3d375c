"""``policygraph extract``: one file to one document's Turtle, a pure function of its bytes.

The same bytes (and options) give the same Turtle on any machine, without a corpus lock: the
file is planned and built in a throwaway corpus that holds only the ontology and the registers
(of the corpus found, as ``ingest`` would), so departments resolve against the registers only
and every other name becomes a new department, as in an empty corpus. Any batch runner can
spread extraction over many machines and ``load`` the results into a SPARQL server.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from rdflib import Graph

from policygraph.build import outputs
from policygraph.corpus import Corpus, write_atomic
from policygraph.ingest.model import Options
from policygraph.ingest.plan import plan
from policygraph.rdf import bind_prefixes
from policygraph.rdf.turtle import serialize


def extract(path: Path, options: Options, corpus: Corpus) -> str:
    """The Turtle of ``path``: its source's metadata, what ingest would write for the curator,
    and the built graph of the document with its citations and quote anchors."""
    with tempfile.TemporaryDirectory(prefix="policygraph-extract-") as tmp:
        home = _skeleton(Path(tmp), corpus)
        p = plan(home, path, options)
        write_atomic({home.path(rel): body for rel, body in p.written().items()})
        graph = bind_prefixes(Graph())
        for rel in p.files:
            graph.parse(data=p.files[rel], format="turtle")
        for body in outputs(home, {str(p.doc): (p.text, p.structure)}).values():
            graph.parse(data=body, format="turtle")
    head = [f"Extracted by `policygraph extract` from {path.name} ({p.number or 'no 文号'})."]
    return serialize(graph, head)


def _skeleton(root: Path, corpus: Corpus) -> Corpus:
    """An empty corpus with ``corpus``'s ontology and registers."""
    shutil.copytree(corpus.root / "ontology", root / "ontology")
    if corpus.registers.is_dir():
        shutil.copytree(corpus.registers, root / "data" / "registers")
    (root / "data" / "sources").mkdir(parents=True, exist_ok=True)
    (root / "data" / "ttl").mkdir(parents=True, exist_ok=True)
    return Corpus(root.resolve(), "--home")


__all__ = ["extract"]
