"""Returned forms read back: ``policygraph progress import FILE…``.

Each file (xlsx, docx or csv, as a department sends it back) is read by its headers, not by
column positions, so a column added, rows sorted or filtered, or a re-save by LibreOffice or
Excel change nothing. Each row is known by its hidden identity (the responsibility's IRI) and
checked against the graph: every problem is reported by file, sheet, cell and value, and nothing
is stored while any remains (unless the office accepts the valid rows). What is stored is one
Turtle file per returned file (``data/ttl/progress-<sha>.ttl``: a dated report per row that was
filled in, with the file and cells it was read from) and the file itself, byte for byte
(``data/returns/``); an earlier report is never overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from policygraph.corpus import Corpus, recover, transaction, write_atomic
from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.ingest.model import IngestNote
from policygraph.rdf import PG
from policygraph.rdf.namespaces import BASE
from policygraph.rdf.turtle import serialize
from policygraph.store import Store
from policygraph.text.dates import read_day
from policygraph.text.limits import read_bounded
from policygraph.text.readers import read_tables
from policygraph.text.readers.grids import Grid
from policygraph.views.progress import (
    FILLED_IN,
    FORM_KIND,
    IDENTITY_HEADER,
    ROW_ID,
    STATUSES,
    Form,
    FormRow,
    forms,
)
from policygraph.views.tasks import find_document

STATUS_IRIS = {
    "已完成": PG.Completed,
    "推进中": PG.InProgress,
    "未启动": PG.NotStarted,
    "滞后": PG.Delayed,
}


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    cell: str
    value: str
    what: IngestNote  # what is wrong, as data: a template, its code and parameters

    def said(self, what: str) -> str:
        """The problem with where it is, ``what`` being what is wrong as it is to be said."""
        shown = f" “{self.value}”" if self.value else ""
        return f"{self.file}: {self.sheet}!{self.cell}{shown}: {what}"

    def __str__(self) -> str:
        return self.said(str(self.what))


@dataclass
class Row:
    """One row as read, with where each value came from."""

    line: int  # the spreadsheet row, the table row, the csv line
    values: dict[str, str]  # by header
    cells: dict[str, str]  # header → cell reference
    identity: str = ""
    identity_cell: str = ""


@dataclass
class FormSheet:
    """One form found in a returned file: its identity, its rows and how to name their cells."""

    name: str
    identity: dict[str, str] | None
    identity_cell: str
    rows: list[Row]
    span: str  # how to name a row's cells: "F{n}:J{n}" or "row {n}"


@dataclass
class ReturnedFile:
    """One returned file, read and checked."""

    path: Path
    data: bytes = field(repr=False)  # as read once: parsed, hashed and kept from the same bytes
    document: URIRef | None = None
    generated: str = ""
    reports: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


# --- the forms in the tables of a file (read by text/readers) ------------------------------------


def read_sheets(path: Path, data: bytes) -> list[FormSheet]:
    """The forms of a returned file: each table its format's reader gives (an xlsx's sheets, a
    docx's tables, a CSV file) that has a form's header row."""
    out: list[FormSheet] = []
    carried: tuple[str, ...] = ()
    for grid in read_tables(data, str(path)):
        grid = dataclasses.replace(grid, before=carried + grid.before)  # docx: past a table
        found = _header(grid.rows)  # that is not a form, the identity above it still holds
        carried = grid.before if found is None else ()
        if found is not None:
            out.append(_FORMS[grid.reader](grid, *found))
    return out


def _xlsx(grid: Grid, at: int, columns: dict[str, int]) -> FormSheet:
    from openpyxl.utils import get_column_letter

    identity, identity_cell = _identity_above(grid.rows, at)
    rows = []
    for i in range(at + 1, len(grid.rows)):
        cells = grid.rows[i]
        values = {h: _text(cells[c]) for h, c in columns.items() if c < len(cells)}
        if any(values.values()):
            named = {h: f"{get_column_letter(c + 1)}{i + 1}" for h, c in columns.items()}
            rows.append(Row(i + 1, values, named))
    filled = [columns[h] for h in FILLED_IN if h in columns]
    span = (
        f"{get_column_letter(min(filled) + 1)}{{n}}:{get_column_letter(max(filled) + 1)}{{n}}"
        if filled
        else "row {n}"
    )
    return FormSheet(grid.name, identity, identity_cell, rows, span)


def _csv(grid: Grid, at: int, columns: dict[str, int]) -> FormSheet:
    identity, identity_cell = _identity_above(grid.rows, at)
    rows = []
    for i in range(at + 1, len(grid.rows)):
        cells = grid.rows[i]
        values = {h: _text(cells[c]) if c < len(cells) else "" for h, c in columns.items()}
        if any(values.values()):
            rows.append(Row(i + 1, values, {h: f"line {i + 1}, {h}" for h in columns}))
    return FormSheet(grid.name, identity, identity_cell, rows, "line {n}")


def _docx(grid: Grid, at: int, columns: dict[str, int]) -> FormSheet:
    """A table of a docx form: its identity the hidden paragraph before it, each row's in the
    hidden text of its 序号 cell."""
    identities = [found for text in grid.before if (found := _json(text)) is not None]
    rows = []
    for i in range(at + 1, len(grid.rows)):
        cells = grid.rows[i]
        values = {h: _text(cells[c]) for h, c in columns.items() if c < len(cells)}
        row = Row(i, values, {h: f"{grid.name} row {i} {h}" for h in columns})
        number = values.get("序号", "")
        if m := ROW_ID.search(number):
            row.identity, row.identity_cell = m.group(1), row.cells["序号"]
            row.values["序号"] = ROW_ID.sub("", number).strip()
        if any(v for h, v in row.values.items() if h != "序号"):
            rows.append(row)
    identity = identities[-1] if identities else None
    return FormSheet(grid.name, identity, "hidden text", rows, "row {n}")


_FORMS = {"xlsx": _xlsx, "csv": _csv, "docx": _docx}


def _header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """The header row (the first of the first ten naming 完成状态 and 任务) and its columns."""
    for i, row in enumerate(grid[:10]):
        texts = [_text(v) for v in row]
        if "完成状态" in texts and "任务" in texts:
            columns: dict[str, int] = {}
            for c, t in enumerate(texts):
                if t and t not in columns:
                    columns[t] = c
            return i, columns
    return None


def _identity_above(grid: list[list[Any]], at: int) -> tuple[dict[str, str] | None, str]:
    """The sheet's identity: the JSON above the 标识 header (A1 as written)."""
    for i in range(at):
        for c, value in enumerate(grid[i]):
            parsed = _json(_text(value))
            if parsed is not None:
                from openpyxl.utils import get_column_letter

                return parsed, f"{get_column_letter(c + 1)}{i + 1}"
    return None, ""


def _json(text: str) -> dict[str, str] | None:
    text = text.strip()
    if not text.startswith("{") or FORM_KIND not in text:
        return None
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) and found.get("form") == FORM_KIND else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


# --- checking against the graph -------------------------------------------------------------


def read(path: Path, data: bytes, expected: _Expected) -> ReturnedFile:
    """Check one returned file (its bytes) against the forms the graph gives; nothing is
    written."""
    reading = ReturnedFile(path, data)
    try:
        sheets = read_sheets(path, data)
    except InputError:
        raise
    except Exception as exc:  # a damaged zip, xlsx or docx: openpyxl, python-docx, zipfile
        raise InputError(
            N_("{path}: cannot be read as a form ({kind}: {reason})"),
            code="return-damaged",
            path=path,
            kind=type(exc).__name__,
            reason=exc,
        ) from exc
    if not sheets:
        raise InputError(
            N_("{path}: no return form in it (no sheet or table with 任务 and 完成状态)"),
            code="return-no-form",
            path=path,
        )
    seen: dict[str, str] = {}
    for sheet in sheets:
        _check_sheet(reading, sheet, expected, seen)
    return reading


class _Expected:
    """The forms the graph gives, by document; each responsibility's row and department."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_document: dict[str, list[Form]] = {}
        self.rows: dict[str, tuple[Form, Any]] = {}

    def document(self, iri: str) -> list[Form] | None:
        if iri not in self.by_document:
            try:
                found = forms(self.store, find_document(self.store, iri))
            except InputError:
                return None
            self.by_document[iri] = found
            for form in found:
                for row in form.rows:
                    for identity in row.identities:  # a form of before may ask twice
                        self.rows[str(identity)] = (form, row)
        return self.by_document[iri]

    def row(self, identity: str) -> tuple[Form, Any] | None:
        return self.rows.get(identity)


def _check_sheet(
    reading: ReturnedFile, sheet: FormSheet, expected: _Expected, seen: dict[str, str]
) -> None:
    name = reading.path.name

    def problem(cell: str, value: str, what: str, code: str = "", **params: Any) -> None:
        said = IngestNote.of(what, code, **params)
        reading.problems.append(Problem(name, sheet.name, cell, value, said))

    identity = sheet.identity or {}
    department = identity.get("department", "")
    document = identity.get("document", "")
    if sheet.identity is None:
        problem("A1", "", N_("no form identity: not a form policygraph wrote"), "form-identity")
        return
    if expected.document(document) is None:
        problem(sheet.identity_cell, document, N_("a form for a document the corpus does not hold"))
        return
    forms_of = expected.by_document[document]
    form = next((f for f in forms_of if str(f.department) == department), None)
    if form is None:
        problem(
            sheet.identity_cell,
            department,
            N_("a form for a department this document assigns nothing to"),
        )
        return
    reading.document = URIRef(document)
    reading.generated = reading.generated or identity.get("generated", "")
    for row in sheet.rows:
        _check_row(reading, sheet, form, row, expected, seen, problem)


def _check_row(
    reading: ReturnedFile,
    sheet: FormSheet,
    form: Form,
    row: Row,
    expected: _Expected,
    seen: dict[str, str],
    problem: Any,
) -> None:
    before = len(reading.problems)
    found = _identify(sheet, form, row, expected, seen, problem)
    if found is None:
        return
    identity, expected_row = found
    v = row.values
    task = v.get("任务", "")
    if not _same_task(task, expected_row):
        what = N_("the task text was edited (the form says “{task}”)")
        problem(row.cells.get("任务", f"row {row.line}"), task, what, task=expected_row.task)
    if not any(v.get(h) for h in FILLED_IN):
        return  # not filled in: no report
    status = v.get("完成状态", "")
    if status not in STATUSES:
        what = (
            N_("完成状态 is empty: choose {choices}")
            if not status
            else N_("完成状态 is not one of the list: choose {choices}")
        )
        problem(row.cells.get("完成状态", ""), status, what, choices="、".join(STATUSES))
    completed = v.get("完成日期", "")
    day = read_day(completed) if completed else None
    if completed and day is None:
        problem(row.cells.get("完成日期", ""), completed, N_("not a date (write 2024-06-30)"))
    if len(reading.problems) > before:
        return
    reading.reports.append(
        {
            "responsibility": URIRef(identity),
            "department": form.department,
            "status": status,
            "completed": day,
            "progress": v.get("进展情况", ""),
            "evidence": v.get("佐证材料", ""),
            "reporter": v.get("填报人", ""),
            "cells": f"{sheet.name}!{sheet.span.format(n=row.line)}",
        }
    )


def _same_task(task: str, row: FormRow) -> bool:
    """The 任务 cell is the task's: its title, or (on a form written before 条目 had a column
    of its own) its label and title."""
    written = "".join(task.split())
    title = "".join(row.task.split())
    return written in (title, "".join(row.label.split()) + title)


def _identify(
    sheet: FormSheet, form: Form, row: Row, expected: _Expected, seen: dict[str, str], problem: Any
) -> tuple[str, Any] | None:
    """The row's identity and the row the form had there; None (a problem said) if unknown,
    repeated or another department's."""
    identity = row.identity or row.values.get(IDENTITY_HEADER, "")
    where = row.identity_cell or row.cells.get(IDENTITY_HEADER, f"row {row.line}")
    if not identity:
        problem(where, "", N_("the row's identity is missing (the hidden 标识 column was cleared)"))
        return None
    found = expected.row(identity)
    if found is None:
        problem(where, identity, N_("no such row in the document's task table"))
        return None
    if identity in seen:
        problem(where, identity, N_("the same row twice (first at {first})"), first=seen[identity])
        return None
    seen[identity] = f"{sheet.name}!{where}"
    owner, expected_row = found
    if owner.department != form.department:
        what = N_("a row of {department}: a department reports only on its own rows")
        problem(where, identity, what, department=owner.name)
    return identity, expected_row


# --- storing ---------------------------------------------------------------------------------


def read_new(
    corpus: Corpus, store: Store, paths: list[Path]
) -> tuple[list[ReturnedFile], list[Path]]:
    """Read and check each file; one imported before (the same bytes) is skipped unparsed. The
    forms the graph gives are worked out once for all the files. What a killed import left is
    undone first, so that a half-stored file is not taken as imported."""
    recover(corpus, "progress import")
    expected = _Expected(store)
    readings: list[ReturnedFile] = []
    skipped: list[Path] = []
    for path in paths:
        try:
            data = read_bounded(path)
        except OSError as exc:
            raise InputError(
                N_("{path}: cannot read ({reason})"),
                code="return-unreadable",
                path=path,
                reason=exc.strerror,
            ) from exc
        if _stored_path(corpus, hashlib.sha256(data).hexdigest()).exists():
            skipped.append(path)
        else:
            readings.append(read(path, data, expected))
    return readings, skipped


def _stored_path(corpus: Corpus, sha256: str) -> Path:
    return corpus.ttl / f"progress-{sha256[:16]}.ttl"


def _kept_name(key: str, name: str) -> str:
    """The name of a returned file's copy: its key, then its own name made safe and short enough
    that the copy and its staged temporary file fit a file system's 255 bytes (a name of 245
    bytes could not be imported)."""
    safe = re.sub(r"[^\w.\-]+", "_", name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot or len(suffix) > 8:
        stem, dot, suffix = safe, "", ""
    budget = 150 - len(key) - len(suffix)
    short = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return f"{key}-{short}{dot}{suffix}"


def files(corpus: Corpus, reading: ReturnedFile, received: dt.date) -> dict[Path, bytes]:
    """The returned file, byte for byte, and the Turtle of its reports."""
    sha256 = reading.sha256
    key = sha256[:16]
    copy = Path("data") / "returns" / _kept_name(key, reading.path.name)
    form = URIRef(f"{BASE}progress/{key}")
    triples: set[tuple[URIRef, URIRef, URIRef | Literal]] = {
        (form, RDF.type, PG.ReturnedForm),
        (form, PG.fileName, Literal(copy.as_posix())),
        (form, PG.sha256, Literal(sha256)),
    }
    if reading.document is not None:
        triples.add((form, PG.formOf, reading.document))
    if reading.generated:
        triples.add((form, PG.formGenerated, Literal(reading.generated, datatype=XSD.dateTime)))
    for n, r in enumerate(reading.reports, start=1):
        report = URIRef(f"{form}/{n}")
        triples |= {
            (report, RDF.type, PG.ProgressReport),
            (report, PG.reportsOn, r["responsibility"]),
            (report, PG.reportedBy, r["department"]),
            (report, PG.status, STATUS_IRIS[r["status"]]),
            (report, PG.receivedOn, Literal(received.isoformat(), datatype=XSD.date)),
            (report, PG.onForm, form),
            (report, PG.cells, Literal(r["cells"])),
        }
        if r["completed"] is not None:
            triples.add(
                (report, PG.completedOn, Literal(r["completed"].isoformat(), datatype=XSD.date))
            )
        for key_, prop in (
            ("progress", PG.progressText),
            ("evidence", PG.evidence),
            ("reporter", PG.reporter),
        ):
            if r[key_]:
                triples.add((report, prop, Literal(r[key_])))
    header = [
        f"Progress reported on {reading.path.name} (SHA-256 {sha256}), received "
        f"{received.isoformat()}: policygraph progress import.",
        "Each report is read from the cells it names in the file kept beside it; never edited.",
    ]
    return {
        corpus.root / copy: reading.data,  # the bytes that were read and checked
        _stored_path(corpus, sha256): serialize(triples, header).encode("utf-8"),
    }


def store_readings(
    corpus: Corpus, readings: list[tuple[ReturnedFile, dict[Path, bytes]]]
) -> list[ReturnedFile]:
    """Write every file of every reading, all or none, under the corpus's write lock; a file
    another import stored meanwhile (checked under the lock) is left out. The readings stored.
    The folders are made before the journal lists them, so that a kill -9 leaves nothing in them
    that the next writer does not remove."""
    corpus.require_writable("progress import")
    with transaction(corpus, "progress import") as journal:
        fresh = [(r, w) for r, w in readings if not _stored_path(corpus, r.sha256).exists()]
        everything: dict[Path, bytes] = {}
        for _, written in fresh:
            everything.update(written)
        folders = sorted({p.parent for p in everything})
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
        journal.save(list(everything), folders)
        write_atomic(everything)
        return [r for r, _ in fresh]
