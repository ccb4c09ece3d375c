"""How much one input may make policygraph read (issue 27): a file's bytes, what a Word or Excel
package expands to and how many members it has, the characters of text extracted, the rows of a
sheet. The defaults hold any real document of the genre many times over (a State Council page is
about 100 KB and 20,000 characters) and keep memory under 1 GB for any input under them
(``benchmarks/README.md``); each is raised through its environment variable. Going over is a
:class:`SourceError` naming the file, the limit and the variable, never a read until memory ends.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from policygraph.errors import InputError, SourceError
from policygraph.i18n import N_


@dataclass(frozen=True)
class Limit:
    variable: str  # the environment variable that raises it
    default: int
    what: str  # what is counted (a msgid)

    def value(self) -> int:
        """The limit in force: the variable's value when set, else the default."""
        given = os.environ.get(self.variable, "").strip().replace("_", "")
        if not given:
            return self.default
        if not re.fullmatch(r"[0-9]+", given) or int(given) <= 0:  # not isdigit: "²" is one
            raise InputError(
                N_("{variable}={value}: a limit is a whole number above 0"),
                code="limit-value",
                variable=self.variable,
                value=given,
            )
        return int(given)

    def over(self, file: str, found: int | None = None) -> SourceError:
        """Over the limit: ``found`` of what it counts (None: more, not all counted)."""
        if found is None:
            return SourceError(
                N_("{file}: more than {limit} {what}; set {variable} to raise the limit"),
                code="limit",
                file=file,
                limit=self.value(),
                what=self.what,
                variable=self.variable,
            )
        return SourceError(
            N_(
                "{file}: {found} {what}, more than the limit of {limit}; set {variable} to raise it"
            ),
            code="limit",
            file=file,
            limit=self.value(),
            what=self.what,
            found=found,
            variable=self.variable,
        )

    def check(self, file: str, found: int) -> None:
        if found > self.value():
            raise self.over(file, found)


INPUT_BYTES = Limit("POLICYGRAPH_MAX_INPUT_BYTES", 32 * 2**20, N_("bytes in the file"))
UNPACKED_BYTES = Limit(
    "POLICYGRAPH_MAX_UNPACKED_BYTES", 128 * 2**20, N_("bytes unpacked from the package")
)
MEMBERS = Limit("POLICYGRAPH_MAX_MEMBERS", 10_000, N_("files in the package"))
CHARACTERS = Limit("POLICYGRAPH_MAX_CHARACTERS", 1_000_000, N_("characters of text"))
ROWS = Limit("POLICYGRAPH_MAX_ROWS", 100_000, N_("rows in a sheet"))
LIMITS = (INPUT_BYTES, UNPACKED_BYTES, MEMBERS, CHARACTERS, ROWS)


def read_bounded(path: Path) -> bytes:
    """The bytes of the file at ``path``, refusing a device, a FIFO or a socket (which may never
    end) and a file longer than the input limit (read no further than the limit)."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise SourceError(
            N_("{file}: not a regular file (a device, a pipe or a socket is not read)"),
            code="not-regular-file",
            file=str(path),
        )
    limit = INPUT_BYTES.value()
    with path.open("rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise INPUT_BYTES.over(str(path))
    return data


def check_package(data: bytes, file: str) -> None:
    """A zip package (docx, xlsx) within the limits on its members and what they unpack to,
    read from its directory before anything is unpacked (Python's zipfile never unpacks a member
    beyond the size its directory declares)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # the reader says what is wrong with it
    MEMBERS.check(file, len(members))
    UNPACKED_BYTES.check(file, sum(m.file_size for m in members))
