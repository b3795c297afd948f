"""`COSTS`: the cost bound of every builtin, method and standard-module function (issue 12).

Layer 3 (runtime): imports only the standard library.

The rule (docs/security.md): no single operation may cost more than its limits allow. Each
callable a script can reach is listed here under the `Bound` that caps it: the limit checked
before it allocates, or the deadline checks inside it. tests/security/test_costs.py checks that
every builtin, method (of strings, arrays, objects and every opaque value) and module function
has exactly one entry, so a new function cannot be added without stating its bound, and that
docs/security.md shows the table `render_table` makes from this registry.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["COSTS", "Bound", "render_table"]


class Bound(Enum):
    """How an operation's time and memory are bounded. The value is the text of the docs."""

    SMALL = (
        "Constant work, or linear in arguments the size caps already bound, with a result no "
        "larger than its inputs plus a constant"
    )
    BUILDS = (
        "Builds a value larger than its inputs: the size of what it will build is checked "
        "against `max_string` / `max_array` (rows x columns against `max_visit`) before "
        "building, and bulk results are charged to `max_alloc`"
    )
    WALKS = (
        "Walks a structure (formatting, equality, copying, conversion, a search by `==`): bounded "
        "by `max_nesting` and `max_visit` (one budget for a whole search), text by `max_string`; "
        "the deadline is checked every 4096 values"
    )
    CALLS = (
        "Calls an ML function per element of a capped array: each call counts against "
        "`max_steps` and `max_depth`, and the deadline is checked at every chunk of steps"
    )
    PACED = (
        "Super-linear work (pairwise comparison, a sort with an ML order): checks the deadline "
        "as it goes, every 4096 units of work"
    )
    INTEGER = (
        "Integer arithmetic: a result's bits are checked against `max_int_bits` before it is "
        "computed; super-linear operations (division, gcd, square root, text) refuse operands "
        "above `max_int_bits`; text of an integer is capped by `max_int_digits`"
    )
    PARSE = (
        "Parses text already capped by `max_string`: nesting by `max_nesting`, containers by "
        "`max_array`, integers by `max_int_digits`/`max_int_bits`; the document is charged to "
        "`max_alloc` before (json) or while (csv, with deadline checks) it is built"
    )
    OUTPUT = "Writes captured output: the line is measured as it is built, against `max_output`"
    FILE = (
        "File system, inside the grants: a read returns at most `max_string` bytes (charged to "
        "`max_alloc`); one call writes at most `max_string` bytes and creates at most "
        "`max_entries` files and directories; listings are capped by `max_array` and walks "
        "check the deadline"
    )
    NETWORK = (
        "HTTP to granted hosts: the whole request, connect to last byte, ends by the call's "
        "deadline (0.1 s slices); the response body is at most `max_string` bytes (charged to "
        "`max_alloc`); a request body at most `max_result` characters"
    )
    REGEX = (
        "Regular expressions: each match runs under a timeout and never past the deadline; the "
        "pattern's compiled size is estimated and capped before compiling, the text searched "
        "is capped, results by `max_array` and `max_string`"
    )


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


S, B, W, C, P, I, PA, O, F, N, R = (  # noqa: E741 - one letter per bound keeps the table legible
    Bound.SMALL,
    Bound.BUILDS,
    Bound.WALKS,
    Bound.CALLS,
    Bound.PACED,
    Bound.INTEGER,
    Bound.PARSE,
    Bound.OUTPUT,
    Bound.FILE,
    Bound.NETWORK,
    Bound.REGEX,
)

#: owner ("builtins", "string methods", a module name, "<type> methods") → bound → names
_TABLE: dict[str, dict[Bound, str]] = {
    "builtins": {
        S: "typeof isinstance len range bool float chr ord callable iter next getattr hasattr call abs "
        "all any keys values min max progress",
        B: "enumerate zip reversed hex bin oct format",
        W: "str repr",
        C: "sorted",
        I: "int round sum",
        O: "print",
    },
    "string methods": {
        S: "upper lower title capitalize isdigit isalpha isalnum isspace islower isupper strip lstrip "
        "rstrip startswith endswith find rfind index count contains slice",
        B: "split join replace center ljust rjust padStart padEnd",
    },
    "array methods": {
        S: "append push pop insert clear reverse slice",
        W: "index count contains includes remove",
        B: "copy join",
        C: "sort map filter reduce find some every",
    },
    "object methods": {
        S: "keys values items get has set delete",
        B: "update copy",
    },
    "args": {S: "all script rest create_parser"},
    "parsed_args methods": {S: "has get get_bool flags options positionals"},
    "arg_parser methods": {S: "add_flag add_option add_positional parse help"},
    "collections": {
        S: "first get last length isEmpty is_empty take drop slice reverse removeAt remove_at append prepend",
        W: "contains indexOf index_of",
        B: "concat chunk flatten zip",
        C: "every filter find map reduce some sort",
        P: "sortBy unique",
    },
    "console": {O: "log info debug warn error"},
    "crypto": {
        S: "sha256 sha1 md5 hmac verify_hmac compare_hash uuid uuid_from_string random_int random_float",
        B: "random_bytes random_hex random_string",
    },
    "csv": {
        PA: "read_string read count_rows get_headers",
        B: "write_string",
        F: "write append",
    },
    "datetime": {
        S: "now today create createDate createTime createDelta createTimeZone parseISO fromTimestamp "
        "addBusinessDays businessDaysBetween calculateAge daysInMonth isLeapYear isWeekday isWeekend utc "
        "create_date create_time create_delta create_time_zone parse_iso from_timestamp "
        "add_business_days business_days_between calculate_age days_in_month is_leap_year is_weekday "
        "is_weekend",
    },
    "datetime methods": {
        S: "timestamp year month day hour minute second microsecond weekday addDays addHours addMinutes "
        "addSeconds startOfDay endOfDay startOfMonth endOfMonth startOfYear endOfYear isSameDay format "
        "toString toISOString date time diff add subtract isBefore isAfter isSame add_days add_hours "
        "add_minutes add_seconds start_of_day end_of_day start_of_month end_of_month start_of_year "
        "end_of_year is_same_day to_string to_iso_string is_before is_after is_same",
    },
    "date methods": {
        S: "year month day weekday isWeekend isWeekday toISOString toString addDays subtractDays diff "
        "format is_weekend is_weekday to_iso_string to_string add_days subtract_days",
    },
    "time methods": {
        S: "hour minute second microsecond toISOString toString format to_iso_string to_string",
    },
    "timedelta methods": {
        S: "days seconds totalSeconds totalMinutes totalHours totalDays add subtract multiply isNegative "
        "abs toString total_seconds total_minutes total_hours total_days is_negative to_string",
    },
    "env": {S: "get require has all set delete get_int get_float get_bool"},
    "file": {
        F: "read readBytes readLines write writeBytes writeLines append exists delete copy move size "
        "modifiedTime isFile isDirectory",
    },
    "functional": {
        S: "compose composeAll pipe pipeAll curry curry2 partial partial_apply constant identity cond "
        "ifElse juxt take drop chunk flatten reverse",
        B: "zip range repeat",
        C: "memoize map filter reduce find some every forEach for_each groupBy group_by partition "
        "takeWhile zipWith times",
        P: "unique",
    },
    "http": {
        N: "get head delete post put patch request",
        B: "encodeURI encodeQuery",
        S: "decodeURI parseQuery",
    },
    "json": {
        PA: "parse safeParse validate",
        W: "stringify prettyPrint",
        S: "get hasKey keys values isArray isObject isString isNumber isBoolean isNull",
        B: "merge",
    },
    "log": {O: "debug info warn error critical", S: "set_level"},
    "math": {
        S: "abs sin cos tan asin acos atan atan2 ln log log2 log10 exp floor ceil round trunc sign min "
        "max degrees radians degToRad radToDeg hypot isnan isinf clamp",
        I: "sqrt pow factorial gcd lcm",
    },
    "path": {
        S: "join dirname basename extname split absolute normalize relative isAbsolute cwd home tempDir "
        "separator delimiter",
        F: "exists isFile isDirectory listDir glob walk createDir removeDir removeDirRecursive",
    },
    "random": {
        S: "setSeed getSeed random randomInt randomFloat randomBool randomBoolWeighted randomNormal "
        "gaussian uniform triangular nextInt choice set_seed get_seed random_int random_float random_bool "
        "random_bool_weighted random_normal next_int",
        B: "sample shuffle randomIndices random_indices",
    },
    "regex": {
        R: "compile search match fullmatch findall finditer split sub subn test count isValid",
        S: "escape IGNORECASE MULTILINE DOTALL UNICODE VERBOSE ASCII",
    },
    "pattern methods": {
        R: "search match fullmatch findall finditer split sub subn test count",
        S: "getPattern getFlags toString",
    },
    "match methods": {
        S: "group groups groupDict start end span value lastGroup groupCount toString",
        B: "expand",
    },
    "string": {
        B: "repeat pad padLeft padRight",
        W: "format",
    },
}

#: "owner name" → its bound, for every callable a script can reach
COSTS: dict[str, Bound] = {
    f"{owner} {name}": bound
    for owner, bounds in _TABLE.items()
    for bound, names in bounds.items()
    for name in _names(names)
}


def render_table() -> str:
    """The Markdown table of docs/security.md: one row per owner and bound, then the legend."""
    lines = ["| where | bound | functions |", "|---|---|---|"]
    for owner, bounds in _TABLE.items():
        for bound, names in bounds.items():
            listed = ", ".join(f"`{n}`" for n in _names(names))
            lines.append(f"| {owner} | {bound.name} | {listed} |")
    lines += ["", "| bound | what caps it |", "|---|---|"]
    lines += [f"| {bound.name} | {bound.value} |" for bound in Bound]
    return "\n".join(lines) + "\n"
