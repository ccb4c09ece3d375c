"""The only module that knows where files live.

The corpus home holds ``data/sources/``, ``data/ttl/``, ``ontology/`` and ``queries/``. It is, in
order: the ``--home`` option, the ``POLICYGRAPH_HOME`` environment variable, or the checkout the
package was installed from (an editable install). Never silently the working directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from policygraph.errors import InputError

ENV_HOME = "POLICYGRAPH_HOME"


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "data" / "sources"

    @property
    def ttl(self) -> Path:
        return self.root / "data" / "ttl"

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def ontology(self) -> Path:
        return self.ontology_dir / "policygraph.ttl"

    @property
    def shapes(self) -> Path:
        return self.ontology_dir / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def relative(self, path: Path) -> str:
        """``path`` relative to the home, with forward slashes (as recorded in the graph)."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def graph_files(self) -> list[Path]:
        """Every RDF file that makes up the graph: ontology, source metadata, built and curated data."""
        files = [self.ontology]
        files += sorted(self.sources.glob("*.ttl"))
        files += sorted(self.ttl.glob("*.ttl"))
        return files


def installed_checkout() -> Path:
    """The checkout this package was installed from (src/policygraph/ -> two levels up)."""
    return Path(__file__).resolve().parents[2]


def resolve_home(home: Path | str | None = None) -> Home:
    """Find the corpus home; raise InputError naming the directory when it is not one."""
    if home is not None:
        root, origin = Path(home), "--home"
    elif os.environ.get(ENV_HOME):
        root, origin = Path(os.environ[ENV_HOME]), ENV_HOME
    else:
        root, origin = installed_checkout(), "the installed checkout"
    root = root.expanduser()
    if not (root / "data" / "sources").is_dir() or not (root / "ontology").is_dir():
        raise InputError(
            f"{root} ({origin}) is not a policygraph corpus home: "
            "it needs data/sources/ and ontology/"
        )
    return Home(root.resolve())
