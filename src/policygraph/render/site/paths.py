"""Page paths that mirror the graph's IRIs: ``https://w3id.org/policygraph/eli/…/81`` is
``eli/…/81/index.html`` under the site's root, so that the site published at the IRI base makes
the IRIs dereferenceable; links between pages are relative, so the site works from disk."""

from __future__ import annotations

import posixpath
import re

BASE = "https://w3id.org/policygraph/"
_UNSAFE = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def page_of(iri: str) -> str:
    """The page of an IRI, relative to the site's root (``eli/cn-gx/…/index.html``)."""
    local = iri.removeprefix(BASE) if iri.startswith(BASE) else "external/" + _UNSAFE.sub("-", iri)
    local = _UNSAFE.sub("-", local).strip("/")
    return f"{local}/index.html" if local else "index.html"


def link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative link from one page to another (and an anchor in it)."""
    here = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_page, here) + (f"#{anchor}" if anchor else "")
