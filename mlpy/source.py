"""Positions in ML source text: the `Span` every layer uses to say *where*.

Layer 0: imports only the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Span", "snippet"]


@dataclass(frozen=True, slots=True)
class Span:
    """A region of ML source. Lines and columns are 1-based; columns count characters.

    ``end_column`` is exclusive, as in Lark.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        """A zero-width span at one position."""
        return cls(line, column, line, column)

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.line, self.column, other.end_line, other.end_column)


def snippet(text: str, line: int, column: int) -> str:
    """The source line at ``line`` with a caret under ``column`` (for error messages)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    src = lines[line - 1].expandtabs(1)
    if len(src) > 120:  # keep very long lines readable: show a window around the column
        start = max(0, column - 60)
        src = src[start : start + 120]
        column -= start
    return f"{src}\n{' ' * max(column - 1, 0)}^"
