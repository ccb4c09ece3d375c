"""Where a document is from: the jurisdiction code its issuer's name implies.

Codes follow ISO 3166-2:CN in lower case (``cn-yn`` for 云南省, ``cn-gx`` for 广西壮族自治区);
a prefecture-level city adds its name in pinyin to its province's code (``cn-yn-qujing`` for
曲靖市, ``cn-yn-dali`` for 大理白族自治州). The province of a city comes from the name itself
(云南省曲靖市) or from the regional document the text says it implements; where neither tells,
nothing is guessed.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from pathlib import Path

PROVINCES = {
    "北京": "bj", "天津": "tj", "河北": "he", "山西": "sx", "内蒙古": "nm", "辽宁": "ln",
    "吉林": "jl", "黑龙江": "hl", "上海": "sh", "江苏": "js", "浙江": "zj", "安徽": "ah",
    "福建": "fj", "江西": "jx", "山东": "sd", "河南": "ha", "湖北": "hb", "湖南": "hn",
    "广东": "gd", "广西": "gx", "海南": "hi", "重庆": "cq", "四川": "sc", "贵州": "gz",
    "云南": "yn", "西藏": "xz", "陕西": "sn", "甘肃": "gs", "青海": "qh", "宁夏": "nx",
    "新疆": "xj", "香港": "hk", "澳门": "mo", "台湾": "tw",
}  # fmt: skip
_NATIONAL = re.compile(
    r"^(国务院|中共中央|中华人民共和国|国家[\u4e00-\u9fff]{1,8}(部|委员会|局|署))"
)
_ETHNIC = (
    "白", "傣", "彝", "哈尼", "壮", "苗", "藏", "回", "蒙古", "朝鲜", "土家", "布依", "侗", "景颇",
    "傈僳", "羌", "哈萨克", "柯尔克孜", "黎", "瑶", "怒", "纳西", "拉祜", "佤", "水", "仡佬", "畲",
    "满", "锡伯", "维吾尔", "塔吉克", "独龙", "德昂", "阿昌", "布朗", "毛南", "基诺", "普米",
)  # fmt: skip
_CITY = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,12}?)(?:自治州|市|地区|盟)")
_AUTONOMOUS = re.compile("(" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族$")


def province_code(name: str) -> str | None:
    """``cn-xx`` for a name that starts with a province's (云南省…, 广西壮族自治区…)."""
    for province, code in PROVINCES.items():
        if name.startswith(province):
            return f"cn-{code}"
    return None


def jurisdiction_of(issuer: str, parent: str | None = None) -> str | None:
    """The jurisdiction ``issuer`` (a body's or a document's name) implies, or None.

    ``parent``: the jurisdiction of the regional document the text implements, for a city."""
    if _NATIONAL.match(issuer):
        return "cn"
    province = province_code(issuer)
    rest = issuer
    if province is not None:
        rest = re.sub(r"^[\u4e00-\u9fff]{2,3}?(?:省|[\u4e00-\u9fff]{0,4}自治区)", "", issuer)
        if not _CITY.match(rest) or rest.startswith(("人民政府", "办公厅", "省", "委")):
            return province
    m = _CITY.match(rest)
    if m is None:
        return None
    base = province or (parent if parent and re.fullmatch(r"cn-[a-z]{2}", parent) else None)
    if base is None:
        return None
    city = m.group("city")
    while _AUTONOMOUS.search(city) and len(city) > 2:  # 大理白族 → 大理, 西双版纳傣族 → 西双版纳
        city = _AUTONOMOUS.sub("", city)
    return f"{base}-{pinyin(city)}"


_TONED = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔù", "aaaaeeeeiiiioooouuuu")


def pinyin(name: str) -> str:
    """``name`` (Chinese characters) in toneless pinyin, as pypinyin's ``lazy_pinyin`` joined
    gives it, without loading pypinyin's phrase dictionary (a quarter of a second) where it
    cannot matter.

    ``lazy_pinyin`` reads a word of its phrase dictionary as the dictionary says and any other
    character by its first reading. So where no part of ``name`` of two characters or more is
    a word of that dictionary (looked up in its file, not loaded), each character's first
    reading with its tone mark taken off is the answer. Where ``name`` is itself a word of the
    dictionary (成都, 重庆, 厦门), ``lazy_pinyin``'s longest match from the start is the whole
    name, so the dictionary's first readings of it are the answer. Otherwise, or where a reading
    is not plain letters once its tone mark is off (ü, ê, ḿ), ``lazy_pinyin`` itself answers."""
    plain = _plain(name)
    if plain is not None:
        return plain
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(name))


def _plain(name: str) -> str | None:
    """``lazy_pinyin``'s answer for ``name`` where it can be read from the dictionaries' files
    (see :func:`pinyin`), else None. With pypinyin's own ``PYPINYIN_NO_PHRASES`` set, it reads
    no phrase: each character by its first reading."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return None  # a lone surrogate: no file holds it
    phrases = not os.environ.get("PYPINYIN_NO_PHRASES")
    firsts = _phrase(name) if phrases else None
    if firsts is None:
        if phrases and _has_phrase(name):
            return None
        firsts = [_reading(c).split(",")[0] for c in name]
    plain = [r.translate(_TONED) for r in firsts]
    if len(plain) == len(name) and all(r.isascii() and r.isalpha() for r in plain):
        return "".join(plain)
    return None


def _has_phrase(name: str) -> bool:
    """Whether a part of ``name`` of two characters or more is a word of pypinyin's phrases."""
    words = _dictionary("phrases_dict.json")
    return any(
        f'\n"{name[i:j]}":'.encode() in words
        for i in range(len(name))
        for j in range(i + 2, len(name) + 1)
    )


def _phrase(name: str) -> list[str] | None:
    """The first reading of each character of ``name`` as the phrase dictionary gives it when
    ``name`` is one of its words, read from its file; None otherwise."""
    if len(name) < 2:
        return None
    words = _dictionary("phrases_dict.json")
    key = f'\n"{name}":'.encode()
    at = words.find(key)
    if at < 0:
        return None
    text = words[at + len(key) : at + len(key) + 64 * len(name)].decode("utf-8", "ignore")
    try:
        value, _ = json.JSONDecoder().raw_decode(text.lstrip())
    except ValueError:
        return None
    if len(value) != len(name) or not all(isinstance(r, list) and r for r in value):
        return None
    return [str(r[0]) for r in value]


@functools.lru_cache(maxsize=4096)
def _reading(char: str) -> str:
    """pypinyin's readings of ``char``, comma-separated, the usual first ("" where it has
    none), read from its file where the character's line is (the whole table, 42,000
    characters, took 0.05 s of every process that names a city)."""
    table = _dictionary("pinyin_dict.json")
    key = f'\n"{ord(char)}":'.encode()
    at = table.find(key)
    if at < 0:
        return ""
    end = table.find(b"\n", at + len(key))
    line = table[at + len(key) : end if end >= 0 else len(table)].decode("utf-8", "ignore")
    try:
        value, _ = json.JSONDecoder().raw_decode(line.strip())
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


@functools.cache
def _dictionary(name: str) -> bytes:
    """A file of pypinyin's dictionaries, found without importing pypinyin (its package loads
    the phrase dictionary)."""
    spec = importlib.util.find_spec("pypinyin")
    assert spec is not None and spec.submodule_search_locations is not None
    return (Path(next(iter(spec.submodule_search_locations))) / name).read_bytes()
