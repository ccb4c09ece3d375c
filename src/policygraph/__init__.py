"""policygraph: a knowledge graph of Chinese policy provisions, and the tool around it.

The Python API: :class:`Corpus` (where a corpus lives) and :func:`open_store` (its graph, to
query), imported lazily so that ``import policygraph`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from policygraph.corpus import Corpus
    from policygraph.store import open_store


def __getattr__(name: str) -> Any:
    if name == "Corpus":
        from policygraph.corpus import Corpus

        return Corpus
    if name == "open_store":
        from policygraph.store import open_store

        return open_store
    raise AttributeError(f"module 'policygraph' has no attribute {name!r}")


__all__ = ["Corpus", "__version__", "open_store"]
