"""Names as the genre writes them: one normalisation, one fuzzy suggestion, one level-prefix
inheritance, one table of document kinds.

* :func:`normalize` is the form every name and title is compared in: NFKC (full-width to
  half-width), whitespace and invisible characters removed, traditional characters simplified.
* :func:`suggest` proposes the closest known names (rapidfuzz), for "did you mean" messages.
* :func:`with_inherited_prefix` reads a list such as ``自治区发展改革委、工业和信息化厅``: a name
  without a level prefix inherits the prefix of an earlier name (自治区工业和信息化厅); the
  inherited form is tried first, then the name as written (``广西银保监局`` stays itself).
* :func:`kind_of` tells a document's kind from its title's last word (条例 → Regulation).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from policygraph.text.spans import Span

# Level prefixes a name can carry and pass on to the names after it in the same list.
_LEVEL_PREFIX = re.compile(r"^(自治区|省|市(?!场)|县|区(?!域))")
# A name that says its own place or level is never given an inherited prefix.
_SELF_NAMED = re.compile(
    r"省|市(?!场)|县|区(?!域)|州|国家|中国|中共|自治区"
    # bodies that are not a government's departments take no level prefix (云南电网公司)
    r"|公司|集团|银行|分行|支行|大学|学院|协会|商会|联合会|管委会"
)
# A short form given in brackets after a name: 市商务局（市口岸办）
_ALIAS = re.compile(r"[(（][^()（）]{2,12}[)）]$")

# The last word of a title, and the kind of document it makes (a class of the ontology).
# Longer words first: 办法 is not 法.
KINDS_BY_TITLE = (
    ("条例", "Regulation"),
    ("办法", "Regulation"),
    ("规定", "Regulation"),
    ("方案", "Plan"),
    ("计划", "Plan"),
    ("细则", "Regulation"),
    ("意见", "Opinions"),
    ("措施", "Measures"),
    ("通知", "Notice"),
    ("法", "Law"),
    ("提案", "ProposalKind"),
    ("建议", "SuggestionKind"),
)


# Phrases that name no department: the duty falls on whoever it concerns.
_CATCH_ALL = re.compile(
    r"^(各|全)?(有关|相关|其他|成员|责任|参与|涉及|各类)*"
    r"(单位|部门|方面|地方|企业|机构|组织|高校|医院|学校)(按职责分工)?(负责)?$"
    r"|^(市|区|县|省|州|自治区)(直|级)?(各|有关|相关|其他)+(单位|部门)"
    r"|^(市|区|县|省|州|自治区)(直|级)(单位|部门)"
    r"|^各(有关|相关|成员|其他)*(单位|部门|方面)"
    r"|^(有关|相关|其他)+(单位|部门|地方|方面)"
    r"|按职责分工"
    r"|^等"  # a marker closing a list: 人民银行等部门, 发展改革委、财政部等
    r"|^各(地区?|级)?[、和]?各(有关|相关)?(部门|单位)"  # 各地区各部门, 各地各部门, 各级各部门
    r"|^(有关|相关)(地区|地方)(和|、)?(部门|单位)"
    # 国务院有关部门和单位, 中央和国家机关有关部门, 国家有关部门
    r"|^(国务院|中央|国家|中央和国家机关|省直|市直)(各|有关|相关|其他)+(部门|单位|机关)"
)
# A collective of the governments of one level: 各省级人民政府, 各区、县级市, 试点城市政府
_LEVEL = r"(?:省|自治区|直辖市|计划单列市|市|县级市|县|区|州|盟|旗|地|乡|镇|街道)"
_COLLECTIVE = re.compile(
    r"^各(?:有关|相关)?" + _LEVEL + r"|^(?:有关|相关)?(?:省级|市级|县级|地市级)人民政府$"
    r"|^(?:设区的?市|试点(?:城市|地区|省份)|各地)(?:人民)?政府$"
    r"|^各.{0,12}(?:管委会|管理委员会)$"  # 各开发（度假）区管委会
)
# The first piece of a collective that goes on after 、: 各区、县级市, 各市、县人民政府
_COLLECTIVE_HEAD = re.compile(r"^各(?:有关|相关)?" + _LEVEL + r"(?:、" + _LEVEL + r")*$")
_COLLECTIVE_TAIL = re.compile(
    r"^"
    + _LEVEL
    + r"(?:[（(][^（）()]*[）)])?(?:人民政府|政府|办事处)?$"  # 县（市）人民政府, 街道办事处
)


def is_catch_all(name: str) -> bool:
    """True for a phrase that names no department (各有关单位, 市直各单位, 相关部门)."""
    return bool(_CATCH_ALL.search(normalize(name)))


def without_alias(name: str) -> str:
    """``name`` without a short form given in brackets after it: 市商务局（市口岸办） → 市商务局."""
    return _ALIAS.sub("", name)


def is_collective(name: str) -> bool:
    """True for a collective of governments of one level (各省级人民政府, 各区、县级市)."""
    return bool(_COLLECTIVE.search(normalize(name)))


def split_collectives(text: str, pieces: list[Span]) -> list[Span]:
    """Join the pieces of a list split at 、 that are one collective: 各区 + 县级市 → 各区、县级市."""
    out: list[Span] = []
    for piece in pieces:
        last = out[-1] if out else None
        head = normalize(last.text) if last is not None else ""
        if (
            last is not None
            and (_COLLECTIVE_HEAD.match(head) or (head.startswith("各") and is_collective(head)))
            and _COLLECTIVE_TAIL.match(normalize(piece.text))
            and text[last.end : piece.start] == "、"
        ):
            out[-1] = Span.of(text, last.start, piece.end)
        else:
            out.append(piece)
    return out


@functools.lru_cache(maxsize=8192)  # a document's names many times; not a batch's every name
def normalize(name: str) -> str:
    """The form names are compared in: NFKC (full-width to half-width), no whitespace, no
    invisible characters (zero-width spaces and joiners, soft hyphens, BOMs: Unicode's format
    characters), traditional characters as simplified (OpenCC's t2s: 廣西壯族自治區科學技術廳 is
    广西壮族自治区科学技术厅). Two names that look the same in a table compare the same."""
    plain = "".join(unicodedata.normalize("NFKC", name).split())
    if plain.isascii():
        return plain
    plain = "".join(c for c in plain if unicodedata.category(c) != "Cf")
    return str(_converter().convert(plain))


@functools.cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@functools.cache
def opencc_version() -> str:
    """OpenCC's version: its tables make the names compared (:func:`normalize`), so what is
    kept of them is kept for it."""
    from importlib import metadata

    try:
        return metadata.version("opencc")
    except metadata.PackageNotFoundError:
        return ""


def kind_of(title: str) -> str:
    """The document kind a title's last word suggests (条例 -> Regulation), else OtherKind."""
    plain = normalize(title)
    return next((kind for word, kind in KINDS_BY_TITLE if plain.endswith(word)), "OtherKind")


def suggest(
    name: str, pool: Iterable[str], n: int = 3, cutoff: float = 40.0, fallback: bool = True
) -> list[str]:
    """The names of ``pool`` closest to ``name``, best first (rapidfuzz ratio ≥ ``cutoff``).

    When none is that close and ``fallback`` is set, the names sharing the most characters with
    it (at least one).
    """
    from rapidfuzz import fuzz, process

    wanted = normalize(name)
    labels = sorted({normalize(p) for p in pool} - {wanted})
    hits = process.extract(wanted, labels, scorer=fuzz.ratio, limit=n, score_cutoff=cutoff)
    if hits or not fallback:
        return [label for label, _, _ in hits]
    shared = sorted(labels, key=lambda label: (-len(set(label) & set(wanted)), label))[:n]
    return [label for label in shared if set(label) & set(wanted)]


NEAR = 75.0  # a near miss: a typo, a variant (rapidfuzz ratio)


def department_suggestions(name: str, labels: Iterable[str], n: int = 3) -> list[str]:
    """The one rule for the known department names a name that resolves to none may have meant,
    wherever a name is resolved (``tasks --dept``, ``progress --dept``, ingest, build): the
    near misses of ``labels``, best first; none where no label is that close (a guess further
    off would read as an answer)."""
    return suggest(name, labels, n, cutoff=NEAR, fallback=False)


def level_prefix(name: str) -> str | None:
    m = _LEVEL_PREFIX.match(normalize(name))
    return m.group(1) if m else None


@dataclass(frozen=True)
class Reading:
    """One name of a list: the forms to try, in order, and the prefix the first one inherits."""

    written: str
    forms: tuple[str, ...]
    inherited_prefix: str | None


def with_inherited_prefix(names: Iterable[str]) -> Iterator[Reading]:
    """Each name of one list with the forms it may stand for, the inherited one first."""
    prefix: str | None = None
    for name in names:
        own = level_prefix(name)
        prefix = own or prefix
        # a name with another name in brackets after it may be known by the first alone
        bare = without_alias(name) if not name.startswith("各") else ""
        alone = (bare,) if bare and bare != name else ()
        if prefix and not own and not _SELF_NAMED.search(normalize(name)):
            yield Reading(name, (prefix + name, name, *alone), prefix)
        else:
            yield Reading(name, (name, *alone), None)
