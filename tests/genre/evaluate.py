"""The real-document evaluation: what the extractor reads against gold files written by hand.

A gold file (``gold/<stem>.tsv``: item, role, name, kind) lists every responsibility and deadline
a careful reader reads in one document (the rules it was written by: ``gold/README.md``). Each
row the extractor reads is compared with them as a multiset; precision and recall per document.

Run ``python tests/genre/evaluate.py`` to print the table the README shows.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from policygraph.text.annotations import Annotation
from policygraph.text.names import is_collective, normalize
from policygraph.text.readers import read_source
from policygraph.text.structure import Provision, Structure, parse_measures

HERE = Path(__file__).parent
GENRE = HERE / "gov-cn"  # real State Council pages, as a crawler stored them
CONVENTIONS = HERE / "conventions"
Row = tuple[str, str, str, str]  # item, role, name, kind


@dataclass(frozen=True)
class Score:
    document: str
    gold: int
    read: int
    right: int
    catch_alls_as_departments: int

    @property
    def precision(self) -> float:
        return self.right / self.read if self.read else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0


def gold(path: Path) -> Counter[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    assert rows[0] == ["item", "role", "name", "kind"], f"{path}: header {rows[0]}"
    return Counter((r[0], r[1], normalize(r[2]), r[3]) for r in rows[1:] if r)


def _kind(name: str, catch_all: bool) -> str:
    return "catch-all" if catch_all else "collective" if is_collective(name) else "dept"


def _rows(key: str, annotation: Annotation) -> list[Row]:
    out = [
        (key, e.role, normalize(e.name.text), _kind(e.name.text, e.catch_all))
        for e in annotation.entries
    ]
    return out + [(key, "deadline", normalize(d.text), "") for d in annotation.deadlines]


def _key(structure: Structure, p: Provision) -> str:
    parts = {part.ordinal: part.label for part in structure.parts}
    head = parts.get(p.part, "") if p.part is not None else ""
    groups, group = "", p.group
    while group is not None:
        groups, group = group.label + groups, group.group
    return head + groups + p.label


def readings(path: Path) -> Counter[Row]:
    """Every row the extractor reads in the document at ``path``."""
    text = read_source(path.read_bytes(), path.name).text
    structure = parse_measures(text, path.name)
    rows: list[Row] = []
    for p in structure.provisions:
        if p.annotations:
            key = _key(structure, p)
        elif p.table_row is not None:
            key = "表" + p.table_row.number
        else:
            continue
        for annotation in p.assignments:
            rows += _rows(key, annotation)
    for row in structure.unmatched_rows:
        rows += _rows("表" + row.number, row.annotation)
    return Counter(rows)


def score(name: str, expected: Counter[Row], got: Counter[Row]) -> Score:
    right = sum((expected & got).values())
    catch_alls = {r[2] for r in expected if r[3] == "catch-all"}
    wrong = sum(n for r, n in got.items() if r[3] != "catch-all" and r[2] in catch_alls)
    return Score(name, sum(expected.values()), sum(got.values()), right, wrong)


def documents() -> list[tuple[str, Path, Path]]:
    """(name, source, gold) of every document with a gold file."""
    out = []
    for g in sorted((HERE / "gold").glob("*.tsv")):
        for source in (
            GENRE / f"{g.stem}.html",
            CONVENTIONS / f"{g.stem}.txt",
            CONVENTIONS / f"{g.stem}.html",
        ):
            if source.is_file():
                out.append((g.stem, source, g))
    return out


def table(scores: list[Score]) -> str:
    lines = [
        "| document | gold rows | read | right | precision | recall | catch-alls as departments |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.document} | {s.gold} | {s.read} | {s.right} | {s.precision:.3f} | "
            f"{s.recall:.3f} | {s.catch_alls_as_departments} |"
        )
    return "\n".join(lines)


def main() -> None:
    scores = [score(name, gold(g), readings(src)) for name, src, g in documents()]
    print(table(scores))
    if "-v" in sys.argv:
        for name, src, g in documents():
            expected, got = gold(g), readings(src)
            for r in sorted((expected - got).elements()):
                print(f"{name} missed: {r}")
            for r in sorted((got - expected).elements()):
                print(f"{name} extra:  {r}")


if __name__ == "__main__":
    main()
