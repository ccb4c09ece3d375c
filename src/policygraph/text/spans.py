"""Pieces of a source text with their offsets: every quote the graph keeps is one."""

from __future__ import annotations

from dataclasses import dataclass

SPACE = " \t\u3000\xa0"


@dataclass(frozen=True)
class Span:
    """A piece of the source: ``text == source[start:end]``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        return cls(start, end, source[start:end])

    def strip(self, chars: str = SPACE + "\r\n") -> Span:
        lead = len(self.text) - len(self.text.lstrip(chars))
        trail = len(self.text) - len(self.text.rstrip(chars))
        return Span(self.start + lead, self.end - trail, self.text[lead : len(self.text) - trail])
