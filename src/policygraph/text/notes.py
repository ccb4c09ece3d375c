"""What the library says that is not an error, as data: a date's problem, a note of the checks or
of the progress table.

A :class:`Note` is what an error is (``errors.PolicyGraphError``): a stable ``code``, an English
``template`` with ``{name}`` fields (the catalogue's msgid, marked ``N_`` where it is written)
and its ``params``. It is also a ``str``, its English text, so that logs, machine formats (JSON,
CSV) and code that reads it see the same words in every language. The words people read are made
at the edge, in the language spoken: :meth:`Note.said`, or a note put into a sentence
(``"{note}".format(note=note)``, an error's parameter). :meth:`Note.in_language` gives it in any
language, for what is kept in both at once (a literal @en and @zh of the graph).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from policygraph import i18n


class Note(str):
    code: str
    template: str
    params: dict[str, Any]

    def __new__(cls, code: str, template: str, params: Mapping[str, Any] | None = None) -> Note:
        words = dict(params or {})
        note = super().__new__(cls, _fill(template, words, None))
        note.code, note.template, note.params = code, template, words
        return note

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        """The note, its template translated by ``translate`` (English without one)."""
        return _fill(self.template, self.params, translate)

    def said(self) -> str:
        """The note in the language spoken."""
        return self.text(i18n._)

    def in_language(self, lang: str) -> str:
        """The note in ``lang``, whatever language is being spoken."""
        return self.text(lambda m: i18n.in_language(m, lang))

    def as_json(self) -> dict[str, Any]:
        """The note as a machine keeps it (the same in every language)."""
        return {"code": self.code, "template": self.template, "params": self.params}

    @classmethod
    def from_json(cls, data: Any) -> Note:
        return cls(str(data["code"]), str(data["template"]), dict(data["params"]))

    def __format__(self, spec: str) -> str:
        return format(self.said(), spec)

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (between processes) as what it is
        return (Note, (self.code, self.template, self.params))


class Label(str):
    """A controlled value (a level, a kind) as machines know it (its notation, the ``str``) with
    the words of each language for it (the ontology's skos:prefLabel @zh): said in the language
    spoken, the notation where a language has no label."""

    labels: dict[str, str]

    def __new__(cls, value: str, **labels: str | None) -> Label:
        label = super().__new__(cls, value)
        label.labels = {lang: words for lang, words in labels.items() if words}
        return label

    def said(self) -> str:
        return self.labels.get(i18n.current(), str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_label, (str(self), self.labels))


def _label(value: str, labels: dict[str, str]) -> Label:
    return Label(value, **labels)


def said(value: Any) -> Any:
    """``value`` in the language spoken where it is a note or a label; as it is otherwise."""
    return value.said() if isinstance(value, (Note, Label)) else value


def _fill(template: str, params: dict[str, Any], translate: Callable[[str], str] | None) -> str:
    """``template`` (translated) with ``params``; a parameter that is a note is given in the
    same language; a translation that lost a field gives the English."""
    words = {k: v.text(translate) if isinstance(v, Note) else v for k, v in params.items()}
    text = translate(template) if translate else template
    try:
        return text.format(**words)
    except (KeyError, IndexError, ValueError):
        return template.format(**words)
