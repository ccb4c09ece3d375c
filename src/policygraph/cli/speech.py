"""The language of the command line: chosen before anything is parsed, spoken by every help
text, heading and usage line, and by click's own messages.

typer 0.29 vendors click without its gettext calls: "Usage:", "Show this message and exit." and
"No such option" are plain English in it. They are translated here, where they are shown: the
help formatter translates headings, the usage prefix and each option's help; :func:`click_text`
reads click's error messages by their fixed forms and says them from the catalogue.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperGroup

from policygraph import i18n
from policygraph.errors import PolicyGraphError
from policygraph.i18n import N_, _

# click's error messages, by their fixed forms (typer/_click/exceptions.py, core.py)
CLICK_FORMS = [
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
        N_("No such option: {name} (Possible options: {options})"),
    ),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (
        r"(?P<rest>.+)\. Did you mean (?P<possibility>.+)\?",
        N_("{rest}. Did you mean {possibility}?"),
    ),
    (r"(?P<rest>.+) Did you mean (?P<possibility>.+)\?", N_("{rest} Did you mean {possibility}?")),
    (r"Missing argument (?P<name>.+)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.+)\.", N_("Missing option {name}.")),
    (r"Missing parameter: (?P<name>.+)", N_("Missing parameter: {name}")),
    (
        r"Invalid value for (?P<name>.+?): (?P<message>.+)",
        N_("Invalid value for {name}: {message}"),
    ),
    (r"Invalid value: (?P<message>.+)", N_("Invalid value: {message}")),
    (
        r"Got unexpected extra argument(?:s)? \((?P<extra>.+)\)",
        N_("Got unexpected extra argument(s) ({extra})"),
    ),
    (r"No such command (?P<name>.+)\.", N_("No such command {name}.")),
    (r"Option (?P<name>\S+) requires an argument\.", N_("Option {name} requires an argument.")),
    (
        r"(?P<value>.+) is not one of (?P<choices>.+)\.",
        N_("{value} is not one of {choices}."),
    ),
    (r"(?P<value>.+) is not a valid integer\.", N_("{value} is not a valid integer.")),
    (r"(?P<value>.+) is not a valid float\.", N_("{value} is not a valid float.")),
]
# click's words in help: headings, the usage prefix, the help option
CLICK_WORDS = [N_("Usage: "), N_("Show this message and exit."), N_("[default: {default}]")]


def click_text(message: str) -> str:
    """One of click's messages in the language spoken (as it is where its form is unknown)."""
    if i18n.current() == "en":
        return message
    for form, msgid in CLICK_FORMS:
        found = re.fullmatch(form, message.strip(), re.S)
        if found:
            fields = {k: click_text(v) if k == "rest" else v for k, v in found.groupdict().items()}
            return _(msgid).format(**fields)
    return message


# click's classes, whether typer vendors click (≥ 0.29) or depends on it
ClickContext: Any = TyperGroup.context_class


class Formatter(ClickContext.formatter_class):  # type: ignore[misc]
    """click's help formatter, speaking the language: headings, the usage prefix, the help of
    each option (the help option's own among them)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(prefix) if prefix else _("Usage: "))

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
        super().write_dl(
            [(term, _(text) if text else text) for term, text in rows], *args, **kwargs
        )


class Context(ClickContext):  # type: ignore[misc]
    formatter_class = Formatter


def speak(args: list[str]) -> list[str]:
    """Choose the language from ``--lang`` (anywhere on the line, taken out of it), else the
    environment (:func:`policygraph.i18n.resolve`), and speak it; the arguments without it."""
    given, rest = None, []
    at = iter(range(len(args)))
    for i in at:
        if args[i] == "--":
            rest += args[i:]
            break
        if args[i] == "--lang":
            if i + 1 >= len(args):
                raise PolicyGraphError(N_("--lang needs a value: zh or en"))
            given = args[i + 1]
            next(at, None)
        elif args[i].startswith("--lang="):
            given = args[i].removeprefix("--lang=")
        else:
            rest.append(args[i])
    i18n.use(i18n.resolve(given, given_as="--lang"))
    return rest


def help_fields() -> dict[str, str]:
    """What a help text's template names and only the registries know, filled in when the help
    is shown (the catalogue keeps the template): ``{row_formats}``, the renderers of rows;
    ``{document_files}``, the files a policy document is read from; ``{form_files}``, the files a
    returned form is read from."""
    from policygraph.render.formats import TABULAR_GROUP, group
    from policygraph.text import readers

    join = "、" if i18n.current() == "zh" else ", "
    return {
        "row_formats": join.join(group(TABULAR_GROUP)),
        "document_files": join.join(readers.extensions("document")),
        "form_files": join.join(readers.extensions("grids")),
    }


_FIELD = re.compile(r"\{([a-z_]+)\}")


def filled(text: str, fields: dict[str, str]) -> str:
    """``text`` with the fields of :func:`help_fields` it names filled in (braces of any other
    kind kept as written)."""
    return _FIELD.sub(lambda m: fields.get(m[1], m[0]), text)


def translate_help(command: Any, fields: dict[str, str] | None = None) -> None:
    """Every help text of the command tree in the language spoken (the English texts are the
    catalogue's msgids; ``tools/messages.py`` collects them from this same tree) with its
    :func:`help_fields` filled in, and every command's help formatted by :class:`Formatter`."""
    fields = help_fields() if fields is None else fields
    command.context_class = Context
    for item in (command, *getattr(command, "params", [])):
        for attribute in ("help", "short_help"):
            text = getattr(item, attribute, None)
            if isinstance(text, str) and text:
                setattr(item, attribute, filled(_(text), fields))
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, fields)


# What to type, by the code of an error the library raised: the library names no flag.
HINTS: dict[str, str] = {
    "accept-rule": "--accept-links",
    "answer-too-large": "--max-bytes",
    "bundled-corpus": "--home, POLICYGRAPH_HOME",
    "date": "--date",
    "empty-endpoint": "policygraph load --endpoint {endpoint}",
    "engine": "--engine",
    "engine-auto": "--engine auto",
    "format": "--format",
    "format-terminal": "--format, -o FILE",
    "jurisdiction": "--jurisdiction",
    "kind": "--kind",
    "level": "--level",
    "names": "--names",
    "number": "--number",
    "param": "--param NAME=VALUE",
    "param-name": "--param NAME=VALUE",
    "param-unknown": "--param NAME=VALUE",
    "site-directory-occupied": "-o",
    "server-location": "--location",
    "server-unknown": "--server",
    "short": "--short",
    # what ingest could not read, and the option that gives it
    "unread-title": "--title",
    "unread-number": "--number",
    "unread-issuer": "--issuer",
    "unread-date": "--date",
    "unread-kind": "--kind",
    # a returned form that is not one
    "form-identity": "policygraph tasks --return-form",
}


def with_hint(said: Any) -> str:
    """An error (or a note of ingest: a template, its parameters and a code, as an error) in the
    language spoken, with what to type where the CLI knows it."""
    message: str = said.text(_)
    found = HINTS.get(said.code)
    if not found:
        return message
    return _("{message} (use {hint})").format(message=message, hint=found.format(**said.params))
