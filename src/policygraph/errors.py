"""The error hierarchy. The library raises these and never exits; the CLI maps them to exit codes.

Exit codes: 0 ok · 1 checks failed · 2 usage or input error.
"""

from __future__ import annotations


class PolicyGraphError(Exception):
    """Base of every error policygraph raises on purpose. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class InputError(PolicyGraphError):
    """Something given to policygraph (a file, a name, an option) cannot be used."""


class SourceError(InputError):
    """A source text is missing, unreadable, or not the file its metadata describes."""


class ExtractionError(InputError):
    """A source text does not follow the conventions the extractor reads (e.g. an unclosed annotation)."""


class UnknownDepartmentError(InputError):
    """A department name resolves to no known department (or to several)."""

    def __init__(self, message: str, name: str, suggestions: list[str]) -> None:
        super().__init__(message)
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
