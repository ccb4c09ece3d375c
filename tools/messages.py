"""The message catalogue (issue 25): collect every message policygraph shows people, merge them
into the Chinese catalogue, compile it, check it. Babel's own functions do the work.

    python tools/messages.py update    # collect the msgids, merge them into zh_CN.po
    python tools/messages.py compile   # zh_CN.po -> zh_CN .mo (the file the tool reads)
    python tools/messages.py check     # every msgid translated, fields kept, .mo up to date

The msgids are the English texts: strings marked ``_()``/``N_()`` in ``src/policygraph``, the
help of every command and option (read from the command tree, as ``--help`` shows it), and
click's and typer's own text that ``--help`` and usage errors show.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "policygraph"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "policygraph.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
# click's and typer's modules whose text --help and usage errors show
CLICK_MODULES = ("core.py", "exceptions.py", "formatting.py", "parser.py", "decorators.py")


def collect() -> Catalog:
    """Every msgid, with where it comes from."""
    catalog = Catalog(project="policygraph", domain="policygraph")
    for path, line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), [("**.py", "python")], keywords=KEYWORDS
    ):
        if "locale" not in path:
            catalog.add(message, locations=[(f"src/policygraph/{path}", line)])
    for where, text in help_texts():
        catalog.add(text, locations=[(where, 0)])
    for path in library_files():
        with path.open("rb") as f:
            for line, message, _c, _ctx in extract_from_file(
                "python", str(path), keywords=KEYWORDS
            ):
                catalog.add(message, locations=[(f"{path.parent.name}/{path.name}", line)])
    del f
    return catalog


def library_files() -> list[Path]:
    import typer

    typer_dir = Path(typer.__file__).parent
    click_dir = typer_dir / "_click"
    if not click_dir.is_dir():  # typer before 0.29 depends on click itself
        import click

        click_dir = Path(click.__file__).parent
    return [typer_dir / "core.py", *(click_dir / name for name in CLICK_MODULES)]


def help_texts() -> list[tuple[str, str]]:
    """The help of every command and option, untranslated, with the command it belongs to."""
    import typer.main

    from policygraph.cli.app import app

    out: list[tuple[str, str]] = []

    def walk(command: object, name: str) -> None:
        for item in (command, *getattr(command, "params", [])):
            for attribute in ("help", "short_help"):
                text = getattr(item, attribute, None)
                if isinstance(text, str) and text:
                    out.append((f"command:{name.strip().replace(' ', '/') or 'policygraph'}", text))
        for sub_name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{name} {sub_name}")

    walk(typer.main.get_command(app), "")
    return out


def update() -> None:
    template = collect()
    if PO.is_file():
        with PO.open("rb") as f:
            catalog = read_po(f, locale="zh_CN", domain="policygraph")
    else:
        catalog = Catalog(locale="zh_CN", project="policygraph", domain="policygraph")
    catalog.update(template, no_fuzzy_matching=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, width=100, sort_output=True, ignore_obsolete=True)
    missing = untranslated(catalog)
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")


def untranslated(catalog: Catalog) -> list[str]:
    return [
        str(m.id)
        for m in catalog
        if m.id and (not m.string or m.fuzzy or (isinstance(m.string, tuple) and not all(m.string)))
    ]


FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}")


def problems(catalog: Catalog) -> list[str]:
    """What is wrong with the catalogue: untranslated messages, translations that lost or added
    a ``{field}``."""
    found = [f"untranslated: {m!r}" for m in untranslated(catalog)]
    for m in catalog:
        fields = FIELD.findall(str(m.id)), FIELD.findall(str(m.string))
        if m.id and m.string and not isinstance(m.id, tuple) and set(fields[0]) != set(fields[1]):
            found.append(f"fields differ: {m.id!r} -> {m.string!r}")
    return found


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def main() -> None:
    what = sys.argv[1] if len(sys.argv) > 1 else "check"
    if what == "update":
        update()
        return
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh_CN", domain="policygraph")
    if what == "compile":
        MO.write_bytes(compiled(catalog))
        print(f"wrote {MO.relative_to(ROOT)}")
        return
    wrong = problems(catalog)
    template = collect()
    wrong += [f"not in the catalogue: {m.id!r}" for m in template if m.id and m.id not in catalog]
    if not MO.is_file() or MO.read_bytes() != compiled(catalog):
        wrong.append(f"{MO.relative_to(ROOT)} is not the compiled {PO.name} (run compile)")
    for line in wrong:
        print(line)
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main()
