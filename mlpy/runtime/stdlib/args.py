"""The ``args`` host-access module (LANGUAGE.md §6.2): the argument list the host provides.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime`.

Importing ``args`` needs the grant ``args``, whose value *is* the argument list, laid out like
``sys.argv``: ``{"args": ["report.ml", "--verbose", "input.csv"]}``. ``args.all()`` returns it,
``args.script()`` its first element and ``args.rest()`` the others. The host process's own
``sys.argv`` is never visible.

``args.create_parser(name, description)`` returns an opaque parser with the methods
``add_flag(name, short, help)``, ``add_option(name, short, help, default)``,
``add_positional(name, help, required?)``, ``parse(argv?)`` (default: ``args.rest()``) and
``help()``. ``parse`` returns an opaque result with ``has(name)``, ``get(name, default?)``,
``get_bool(name)``, ``flags()``, ``options()`` and ``positionals()``. Parsing follows the
reference library: ``--name`` and ``-n`` (short flags may be grouped, ``-vq``), an option
takes the next argument as its value, ``-h``/``--help`` set the flag ``help``, and an unknown
option, a missing option value or a missing required positional is a `MLValueError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from mlpy.errors import MLSecurityError, MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief, to_str
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.state import CallState, current
from mlpy.runtime.stdlib.collections import builtin_table
from mlpy.runtime.values import Module, Opaque, typeof

__all__ = ["ArgParser", "ParsedArgs", "create"]


def _argv() -> list[str]:
    return [a for a in current().capabilities.get("args", ()) if type(a) is str]


def _need_str(fn: str, value: Any, what: str) -> str:
    if type(value) is not str:
        raise MLTypeError(f"{fn}() expects a string as {what}, got {typeof(value)}")
    return value


def _need_short(fn: str, value: Any) -> str | None:
    if value is None:
        return None
    short = _need_str(fn, value, "short name")
    if len(short) != 1 or short in "-h":
        raise MLValueError(f"{fn}(): a short name is one character other than '-' and 'h'")
    return short


def _methods(owner: str, table: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    return {name: arity_checked(fn, f"{owner} method {name}()", receiver=True) for name, fn in table.items()}


class ParsedArgs(Opaque):
    """The result of ``parser.parse()``: flags, option values and positional values."""

    __slots__ = ("flag_values", "option_values", "positional_values")
    type_name: ClassVar[str] = "parsed_args"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self) -> None:
        self.flag_values: dict[str, bool] = {}
        self.option_values: dict[str, Any] = {}
        self.positional_values: dict[str, str] = {}

    def ml_str(self) -> str:
        return "<parsed_args>"


def _parsed_has(p: ParsedArgs, name: Any) -> bool:
    key = _need_str("has", name, "name")
    return key in p.flag_values or key in p.option_values or key in p.positional_values


def _parsed_get(p: ParsedArgs, name: Any, default: Any = None) -> Any:
    key = _need_str("get", name, "name")
    for table in (p.option_values, p.positional_values, p.flag_values):
        if key in table:
            return table[key]
    return default


def _parsed_get_bool(p: ParsedArgs, name: Any) -> bool:
    return p.flag_values.get(_need_str("get_bool", name, "name"), False)


ParsedArgs.ml_methods = _methods(
    "parsed_args",
    {
        "has": _parsed_has,
        "get": _parsed_get,
        "get_bool": _parsed_get_bool,
        "flags": lambda p: dict(p.flag_values),
        "options": lambda p: dict(p.option_values),
        "positionals": lambda p: list(p.positional_values.values()),
    },
)


class ArgParser(Opaque):
    """A command-line parser built by ``args.create_parser``."""

    __slots__ = ("name", "description", "flags", "options", "positionals")
    type_name: ClassVar[str] = "arg_parser"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, name: str, description: str) -> None:
        self.name = name
        self.description = description
        #: long name → (short name, help)
        self.flags: dict[str, tuple[str | None, str]] = {}
        #: long name → (short name, help, default)
        self.options: dict[str, tuple[str | None, str, Any]] = {}
        #: (name, help, required), in order
        self.positionals: list[tuple[str, str, bool]] = []

    def ml_str(self) -> str:
        return f"<arg_parser {self.name}>" if self.name else "<arg_parser>"

    def by_short(self, ch: str) -> tuple[str, str] | None:
        """("flag" or "option", long name) for the short name ``ch``."""
        for name, (short, _help) in self.flags.items():
            if short == ch:
                return ("flag", name)
        for name, (short, _help, _default) in self.options.items():
            if short == ch:
                return ("option", name)
        return None


def _add_flag(p: ArgParser, name: Any, short: Any, help_text: Any) -> None:
    fn = "add_flag"
    p.flags[_need_str(fn, name, "name")] = (_need_short(fn, short), _need_str(fn, help_text, "help"))


def _add_option(p: ArgParser, name: Any, short: Any, help_text: Any, default: Any = None) -> None:
    fn = "add_option"
    key = _need_str(fn, name, "name")
    p.options[key] = (_need_short(fn, short), _need_str(fn, help_text, "help"), default)


def _add_positional(p: ArgParser, name: Any, help_text: Any, required: Any = False) -> None:
    fn = "add_positional"
    p.positionals.append((_need_str(fn, name, "name"), _need_str(fn, help_text, "help"), bool(required)))


def _parse(p: ArgParser, argv: Any = None) -> ParsedArgs:
    if argv is None:
        argv = _argv()[1:]
    if type(argv) is not list or not all(type(a) is str for a in argv):
        raise MLTypeError("parse() expects an array of strings")
    result = ParsedArgs()
    values: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--") and len(arg) > 2:
            name = arg[2:]
            if name == "help":
                result.flag_values["help"] = True
            elif name in p.flags:
                result.flag_values[name] = True
            elif name in p.options:
                if i + 1 >= len(argv):
                    raise MLValueError(f"parse(): option --{name} needs a value")
                i += 1
                result.option_values[name] = argv[i]
            else:
                raise MLValueError(f"parse(): unknown option {quote_brief(arg)}")
        elif arg.startswith("-") and len(arg) > 1:
            for ch in arg[1:]:
                if ch == "h":
                    result.flag_values["help"] = True
                    continue
                found = p.by_short(ch)
                if found is None:
                    raise MLValueError(f"parse(): unknown option {quote_brief('-' + ch)}")
                kind, name = found
                if kind == "flag":
                    result.flag_values[name] = True
                else:
                    if i + 1 >= len(argv):
                        raise MLValueError(f"parse(): option -{ch} needs a value")
                    i += 1
                    result.option_values[name] = argv[i]
        else:
            values.append(arg)
        i += 1
    for name, (_short, _help, default) in p.options.items():
        if name not in result.option_values and default is not None:
            result.option_values[name] = default
    for index, (name, _help, required) in enumerate(p.positionals):
        if index < len(values):
            result.positional_values[name] = values[index]
        elif required:
            raise MLValueError(f"parse(): missing required argument {quote_brief(name)}")
    return result


def _help(p: ArgParser) -> str:
    lines: list[str] = [x for x in (p.name, p.description) if x]
    usage = "Usage: script.ml [options]" + "".join(
        f" <{name}>" if required else f" [{name}]" for name, _help, required in p.positionals
    )
    lines += ["", usage]
    if p.positionals:
        lines += ["", "Positional Arguments:"]
        for name, text, required in p.positionals:
            lines.append(f"  {name:<18} {text} {'(required)' if required else '(optional)'}")
    lines += ["", "Options:"]
    for name, (short, text) in p.flags.items():
        lead = f"-{short}, " if short else "    "
        lines.append(f"  {lead}--{name:<15} {text}")
    for name, (short, text, default) in p.options.items():
        lead = f"-{short}, " if short else "    "
        suffix = f" (default: {to_str(default)})" if default is not None else ""
        lines.append(f"  {lead}{'--' + name + ' VALUE':<17} {text}{suffix}")
    lines.append("  -h, --help          Show this help message")
    return "\n".join(lines)


ArgParser.ml_methods = _methods(
    "arg_parser",
    {
        "add_flag": _add_flag,
        "add_option": _add_option,
        "add_positional": _add_positional,
        "parse": _parse,
        "help": _help,
    },
)


# -- the module functions ---------------------------------------------------------------------


def _all() -> list[str]:
    return _argv()


def _script() -> str:
    argv = _argv()
    return argv[0] if argv else ""


def _rest() -> list[str]:
    return _argv()[1:]


def _create_parser(name: Any = "", description: Any = "") -> ArgParser:
    fn = "args.create_parser"
    return ArgParser(_need_str(fn, name, "name"), _need_str(fn, description, "description"))


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "all": _all,
    "script": _script,
    "rest": _rest,
    "create_parser": _create_parser,
}

_MEMBERS = builtin_table("args", _FUNCTIONS)


def create(state: CallState) -> Module:
    """The ``args`` module for a call granted ``args`` (the argument list itself).

    Raises:
        MLSecurityError: ``args`` is not granted.
    """
    if "args" not in state.capabilities:
        raise MLSecurityError("import args needs the capability args")
    return Module("args", dict(_MEMBERS))
