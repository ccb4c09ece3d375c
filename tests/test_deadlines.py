"""Deadlines (完成时限) as the genre writes them (issue 12)."""

from __future__ import annotations

import pytest

from policygraph.text.deadlines import Deadline, read_deadline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年底前", Deadline(due="2023-12-31")),
        ("2023年底前完成", Deadline(due="2023-12-31")),
        ("2023年年底前", Deadline(due="2023-12-31")),
        ("2024年6月底前", Deadline(due="2024-06-30")),
        ("2023年6月底前完成", Deadline(due="2023-06-30")),
        ("2024年2月底前", Deadline(due="2024-02-29")),
        ("2022年12月底前", Deadline(due="2022-12-31")),
        ("2023年9月15日前", Deadline(due="2023-09-15")),
        ("2023年上半年", Deadline(due="2023-06-30")),
        ("2023年下半年完成", Deadline(due="2023-12-31")),
        ("2023年第三季度", Deadline(due="2023-09-30")),
        ("2025年前", Deadline()),  # a deadline, but before or by 2025? not guessed
        ("每季度调度", Deadline(recurrence="P3M")),
        ("每年3月", Deadline(recurrence="P1Y; month 3")),
        ("每年", Deadline(recurrence="P1Y")),
        ("持续推进", Deadline(ongoing=True)),
        ("长期坚持", Deadline(ongoing=True)),
    ],
)
def test_deadlines(text: str, expected: Deadline) -> None:
    assert read_deadline(text) == expected


@pytest.mark.parametrize("text", ["市科技局", "各有关单位", "市财政局配合", "", "2023年13月底前x"])
def test_not_deadlines_or_not_normalised(text: str) -> None:
    reading = read_deadline(text)
    assert reading is None or reading.due is None
