"""The ``file`` host-access module (LANGUAGE.md §6.2) and the sandbox that ``path`` and ``csv`` share.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Importing ``file`` needs the grant ``file.read`` or ``file.write`` (checked before the program
runs, and again here). Every operation then checks its own path at run time:

* **Grants** are directory paths (a path naming a file grants that file only); wildcards are
  not interpreted. Each is resolved once per call with ``os.path.realpath``; a relative grant
  is relative to the host process's working directory.
* **Relative paths in ML** are relative to the *base directory*: the first ``file.read``
  directory, or the first ``file.write`` directory when nothing is granted for reading. The
  process's working directory never matters to a script (``path.cwd()`` returns the base
  directory). ``~`` is not expanded.
* **Resolution before the check:** the target is resolved with ``os.path.realpath`` (every
  symlink and ``..`` resolved) and must then lie inside a granted directory of the right kind,
  else `MLSecurityError` naming the path and the grant. Operations on a name itself
  (``delete``, ``move``, ``path.removeDir``...) resolve the parent directory and keep the last
  component, so a symlink is removed or moved, never its target.
* **Which grant:** reading content needs ``file.read``; writing, appending, deleting, creating
  or removing needs ``file.write``; ``move`` needs both on the source; metadata queries
  (``exists``, ``isFile``, ``isDirectory``, ``size``, ``modifiedTime``) accept either.
  Nothing outside the grants is answered, not even ``exists`` (it is refused, not false).
  A granted directory itself cannot be deleted, removed or moved.
* **Using the checked path:** opening, deleting, renaming and creating or removing directories
  reach the resolved path from ``/`` one directory at a time with ``O_NOFOLLOW`` (`parent_fd`,
  `make_dirs`), so a symlink that a concurrent call moves into the path after the check is
  refused instead of followed. Symlinks themselves cannot be moved. Files are opened
  ``O_NONBLOCK`` and anything but a regular file (a FIFO, a device) is refused. Metadata
  queries and listings use the path: in such a race they could at worst describe, never
  read or change, what the symlink points to.
* **Sizes:** a read may return at most ``max_string`` bytes (more is a `MLLimitError`);
  ``readBytes``/``readLines`` results are also capped by ``max_array``. All writes of one call
  (``write``, ``append``, ``copy``, csv files...) together may write at most ``max_string``
  bytes, and create at most ``max_entries`` files and directories (each counted before it is
  made), so a loop can fill neither the host's disk nor its inodes.
* **Encodings** are limited to UTF-8 (``utf-8-sig``), UTF-16, UTF-32, ASCII, Latin-1 and
  cp1252.

Errors of the file system (a missing file, a directory where a file was expected...) are
`MLValueError`s naming the ML path; no host path outside what the script wrote is ever shown.

Deviations from the reference library: ``readBytes``/``writeBytes`` use arrays of integers
0-255 (ML has no bytes type); ``exists``/``size``/``isFile``... need a grant; ``delete``
needs ``file.write`` (there is no ``file.delete`` grant); ``move`` only renames within one
file system (a cross-device move would copy through symlinks); ``copy`` copies content only
(no metadata).
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mlpy.errors import MLSecurityError, MLTimeoutError, MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.operators import charge_alloc, check_array
from mlpy.runtime.state import CallState, current, shared_threshold
from mlpy.runtime.stdlib.collections import builtin_table
from mlpy.runtime.values import Module, typeof

__all__ = [
    "ANY",
    "READ",
    "READ_WRITE",
    "WRITE",
    "Sandbox",
    "check_deadline",
    "create",
    "need_encoding",
    "need_grant",
    "create_file",
    "make_dirs",
    "os_errors",
    "parent_fd",
    "read_text",
    "sandbox",
    "write_bytes",
]

#: sizes above which bulk allocations are charged (a shared threshold, see `shared_threshold`)
FAST_SIZE = shared_threshold(globals())

#: what an operation needs: each inner tuple is one requirement, met by any grant listed in it
Need = tuple[tuple[str, ...], ...]
READ: Need = (("file.read",),)
WRITE: Need = (("file.write",),)
READ_WRITE: Need = (("file.read",), ("file.write",))
ANY: Need = (("file.read", "file.write"),)

#: the longest path text accepted
_MAX_PATH = 4096
#: bytes copied at a time by ``copy``
_CHUNK = 1 << 20

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

_ENCODINGS = frozenset(
    {
        "utf-8",
        "utf-8-sig",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "utf-32-le",
        "utf-32-be",
        "ascii",
        "iso8859-1",
        "cp1252",
    }
)

_STATE_KEY = "file.sandbox"


# -- the sandbox ---------------------------------------------------------------------------------


def _roots(granted: Sequence[str]) -> list[str]:
    roots: list[str] = []
    for g in granted:
        if g and "\x00" not in g:
            real = os.path.realpath(g)
            if real not in roots:
                roots.append(real)
    return roots


def inside(real: str, roots: Sequence[str]) -> bool:
    """True if the resolved path ``real`` is one of ``roots`` or below one."""
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


class Sandbox:
    """The directories one call may use, and the checks every file operation goes through."""

    __slots__ = ("roots", "base", "written", "created")

    def __init__(self, capabilities: dict[str, list[str]]) -> None:
        #: grant kind → resolved granted directories
        self.roots: dict[str, list[str]] = {
            kind: _roots(capabilities.get(kind, ())) for kind in ("file.read", "file.write")
        }
        first = self.roots["file.read"] or self.roots["file.write"]
        #: where relative ML paths start (None: nothing granted)
        self.base: str | None = first[0] if first else None
        #: bytes written so far by this call
        self.written = 0
        #: files and directories created so far by this call
        self.created = 0

    def absolute(self, fn: str, path: Any) -> str:
        """The ML ``path`` joined to the base directory (no file-system access, no check)."""
        text = need_path(fn, path)
        if self.base is None:
            raise MLSecurityError(f"{fn}: no directory is granted (capability file.read or file.write)")
        return text if os.path.isabs(text) else os.path.join(self.base, text)

    def resolve(self, fn: str, path: Any, *, follow: bool = True) -> str:
        """The real path ``path`` names: every symlink and ``..`` resolved (with ``follow=False``
        the last component is kept as it is, so it may itself be a symlink)."""
        joined = self.absolute(fn, path)
        if follow:
            return os.path.realpath(joined)
        head, tail = os.path.split(joined.rstrip(os.sep))
        if tail in ("", ".", ".."):
            return os.path.realpath(joined)
        return os.path.join(os.path.realpath(head or os.sep), tail)

    def check(self, fn: str, path: Any, need: Need, *, follow: bool = True) -> str:
        """The resolved path of ``path`` if the grants allow ``need`` on it.

        Raises:
            MLSecurityError: a needed grant is missing or does not cover the resolved path.
        """
        text = need_path(fn, path)
        for kinds in need:
            if not any(self.roots[kind] for kind in kinds):
                raise MLSecurityError(
                    f"{fn}: access to {quote_brief(text)} refused: it needs the capability "
                    f"{' or '.join(kinds)}, which is not granted"
                )
        real = self.resolve(fn, text, follow=follow)
        for kinds in need:
            if not inside(real, [r for kind in kinds for r in self.roots[kind]]):
                raise MLSecurityError(
                    f"{fn}: access to {quote_brief(text)} refused: it is outside the "
                    f"directories granted by {' or '.join(kinds)}"
                )
        return real

    def covers(self, real: str) -> bool:
        """True if some grant (of either kind) covers the real path ``real``."""
        return inside(real, self.roots["file.read"] + self.roots["file.write"])

    def is_root(self, real: str) -> bool:
        """True if ``real`` is one of the granted directories itself."""
        return real in self.roots["file.read"] or real in self.roots["file.write"]

    def not_root(self, fn: str, path: Any, real: str) -> None:
        """Refuse an operation that would delete, remove or move a granted directory."""
        if self.is_root(real):
            raise MLSecurityError(f"{fn}: {quote_brief(str(path))} is a granted directory itself")

    def charge(self, fn: str, size: int) -> None:
        """Count ``size`` more bytes written by this call, within ``max_string``."""
        state = current()
        if self.written + size > state.limits.max_string:
            raise state.limit_error("max_string", f"{fn}: bytes written by this call")
        self.written += size

    def new_entry(self, fn: str) -> None:
        """Count one more file or directory about to be created, within ``max_entries``."""
        state = current()
        if self.created >= state.limits.max_entries:
            raise state.limit_error("max_entries", f"{fn}: files and directories created by this call")
        self.created += 1


def sandbox(state: CallState | None = None) -> Sandbox:
    """The `Sandbox` of the running call (made on first use from its grants)."""
    state = state or current()
    box = state.extra.get(_STATE_KEY)
    if box is None:
        box = state.extra[_STATE_KEY] = Sandbox(state.capabilities)
    assert isinstance(box, Sandbox)
    return box


def need_grant(state: CallState, module: str, kinds: tuple[str, ...]) -> None:
    """Refuse to build ``module`` for a call that has none of the grants ``kinds``."""
    if not any(k in state.capabilities for k in kinds):
        raise MLSecurityError(f"import {module} needs the capability {' or '.join(kinds)}")


def need_path(fn: str, path: Any) -> str:
    """``path`` as a usable path text, else a `MLTypeError`/`MLValueError`."""
    if type(path) is not str:
        raise MLTypeError(f"{fn}() expects a path string, got {typeof(path)}")
    if not path:
        raise MLValueError(f"{fn}(): the path is empty")
    if "\x00" in path:
        raise MLValueError(f"{fn}(): the path contains a NUL character")
    if len(path) > _MAX_PATH:
        raise MLValueError(f"{fn}(): the path is longer than {_MAX_PATH} characters")
    return path


def need_encoding(fn: str, encoding: Any) -> str:
    """The codec name for ``encoding`` if it is one of the allowed text encodings."""
    if type(encoding) is not str:
        raise MLTypeError(f"{fn}() expects an encoding name, got {typeof(encoding)}")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = ""
    if name not in _ENCODINGS:
        raise MLValueError(f"{fn}(): unsupported encoding {quote_brief(encoding)}")
    return name


def check_deadline(state: CallState) -> None:
    """Stop the call if its deadline has passed or it was stopped (for long host loops)."""
    if state.stop is not None:
        raise state.stop
    if time.monotonic() > state.deadline:
        state.halt(MLTimeoutError(f"Execution timeout after {float(state.timeout)} seconds", limit="timeout"))


_OS_MESSAGES = {
    errno.ENOENT: "no such file or directory",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "not a directory",
    errno.EEXIST: "already exists",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOTEMPTY: "directory not empty",
    errno.EXDEV: "cannot move across file systems",
    errno.ENXIO: "not a regular file",
    errno.ENOSPC: "no space left on the device",
    errno.ENAMETOOLONG: "file name too long",
}


@contextmanager
def os_errors(fn: str, path: Any) -> Iterator[None]:
    """Turn the OS errors of the block into ML errors naming the ML ``path``."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise MLSecurityError(f"{fn}: {quote_brief(str(path))} leads through a symbolic link") from None
        what = _OS_MESSAGES.get(exc.errno or 0, exc.strerror or "input/output error")
        raise MLValueError(f"{fn}(): {what}: {quote_brief(str(path))}") from None


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_NOFOLLOW | _O_CLOEXEC


def _open_dir(name: str, fd: int) -> int:
    """Open directory ``name`` in directory ``fd`` without following a symlink (``ELOOP``)."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=fd)
    except NotADirectoryError:
        if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
            raise OSError(errno.ELOOP, "symbolic link in the path") from None
        raise


@contextmanager
def parent_fd(real: str) -> Iterator[tuple[int, str]]:
    """A file descriptor of the directory holding the resolved path ``real``, reached from
    ``/`` one component at a time without following any symlink, and ``real``'s last name.

    ``real`` came out of ``os.path.realpath``, so it has no symlinks when it was checked; if a
    concurrent call renames a directory and puts a symlink in its place before the operation,
    the walk fails (``ELOOP``/``ENOTDIR``) instead of following it out of the grant.
    """
    head, name = os.path.split(real)
    fd = os.open(os.sep, _DIR_FLAGS)
    try:
        for part in head.split(os.sep):
            if part:
                inner = _open_dir(part, fd)
                os.close(fd)
                fd = inner
        yield fd, name
    finally:
        os.close(fd)


def make_dirs(real: str, may_create: Callable[[str], bool], on_create: Callable[[], None]) -> None:
    """Create the directory ``real`` and its missing parents, walking as `parent_fd` does;
    only directories for which ``may_create(path)`` is true are created, each after
    ``on_create()`` (which counts it, and raises to refuse it)."""
    fd = os.open(os.sep, _DIR_FLAGS)
    try:
        here = ""
        for part in real.split(os.sep):
            if not part:
                continue
            here += os.sep + part
            if may_create(here) and not _exists_at(part, fd):
                on_create()
                try:
                    os.mkdir(part, 0o777, dir_fd=fd)
                except FileExistsError:
                    pass
            inner = _open_dir(part, fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


def _exists_at(name: str, dir_fd: int) -> bool:
    """True if ``name`` exists in the directory ``dir_fd`` (a symlink itself counts)."""
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def create_file(fn: str, box: Sandbox, real: str, flags: int) -> int:
    """Open ``real`` for writing with ``flags`` (which include ``O_CREAT``), counting the
    file against ``max_entries`` first if it does not exist yet."""
    if not os.path.lexists(real):
        box.new_entry(fn)
    return _open(real, flags)


def _open(real: str, flags: int) -> int:
    with parent_fd(real) as (parent, name):
        return os.open(name, flags | _O_NOFOLLOW | _O_CLOEXEC | _O_NONBLOCK, 0o666, dir_fd=parent)


def _regular(fn: str, path: Any, fd: int) -> os.stat_result:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise MLValueError(f"{fn}(): not a regular file: {quote_brief(str(path))}")
    return st


def read_raw(fn: str, path: Any, real: str, limit: int, limit_name: str = "max_string") -> bytes:
    """At most ``limit`` bytes of the regular file ``real`` (more is a `MLLimitError`)."""
    with os_errors(fn, path):
        fd = _open(real, os.O_RDONLY)
        _regular(fn, path, fd)
        with os.fdopen(fd, "rb") as f:
            data = f.read(limit + 1)
    if len(data) > limit:
        raise current().limit_error(limit_name, f"{fn}: file {quote_brief(str(path))}")
    if len(data) > FAST_SIZE:
        charge_alloc(2 * len(data), f"{fn}: file read")  # the bytes, then the text
    return data


def _decode(fn: str, path: Any, data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise MLValueError(f"{fn}(): {quote_brief(str(path))} is not valid {encoding} text") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(fn: str, path: Any, encoding: Any = "utf-8") -> str:
    """The text of the file ``path`` (needs ``file.read``), universal newlines."""
    codec = need_encoding(fn, encoding)
    real = sandbox().check(fn, path, READ)
    return _decode(fn, path, read_raw(fn, path, real, current().limits.max_string), codec)


def _encode(fn: str, text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        raise MLValueError(f"{fn}(): the text cannot be encoded as {encoding}") from None


def write_bytes(fn: str, path: Any, data: bytes, *, append: bool = False) -> None:
    """Write (or append) ``data`` to the file ``path`` (needs ``file.write``), within the
    call's write budget. Missing parent directories inside the grant are created."""
    box = sandbox()
    real = box.check(fn, path, WRITE)
    box.charge(fn, len(data))
    parent = os.path.dirname(real)
    with os_errors(fn, path):
        if box.covers(parent) and not os.path.isdir(parent):
            make_dirs(parent, lambda d: inside(d, box.roots["file.write"]), lambda: box.new_entry(fn))
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        fd = create_file(fn, box, real, flags)
        _regular(fn, path, fd)
        with os.fdopen(fd, "wb") as f:
            f.write(data)


def _need_text(fn: str, content: Any) -> str:
    if type(content) is not str:
        raise MLTypeError(f"{fn}() expects a string as content, got {typeof(content)}")
    return content


# -- the module functions ---------------------------------------------------------------------


def _read(path: Any, encoding: Any = "utf-8") -> str:
    return read_text("file.read", path, encoding)


def _read_bytes(path: Any) -> list[int]:
    real = sandbox().check("file.readBytes", path, READ)
    limits = current().limits
    if limits.max_array < limits.max_string:
        data = read_raw("file.readBytes", path, real, limits.max_array, "max_array")
    else:
        data = read_raw("file.readBytes", path, real, limits.max_string)
    return list(data)


def _read_lines(path: Any, encoding: Any = "utf-8") -> list[str]:
    lines = read_text("file.readLines", path, encoding).split("\n")
    if lines[-1] == "":
        lines.pop()
    check_array(len(lines))
    return lines


def _write(path: Any, content: Any, encoding: Any = "utf-8") -> None:
    codec = need_encoding("file.write", encoding)
    write_bytes("file.write", path, _encode("file.write", _need_text("file.write", content), codec))


def _append(path: Any, content: Any, encoding: Any = "utf-8") -> None:
    codec = need_encoding("file.append", encoding)
    data = _encode("file.append", _need_text("file.append", content), codec)
    write_bytes("file.append", path, data, append=True)


def _write_lines(path: Any, lines: Any, encoding: Any = "utf-8") -> None:
    codec = need_encoding("file.writeLines", encoding)
    if type(lines) is not list:
        raise MLTypeError(f"file.writeLines() expects an array of lines, got {typeof(lines)}")
    state = current()
    size = 0
    parts: list[str] = []
    for line in lines:
        text = line if type(line) is str else to_str(line)
        size += len(text) + 1
        if size > state.limits.max_string:
            raise state.limit_error("max_string", "file.writeLines: text")
        parts.append(text + "\n")
    write_bytes("file.writeLines", path, _encode("file.writeLines", "".join(parts), codec))


def _write_bytes(path: Any, data: Any) -> None:
    if type(data) is not list or not all(type(b) is int and 0 <= b <= 255 for b in data):
        raise MLTypeError("file.writeBytes() expects an array of integers from 0 to 255")
    write_bytes("file.writeBytes", path, bytes(data))


def _exists(path: Any) -> bool:
    real = sandbox().check("file.exists", path, ANY)
    return os.path.lexists(real)


def _is_file(path: Any) -> bool:
    real = sandbox().check("file.isFile", path, ANY)
    return os.path.isfile(real)


def _is_directory(path: Any) -> bool:
    real = sandbox().check("file.isDirectory", path, ANY)
    return os.path.isdir(real)


def _size(path: Any) -> int:
    real = sandbox().check("file.size", path, ANY)
    with os_errors("file.size", path):
        return os.stat(real).st_size


def _modified_time(path: Any) -> float:
    real = sandbox().check("file.modifiedTime", path, ANY)
    with os_errors("file.modifiedTime", path):
        return os.stat(real).st_mtime


def _delete(path: Any) -> bool:
    box = sandbox()
    real = box.check("file.delete", path, WRITE, follow=False)
    box.not_root("file.delete", path, real)
    if not os.path.lexists(real):
        return False
    if os.path.isdir(real) and not os.path.islink(real):
        raise MLValueError(f"file.delete(): {quote_brief(str(path))} is a directory (use path.removeDir)")
    with os_errors("file.delete", path), parent_fd(real) as (parent, name):
        os.remove(name, dir_fd=parent)
    return True


def _into_directory(fn: str, box: Sandbox, real: str, name: str, destination: Any) -> str:
    """``real/name`` when ``real`` is an existing directory (checked again), else ``real``."""
    if os.path.isdir(real):
        inner = os.path.join(real, name)
        if not inside(inner, box.roots["file.write"]):
            raise MLSecurityError(
                f"{fn}: access to {quote_brief(str(destination))} refused: it is outside the "
                "directories granted by file.write"
            )
        return inner
    return real


def _copy(source: Any, destination: Any) -> None:
    fn = "file.copy"
    box = sandbox()
    src = box.check(fn, source, READ)
    dst = box.check(fn, destination, WRITE)
    dst = _into_directory(fn, box, dst, os.path.basename(src), destination)
    if dst == src:
        raise MLValueError(f"{fn}(): source and destination are the same file")
    with os_errors(fn, source):
        fd_in = _open(src, os.O_RDONLY)
        _regular(fn, source, fd_in)
    with os.fdopen(fd_in, "rb") as f_in:
        with os_errors(fn, destination):
            fd_out = create_file(fn, box, dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            _regular(fn, destination, fd_out)
            with os.fdopen(fd_out, "wb") as f_out:
                while chunk := f_in.read(_CHUNK):
                    box.charge(fn, len(chunk))
                    f_out.write(chunk)


def _move(source: Any, destination: Any) -> None:
    fn = "file.move"
    box = sandbox()
    src = box.check(fn, source, READ_WRITE, follow=False)
    box.not_root(fn, source, src)
    if os.path.islink(src):
        raise MLSecurityError(f"{fn}: {quote_brief(str(source))} is a symbolic link, which cannot be moved")
    dst = box.check(fn, destination, WRITE, follow=False)
    if os.path.isdir(dst) and not os.path.islink(dst):
        dst = _into_directory(fn, box, dst, os.path.basename(src), destination)
    box.not_root(fn, destination, dst)
    if not os.path.lexists(src):
        raise MLValueError(f"{fn}(): no such file or directory: {quote_brief(str(source))}")
    with os_errors(fn, destination), parent_fd(src) as (src_dir, src_name):
        with parent_fd(dst) as (dst_dir, dst_name):
            os.rename(src_name, dst_name, src_dir_fd=src_dir, dst_dir_fd=dst_dir)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "read": _read,
    "readBytes": _read_bytes,
    "readLines": _read_lines,
    "write": _write,
    "writeBytes": _write_bytes,
    "writeLines": _write_lines,
    "append": _append,
    "exists": _exists,
    "delete": _delete,
    "copy": _copy,
    "move": _move,
    "size": _size,
    "modifiedTime": _modified_time,
    "isFile": _is_file,
    "isDirectory": _is_directory,
}

_MEMBERS = builtin_table("file", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``file`` module for one call that was granted ``file.read`` or ``file.write``.

    Raises:
        MLSecurityError: neither is granted.
    """
    need_grant(state, "file", ("file.read", "file.write"))
    sandbox(state)
    return Module("file", dict(_MEMBERS))
