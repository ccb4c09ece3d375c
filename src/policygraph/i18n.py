"""The language policygraph speaks to people: Chinese or English, from one gettext catalogue.

The language is ``--lang zh|en``, else ``POLICYGRAPH_LANG``, else the locale (``LC_ALL``, then
``LC_MESSAGES``, then ``LANG``, as POSIX reads them: one starting with ``zh`` is Chinese); an
unset or C locale is English. A value that names neither language is an error, never a guess.

Messages are English in the code (the msgids) and Chinese in
``locale/zh_CN/LC_MESSAGES/policygraph.po`` (compiled to ``.mo`` beside it; ``tools/messages.py``
extracts, merges, compiles and checks). :func:`use` makes the language current for this process:
:func:`_` then translates, and so does click's own text (typer's "Usage:", "No such option"),
which click looks up through the standard :mod:`gettext` functions in our domain. Machine output
(JSON keys, CSV headers of ``-f json``/``sparql-*``, exit codes) never goes through here.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

from policygraph.errors import InputError

DOMAIN = "policygraph"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGS = ("zh", "en")
ENV_LANG = "POLICYGRAPH_LANG"
CATALOGUES = {"zh": "zh_CN"}  # a language and the catalogue it reads (English: the msgids)

_current: gettext.NullTranslations = gettext.NullTranslations()
_lang = "en"


def resolve(
    given: str | None = None, given_as: str = "", environ: dict[str, str] | None = None
) -> str:
    """The language to speak: ``given`` (by the user as ``given_as``), else
    ``POLICYGRAPH_LANG``, else the locale; "en" where none says."""
    env = os.environ if environ is None else environ
    for value, where in ((given, given_as), (env.get(ENV_LANG), ENV_LANG)):
        if value:
            lang = value.strip().lower().replace("-", "_")
            short = lang.split("_")[0]
            if short not in LANGS:
                raise InputError(
                    N_("{where}={value}: not a language policygraph speaks ({langs})"),
                    where=where,
                    value=value,
                    langs=", ".join(LANGS),
                )
            return short
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:  # the first one set decides, as POSIX says
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def use(lang: str) -> None:
    """Speak ``lang`` from now on in this process: our messages and click's."""
    global _current, _lang
    if lang not in LANGS:
        raise InputError(
            N_("{value}: not a language policygraph speaks ({langs})"),
            value=lang,
            langs=", ".join(LANGS),
        )
    _lang = lang
    catalogue = CATALOGUES.get(lang)
    _current = (
        gettext.translation(DOMAIN, LOCALE_DIR, languages=[catalogue], fallback=True)
        if catalogue
        else gettext.NullTranslations()
    )
    # click marks its text with gettext.gettext: the global domain, and the languages of the
    # environment's LANGUAGE first. Point both at ours, so that its text speaks the same language.
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = catalogue or "en"


def current() -> str:
    """The language being spoken ("zh" or "en")."""
    return _lang


def _(message: str) -> str:
    """``message`` (an English msgid) in the current language."""
    return _current.gettext(message) if message else message


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue where it is defined; translated where it is shown."""
    return message


# The operating system's reasons (``OSError.strerror``, as glibc words them) that errors carry
# as their ``reason``: in the catalogue, so that a Chinese error does not end in English. A
# reason not listed here is shown as the system gave it.
OS_REASONS = (
    N_("No such file or directory"),
    N_("Permission denied"),
    N_("Operation not permitted"),
    N_("Is a directory"),
    N_("Not a directory"),
    N_("No space left on device"),
    N_("Read-only file system"),
    N_("File exists"),
    N_("File name too long"),
    N_("Too many levels of symbolic links"),
    N_("Invalid cross-device link"),
    N_("Device or resource busy"),
    N_("Directory not empty"),
    N_("Too many open files"),
    N_("Input/output error"),
    N_("File too large"),
    N_("Disk quota exceeded"),
    N_("Text file busy"),
    N_("No such device or address"),
    N_("Connection refused"),
    N_("Connection reset by peer"),
    N_("Connection timed out"),
    N_("No route to host"),
    N_("Network is unreachable"),
    N_("Invalid argument"),
    N_("Name or service not known"),
    N_("Temporary failure in name resolution"),
    N_("Address already in use"),
    N_("Cannot assign requested address"),
    N_("Broken pipe"),
    N_("Resource temporarily unavailable"),
    N_("Cannot allocate memory"),
    N_("No such device"),
)


def in_language(message: str, lang: str) -> str:
    """``message`` (an English msgid) in ``lang``, whatever language is being spoken: for what
    is kept in both languages at once (a literal @en and @zh of the graph, a report's Chinese
    message beside its English one)."""
    catalogue = CATALOGUES.get(lang)
    if not message or catalogue is None:
        return message
    return _catalogue(catalogue).gettext(message)


def _catalogue(name: str) -> gettext.NullTranslations:
    found = _catalogues.get(name)
    if found is None:
        found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[name], fallback=True)
        _catalogues[name] = found
    return found


_catalogues: dict[str, gettext.NullTranslations] = {}
