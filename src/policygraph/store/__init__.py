"""One way in to the graph: every command reads it through :func:`open_store`, in process (a
pyoxigraph store, its answers converted to rdflib terms by :mod:`policygraph.rdf.terms`) or on
any SPARQL 1.1 endpoint, with the same query files and bindings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from policygraph.store.defaults import DEFAULT_TIMEOUT, MAX_BYTES

if TYPE_CHECKING:
    from policygraph.corpus import Corpus
    from policygraph.store.profiles import Profile
    from policygraph.store.results import Answer, Bound, Rows

ENV_ENDPOINT = "POLICYGRAPH_ENDPOINT"


class Store(Protocol):
    location: str

    def select(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Rows: ...

    def query(self, sparql: str, bindings: Mapping[str, Bound] | None = None) -> Answer: ...


def open_store(
    corpus: Corpus | Path | str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    server: Profile | None = None,
) -> Store:
    """The graph of ``corpus`` (a Corpus, a path, or None: found as the CLI finds it), in process,
    or the one loaded on a SPARQL ``endpoint`` (``None``: the ``POLICYGRAPH_ENDPOINT``
    environment variable; ``""``: always in process), reading answers of at most ``max_bytes``
    (None: :data:`policygraph.store.defaults.MAX_BYTES`); ``server``: the server's profile (None:
    recognised by its answers where it matters)."""
    if endpoint is None:  # not given: the environment decides; "" means embedded
        endpoint = os.environ.get(ENV_ENDPOINT) or ""
    if endpoint:
        from policygraph.store.remote import RemoteStore

        return RemoteStore(
            endpoint,
            timeout=timeout or DEFAULT_TIMEOUT,
            max_bytes=max_bytes or MAX_BYTES,
            server=server,
        )
    from policygraph.corpus import Corpus
    from policygraph.store.embedded import EmbeddedStore

    return EmbeddedStore(Corpus.of(corpus).graph_files())


def __getattr__(name: str) -> object:  # Rows, Corpus without importing rdflib at CLI start-up
    if name == "Rows":
        from policygraph.store.results import Rows

        return Rows
    if name == "Corpus":
        from policygraph.corpus import Corpus

        return Corpus
    raise AttributeError(name)


__all__ = ["DEFAULT_TIMEOUT", "ENV_ENDPOINT", "Corpus", "Rows", "Store", "open_store"]
