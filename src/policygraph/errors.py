"""The error hierarchy. The library raises these and never exits; the CLI maps them to exit codes.

Exit codes: 0 ok · 1 checks failed · 2 usage or input error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TRANSLATED = ("reason", "what")  # parameters that are themselves messages of the catalogue


class PolicyGraphError(Exception):
    """Base of every error policygraph raises on purpose. ``exit_code`` is what the CLI returns.

    An error is data: ``template``, an English sentence with ``{name}`` fields (the msgid the
    Chinese catalogue translates), its ``params`` (the file, the cell, the value, the
    candidates) and a stable ``code`` (given, or the template itself); a ``reason`` parameter
    (the operating system's, e.g. "Permission denied") and a ``what`` are translated too where
    the catalogue has them, and an error given as a parameter speaks the same language. The CLI
    boundary renders it in the user's language and adds what to type (a flag's name: the
    library never names one). ``str()`` is the English text, for logs and for code that reads
    it."""

    exit_code = 2

    def __init__(self, message: str = "", /, *, code: str = "", **params: Any) -> None:
        self.template = message
        self.params = params
        self.code = code or message
        super().__init__(self.text())

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The message, its template translated by ``translate`` (English without one)."""
        template = translate(self.template) if translate else self.template
        if not self.params:
            return template
        params = self.params
        if translate:  # the system's reason, if listed; what a limit counts; an inner error
            params = {k: _translated(k, v, translate) for k, v in params.items()}
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):  # a translation that lost a field: English
            return self.template.format(**self.params)


class InputError(PolicyGraphError):
    """Something given to policygraph (a file, a name, an option) cannot be used."""


class SourceError(InputError):
    """A source text is missing, unreadable, or not the file its metadata describes."""


class ExtractionError(InputError):
    """A source text does not follow the conventions the extractor reads (e.g. an unclosed annotation)."""


class UnknownDepartmentError(InputError):
    """A department name resolves to no known department (or to several)."""

    def __init__(self, message: str, name: str, suggestions: list[str], **params: Any) -> None:
        super().__init__(message, **params)
        self.name = name
        self.suggestions = suggestions


class GraphSyntaxError(InputError):
    """An RDF file of the corpus cannot be parsed."""


class ShapesError(InputError):
    """The shapes are not SHACL any engine may run (a SHACL-SPARQL query the spec forbids)."""


class QueryError(InputError):
    """A query cannot be found, parsed, bound or run."""


class EndpointError(InputError):
    """A SPARQL endpoint is unreachable, refuses the request, or answers with an error."""


def _translated(name: str, value: Any, translate: Callable[[str], str]) -> Any:
    if isinstance(value, PolicyGraphError):  # an error inside another: in the same language
        return value.text(translate)
    if name in TRANSLATED and isinstance(value, str):
        return translate(value)
    return value
