"""The ``path`` host-access module (LANGUAGE.md §6.2): path text and directories, inside the grants.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Importing ``path`` needs ``file.read`` or ``file.write``. The rules of `mlpy.runtime.stdlib.file`
apply: relative paths start at the base directory (the first granted directory), every path
that touches the file system is resolved (symlinks, ``..``) and checked against the grants
before use. Pure text functions (``join dirname basename extname split normalize isAbsolute
relative absolute separator delimiter``) never touch the file system; they use POSIX rules.

Choices where the reference library reached outside a sandbox:

* ``cwd()`` is the base directory, not the process's working directory; ``absolute`` and
  ``relative`` resolve relative paths against it too (``~`` is not expanded).
* ``home()`` and ``tempDir()`` return the host's directory only when a grant covers it, and
  are a `MLSecurityError` otherwise.
* ``listDir`` and ``glob`` need ``file.read`` on the directory they read; ``exists``, ``isFile``
  and ``isDirectory`` accept either grant (as in ``file``); ``createDir``, ``removeDir`` and
  ``removeDirRecursive`` need ``file.write``, and a granted directory itself cannot be removed.
* ``glob(pattern)`` supports ``*``, ``?``, ``[...]`` and ``**`` (any number of directories);
  names starting with ``.`` match only a pattern starting with ``.``. It never descends into a
  symlinked directory, and returns the matches sorted, written the way the pattern was (a
  relative pattern gives relative paths) instead of the reference's absolute paths.
* ``walk(dir, maxDepth?)`` lists files (relative to ``dir``, sorted) without following
  symlinked directories. Both stop at the call's deadline and at ``max_array`` results.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from mlpy.errors import MLSecurityError, MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief
from mlpy.runtime.operators import check_array, check_string
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import builtin_table, need_int
from mlpy.runtime.stdlib.file import (
    ANY,
    READ,
    WRITE,
    check_deadline,
    inside,
    make_dirs,
    need_grant,
    need_path,
    os_errors,
    parent_fd,
    sandbox,
)
from mlpy.runtime.values import Module, typeof

__all__ = ["create"]


def _text(fn: str, value: Any) -> str:
    if type(value) is not str:
        raise MLTypeError(f"{fn}() expects a path string, got {typeof(value)}")
    return value


# -- pure path text -------------------------------------------------------------------------


def _join(*parts: Any) -> str:
    if not parts:
        raise MLTypeError("path.join() takes at least 1 argument but 0 were given")
    texts = [_text("path.join", p) for p in parts]
    check_string(sum(len(t) + 1 for t in texts))
    return posixpath.join(*texts)


def _dirname(path: Any) -> str:
    return posixpath.dirname(_text("path.dirname", path))


def _basename(path: Any) -> str:
    text = _text("path.basename", path)
    return posixpath.basename(text.rstrip("/") or text)


def _extname(path: Any) -> str:
    return posixpath.splitext(_text("path.extname", path))[1]


def _split(path: Any) -> list[str]:
    return list(posixpath.split(_text("path.split", path)))


def _normalize(path: Any) -> str:
    return posixpath.normpath(_text("path.normalize", path))


def _is_absolute(path: Any) -> bool:
    return posixpath.isabs(_text("path.isAbsolute", path))


def _absolute(path: Any) -> str:
    return posixpath.normpath(sandbox().absolute("path.absolute", path))


def _relative(from_path: Any, to_path: Any) -> str:
    box = sandbox()
    start = posixpath.normpath(box.absolute("path.relative", from_path))
    target = posixpath.normpath(box.absolute("path.relative", to_path))
    return posixpath.relpath(target, start)


def _separator() -> str:
    return os.sep


def _delimiter() -> str:
    return os.pathsep


# -- queries --------------------------------------------------------------------------------


def _exists(path: Any) -> bool:
    return os.path.lexists(sandbox().check("path.exists", path, ANY))


def _is_file(path: Any) -> bool:
    return os.path.isfile(sandbox().check("path.isFile", path, ANY))


def _is_directory(path: Any) -> bool:
    return os.path.isdir(sandbox().check("path.isDirectory", path, ANY))


def _cwd() -> str:
    base = sandbox().base
    if base is None:
        raise MLSecurityError("path.cwd: no directory is granted (capability file.read or file.write)")
    return base


def _host_directory(fn: str, directory: str) -> str:
    real = os.path.realpath(directory)
    if not sandbox().covers(real):
        raise MLSecurityError(f"{fn}: the host's directory is not inside a granted directory")
    return real


def _home() -> str:
    return _host_directory("path.home", os.path.expanduser("~"))


def _temp_dir() -> str:
    return _host_directory("path.tempDir", tempfile.gettempdir())


# -- listing --------------------------------------------------------------------------------


def _list_dir(dir_path: Any = ".") -> list[str]:
    real = sandbox().check("path.listDir", dir_path, READ)
    if not os.path.isdir(real):
        raise MLValueError(f"path.listDir(): not a directory: {quote_brief(str(dir_path))}")
    with os_errors("path.listDir", dir_path):
        names = os.listdir(real)
    check_array(len(names))
    return sorted(names)


def _magic(part: str) -> bool:
    return any(c in part for c in "*?[")


def _join_display(display: str, name: str) -> str:
    if not display:
        return name
    return display + name if display.endswith("/") else display + "/" + name


class _Globber:
    """Matches pattern components against directory entries, never following symlinked dirs."""

    def __init__(self, state: CallState) -> None:
        self.state = state
        self.found: set[str] = set()

    def add(self, path: str) -> None:
        self.found.add(path)
        if len(self.found) > self.state.limits.max_array:
            raise self.state.limit_error("max_array", "path.glob: matches")

    def entries(self, real_dir: str) -> list[os.DirEntry[str]]:
        check_deadline(self.state)
        try:
            with os.scandir(real_dir) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError:
            return []

    def match(self, real_dir: str, display: str, comps: list[str]) -> None:
        comp, rest = comps[0], comps[1:]
        if comp == "**":
            if rest:
                self.match(real_dir, display, rest)
            for entry in self.entries(real_dir):
                if entry.name.startswith("."):
                    continue
                shown = _join_display(display, entry.name)
                is_dir = entry.is_dir(follow_symlinks=False)
                if not rest:
                    self.add(shown)
                if is_dir:
                    self.match(entry.path, shown, comps)
            return
        for entry in self.entries(real_dir):
            if entry.name.startswith(".") and not comp.startswith("."):
                continue
            if not fnmatch.fnmatchcase(entry.name, comp):
                continue
            shown = _join_display(display, entry.name)
            if not rest:
                self.add(shown)
            elif entry.is_dir(follow_symlinks=False):
                self.match(entry.path, shown, rest)


def _glob(pattern: Any) -> list[str]:
    fn = "path.glob"
    text = need_path(fn, pattern)
    parts = text.split("/")
    i = 0
    while i < len(parts) and not _magic(parts[i]):
        i += 1
    comps = [p for p in parts[i:] if p]
    box = sandbox()
    if not comps:
        return [text] if os.path.lexists(box.check(fn, text, READ)) else []
    prefix = "/".join(parts[:i])
    if not prefix and text.startswith("/"):
        prefix = "/"
    real = box.check(fn, prefix or ".", READ)
    if not os.path.isdir(real):
        return []
    globber = _Globber(current())
    globber.match(real, prefix, comps)
    return sorted(globber.found)


def _walk(dir_path: Any, max_depth: Any = -1) -> list[str]:
    fn = "path.walk"
    depth_limit = need_int(fn, max_depth, "max_depth")
    real = sandbox().check(fn, dir_path, READ)
    if not os.path.isdir(real):
        raise MLValueError(f"path.walk(): not a directory: {quote_brief(str(dir_path))}")
    state = current()
    out: list[str] = []
    for root, dirs, files in os.walk(real, followlinks=False):
        check_deadline(state)
        rel = os.path.relpath(root, real)
        depth = 0 if rel == "." else rel.count(os.sep) + 1
        if depth_limit >= 0 and depth >= depth_limit:
            dirs[:] = []
        out.extend(f if rel == "." else posixpath.join(rel, f) for f in files)
        if len(out) > state.limits.max_array:
            raise state.limit_error("max_array", "path.walk: files")
    return sorted(out)


# -- directories ----------------------------------------------------------------------------


def _create_dir(dir_path: Any, parents: Any = True) -> None:
    fn = "path.createDir"
    box = sandbox()
    real = box.check(fn, dir_path, WRITE)
    with os_errors(fn, dir_path):
        if parents:
            make_dirs(real, lambda d: inside(d, box.roots["file.write"]), lambda: box.new_entry(fn))
        elif not os.path.isdir(real):
            box.new_entry(fn)
            with parent_fd(real) as (parent, name):
                os.mkdir(name, 0o777, dir_fd=parent)


def _directory_for_removal(fn: str, dir_path: Any) -> str:
    box = sandbox()
    real = box.check(fn, dir_path, WRITE, follow=False)
    box.not_root(fn, dir_path, real)
    if os.path.islink(real) or not os.path.isdir(real):
        raise MLValueError(f"{fn}(): not a directory: {quote_brief(str(dir_path))}")
    return real


def _remove_dir(dir_path: Any) -> None:
    real = _directory_for_removal("path.removeDir", dir_path)
    with os_errors("path.removeDir", dir_path), parent_fd(real) as (parent, name):
        os.rmdir(name, dir_fd=parent)


def _remove_dir_recursive(dir_path: Any) -> None:
    real = _directory_for_removal("path.removeDirRecursive", dir_path)
    with os_errors("path.removeDirRecursive", dir_path), parent_fd(real) as (parent, name):
        shutil.rmtree(name, dir_fd=parent)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "join": _join,
    "dirname": _dirname,
    "basename": _basename,
    "extname": _extname,
    "split": _split,
    "absolute": _absolute,
    "normalize": _normalize,
    "relative": _relative,
    "exists": _exists,
    "isFile": _is_file,
    "isDirectory": _is_directory,
    "isAbsolute": _is_absolute,
    "listDir": _list_dir,
    "glob": _glob,
    "walk": _walk,
    "createDir": _create_dir,
    "removeDir": _remove_dir,
    "removeDirRecursive": _remove_dir_recursive,
    "cwd": _cwd,
    "home": _home,
    "tempDir": _temp_dir,
    "separator": _separator,
    "delimiter": _delimiter,
}

_MEMBERS = builtin_table("path", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``path`` module for one call that was granted ``file.read`` or ``file.write``.

    Raises:
        MLSecurityError: neither is granted.
    """
    need_grant(state, "path", ("file.read", "file.write"))
    sandbox(state)
    return Module("path", dict(_MEMBERS))
