"""Views as sheets: the rows a command prints, with their column keys (csv, json) and headers
(the tables people read: 序号 · 条目 · 任务 · 牵头单位 · 配合单位 · 完成时限)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from policygraph.i18n import _, in_language
from policygraph.rdf.roles import ROLE_ZH
from policygraph.render.table import Cell, Column, Sheet
from policygraph.text.notes import Label
from policygraph.text.report import SEVERITY_WORDS, Report, Result, summary_line
from policygraph.views.links import Suggestion
from policygraph.views.network import DepartmentRow
from policygraph.views.progress import NOT_REPORTED, STATUSES, DepartmentProgress, StatusRow
from policygraph.views.summary import Summary
from policygraph.views.tasks import DepartmentTasks, Document, TaskTable, by_department


class QueryParam(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def description(self) -> str: ...


class NamedQuery(Protocol):
    """A query of the catalogue as its sheet reads it (``policygraph.store.sparql.NamedQuery``,
    which render does not import)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def params(self) -> Sequence[QueryParam]: ...
    @property
    def examples(self) -> Sequence[str]: ...


# The item's number as a machine reads it (4, or 2.1 where numbering restarts in each part): kept
# for json (``number``) and csv, never printed; people read 条目, the label as the source writes it.
NUMBER = Column("number", "条目编号", printed=False)


def measure_sheet(table: TaskTable, full: bool = False) -> Sheet:
    """序号 · 条目 · 任务 · 牵头单位 · 配合单位 · 责任单位 · 完成时限: the table staff print.

    序号 runs 1…n; 条目 is the item's label as the source writes it (（四）), the same on every
    output; the item's number (4) stays for machines (json ``number``, csv 条目编号). 责任单位 is
    shown where the document names some; csv and json always carry every column (json with its
    stable English keys).
    """
    doc = table.document
    has_responsible = any(r.responsible for r in table.rows)
    columns = [
        Column("document", "文件", printed=False),
        Column("seq", "序号"),
        Column("label", "条目"),
        Column("title", "任务", wide=True),
    ]
    if full:
        columns.append(Column("text", "任务内容", wide=True))
    columns += [
        Column("lead", "牵头单位", wide=True),
        Column("co_lead", "配合单位", wide=True),
        Column("responsible", "责任单位", wide=True, printed=has_responsible),
        Column("deadline", "完成时限"),
        NUMBER,
    ]
    rows: list[list[Cell]] = []
    for r in table.rows:
        row: list[Cell] = [doc.label, r.seq, r.label, r.title]
        if full:
            row.append(r.text)
        row += [table.show(r.lead), table.show(r.co_lead), table.show(r.responsible)]
        row += [[d.written for d in r.deadlines], r.number]
        rows.append(row)
    return Sheet(f"{doc.label}《{doc.title}》任务分工表", columns, rows, staff=True)


def department_sheet(table: TaskTable) -> Sheet:
    """For each department of a document: the measures it leads and co-leads, with counts."""
    doc = table.document
    columns = [
        Column("document", "文件", printed=False),
        Column("department", "单位"),
        Column("names_in_document", "文中写法"),
        Column("leads", "牵头数"),
        Column("co_leads", "配合数"),
        Column("lead_measures", "牵头任务", wide=True),
        Column("co_lead_measures", "配合任务", wide=True),
    ]
    rows: list[list[Cell]] = [
        [
            doc.label,
            d.official,
            d.written,
            len(d.leads),
            len(d.co_leads),
            [f"{t.label}{t.title}" for t in d.leads],
            [f"{t.label}{t.title}" for t in d.co_leads],
        ]
        for d in by_department(table)
    ]
    return Sheet(f"{doc.label}《{doc.title}》任务分工表（按单位）", columns, rows, staff=True)


def assignment_sheet(tasks: DepartmentTasks) -> Sheet:
    """One department's assignments, one row per measure and role; collectives marked. 序号 and
    条目 are the task's in its document's task table."""
    columns = [
        Column("department", "单位", printed=False),
        Column("document", "文件"),
        Column("seq", "序号"),
        Column("label", "条目"),
        Column("title", "任务", wide=True),
        Column("role", "职责"),
        Column("written", "文中写法"),
        Column("via", "说明"),
        Column("deadline", "完成时限"),
        NUMBER,
    ]
    rows: list[list[Cell]] = [
        [
            tasks.official,
            a.document,
            a.seq,
            a.label,
            a.title,
            ROLE_ZH[a.role],
            a.written,
            f"通过{a.via}" if a.via else "",
            list(a.deadlines),
            a.number,
        ]
        for a in tasks.assignments
    ]
    leads = sum(1 for a in tasks.assignments if a.role in ("lead", "responsible"))
    co = sum(1 for a in tasks.assignments if a.role == "co-lead")
    return Sheet(
        f"{tasks.official} 任务清单（牵头{leads}项，配合{co}项）", columns, rows, staff=True
    )


def summary_sheet(summary: Summary) -> Sheet:
    """The documents of the graph, with the corpus totals under them."""
    columns = [
        Column("short", _("doc")),
        Column("number", _("number")),
        Column("kind", _("kind")),
        Column("level", _("level")),
        Column("parts", _("parts"), numeric=True),
        Column("provisions", _("items"), numeric=True),
        Column("measures", _("measures"), numeric=True),
        Column("responsibilities", _("resp."), numeric=True),
        Column("funding_commitments", _("funding"), numeric=True),
    ]
    rows: list[list[Cell]] = [[_kept(r, c.key) for c in columns] for r in summary.documents]
    return Sheet(_("Documents"), columns, rows, footer=totals_line(summary.totals), lines=False)


def totals_line(totals: dict[str, int]) -> str:
    """The corpus's totals in one line, as the summary's table ends."""
    return _(
        "{documents} documents · {provisions} provisions · {departments} departments · "
        "{responsibilities} responsibilities · {funding_commitments} funding commitments"
    ).format(**totals)


def _kept(row: object, key: str) -> str:
    """A field of a row as text; a level or a kind with its Chinese label beside it, said in the
    language spoken in the tables people read (the same English in the machine formats)."""
    value = getattr(row, key)
    if key in ("level", "kind"):
        return Label(value, zh=getattr(row, f"{key}_zh", ""))
    return value if isinstance(value, str) else str(value)


def departments_sheet(rows: list[DepartmentRow]) -> Sheet:
    """Every department: names, level, kind, parent and its counts."""
    keys = ["official", "names", "level", "kind", "parent", "leads", "co_leads", "responsible"]
    headers = ["单位", "其他名称", "层级", "类别", "上级", "牵头", "配合", "负责"]
    return Sheet(
        _("Departments"),
        [Column(k, hd, wide=k == "names") for k, hd in zip(keys, headers, strict=True)],
        [[_kept(r, k) for k in keys] for r in rows],
    )


def suggestions_sheet(
    lower: Document, higher: Document, suggestions: list[Suggestion], curated: set[Any]
) -> Sheet:
    """Ranked link suggestions, the curated ones marked."""
    cols = [
        ("lower", "下级条目"),
        ("lower_title", "标题"),
        ("rank", "名次"),
        ("higher", "上级条目"),
        ("higher_title", "标题"),
        ("score", "相似度"),
        ("curated", "已确认"),
        ("lower_iri", ""),
        ("higher_iri", ""),
    ]
    rows: list[list[Cell]] = [
        [
            s.lower.label,
            s.lower.title,
            s.rank,
            s.higher.label,
            s.higher.title,
            f"{s.score:.4f}",
            "yes" if (s.lower.iri, s.higher.iri) in curated else "",
            str(s.lower.iri),
            str(s.higher.iri),
        ]
        for s in suggestions
    ]
    return Sheet(
        _("{lower} → {higher}: suggested links").format(lower=lower.label, higher=higher.label),
        [Column(k, hd, printed=bool(hd)) for k, hd in cols],
        rows,
    )


def results_sheet(report: Report) -> Sheet:
    """The results of the checks, one row each (json: the same records as before, keys sorted)."""
    keys = ["severity", "rule", "rule_label", "focus", "value", "path", "message", "quote"]
    keys += ["message_zh", "rule_label_zh"]  # the shapes' @zh literals, where they have them
    headers = ["severity", "rule", "rule", "focus", "value", "path", "message", "quote"]
    headers += ["message (zh)", "rule (zh)"]
    printed = {"severity", "rule_label", "focus", "message"}
    return Sheet(
        _("Consistency checks"),
        [
            Column(k, _(h), printed=k in printed, wide=k in ("message", "focus"))
            for k, h in zip(keys, headers, strict=True)
        ],
        [[_result_cell(r, k) for k in keys] for r in report.results],
        footer=summary_line(report),
    )


def _result_cell(r: Result, key: str) -> str:
    """A result's field: the severity, the rule and the message said in the language spoken in
    the tables people read (machine formats: the same English values in every language)."""
    value: str = getattr(r, key)
    if key == "severity":
        return Label(value, zh=in_language(SEVERITY_WORDS.get(value, value), "zh"))
    if key == "rule_label":
        return Label(value, zh=r.rule_label_zh)
    if key == "message":
        return Label(value, zh=r.message_zh)
    return value


def queries_sheet(queries: Sequence[NamedQuery]) -> Sheet:
    """The query catalogue: name, title, description, parameters, an example."""
    return Sheet(
        _("Queries"),
        [
            Column("name", _("name")),
            Column("title", _("title"), wide=True),
            Column("description", _("description"), wide=True),
            Column("params", _("parameters"), wide=True),
            Column("example", _("example"), wide=True),
        ],
        [
            [
                q.name,
                q.title,
                q.description,
                [f"--param {p.name}=… ({p.kind}) {p.description}".strip() for p in q.params],
                q.examples[0] if q.examples else "",
            ]
            for q in queries
        ],
    )


def progress_sheet(document: Document, rows: list[StatusRow], as_of: str) -> Sheet:
    """Per task and department, the latest status as of a day, what the department wrote
    (进展情况) and whether it is late."""
    columns = [
        Column("document", "文件", printed=False),
        Column("seq", "序号"),
        Column("label", "条目"),
        Column("task", "任务", wide=True),
        Column("department", "单位"),
        Column("role", "职责"),
        Column("deadline", "完成时限"),
        Column("status", "完成状态"),
        Column("progress", "进展情况", wide=True),
        Column("received", "报送日期"),
        Column("completed", "完成日期"),
        Column("overdue", "逾期"),
        Column("notes", "说明", wide=True),
        NUMBER,
        Column("responsibility", "标识", printed=False),
    ]
    out: list[list[Cell]] = []
    for r in rows:
        latest = r.latest
        out.append(
            [
                document.label,
                r.form.seq,
                r.form.label,
                r.form.task,
                r.name,
                r.form.role,
                r.form.deadline,
                r.status,
                latest.progress if latest else "",
                latest.received.isoformat() if latest else "",
                latest.completed.isoformat() if latest and latest.completed else "",
                "是" if r.overdue else "否",
                list[str](r.notes),  # each a Note, said by the renderer
                r.form.number,
                str(r.form.responsibility),
            ]
        )
    late = sum(1 for r in rows if r.overdue)
    silent = sum(1 for r in rows if r.latest is None)
    return Sheet(
        f"{document.label}《{document.title}》落实情况（截至 {as_of}）",
        columns,
        out,
        footer=_("{tasks} tasks: {late} overdue, {silent} not reported").format(
            tasks=len(rows), late=late, silent=silent
        ),
        staff=True,
    )


def progress_department_sheet(
    document: Document, found: list[DepartmentProgress], as_of: str
) -> Sheet:
    """Per department: tasks, how many reported, in which state, how many late."""
    statuses = [*STATUSES, NOT_REPORTED]
    columns = [
        Column("document", "文件", printed=False),
        Column("department", "单位"),
        Column("tasks", "任务数", numeric=True),
        Column("reported", "已报送", numeric=True),
        *(Column(STATUSES.get(s, "not-reported"), s, numeric=True) for s in statuses),
        Column("overdue", "逾期", numeric=True),
        Column("answered", "是否反馈"),
    ]
    rows: list[list[Cell]] = [
        [
            document.label,
            d.name,
            d.tasks,
            d.reported,
            *(d.counts[s] for s in statuses),
            d.overdue,
            "是" if d.reported else "否（未反馈）",
        ]
        for d in sorted(found, key=lambda d: (d.reported > 0, -d.overdue, d.name))
    ]
    silent = [d.name for d in found if not d.reported]
    return Sheet(
        f"{document.label}《{document.title}》各单位反馈情况（截至 {as_of}）",
        columns,
        rows,
        footer=_("not answered: {departments}").format(departments="、".join(silent))
        if silent
        else _("every department answered"),
        staff=True,
    )
