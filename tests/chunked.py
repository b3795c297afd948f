"""Chunked test files, after Starlark's ``internal/chunkedfile``.

A file holds independent chunks separated by lines that are exactly ``---``. In a chunk:

* ``// ### "regex"`` at the end of a line says an error matching ``regex`` is reported *on that
  line* (several quoted regexes may follow one ``###``). The annotation is cut from the source
  before it runs, so it never changes what the line means (§1.2 would read ``x = 1 // ###`` as a
  floor division).
* ``// option:NAME`` or ``// option:NAME=VALUE`` on a line of its own sets an option.
* ``// stdout: "text"`` (a JSON string) is the exact output the chunk must print.
* ``// xfail: reason`` marks a chunk that shows a known bug (run as a strict xfail).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_ANNOTATION = re.compile(r'//\s*###((?:\s*"(?:[^"\\]|\\.)*")+)\s*$')
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_DIRECTIVE = re.compile(r"^\s*//\s*(option|stdout|xfail):\s*(.*?)\s*$")


@dataclass
class Chunk:
    """One independent test input; ``lines`` of expectations are 1-based within the chunk."""

    path: Path
    first_line: int
    source: str
    expected: dict[int, list[str]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    stdout: str | None = None
    xfail: str | None = None

    @property
    def id(self) -> str:
        return f"{self.path.name}:{self.first_line}"

    def where(self, line: int | None) -> str:
        """``file:line`` of chunk line ``line`` (for failure messages)."""
        return f"{self.path.name}:{self.first_line + (line or 1) - 1}"


def read(path: Path) -> list[Chunk]:
    """The chunks of the file at ``path``."""
    chunks: list[Chunk] = []
    lines: list[str] = []
    start = 1
    for number, line in enumerate([*path.read_text("utf-8").split("\n"), "---"], 1):
        if line.rstrip() != "---":
            lines.append(line)
            continue
        if any(x.strip() for x in lines):
            chunks.append(_chunk(path, start, lines))
        lines, start = [], number + 1
    return chunks


def _chunk(path: Path, start: int, lines: list[str]) -> Chunk:
    chunk = Chunk(path, start, "")
    kept: list[str] = []
    for number, line in enumerate(lines, 1):
        if m := _ANNOTATION.search(line):
            regexes = [q.replace('\\"', '"') for q in _QUOTED.findall(m.group(1))]
            chunk.expected.setdefault(number, []).extend(regexes)
            line = line[: m.start()].rstrip()
        elif d := _DIRECTIVE.match(line):
            kind, value = d.groups()
            if kind == "option":
                name, _, arg = value.partition("=")
                chunk.options[name] = arg
            elif kind == "stdout":
                chunk.stdout = json.loads(value)
            else:
                chunk.xfail = value
        kept.append(line)
    chunk.source = "\n".join(kept)
    return chunk


def mismatches(chunk: Chunk, errors: list[tuple[int | None, str]]) -> list[str]:
    """What differs between the errors reported (``(line, text)``) and those the chunk expects."""
    problems: list[str] = []
    unmatched = {(line, rx) for line, rxs in chunk.expected.items() for rx in rxs}
    for line, text in errors:
        hits = {(line, rx) for rx in chunk.expected.get(line or 0, []) if re.search(rx, text)}
        if not hits:
            problems.append(f"{chunk.where(line)}: unexpected error: {text}")
        unmatched -= hits
    for line, rx in sorted(unmatched):
        problems.append(f"{chunk.where(line)}: expected an error matching {rx!r}, got none there")
    return problems
