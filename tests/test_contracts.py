"""The map cannot drift: every "never" of docs/architecture.md names the import-linter contract or
the test that holds it, and the tests that hold the claims no import contract can."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src" / "policygraph"
PAGE = REPO / "docs" / "architecture.md"


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row; a ``|`` inside backticks is text, not a border."""
    out, cell, code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            out.append(cell.strip())
            cell = ""
        else:
            cell += ch
    return [*out, cell.strip()]


def table(section: str) -> list[list[str]]:
    """The rows of the first table under the heading ``section``."""
    text = PAGE.read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [cells(line) for line in body.splitlines() if line.startswith("|")]
    return rows[2:]  # the header and its rule


def contract_names() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_every_never_is_held_by_a_contract_or_a_test() -> None:
    nevers = {row[0]: row[2] for row in table("What each room owns") if row[2]}
    held = {row[0]: (row[1], row[2]) for row in table('What holds each "never"')}
    assert len(nevers) >= 10
    assert {room: said for room, (said, _) in held.items()} == nevers
    contracts, wrong = contract_names(), []
    for room, (_, by) in held.items():
        named = re.findall(r'contract "([^"]+)"', by)
        tests = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", by)
        if not named and not tests:
            wrong.append(f"{room}: names no contract or test")
        wrong += [f"{room}: no contract {n!r}" for n in named if n not in contracts]
        for file, name in tests:
            path = REPO / file
            if not path.is_file() or f"def {name}(" not in path.read_text(encoding="utf-8"):
                wrong.append(f"{room}: no test {file}::{name}")
    assert wrong == []


def test_the_page_names_every_contract() -> None:
    page = PAGE.read_text(encoding="utf-8")
    forbidden = [n for n in contract_names() if n.startswith(("Render", "Views", "The library"))]
    assert len(forbidden) == 3
    assert [n for n in forbidden if f'"{n}"' not in page] == []


# --- the claims no import contract can hold ------------------------------------------------------


def modules(*rooms: str) -> list[Path]:
    out: list[Path] = []
    for room in rooms:
        where = SRC / room
        out += sorted(where.rglob("*.py")) if where.is_dir() else [where]
    return out


def calls(path: Path) -> list[tuple[str, str, ast.Call]]:
    """Each call in ``path``: what it calls on (its receiver as written, "" for a plain name),
    the name called, the call."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                out.append(("", node.func.id, node))
            elif isinstance(node.func, ast.Attribute):
                out.append((ast.unparse(node.func.value), node.func.attr, node))
    return out


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, and every ``module.name`` it imports from one."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def test_options_leave_every_format_to_render() -> None:
    found = imported(SRC / "cli" / "options.py")
    writers = {"json", "csv", "openpyxl", "docx", "rdflib", "jinja2"}
    assert {m for m in found if m.split(".")[0] in writers} == set()
    from_render = {m for m in found if m.startswith("policygraph.render")}
    assert from_render <= {
        "policygraph.render",
        "policygraph.render.render_sheet",
        "policygraph.render.formats",
        "policygraph.render.formats.BINARY",
        "policygraph.render.formats.Format",
        "policygraph.render.output",
        "policygraph.render.output.write_output",
        "policygraph.render.table",
        "policygraph.render.table.Sheet",
        "policygraph.render.table.rich_text",
    }, from_render


COMMAND_MODULES = ["build", "chains", "checks", "ingest", "options", "progress", "sparql", "tables"]


def test_command_modules_neither_catch_errors_nor_print() -> None:
    """Only ``cli/app.py`` catches the library's errors (its one boundary); no command prints."""
    wrong = []
    for name in COMMAND_MODULES:
        path = SRC / "cli" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler):
                caught = ast.unparse(node.type) if node.type else "everything"
                if re.search(r"\b(PolicyGraphError|Exception|BaseException|everything)\b", caught):
                    wrong.append(f"{name}.py:{node.lineno} catches {caught}")
        wrong += [
            f"{name}.py:{c.lineno} prints" for on, f, c in calls(path) if (on, f) == ("", "print")
        ]
    assert wrong == []


def test_build_reads_sources_only_through_the_corpus() -> None:
    """build/ reads a file only as ``corpus.read_text`` (a source, its SHA-256 checked) or its own
    output (a built Turtle file, to leave one unchanged as it is)."""
    own = {"corpus.ttl / name", "target"}
    wrong = []
    for path in modules("build"):
        for on, name, call in calls(path):
            reads = name in ("read_text", "read_bytes", "open") or (on, name) == ("", "open")
            if reads and on not in ("corpus", "self.corpus") and on not in own:
                wrong.append(f"{path.name}:{call.lineno} {on}.{name}")
        assert not {m for m in imported(path) if m.startswith("policygraph.text.readers")}
    assert wrong == []


def test_checks_never_open_or_update_a_store() -> None:
    """The checks load what they check into a private store of their own: they never open the
    graph's store (``open_store``), nor update one."""
    wrong = []
    for path in modules("checks"):
        wrong += [f"{path.name}: imports open_store" for m in imported(path) if "open_store" in m]
        wrong += [
            f"{path.name}:{c.lineno} {on}.{name}"
            for on, name, c in calls(path)
            if name == "update" and "store" in on.lower()
        ]
    assert wrong == []


def test_views_say_nothing_and_read_no_user_query() -> None:
    """Views return data: no words translated or formatted (errors and notes are templates,
    ``N_``, said at the edge), and the queries they run are their own (``views/queries/``),
    never the user's catalogue (``Corpus.queries``)."""
    wrong = []
    for path in modules("views"):
        said = {"policygraph.i18n._", "policygraph.i18n.in_language", "policygraph.store.sparql"}
        wrong += [f"{path.name}: imports {m}" for m in imported(path) if m in said]
        for on, name, c in calls(path):
            if name == "format" or (on, name) == ("", "_"):
                wrong.append(f"{path.name}:{c.lineno} formats text")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wrong += [
            f"{path.name}:{n.lineno} reads .queries"
            for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr == "queries"
        ]
    assert wrong == []


def test_store_names_no_folder_of_a_corpus() -> None:
    """Where a corpus keeps its files is the corpus's (``Corpus.ontology``, ``Corpus.ttl``, …):
    the store names none of its folders."""
    folders = re.compile(r"^(data|ontology|queries)/")
    wrong = []
    for path in modules("store"):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and folders.match(n.value):
                wrong.append(f"{path.name}:{n.lineno} {n.value!r}")
    assert wrong == []


def test_text_opens_no_file() -> None:
    """text/ reads bytes it is given; the exceptions are ``limits.read_bounded``, which reads
    a file no further than its limit for the callers that have a path, and ``places._dictionary``,
    which reads pypinyin's own packaged dictionaries (no input of the user's) without importing
    pypinyin."""
    wrong = []
    for path in modules("text"):
        if path.name == "limits.py":
            continue
        for on, name, c in calls(path):
            if path.name == "places.py" and "submodule_search_locations" in on:
                continue
            in_memory = bool(c.args) and "BytesIO" in ast.unparse(c.args[0])
            if (on, name) == ("", "open") or name in ("read_text", "read_bytes"):
                if not (name == "read_text" and on == ""):  # plain.read_text: of bytes given
                    wrong.append(f"{path.name}:{c.lineno} {on}.{name}")
            elif name == "open" and not in_memory and "zip" not in on.lower():
                wrong.append(f"{path.name}:{c.lineno} {on}.{name}")
    assert wrong == []


def test_i18n_formats_no_message() -> None:
    path = SRC / "i18n.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    formats = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)]
    formats += [c.lineno for _, name, c in calls(path) if name == "format"]
    assert formats == []
