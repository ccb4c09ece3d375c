"""The CLI reference, docs/cli.md, generated from the commands' own help (issue 28): every
command and subcommand, its ``--help`` as the tool prints it in English at 100 columns. The docs
cannot drift from ``--help``: ``tests/test_cli_reference.py`` fails while the file is not what
this writes.

    python tools/cli_reference.py          # write docs/cli.md
    python tools/cli_reference.py --check  # exit 1 when docs/cli.md is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "cli.md"
WIDTH = 100
ENGLISH = {"LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "POLICYGRAPH_LANG": "en"}


def commands() -> list[list[str]]:
    """Every command path of the tree, the root first, each group before its subcommands."""
    import typer.main

    from policygraph.cli.app import app

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def reference() -> str:
    from typer.testing import CliRunner

    from policygraph.cli.app import app

    runner = CliRunner()
    parts = [
        "# Command-line reference\n",
        "Generated from each command's `--help` by `python tools/cli_reference.py`; CI fails while",
        "this file differs from what the commands say (`tests/test_cli_reference.py`). Under a",
        "Chinese locale the same help is printed in Chinese (see the README).\n",
    ]
    for path in commands():
        result = runner.invoke(app, [*path, "--help"], env=ENGLISH, terminal_width=WIDTH)
        if result.exit_code != 0:
            raise SystemExit(f"policygraph {' '.join(path)} --help failed: {result.output}")
        title = " ".join(["policygraph", *path])
        parts += [f"## `{title}`\n", "```text", result.stdout.rstrip(), "```\n"]
    return "\n".join(parts)


def main() -> None:
    text = reference()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is not current: run python tools/cli_reference.py")
            raise SystemExit(1)
        return
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({len(commands())} commands)")


if __name__ == "__main__":
    main()
