"""`policygraph site`: a static site of the graph that works opened from disk.

Pages mirror the graph's IRIs (:mod:`.paths`); each links its Turtle and embeds its metadata as
JSON-LD; every script and style is in the site (no network, no server); Jinja2 templates in
``templates/``, SVG drawn in Python (:mod:`.svg`). What it shows comes from the views
(``views.site_data``), given by the caller: the site imports neither the store nor the checks.
:mod:`.folder` writes it (in place over the last site it made, else whole; only where it
may), :mod:`.pages` makes its pages, one module per kind of page.
"""

from __future__ import annotations

from policygraph.render.site.folder import build_site
from policygraph.render.site.html import SiteResult, json_ld, script_json

__all__ = ["SiteResult", "build_site", "json_ld", "script_json"]
