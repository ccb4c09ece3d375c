"""Property-based tests (issue 12): random and mutated documents of the genre, and random bytes,
never make the readers or the extractor fail with anything but the tool's own error, and every
quote they return is the text at its offsets."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policygraph.errors import PolicyGraphError
from policygraph.text.deadlines import read_deadline
from policygraph.text.readers import read_source
from policygraph.text.spans import Span
from policygraph.text.structure import Structure, parse_measures

FIX = Path(__file__).resolve().parent / "fixtures"
SAMPLES = [
    (FIX / "ingest" / name).read_text(encoding="utf-8")
    for name in (
        "yunnan-measures.txt",
        "kunming-measures.txt",
        "qujing-plan.txt",
        "dali-notice.txt",
    )
]
FRAGMENTS = [
    "一、", "二、", "（一）", "(二)", "第三条", "1.", "2、", "（3）", "\n", "\r\n", "。", "；", "，", "、",
    "（", "）", "(", ")", "牵头", "配合", "负责", "牵头单位：", "配合单位：", "责任单位：", "完成时限：",
    "市科技局", "省财政厅", "各县（区）人民政府", "各有关单位", "2023年底前", "2024年6月底前",
    "每季度", "持续推进", "给予最高100万元支持", "1:1", "《", "》", "〔2023〕8号", "| 序号 | 任务 | 牵头单位 |",
    "| 1 | 建设平台 | 市科技局 |", "附件：", "　", " ", "x", "\u00a0",
]  # fmt: skip
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spans_of(structure: Structure) -> list[Span]:
    out: list[Span] = []
    for part in structure.parts:
        out += [part.title, part.span]
    for p in structure.provisions:
        out += [p.title, p.span] + ([p.body] if p.body else [])
        for a in (p.annotation, p.table_row.annotation if p.table_row else None):
            if a is not None:
                out += [e.name for e in a.entries] + list(a.deadlines) + list(a.unread)
    return out


def check(text: str) -> None:
    try:
        structure = parse_measures(text, "random")
    except PolicyGraphError:
        return
    for span in spans_of(structure):
        assert text[span.start : span.end] == span.text


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=60))
def test_random_documents_of_the_genre(pieces: list[str]) -> None:
    check("".join(pieces))


@SETTINGS
@given(
    st.sampled_from(SAMPLES),
    st.lists(
        st.tuples(st.integers(0, 2000), st.integers(0, 8), st.sampled_from(FRAGMENTS)), max_size=8
    ),
)
def test_mutated_documents(sample: str, edits: list[tuple[int, int, str]]) -> None:
    text = sample
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut :]
    check(text)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.html", "x.docx", "x.pdf", "x"]))
def test_random_bytes_are_read_or_refused(data: bytes, name: str) -> None:
    try:
        document = read_source(data, name)
    except PolicyGraphError:
        return
    for table in document.tables:
        for row in table.rows:
            assert all(document.text[c.start : c.end] == c.text for c in row)


@pytest.mark.parametrize("prefix", [b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>"])
@SETTINGS
@given(tail=st.binary(max_size=500))
def test_broken_files_of_each_format(prefix: bytes, tail: bytes) -> None:
    with contextlib.suppress(PolicyGraphError):
        read_source(prefix + tail, "broken")


@SETTINGS
@given(st.text(max_size=30) | st.sampled_from(FRAGMENTS))
def test_deadlines_never_guess_an_impossible_date(text: str) -> None:
    reading = read_deadline(text)
    if reading is not None and reading.due is not None:
        dt.date.fromisoformat(reading.due)
