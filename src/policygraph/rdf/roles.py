"""The roles a department holds in a measure: the keys the extractor reads, and their Chinese
labels as staff write them (the ontology's ``pg:Lead``, ``pg:CoLead``, ``pg:Responsible``)."""

from __future__ import annotations

# Each role's key and its label in 公文 (one map: the build, the views, the sheets and the site
# all say a role with these words).
ROLE_ZH: dict[str, str] = {"lead": "牵头", "co-lead": "配合", "responsible": "负责"}
ROLES: tuple[str, ...] = tuple(ROLE_ZH)

__all__ = ["ROLES", "ROLE_ZH"]
