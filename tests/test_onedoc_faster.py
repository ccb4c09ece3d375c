"""One more document, faster still (issue 24): what each step keeps must be what the slower
step gave, for every input the project knows."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import pytest
from pypinyin import lazy_pinyin
from pypinyin.phrases_dict import phrases_dict

from policygraph.text import places

ROOT = Path(__file__).resolve().parents[1]
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?=自治州|市|地区|盟|县|区|省)")


def _names() -> set[str]:
    """The last two to six characters before 市, 州, 县… in the project's texts and the real
    pages, and every city the generator can make (two characters of its CITY_CHARS)."""
    names: set[str] = set()
    files = [*(ROOT / "data" / "sources").glob("*.txt"), *(ROOT / "tests" / "genre").rglob("*")]
    for path in files:
        if path.suffix in {".txt", ".html", ".tsv"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in _PLACE.finditer(text):
                names.update(m.group()[-n:] for n in range(2, min(len(m.group()), 6) + 1))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import documents

    names.update("".join(p) for p in itertools.permutations(documents.CITY_CHARS, 2))
    names.update(places.PROVINCES)
    return names


def test_pinyin_is_lazy_pinyins_for_every_place_named() -> None:
    names = _names()
    assert len(names) > 1000
    wrong = {n: (places.pinyin(n), "".join(lazy_pinyin(n))) for n in names}
    assert {n: pair for n, pair in wrong.items() if pair[0] != pair[1]} == {}


def test_pinyin_is_lazy_pinyins_for_the_phrases_of_single_reading_characters() -> None:
    """Where the phrase dictionary could differ from the characters' first readings."""
    readings = places._readings()
    simple = [w for w in phrases_dict if all("," not in readings.get(ord(c), ",") for c in w)]
    assert len(simple) > 1000
    assert [w for w in simple if places.pinyin(w) != "".join(lazy_pinyin(w))] == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [("曲靖", "qujing"), ("重庆", "chongqing"), ("六安", "luan"), ("吕梁", "lvliang")],
)
def test_pinyin_of_a_word_the_phrases_read_otherwise(name: str, expected: str) -> None:
    assert places.pinyin(name) == expected == "".join(lazy_pinyin(name))


def test_a_city_without_phrases_does_not_load_them() -> None:
    """The point of it: a city of characters read one way each needs no phrase dictionary."""
    import subprocess

    code = (
        "import sys; from policygraph.text.places import jurisdiction_of as j;"
        "print(j('云南省曲靖市人民政府'), j('广西壮族自治区梧州市'), 'pypinyin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["cn-yn-qujing", "cn-gx-wuzhou", "False"]
