"""Adding documents: `ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from policygraph.cli import HomeOption, app, console, guarded


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="A UTF-8 text of a policy document of the genre.")],
    jurisdiction: Annotated[
        str | None, typer.Option("--jurisdiction", help="Area code: cn-yn, cn-yn-kunming, …")
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="national, region, city or county.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="opinions, measures, plan, notice or regulation.")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Override the title read from the text.")
    ] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="Override the 文号 read from the text.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Override the date of the signature.")
    ] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="Override the issuing body.")
    ] = None,
    short: Annotated[
        str | None, typer.Option("--short", help="Short name for DOC:NUMBER (e.g. yn).")
    ] = None,
    accept_links: Annotated[
        float | None,
        typer.Option(
            "--accept-links",
            help="Record top-1 suggest-links proposals scoring at least this as judgements.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be added; write nothing.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Add a policy document to the corpus: copy, extract, link, rebuild and validate.

    Reads the 文号 and title from the first lines and the issuer and date from the closing
    signature (options override them); extracts parts, items, responsibilities and amounts;
    links known departments and adds new ones; links the document to those it says it
    implements. Ingesting the same file twice changes nothing.

    Example:
        policygraph ingest 云南措施.txt --jurisdiction cn-yn --dry-run
        policygraph ingest 昆明措施.txt --jurisdiction cn-yn-kunming --level city --accept-links 0.3
    """
    from policygraph import ingest as lib
    from policygraph.paths import resolve_home
    from policygraph.validate import validate as run_checks

    h = guarded(lambda: resolve_home(home))
    options = lib.Options(
        level, jurisdiction, kind, title, number, date, issuer, short, accept_links
    )
    plan = guarded(lambda: lib.plan(h, file, options))
    out = console()
    s = plan.structure
    out.print(f"{plan.number or '(no 文号)'}  {plan.title}")
    out.print(
        f"  issuer: {plan.issuer or '?'} · date: {plan.date or '?'} · level: {plan.level} · kind: {plan.kind} · jurisdiction: {plan.jurisdiction} · short name: {plan.short}"
    )
    general = sum(1 for pv in s.provisions if pv.general)
    annotated = sum(1 for pv in s.provisions if pv.annotation)
    out.print(
        f"  {len(s.parts)} parts, {len(s.provisions)} items ({general} general, {annotated} with departments; numbering: {s.style}{', restarting in each part' if s.restarts_per_part else ''}), {plan.amounts} amounts"
    )
    out.print(
        f"  departments known: {len(set(plan.known.values()))}"
        + (f" ({'、'.join(sorted(set(plan.known)))})" if plan.known else "")
    )
    for n in plan.new:
        near = f"; close to known {'、'.join(n.suggestions)}" if n.suggestions else ""
        written = f" (written {'、'.join(n.written)})" if n.written else ""
        out.print(f"  new department: {n.label}{written}{near}")
    for cited, target in plan.citations:
        out.print(f"  cites {cited} → {target}")
    for _, label, quote in plan.implements:
        out.print(f"  implements {label}: “{quote}”")
    for lower, higher, score in plan.accepted:
        out.print(
            f"  accepted link …{lower.removeprefix(str(plan.doc))} → {higher} (score {score:.3f})"
        )
    for what in plan.unread:
        out.print(f"  [yellow]could not read: {what}[/yellow]")
    if plan.unchanged:
        out.print("Already in the corpus, unchanged: nothing to do.")
        return
    if dry_run:
        out.print(
            f"Dry run: would write {plan.source_name} and {', '.join(plan.files)}; nothing written."
        )
        return
    guarded(lambda: lib.apply(h, plan))
    report = guarded(lambda: run_checks(h))
    mine = [r for r in report.results if str(plan.doc) in r.focus or str(plan.doc) in r.message]
    out.print(
        f"Added {plan.source_name}; graph rebuilt. Validation: {len(report.of('Violation'))} violation(s), {len(report.of('Warning'))} warning(s) in the corpus; for this document:"
    )
    for r in mine:
        out.print(f"  {r.severity}: {r.message}")
    if report.failed():
        raise typer.Exit(1)
