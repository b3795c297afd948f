"""The ``csv`` standard module (LANGUAGE.md §6.1, §6.2): CSV text, and CSV files inside the grants.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

``read_string`` and ``write_string`` are pure and need no grant. The file functions (``read``,
``write``, ``append``, ``count_rows``, ``get_headers``) follow the rules of
`mlpy.runtime.stdlib.file`: relative paths start at the base directory, paths are resolved
and checked against ``file.read`` / ``file.write`` before use, reads return at most
``max_string`` bytes and writes count against the call's write budget. Importing ``csv`` needs
no grant; a file function without the grant is a `MLSecurityError`.

Parsing follows Python's ``csv`` module (RFC 4180 quoting). With ``headers`` (the default)
the first row gives the keys and each later row becomes an object (extra fields are dropped,
missing ones left out); without it every row is an array of strings. Empty rows are skipped.
Writing uses ``\\r\\n`` line ends (as Python's ``csv`` and the reference library do) and quotes
only where needed.

Choices where the reference library is silent or differs:

* Cells are written with ML ``str()`` (§5.3): ``true``/``false``, ``1.0``; ``null`` is an
  empty cell (the reference wrote Python's ``True``/``None`` text).
* Writing objects, every row must be an object (the reference silently skipped others): a
  `MLTypeError` otherwise. Keys come from the first object.
* The delimiter must be one character other than a quote or a line break (`MLValueError`).
* A malformed input or a field longer than Python's csv field limit (131072 characters) is a
  `MLValueError`; results are capped by ``max_array`` rows and ``max_string`` characters.
* ``append`` with an object row needs ``file.read`` as well, to read the header row that
  orders its values.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLSecurityError, MLTypeError, MLValueError
from mlpy.runtime.format import check_deadline, to_str
from mlpy.runtime.operators import charge_alloc
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import builtin_table, need_array
from mlpy.runtime.stdlib.file import READ, need_encoding, read_text, sandbox, write_bytes
from mlpy.runtime.values import Builtin, Module, typeof

__all__ = ["create"]


def _delimiter(fn: str, delimiter: Any) -> str:
    if type(delimiter) is not str:
        raise MLTypeError(f"{fn}() expects a string as delimiter, got {typeof(delimiter)}")
    if len(delimiter) != 1 or delimiter in '\r\n"':
        raise MLValueError(f"{fn}(): the delimiter must be one character other than a quote or line break")
    return delimiter


#: estimated bytes of one parsed row (a list) and of each cell in it (a short string)
_ROW_BYTES = 64
_CELL_BYTES = 56
#: estimated bytes of one row made into an object, and of each of its entries
_OBJECT_BYTES = 100
_ENTRY_BYTES = 36
#: rows read between two charges to the allocation budget (and deadline checks)
_BATCH = 1024


def _rows(fn: str, text: str, delimiter: str) -> list[list[str]]:
    """Every non-empty row of ``text`` (within ``max_array`` rows), charged to the call's
    allocation budget and checking the deadline every `_BATCH` rows."""
    state = current()
    limit = state.limits.max_array
    rows: list[list[str]] = []
    pending = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if row:
                rows.append(row)
                pending += _ROW_BYTES + _CELL_BYTES * len(row)
                if len(rows) % _BATCH == 0:
                    if len(rows) > limit:
                        raise state.limit_error("max_array", f"{fn}: rows")
                    charge_alloc(pending, f"{fn}: parsed document")  # checks the deadline too
                    check_deadline(state)
                    pending = 0
    except csv.Error as exc:
        raise MLValueError(f"{fn}(): malformed CSV: {exc}") from None
    if len(rows) > limit:
        raise state.limit_error("max_array", f"{fn}: rows")
    return rows


def _parse(fn: str, text: str, delimiter: Any, headers: Any) -> list[Any]:
    rows = _rows(fn, text, _delimiter(fn, delimiter))
    if not headers:
        return rows
    if not rows:
        return []
    keys = rows[0]
    if len(rows) > _BATCH:
        charge_alloc(len(rows) * (_OBJECT_BYTES + _ENTRY_BYTES * len(keys)), f"{fn}: rows as objects")
    return [{k: v for k, v in zip(keys, row, strict=False)} for row in rows[1:]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if type(value) is str else to_str(value)


class _Writer:
    """CSV text built row by row, within ``max_string`` characters."""

    def __init__(self, fn: str, delimiter: str) -> None:
        self.fn = fn
        self.out = io.StringIO()
        self.writer = csv.writer(self.out, delimiter=delimiter)
        self.state = current()

    def row(self, fields: list[str]) -> None:
        limit = self.state.limits.max_string
        if self.out.tell() + sum(len(f) + 1 for f in fields) > limit:
            raise self.state.limit_error("max_string", f"{self.fn}: CSV text")
        self.writer.writerow(fields)
        if self.out.tell() > limit:
            raise self.state.limit_error("max_string", f"{self.fn}: CSV text")

    def text(self) -> str:
        return self.out.getvalue()


def _format(fn: str, data: Any, delimiter: Any, headers: Any) -> str:
    items = need_array(fn, data, "data")
    writer = _Writer(fn, _delimiter(fn, delimiter))
    if not items:
        return ""
    first = items[0]
    if type(first) is dict:
        keys = list(first)
        if headers:
            writer.row(keys)
        for item in items:
            if type(item) is not dict:
                raise MLTypeError(f"{fn}(): every row must be an object like the first, got {typeof(item)}")
            values = [item.get(k) for k in keys] if headers else list(item.values())
            writer.row([_cell(v) for v in values])
    else:
        for row in items:
            writer.row([_cell(v) for v in row] if type(row) is list else [_cell(row)])
    return writer.text()


def _encode(fn: str, text: str, encoding: Any) -> bytes:
    codec = need_encoding(fn, encoding)
    try:
        return text.encode(codec)
    except UnicodeEncodeError:
        raise MLValueError(f"{fn}(): the text cannot be encoded as {codec}") from None


# -- the module functions ---------------------------------------------------------------------


def _read_string(csv_string: Any, delimiter: Any = ",", headers: Any = True) -> list[Any]:
    if type(csv_string) is not str:
        raise MLTypeError(f"csv.read_string() expects a string, got {typeof(csv_string)}")
    return _parse("csv.read_string", csv_string, delimiter, headers)


def _write_string(data: Any, delimiter: Any = ",", headers: Any = True) -> str:
    return _format("csv.write_string", data, delimiter, headers)


def _read(file_path: Any, delimiter: Any = ",", headers: Any = True, encoding: Any = "utf-8") -> list[Any]:
    return _parse("csv.read", read_text("csv.read", file_path, encoding), delimiter, headers)


def _write(
    file_path: Any, data: Any, delimiter: Any = ",", headers: Any = True, encoding: Any = "utf-8"
) -> None:
    text = _format("csv.write", data, delimiter, headers)
    write_bytes("csv.write", file_path, _encode("csv.write", text, encoding))


def _count_rows(file_path: Any, delimiter: Any = ",", encoding: Any = "utf-8") -> int:
    text = read_text("csv.count_rows", file_path, encoding)
    return max(0, len(_rows("csv.count_rows", text, _delimiter("csv.count_rows", delimiter))) - 1)


def _get_headers(file_path: Any, delimiter: Any = ",", encoding: Any = "utf-8") -> list[str]:
    text = read_text("csv.get_headers", file_path, encoding)
    rows = _rows("csv.get_headers", text, _delimiter("csv.get_headers", delimiter))
    return rows[0] if rows else []


def _append(file_path: Any, row: Any, delimiter: Any = ",", encoding: Any = "utf-8") -> None:
    fn = "csv.append"
    sep = _delimiter(fn, delimiter)
    if type(row) is dict:
        real = sandbox().check(fn, file_path, READ)
        keys: list[str] = []
        if os.path.isfile(real):
            rows = _rows(fn, read_text(fn, file_path, encoding), sep)
            keys = rows[0] if rows else []
        values = [row.get(k) for k in keys] if keys else list(row.values())
    elif type(row) is list:
        values = row
    else:
        values = [row]
    writer = _Writer(fn, sep)
    writer.row([_cell(v) for v in values])
    write_bytes(fn, file_path, _encode(fn, writer.text(), encoding), append=True)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "read_string": _read_string,
    "write_string": _write_string,
    "read": _read,
    "write": _write,
    "append": _append,
    "count_rows": _count_rows,
    "get_headers": _get_headers,
}

_MEMBERS = builtin_table("csv", _FUNCTIONS)


#: the functions that touch files: host access, refused in strict mode (§9) even when granted
_FILE_FUNCTIONS = ("read", "write", "append", "count_rows", "get_headers")


def _refused(name: str) -> Builtin:
    def refuse(*_args: Any) -> None:
        raise MLSecurityError(f"strict mode: csv.{name} reads or writes files and is refused")

    return Builtin(refuse, f"csv.{name}")


def create(state: CallState) -> Module:
    """The ``csv`` module for one call (file functions check the call's grants when used)."""
    members = dict(_MEMBERS)
    if state.strict:
        members.update({name: _refused(name) for name in _FILE_FUNCTIONS})
    return Module("csv", members)
