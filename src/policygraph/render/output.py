"""Writing what a command made to the file a user named (``-o``), destroying nothing it did not
make (issue 27).

The target must be a regular file or a new name: a directory, a device, a FIFO or a socket is
refused (renaming a file over a device node would replace the device); a symbolic link is
written through when it points to a regular file (the target is replaced, the link kept), and
refused otherwise. A replaced file keeps its mode. Nothing is written inside a corpus's
``data/``, ``ontology/`` or ``queries/`` (the graph's own files are written by ``build`` and
``ingest`` only). The file is staged beside its target and renamed over it: a failure leaves the
target as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from policygraph.corpus import cannot_write, stage
from policygraph.errors import InputError
from policygraph.i18n import N_

CORPUS_PARTS = ("data", "ontology", "queries")


def write_output(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (see the module's text); the file written (the target of a
    link) is returned."""
    target, mode = checked_target(path)
    refuse_inside_corpus(path, target)
    tmp = stage(target, data, mode)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise cannot_write(path, exc, "write-failed") from exc
    return target


def checked_target(path: Path) -> tuple[Path, int | None]:
    """The file ``path`` names (through a link) and the mode to give it (None: a new file),
    or an InputError when it is not a regular file."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path, None
    except OSError as exc:
        raise cannot_write(path, exc, "write-failed") from exc
    target = path
    if stat.S_ISLNK(st.st_mode):
        target = Path(os.path.realpath(path))
        try:
            st = os.stat(target)
            regular = stat.S_ISREG(st.st_mode)
        except OSError:
            regular = False
        if not regular:
            raise InputError(
                N_(
                    "{path}: a symbolic link to {target}, which is not a regular file; "
                    "nothing written"
                ),
                code="output-link",
                path=path,
                target=target,
            )
    refuse_special(path, st.st_mode)
    return target, stat.S_IMODE(st.st_mode)


def refuse_special(path: Path, mode: int) -> None:
    """An InputError unless ``mode`` is a regular file's."""
    if stat.S_ISDIR(mode):
        raise InputError(
            N_("{path}: a directory, not a file; nothing written"),
            code="output-directory",
            path=path,
        )
    if not stat.S_ISREG(mode):
        raise InputError(
            N_("{path}: a device, a FIFO or a socket, not a regular file; nothing written"),
            code="output-special",
            path=path,
        )


def corpus_holding(path: Path) -> tuple[Path, str] | None:
    """The corpus root whose ``data/``, ``ontology/`` or ``queries/`` holds ``path`` (as it is
    found once every link is followed), and that part; None when none does."""
    real = Path(os.path.realpath(path))
    for root in real.parents:
        part = real.relative_to(root).parts[0]
        if part in CORPUS_PARTS and is_corpus(root):
            return root, part
    return None


def is_corpus(root: Path) -> bool:
    """Whether ``root`` is a corpus (as :class:`policygraph.corpus.Corpus` recognises one)."""
    return (root / "data" / "sources").is_dir() and (root / "ontology").is_dir()


def refuse_inside_corpus(path: Path, target: Path | None = None) -> None:
    """An InputError when ``path`` (or the file it links to) is inside a corpus."""
    for candidate in (path, target or path):
        found = corpus_holding(candidate)
        if found is not None:
            raise InputError(
                N_(
                    "{path}: inside the {part}/ of the corpus at {corpus}; outputs are never "
                    "written into a corpus (give a path outside it)"
                ),
                code="output-in-corpus",
                path=path,
                part=found[1],
                corpus=found[0],
            )
