"""The site's own words in both its languages. A page is Chinese, with the English beside each
word in ``data-en`` (the 中 / EN switch of ``static/site.js`` swaps it in), whatever language the
command that built it speaks: so the Chinese comes from the catalogue's Chinese, not from the
language of the moment. Controlled words (levels, kinds, statuses, comparisons) are the
ontology's labels (:func:`policygraph.views.site.vocabulary`); the rest is the catalogue's."""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
from collections.abc import Sequence

from policygraph import i18n
from policygraph.i18n import N_
from policygraph.text.notes import Note
from policygraph.views.site import Target, Words

NONE = N_("none")
CONFIDENCE = N_("{kind} · confidence {confidence} · {basis}")
TARGET = N_("{indicator} {comparison} {value}{unit} ({year})")
TARGET_MET = N_("{target}: {source} reports {figure}{unit} for {figure_year}; already met")
TARGET_NOT_MET = N_("{target}: {source} reports {figure}{unit} for {figure_year}; not yet met")
OVERDUE = N_("overdue")
NOT_REPORTED = N_("not reported")
# The kinds of what the search finds (the keys are the index's; static/site.js shows the words)
SEARCH_KINDS = {
    "department": N_("department"),
    "document": N_("document"),
    "cited": N_("cited document"),
    "measure": N_("measure"),
    "provision": N_("provision"),
    "part": N_("part"),
    "source": N_("source text"),
}
# The headings of the ontology's page, by the kind of its terms (``views.site.TERM_KINDS``; an
# ontology's own IRI is none of its terms)
TERM_KINDS = {
    "class": N_("Classes"),
    "property": N_("Properties"),
    "scheme": N_("Concept schemes"),
    "concept": N_("Concepts"),
}


@functools.cache
def _chinese() -> gettext.NullTranslations:
    return gettext.translation(
        i18n.DOMAIN, i18n.LOCALE_DIR, languages=[i18n.CATALOGUES["zh"]], fallback=True
    )


def both(message: str, **fields: str | Words) -> Words:
    """A message of the catalogue (its English msgid) in Chinese and in English, each with its
    fields filled: a field given as :class:`Words` in the language of the message."""
    zh = {k: v.zh if isinstance(v, Words) else v for k, v in fields.items()}
    en = {k: v.en if isinstance(v, Words) else v for k, v in fields.items()}
    return Words(_chinese().gettext(message).format(**zh), message.format(**en))


def search_kinds() -> dict[str, Words]:
    return {key: both(word) for key, word in SEARCH_KINDS.items()}


def term_kinds() -> dict[str, Words]:
    return {key: both(word) for key, word in TERM_KINDS.items()}


def notes(found: Sequence[str]) -> Words | None:
    """The notes of a row (the library's :class:`~policygraph.text.notes.Note`s), in Chinese
    and in English; None where there are none."""
    if not found:
        return None
    zh = [n.in_language("zh") if isinstance(n, Note) else str(n) for n in found]
    return Words("；".join(zh), "; ".join(str(n) for n in found))


def joined(*words: Words, sep: str = " · ") -> Words:
    return Words(sep.join(w.zh for w in words), sep.join(w.en for w in words))


def label(vocabulary: dict[str, Words], scheme: str, key: str) -> Words:
    """The ontology's label of ``key`` (a notation or an English label) in ``scheme``; the key
    itself in both languages where the ontology has no such word."""
    return vocabulary.get(f"{scheme}:{key}") or Words(key, key)


_ISO = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def date(value: str | dt.date | None) -> Words | None:
    """A date as Chinese writes it (2021年8月4日; 2021年8月; 2021年) and as ISO 8601 writes it;
    text that is not an ISO date is shown as it is written, in both."""
    if value is None or value == "":
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    m = _ISO.fullmatch(text)
    if m is None:
        return Words(text, text)
    year, month, day = m.groups()
    zh = f"{int(year)}年" + (f"{int(month)}月" if month else "") + (f"{int(day)}日" if day else "")
    return Words(zh, text)


def target(vocabulary: dict[str, Words], t: Target) -> Words:
    """A target, and the latest figure reported for it, in words."""
    said = both(
        TARGET,
        indicator=t.indicator,
        comparison=label(vocabulary, "Comparisons", t.comparison),
        value=t.value,
        unit=t.unit,
        year=t.year,
    )
    if t.figure is None:
        return said
    return both(
        TARGET_MET if t.met else TARGET_NOT_MET,
        target=said,
        source=t.source,
        figure=t.figure,
        unit=t.unit,
        figure_year=t.figure_year,
    )
