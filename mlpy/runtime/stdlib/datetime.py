"""The ML ``datetime`` module (LANGUAGE.md §6.1): dates, times and durations as opaque values.

Layer 3 (runtime): imports the standard library, `mlpy.errors` and `mlpy.runtime.*`.

Four opaque types, each exposing only its listed methods: ``datetime`` (a date and time),
``date``, ``time`` and ``timedelta``. ``typeof`` gives those names; ``str()`` gives ISO 8601
text (``2024-01-15T10:30:00``), which is also what the host receives for a date, a time or a
datetime in the result (a timedelta is returned as its total seconds). Two values of the same
type compare equal with ``==`` when they denote the same instant, day, time or duration.

Every function and method that the reference library names in camelCase also has its
snake_case alias (``addDays``/``add_days``, ``parseISO``/``parse_iso``...).

Choices where the reference differs or is silent:

* Times carry no time zone and are read as UTC, so results never depend on the host's
  zone: ``now()`` and ``today()`` are UTC, ``fromTimestamp(0)`` is ``1970-01-01T00:00:00``,
  ``timestamp()`` counts seconds from that instant, and ``parseISO`` converts a text with an
  offset (``2024-01-01T10:00:00+02:00``) to UTC. ``now(tz)`` with ``datetime.utc()`` is UTC,
  and with an object from ``createTimeZone(hours, minutes)`` is the wall time at that offset.
* Every date must lie in the years 1 to 9999: arithmetic that leaves them (``addDays(1e9)``)
  and invalid components (``create(2024, 13, 1)``) are `MLValueError`, never a Python
  ``OverflowError``. ``daysInMonth`` of an invalid month raises (the reference returns 0).
* ``addBusinessDays`` and ``businessDaysBetween`` are computed arithmetically (the reference
  walks day by day), with the same results: the count is inclusive of both ends.
* ``format(pattern)`` accepts the strftime directives ``%a %A %b %B %d %f %H %I %j %m %M %p
  %S %U %w %W %y %Y %G %u %V %%`` only, in a pattern of at most 200 characters.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, TypeVar

from mlpy.errors import MLTypeError, MLValueError
from mlpy.runtime.format import quote_brief
from mlpy.runtime.methods import arity_checked
from mlpy.runtime.state import CallState
from mlpy.runtime.values import Builtin, Module, Opaque, typeof

__all__ = ["Date", "DateTime", "Time", "TimeDelta", "create"]

_EPOCH = datetime(1970, 1, 1)
_RANGE = "the result is outside the years 1 to 9999"
_DURATION_RANGE = "the duration is too long (at most 999999999 days either way)"
_FORMAT_MAX = 200
_DIRECTIVE = re.compile(r"%(.?)", re.DOTALL)
_ALLOWED_DIRECTIVES = frozenset("aAbBdfHIjmMpSUwWyYGuV%")
_ISO_MAX = 64

T = TypeVar("T")


# -- argument helpers ----------------------------------------------------------------------


def _int(label: str, value: Any) -> int:
    if type(value) is int or type(value) is bool:
        return int(value)
    raise MLTypeError(f"{label}: expects an integer, got {typeof(value)}")


def _number(label: str, value: Any) -> int | float:
    if type(value) is int or type(value) is float:
        return value
    if type(value) is bool:
        return int(value)
    raise MLTypeError(f"{label}: expects a number, got {typeof(value)}")


def _guard(label: str, make: Callable[[], T], out_of_range: str = _RANGE) -> T:
    """``make()``, with Python's range and value errors turned into `MLValueError`."""
    try:
        return make()
    except OverflowError:
        raise MLValueError(f"{label}: {out_of_range}") from None
    except ValueError as e:
        raise MLValueError(f"{label}: {e}") from None


def _delta(label: str, **parts: Any) -> timedelta:
    """A timedelta from ML numbers (``days=1.5``), range-checked."""
    values = {k: _number(label, v) for k, v in parts.items()}
    for v in values.values():
        if type(v) is float and v != v:
            raise MLValueError(f"{label}: NaN is not a duration")
    return _guard(label, lambda: timedelta(**values), _DURATION_RANGE)


def _plain(label: str, what: str, value: Any) -> datetime | date:
    """The Python value of a datetime or date argument."""
    if type(value) is DateTime:
        return value._dt
    if type(value) is Date:
        return value._d
    raise MLTypeError(f"{label}: expects a {what}, got {typeof(value)}")


def _day(label: str, value: Any) -> date:
    v = _plain(label, "datetime or date", value)
    return v.date() if type(v) is datetime else v


def _same(label: str, receiver: Any, other: Any) -> Any:
    if type(other) is not type(receiver):
        raise MLTypeError(f"{label}: expects a {receiver.type_name}, got {typeof(other)}")
    return other


def _wrap(value: datetime | date) -> DateTime | Date:
    return DateTime(value) if isinstance(value, datetime) else Date(value)


def _format(label: str, value: datetime | date | time, pattern: Any) -> str:
    if type(pattern) is not str:
        raise MLTypeError(f"{label}: expects a format string, got {typeof(pattern)}")
    if len(pattern) > _FORMAT_MAX:
        raise MLValueError(f"{label}: the format is longer than {_FORMAT_MAX} characters")
    for m in _DIRECTIVE.finditer(pattern):
        if m.group(1) not in _ALLOWED_DIRECTIVES:
            raise MLValueError(f"{label}: unsupported format directive {quote_brief(m.group(0))}")
    return _guard(label, lambda: value.strftime(pattern))


def _snake(name: str) -> str:
    """``toISOString`` → ``to_iso_string``, ``addDays`` → ``add_days``."""
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _with_aliases(table: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    out = dict(table)
    for name, fn in table.items():
        out.setdefault(_snake(name), fn)
    return out


def _methods(owner: str, table: dict[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    return {
        name: arity_checked(fn, f"{owner} method {name}()", receiver=True)
        for name, fn in _with_aliases(table).items()
    }


# -- the opaque types ----------------------------------------------------------------------


class DateTime(Opaque):
    """A date and time of day (UTC, no zone)."""

    __slots__ = ("_dt",)
    type_name: ClassVar[str] = "datetime"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, value: datetime) -> None:
        self._dt = value

    def ml_str(self) -> str:
        return self._dt.isoformat()

    def ml_to_python(self) -> Any:
        return self._dt.isoformat()

    def __eq__(self, other: object) -> bool:
        return type(other) is DateTime and other._dt == self._dt

    def __hash__(self) -> int:
        return hash(self._dt)


class Date(Opaque):
    """A calendar day."""

    __slots__ = ("_d",)
    type_name: ClassVar[str] = "date"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, value: date) -> None:
        self._d = value

    def ml_str(self) -> str:
        return self._d.isoformat()

    def ml_to_python(self) -> Any:
        return self._d.isoformat()

    def __eq__(self, other: object) -> bool:
        return type(other) is Date and other._d == self._d

    def __hash__(self) -> int:
        return hash(self._d)


class Time(Opaque):
    """A time of day."""

    __slots__ = ("_t",)
    type_name: ClassVar[str] = "time"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, value: time) -> None:
        self._t = value

    def ml_str(self) -> str:
        return self._t.isoformat()

    def ml_to_python(self) -> Any:
        return self._t.isoformat()

    def __eq__(self, other: object) -> bool:
        return type(other) is Time and other._t == self._t

    def __hash__(self) -> int:
        return hash(self._t)


class TimeDelta(Opaque):
    """A duration, positive or negative."""

    __slots__ = ("_td",)
    type_name: ClassVar[str] = "timedelta"
    ml_methods: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init__(self, value: timedelta) -> None:
        self._td = value

    def ml_str(self) -> str:
        return str(self._td)

    def ml_to_python(self) -> Any:
        return self._td.total_seconds()

    def __eq__(self, other: object) -> bool:
        return type(other) is TimeDelta and other._td == self._td

    def __hash__(self) -> int:
        return hash(self._td)


# -- datetime methods ----------------------------------------------------------------------


def _dt_shift(unit: str) -> Callable[[DateTime, Any], DateTime]:
    label = f"datetime.add{unit.capitalize()}"

    def method(d: DateTime, amount: Any) -> DateTime:
        step = _delta(label, **{unit: amount})
        return DateTime(_guard(label, lambda: d._dt + step))

    return method


def _dt_replace(label: str, **parts: int) -> Callable[[DateTime], DateTime]:
    def method(d: DateTime) -> DateTime:
        return DateTime(_guard(label, lambda: d._dt.replace(**parts)))  # type: ignore[arg-type]

    return method


def _dt_end_of_month(d: DateTime) -> DateTime:
    last = calendar.monthrange(d._dt.year, d._dt.month)[1]
    return DateTime(d._dt.replace(day=last, hour=23, minute=59, second=59, microsecond=999999))


def _dt_is_same_day(d: DateTime, other: Any) -> bool:
    return d._dt.date() == _day("datetime.isSameDay", other)


def _dt_diff(d: DateTime, other: Any) -> TimeDelta:
    return TimeDelta(d._dt - _same("datetime.diff", d, other)._dt)  # always in range: |diff| < 10000 years


def _need_delta(label: str, value: Any) -> timedelta:
    if type(value) is not TimeDelta:
        raise MLTypeError(f"{label}: expects a timedelta, got {typeof(value)}")
    return value._td


def _dt_add(d: DateTime, delta: Any) -> DateTime:
    step = _need_delta("datetime.add", delta)
    return DateTime(_guard("datetime.add", lambda: d._dt + step))


def _dt_subtract(d: DateTime, delta: Any) -> DateTime:
    step = _need_delta("datetime.subtract", delta)
    return DateTime(_guard("datetime.subtract", lambda: d._dt - step))


def _dt_compare(name: str, test: Callable[[datetime, datetime], bool]) -> Callable[[DateTime, Any], bool]:
    label = f"datetime.{name}"

    def method(d: DateTime, other: Any) -> bool:
        return test(d._dt, _same(label, d, other)._dt)

    return method


DateTime.ml_methods = _methods(
    "datetime",
    {
        "timestamp": lambda d: (d._dt - _EPOCH).total_seconds(),
        "year": lambda d: d._dt.year,
        "month": lambda d: d._dt.month,
        "day": lambda d: d._dt.day,
        "hour": lambda d: d._dt.hour,
        "minute": lambda d: d._dt.minute,
        "second": lambda d: d._dt.second,
        "microsecond": lambda d: d._dt.microsecond,
        "weekday": lambda d: d._dt.weekday(),
        "addDays": _dt_shift("days"),
        "addHours": _dt_shift("hours"),
        "addMinutes": _dt_shift("minutes"),
        "addSeconds": _dt_shift("seconds"),
        "startOfDay": _dt_replace("datetime.startOfDay", hour=0, minute=0, second=0, microsecond=0),
        "endOfDay": _dt_replace("datetime.endOfDay", hour=23, minute=59, second=59, microsecond=999999),
        "startOfMonth": _dt_replace(
            "datetime.startOfMonth", day=1, hour=0, minute=0, second=0, microsecond=0
        ),
        "endOfMonth": _dt_end_of_month,
        "startOfYear": _dt_replace(
            "datetime.startOfYear", month=1, day=1, hour=0, minute=0, second=0, microsecond=0
        ),
        "endOfYear": _dt_replace(
            "datetime.endOfYear", month=12, day=31, hour=23, minute=59, second=59, microsecond=999999
        ),
        "isSameDay": _dt_is_same_day,
        "format": lambda d, pattern="%Y-%m-%d %H:%M:%S": _format("datetime.format", d._dt, pattern),
        "toString": lambda d: d._dt.isoformat(),
        "toISOString": lambda d: d._dt.isoformat(),
        "date": lambda d: Date(d._dt.date()),
        "time": lambda d: Time(d._dt.time()),
        "diff": _dt_diff,
        "add": _dt_add,
        "subtract": _dt_subtract,
        "isBefore": _dt_compare("isBefore", lambda a, b: a < b),
        "isAfter": _dt_compare("isAfter", lambda a, b: a > b),
        "isSame": _dt_compare("isSame", lambda a, b: a == b),
    },
)


# -- date, time and timedelta methods ------------------------------------------------------


def _date_shift(sign: int, label: str) -> Callable[[Date, Any], Date]:
    def method(d: Date, days: Any) -> Date:
        step = _delta(label, days=days)
        return Date(_guard(label, lambda: d._d + step * sign))

    return method


Date.ml_methods = _methods(
    "date",
    {
        "year": lambda d: d._d.year,
        "month": lambda d: d._d.month,
        "day": lambda d: d._d.day,
        "weekday": lambda d: d._d.weekday(),
        "isWeekend": lambda d: d._d.weekday() >= 5,
        "isWeekday": lambda d: d._d.weekday() < 5,
        "toISOString": lambda d: d._d.isoformat(),
        "toString": lambda d: d._d.isoformat(),
        "addDays": _date_shift(1, "date.addDays"),
        "subtractDays": _date_shift(-1, "date.subtractDays"),
        "diff": lambda d, other: (d._d - _same("date.diff", d, other)._d).days,
        "format": lambda d, pattern="%Y-%m-%d": _format("date.format", d._d, pattern),
    },
)

Time.ml_methods = _methods(
    "time",
    {
        "hour": lambda t: t._t.hour,
        "minute": lambda t: t._t.minute,
        "second": lambda t: t._t.second,
        "microsecond": lambda t: t._t.microsecond,
        "toISOString": lambda t: t._t.isoformat(),
        "toString": lambda t: t._t.isoformat(),
        "format": lambda t, pattern="%H:%M:%S": _format("time.format", t._t, pattern),
    },
)


def _td_combine(name: str, sign: int) -> Callable[[TimeDelta, Any], TimeDelta]:
    label = f"timedelta.{name}"

    def method(d: TimeDelta, other: Any) -> TimeDelta:
        o = _same(label, d, other)._td
        return TimeDelta(_guard(label, lambda: d._td + o * sign, _DURATION_RANGE))

    return method


def _td_multiply(d: TimeDelta, factor: Any) -> TimeDelta:
    f = _number("timedelta.multiply", factor)
    if type(f) is float and f != f:
        raise MLValueError("timedelta.multiply: cannot multiply by NaN")
    return TimeDelta(_guard("timedelta.multiply", lambda: d._td * f, _DURATION_RANGE))


TimeDelta.ml_methods = _methods(
    "timedelta",
    {
        "days": lambda d: d._td.days,
        "seconds": lambda d: d._td.seconds,
        "totalSeconds": lambda d: d._td.total_seconds(),
        "totalMinutes": lambda d: d._td.total_seconds() / 60.0,
        "totalHours": lambda d: d._td.total_seconds() / 3600.0,
        "totalDays": lambda d: d._td.total_seconds() / 86400.0,
        "add": _td_combine("add", 1),
        "subtract": _td_combine("subtract", -1),
        "multiply": _td_multiply,
        "isNegative": lambda d: d._td < timedelta(0),
        "abs": lambda d: TimeDelta(abs(d._td)),
        "toString": lambda d: str(d._td),
    },
)


# -- module functions ----------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _offset(label: str, tz: Any) -> timedelta:
    """The UTC offset a ``now(tz)`` argument stands for."""
    if tz is None or (type(tz) is str and tz.upper() == "UTC"):
        return timedelta(0)
    if type(tz) is dict:
        hours = _int(label, tz.get("hours", 0))
        minutes = _int(label, tz.get("minutes", 0))
        return _zone_offset(label, hours, minutes)
    raise MLTypeError(f"{label}: expects datetime.utc() or a time zone from createTimeZone, got {typeof(tz)}")


def _zone_offset(label: str, hours: int, minutes: int) -> timedelta:
    if not -23 <= hours <= 23 or not 0 <= minutes <= 59:
        raise MLValueError(f"{label}: a UTC offset is at most 23 hours and 59 minutes")
    sign = -1 if hours < 0 else 1
    return timedelta(hours=hours, minutes=sign * minutes)


def _now(tz: Any = None) -> DateTime:
    return DateTime(_utc_now() + _offset("datetime.now", tz))


def _today() -> Date:
    return Date(_utc_now().date())


def _create(year: Any, month: Any, day: Any, hour: Any = 0, minute: Any = 0, second: Any = 0) -> DateTime:
    y, mo, d, h, mi, s = (_int("datetime.create", v) for v in (year, month, day, hour, minute, second))
    return DateTime(_guard("datetime.create", lambda: datetime(y, mo, d, h, mi, s)))


def _create_date(year: Any, month: Any, day: Any) -> Date:
    y, m, d = (_int("datetime.createDate", v) for v in (year, month, day))
    return Date(_guard("datetime.createDate", lambda: date(y, m, d)))


def _create_time(hour: Any = 0, minute: Any = 0, second: Any = 0, microsecond: Any = 0) -> Time:
    h, m, s, us = (_int("datetime.createTime", v) for v in (hour, minute, second, microsecond))
    return Time(_guard("datetime.createTime", lambda: time(h, m, s, us)))


def _create_delta(days: Any = 0, hours: Any = 0, minutes: Any = 0, seconds: Any = 0) -> TimeDelta:
    return TimeDelta(_delta("datetime.createDelta", days=days, hours=hours, minutes=minutes, seconds=seconds))


def _create_time_zone(hours: Any, minutes: Any = 0, name: Any = "") -> dict[str, Any]:
    label = "datetime.createTimeZone"
    h = _int(label, hours)
    m = _int(label, minutes)
    _zone_offset(label, h, m)
    if type(name) is not str:
        raise MLTypeError(f"{label}: the name must be a string, got {typeof(name)}")
    return {"hours": h, "minutes": m, "name": name or f"UTC{h:+d}:{m:02d}"}


def _parse_iso(text: Any) -> DateTime:
    label = "datetime.parseISO"
    if type(text) is not str:
        raise MLTypeError(f"{label}: expects a string, got {typeof(text)}")
    if len(text) > _ISO_MAX:
        raise MLValueError(f"{label}: {quote_brief(text)} is not an ISO 8601 date")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise MLValueError(f"{label}: {quote_brief(text)} is not an ISO 8601 date") from None
    if value.tzinfo is not None:
        aware = value
        value = _guard(label, lambda: aware.astimezone(UTC).replace(tzinfo=None))
    return DateTime(value)


def _from_timestamp(seconds: Any) -> DateTime:
    step = _delta("datetime.fromTimestamp", seconds=seconds)
    return DateTime(_guard("datetime.fromTimestamp", lambda: _EPOCH + step))


def _add_business_days(value: Any, days: Any) -> DateTime | Date:
    label = "datetime.addBusinessDays"
    start = _plain(label, "datetime or date", value)
    n = _int(label, days)
    if n == 0:
        return _wrap(start)
    step = timedelta(days=1 if n > 0 else -1)
    weeks, rest = divmod(abs(n) - 1, 5)
    rest += 1  # 1..5 business days walked one by one, then whole weeks added at once

    def walk() -> datetime | date:
        current = start
        left = rest
        while left:
            current = current + step
            if current.weekday() < 5:
                left -= 1
        return current + step * (7 * weeks)

    return _wrap(_guard(label, walk))


def _business_days_between(start: Any, end: Any) -> int:
    label = "datetime.businessDaysBetween"
    first = _day(label, start)
    last = _day(label, end)
    if first > last:
        first, last = last, first
    weeks, extra = divmod((last - first).days + 1, 7)
    weekday = first.weekday()
    return weeks * 5 + sum(1 for i in range(extra) if (weekday + i) % 7 < 5)


def _calculate_age(birth: Any, today: Any = None) -> int:
    label = "datetime.calculateAge"
    born = _day(label, birth)
    now = _utc_now().date() if today is None else _day(label, today)
    age = now.year - born.year
    if (now.month, now.day) < (born.month, born.day):
        age -= 1
    return age


def _days_in_month(year: Any, month: Any) -> int:
    label = "datetime.daysInMonth"
    y = _int(label, year)
    m = _int(label, month)
    if not 1 <= y <= 9999 or not 1 <= m <= 12:
        raise MLValueError(f"{label}: no such month ({y}-{m})")
    return calendar.monthrange(y, m)[1]


def _is_leap_year(year: Any) -> bool:
    return calendar.isleap(_int("datetime.isLeapYear", year))


def _is_weekday(value: Any) -> bool:
    return _day("datetime.isWeekday", value).weekday() < 5


def _is_weekend(value: Any) -> bool:
    return _day("datetime.isWeekend", value).weekday() >= 5


_FUNCTIONS: dict[str, Callable[..., Any]] = _with_aliases(
    {
        "now": _now,
        "today": _today,
        "create": _create,
        "createDate": _create_date,
        "createTime": _create_time,
        "createDelta": _create_delta,
        "createTimeZone": _create_time_zone,
        "parseISO": _parse_iso,
        "fromTimestamp": _from_timestamp,
        "addBusinessDays": _add_business_days,
        "businessDaysBetween": _business_days_between,
        "calculateAge": _calculate_age,
        "daysInMonth": _days_in_month,
        "isLeapYear": _is_leap_year,
        "isWeekday": _is_weekday,
        "isWeekend": _is_weekend,
        "utc": lambda: "UTC",
    }
)

_MEMBERS: dict[str, Builtin] = {
    name: Builtin(arity_checked(fn, f"datetime.{name}()"), f"datetime.{name}")
    for name, fn in _FUNCTIONS.items()
}


def create(state: CallState) -> Module:
    """The ``datetime`` module for one call."""
    return Module("datetime", dict(_MEMBERS))
