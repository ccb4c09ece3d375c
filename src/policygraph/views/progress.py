"""The supervision loop a task table starts (督查督办): the return forms sent to each department,
the progress they report back, and what is late.

A form has one sheet per department, one row per responsibility of that department in the
document (its IRI is the row's identity). What comes back is stored as dated reports, never
overwriting earlier ones (``ingest.returns``). :func:`progress` reads them as of a day: per
responsibility the latest report received by then, and whether the task is overdue — a due date
passed and the latest status is not 已完成; a recurring deadline (每季度, 每年3月) checked for its
last period that ended; ongoing work never overdue; a deadline the text does not pin down
(2025年前) never judged, and said so.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from policygraph.errors import InputError
from policygraph.i18n import N_
from policygraph.rdf.roles import ROLE_ZH
from policygraph.store import Store
from policygraph.text.notes import Note
from policygraph.views.internal import query
from policygraph.views.tasks import Document, TaskDeadline, TaskRow, TaskTable, task_table

# 完成状态, as the form's drop-down offers them, and their notations in the graph.
STATUSES = {
    "已完成": "completed",
    "推进中": "in-progress",
    "未启动": "not-started",
    "滞后": "delayed",
}
STATUS_NAMES = {v: k for k, v in STATUSES.items()}
NOT_REPORTED = "未报送"
# The columns a department fills in on its return form, and how a form is known when it comes
# back: the sheet's identity (JSON naming this kind), each row's in a hidden 标识 column (xlsx,
# csv) or as hidden ⟦IRI⟧ text in its 序号 cell (docx).
FILLED_IN = ("进展情况", "完成状态", "完成日期", "佐证材料", "填报人")
IDENTITY_HEADER = "标识"
FORM_KIND = "policygraph return form"
ROW_ID = re.compile(r"⟦([^⟧]+)⟧")


@dataclass(frozen=True)
class FormRow:
    responsibility: URIRef  # the row's identity, hidden on the form
    measure: URIRef
    number: str  # the item's number (4, or 2.1 where numbering restarts in each part)
    task: str  # 任务: the measure's title, without its label
    role: str  # 牵头 · 配合 · 负责 (牵头、配合 where the source names the department in both)
    deadline: str  # 完成时限 as written, "；"-joined where there are several
    seq: int = 0  # 序号: the measure's place in the task table, the same on every output
    label: str = ""  # 条目: the item's label as the source writes it, （四）
    # the department's other responsibilities on this measure, where the source names it twice
    # (the checks report it): one row asks once, and reports on any of them count
    also: tuple[URIRef, ...] = ()

    @property
    def identities(self) -> tuple[URIRef, ...]:
        return (self.responsibility, *self.also)


@dataclass(frozen=True)
class Form:
    """One department's sheet of a return form."""

    document: Document
    department: URIRef
    name: str  # its full official name
    rows: tuple[FormRow, ...]


def task_text(row: TaskRow) -> str:
    """The 任务 cell of a form as forms before 条目 had its own column wrote it: the source's
    own label and the measure's title (a returned form of then still reads back)."""
    title = row.title or row.text
    return f"{row.label}{title}" if row.label and not title.startswith(row.label) else title


# Which of a department's responsibilities on one measure a form row stands for: lead first.
_ROLE_RANK = {"lead": 0, "responsible": 1, "co-lead": 2}
_Named = tuple[int, int, str, URIRef, str]  # rank, position, IRI, responsibility, role


def forms(
    store: Store,
    document: Document,
    department: URIRef | None = None,
    table: TaskTable | None = None,
) -> list[Form]:
    """The return form of ``document``: a sheet per department it names (or only
    ``department``), one row per task in the order of the task table — a task the source lists
    twice for one department is asked once."""
    table = table or task_table(store, document, "official")
    rows_of = {row.measure: row for row in table.rows}
    named: dict[URIRef, dict[URIRef, list[_Named]]] = defaultdict(dict)
    names: dict[URIRef, str] = {}
    for r in store.select(query("document-responsibilities"), {"doc": document.iri}).dicts():
        measure, dept, responsibility = r["measure"], r["department"], r["responsibility"]
        if not isinstance(dept, URIRef) or measure not in rows_of:
            continue
        assert isinstance(measure, URIRef) and isinstance(responsibility, URIRef)
        names[dept] = str(r["official"])
        role = str(r["role"])
        rank, position = _ROLE_RANK.get(role, 3), int(str(r["position"]))
        entry = (rank, position, str(responsibility), responsibility, role)
        named[dept].setdefault(measure, []).append(entry)
    if department is not None and department not in named:
        raise InputError(
            N_("{document} assigns nothing to {department}: no form to write"),
            code="form-nothing-assigned",
            document=document.label,
            department=str(department),
        )
    wanted = [department] if department is not None else list(named)
    rows = {
        d: sorted((_form_row(rows_of[m], e) for m, e in named[d].items()), key=lambda f: f.seq)
        for d in wanted
    }
    leads = {d: sum(1 for f in rows[d] if "牵头" in f.role.split("、")) for d in wanted}
    wanted.sort(key=lambda d: (-leads[d], -len(rows[d]), names[d]))
    return [Form(document, d, names[d], tuple(rows[d])) for d in wanted]


def _form_row(row: TaskRow, named: list[_Named]) -> FormRow:
    """A department's row for one task: the first of its responsibilities there (lead first,
    then by place in the list) is the row's identity, the others ride along."""
    named = sorted(named)
    roles = dict.fromkeys(ROLE_ZH.get(role, role) for *_, role in named)
    return FormRow(
        named[0][3],
        row.measure,
        str(row.number),
        row.title or row.text,
        "、".join(roles),
        "；".join(d.written for d in row.deadlines),
        seq=row.seq,
        label=row.label,
        also=tuple(r for _, _, _, r, _ in named[1:]),
    )


# --- reports, latest status, overdue ------------------------------------------------------------


@dataclass(frozen=True)
class ProgressReport:
    iri: URIRef
    responsibility: URIRef
    reported_by: URIRef
    status: str  # notation: completed, in-progress, …
    received: dt.date
    completed: dt.date | None
    progress: str
    evidence: str
    reporter: str
    file: str
    cells: str
    generated: str = ""

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


def reports(store: Store, document: Document) -> dict[URIRef, list[ProgressReport]]:
    """Every report on the document's responsibilities, by responsibility, oldest first."""
    out: dict[URIRef, list[ProgressReport]] = defaultdict(list)
    for r in store.select(query("progress-reports"), {"doc": document.iri}).dicts():
        responsibility = r["responsibility"]
        assert isinstance(responsibility, URIRef)
        out[responsibility].append(
            ProgressReport(
                URIRef(str(r["report"])),
                responsibility,
                URIRef(str(r["reportedBy"])),
                str(r["status"]),
                dt.date.fromisoformat(str(r["received"])),
                dt.date.fromisoformat(str(r["completed"])) if r["completed"] is not None else None,
                str(r["progress"] or ""),
                str(r["evidence"] or ""),
                str(r["reporter"] or ""),
                str(r["file"]),
                str(r["cells"]),
                str(r["generated"] or ""),
            )
        )
    for found in out.values():
        found.sort(key=lambda x: (x.received, x.generated, str(x.iri)))
    return out


@dataclass
class StatusRow:
    form: FormRow
    department: URIRef
    name: str
    latest: ProgressReport | None
    overdue: bool = False
    notes: list[Note] = field(default_factory=list)  # said at the edge (English in str())

    @property
    def status(self) -> str:
        return self.latest.status_name if self.latest is not None else NOT_REPORTED


def progress(
    store: Store,
    document: Document,
    as_of: dt.date,
    department: URIRef | None = None,
    issued: dt.date | None = None,
    *,
    tasks: TaskTable | None = None,
    found: dict[URIRef, list[ProgressReport]] | None = None,
) -> list[StatusRow]:
    """Per responsibility of ``document`` (or of ``department`` in it), the latest report
    received by ``as_of`` and whether the task is overdue then. ``tasks`` and ``found`` (the
    document's task table and :func:`reports`) where the caller has them already."""
    tasks = tasks or task_table(store, document, "official")  # made once, for the forms too
    table = {row.measure: row for row in tasks.rows}
    order = {row.measure: i for i, row in enumerate(tasks.rows)}
    found = reports(store, document) if found is None else found
    out = []
    for n, form in enumerate(forms(store, document, department, tasks)):
        for row in form.rows:
            history = sorted(
                (r for i in row.identities for r in found.get(i, []) if r.received <= as_of),
                key=lambda x: (x.received, x.generated, str(x.iri)),
            )
            status = StatusRow(row, form.department, form.name, history[-1] if history else None)
            judge(status, table[row.measure].deadlines, history, as_of, issued)
            out.append((order[row.measure], n, status))
    return [status for *_, status in sorted(out, key=lambda x: (x[0], x[1]))]


def judge(
    row: StatusRow,
    deadlines: list[TaskDeadline],
    history: list[ProgressReport],
    as_of: dt.date,
    issued: dt.date | None,
) -> None:
    """Set ``row.overdue`` and say why in ``row.notes``."""
    latest = row.latest
    done = latest is not None and latest.status == "completed"
    if not deadlines:
        row.notes.append(_note("no-deadline"))
    for d in deadlines:
        if d.ongoing:
            row.notes.append(_note("ongoing", written=d.written))
        elif d.due is not None:
            due = dt.date.fromisoformat(d.due)
            if due < as_of and not done:
                row.overdue = True
                row.notes.append(_note("overdue", due=due.isoformat(), written=d.written))
        elif d.recurrence is not None:
            _judge_recurring(row, d, history, as_of, issued)
        else:
            row.notes.append(_note("not-pinned-down", written=d.written))
    if latest is None:
        row.notes.append(_note("no-report"))


def _judge_recurring(
    row: StatusRow,
    d: TaskDeadline,
    history: list[ProgressReport],
    as_of: dt.date,
    issued: dt.date | None,
) -> None:
    if issued is None:
        row.notes.append(_note("date-unknown", written=d.written))
    ends = period_ends(str(d.recurrence), issued or dt.date(as_of.year - 1, 12, 31), as_of)
    if not ends:
        row.notes.append(_note("no-period-ended", written=d.written))
        return
    end = ends[-1]
    after = ends[-2] if len(ends) > 1 else issued
    start = after + dt.timedelta(days=1) if after is not None else None
    for r in history:
        when = r.completed or r.received
        if r.status == "completed" and when <= end and (start is None or when >= start):
            row.notes.append(_note("period-done", written=d.written, end=end.isoformat()))
            return
    row.overdue = True
    row.notes.append(_note("period-overdue", written=d.written, end=end.isoformat()))


# The 说明 of a row of the progress table: a code and its words (said in the language spoken)
NOTES = {
    "no-deadline": N_("no deadline set"),
    "ongoing": N_("{written}: ongoing, never overdue"),
    "overdue": N_("due {due} ({written}), not 已完成"),
    "not-pinned-down": N_("{written}: not a date the text pins down, not judged"),
    "no-report": N_("no report received"),
    "date-unknown": N_("{written}: the document's date is unknown, periods counted from 1 January"),
    "no-period-ended": N_("{written}: no period has ended yet"),
    "period-done": N_("{written}: done for the period ending {end}"),
    "period-overdue": N_("{written}: the period ending {end} has no 已完成 report"),
}


def _note(code: str, **params: str) -> Note:
    return Note(f"progress-{code}", NOTES[code], params)


def period_ends(recurrence: str, after: dt.date, before: dt.date) -> list[dt.date]:
    """The ends of a recurrence's periods in (after, before): ``P1Y; month 3`` → each 31 March,
    ``P1Y`` → each 31 December, ``P6M`` → 30 June and 31 December, ``P3M`` → quarter ends,
    ``P1M`` → month ends, ``P1W`` → Sundays."""
    period, _, month = recurrence.partition("; month ")
    months = {
        "P1Y": [int(month)] if month else [12],
        "P6M": [6, 12],
        "P3M": [3, 6, 9, 12],
        "P1M": list(range(1, 13)),
    }.get(period.strip())
    out: list[dt.date] = []
    if period.strip() == "P1W":
        day = after + dt.timedelta(days=(6 - after.weekday()) % 7 or 7)
        while day < before:
            out.append(day)
            day += dt.timedelta(days=7)
        return out
    if months is None:
        raise InputError(
            N_("cannot read the recurrence {recurrence}"),
            code="recurrence",
            recurrence=repr(recurrence),
        )
    for year in range(after.year, before.year + 1):
        for m in months:
            end = dt.date(year, m, calendar.monthrange(year, m)[1])
            if after < end < before:
                out.append(end)
    return out


@dataclass(frozen=True)
class DepartmentProgress:
    department: URIRef
    name: str
    tasks: int
    reported: int
    counts: dict[str, int]  # by 完成状态, 未报送 included
    overdue: int


def by_department(rows: list[StatusRow]) -> list[DepartmentProgress]:
    """Per department: how many of its tasks are reported, in which state, and late."""
    grouped: dict[URIRef, list[StatusRow]] = defaultdict(list)
    for row in rows:
        grouped[row.department].append(row)
    out = []
    for dept, mine in grouped.items():
        counts = {name: 0 for name in [*STATUSES, NOT_REPORTED]}
        for row in mine:
            counts[row.status] += 1
        out.append(
            DepartmentProgress(
                dept,
                mine[0].name,
                len(mine),
                sum(1 for r in mine if r.latest is not None),
                counts,
                sum(1 for r in mine if r.overdue),
            )
        )
    return out


def issued_on(store: Store, document: Document) -> dt.date | None:
    """The document's date, where the graph has one (periods start after it)."""
    rows = store.select(query("document-date"), {"doc": document.iri}).rows
    for (value,) in rows:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            continue
    return None
