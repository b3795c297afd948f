"""The ``datetime`` module (LANGUAGE.md §6.1): results, snake_case aliases, opaque values, range errors."""

from __future__ import annotations

import datetime as pydt
import time
from typing import Any

import pytest

import mlpy
from mlpy import Limits
from mlpy.runtime.state import CallState
from mlpy.runtime.stdlib import datetime as dt_module
from mlpy.runtime.stdlib import load

SPEC = (
    "now today create createDate createTime createDelta createTimeZone parseISO fromTimestamp "
    "addBusinessDays businessDaysBetween calculateAge daysInMonth isLeapYear isWeekday isWeekend utc"
)
SNAKE = (
    "create_date create_time create_delta create_time_zone parse_iso from_timestamp add_business_days "
    "business_days_between calculate_age days_in_month is_leap_year is_weekday is_weekend"
)
DATETIME_METHODS = (
    "timestamp year month day hour minute second microsecond weekday addDays addHours addMinutes addSeconds "
    "startOfDay endOfDay startOfMonth endOfMonth startOfYear endOfYear isSameDay format toString "
    "toISOString date time diff add subtract isBefore isAfter isSame add_days add_hours add_minutes "
    "add_seconds start_of_day end_of_day start_of_month end_of_month start_of_year end_of_year "
    "is_same_day to_string to_iso_string is_before is_after is_same"
)


def value(expr: str, context: dict[str, Any] | None = None, **kw: Any) -> Any:
    r = mlpy.run(
        f"import datetime;\nd = datetime.create(2024, 1, 15, 10, 30, 45);\nresult = {expr};", context, **kw
    )
    assert r.success, r.error
    return r.value


def failure(code: str, **kw: Any) -> mlpy.MLResult:
    r = mlpy.run("import datetime;\n" + code, **kw)
    assert not r.success, r.value
    return r


def test_every_spec_name_and_alias_is_a_member() -> None:
    members = set(load("datetime", CallState(Limits())).members)
    assert set(SPEC.split()) <= members
    assert set(SNAKE.split()) <= members
    assert set(DATETIME_METHODS.split()) <= set(dt_module.DateTime.ml_methods)
    for table in (dt_module.DateTime, dt_module.Date, dt_module.Time, dt_module.TimeDelta):
        for name in table.ml_methods:
            if name != name.lower():
                assert dt_module._snake(name) in table.ml_methods, name


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("str(d)", "2024-01-15T10:30:45"),
        ("typeof(d)", "datetime"),
        (
            "[d.year(), d.month(), d.day(), d.hour(), d.minute(), d.second(), d.weekday()]",
            [2024, 1, 15, 10, 30, 45, 0],
        ),
        ("d.timestamp()", 1705314645.0),
        ("d.toISOString()", "2024-01-15T10:30:45"),
        ("d.toString()", "2024-01-15T10:30:45"),
        ("d.to_iso_string()", "2024-01-15T10:30:45"),
        ("str(d.addDays(20))", "2024-02-04T10:30:45"),
        ("str(d.add_days(-15))", "2023-12-31T10:30:45"),
        ("str(d.addDays(0.5))", "2024-01-15T22:30:45"),
        ("str(d.addHours(14))", "2024-01-16T00:30:45"),
        ("str(d.addMinutes(-31))", "2024-01-15T09:59:45"),
        ("str(d.addSeconds(15))", "2024-01-15T10:31:00"),
        ("str(d.startOfDay())", "2024-01-15T00:00:00"),
        ("str(d.endOfDay())", "2024-01-15T23:59:59.999999"),
        ("str(d.startOfMonth())", "2024-01-01T00:00:00"),
        ("str(datetime.create(2024, 2, 10).endOfMonth())", "2024-02-29T23:59:59.999999"),
        ("str(d.startOfYear())", "2024-01-01T00:00:00"),
        ("str(d.end_of_year())", "2024-12-31T23:59:59.999999"),
        ("d.isSameDay(datetime.create(2024, 1, 15))", True),
        ("d.isSameDay(datetime.createDate(2024, 1, 16))", False),
        ("d.format()", "2024-01-15 10:30:45"),
        ('d.format("%d/%m/%Y %I:%M %p, %A %B %j")', "15/01/2024 10:30 AM, Monday January 015"),
        ("str(d.date())", "2024-01-15"),
        ("str(d.time())", "10:30:45"),
        ("d.diff(datetime.create(2024, 1, 15)).totalSeconds()", 37845.0),
        ("str(d.add(datetime.createDelta(1, 2)))", "2024-01-16T12:30:45"),
        ("str(d.subtract(datetime.createDelta(0, 0, 30)))", "2024-01-15T10:00:45"),
        ("d.isBefore(datetime.create(2025, 1, 1))", True),
        ("d.isAfter(datetime.create(2025, 1, 1))", False),
        ("d.isSame(datetime.create(2024, 1, 15, 10, 30, 45))", True),
        ("d == datetime.create(2024, 1, 15, 10, 30, 45)", True),
        ("d == datetime.create(2024, 1, 15)", False),
        ('d == "2024-01-15T10:30:45"', False),
        # dates
        ("typeof(datetime.createDate(2024, 3, 1))", "date"),
        ("str(datetime.createDate(2024, 3, 1).addDays(-1))", "2024-02-29"),
        ("str(datetime.createDate(2024, 3, 1).subtractDays(1))", "2024-02-29"),
        ("datetime.createDate(2024, 3, 1).diff(datetime.createDate(2024, 1, 1))", 60),
        ("datetime.createDate(2024, 1, 13).isWeekend()", True),
        ("datetime.createDate(2024, 1, 13).is_weekday()", False),
        ("datetime.create_date(2024, 1, 13).weekday()", 5),
        ("datetime.createDate(2024, 1, 13).toISOString()", "2024-01-13"),
        ('datetime.createDate(2024, 1, 13).format("%d.%m.%y")', "13.01.24"),
        ("[datetime.createDate(2024, 1, 13).year(), datetime.createDate(2024, 1, 13).month()]", [2024, 1]),
        # times
        ("str(datetime.createTime(9, 5))", "09:05:00"),
        ("typeof(datetime.createTime())", "time"),
        (
            "[datetime.createTime(9, 5, 7).hour(), datetime.createTime(9, 5, 7).minute(), "
            "datetime.createTime(9, 5, 7).second()]",
            [9, 5, 7],
        ),
        ("datetime.createTime(9, 5, 7, 250).microsecond()", 250),
        # deltas
        ("typeof(datetime.createDelta(1))", "timedelta"),
        ("str(datetime.createDelta(1, 2, 3, 4))", "1 day, 2:03:04"),
        ("datetime.createDelta(0, 36).days()", 1),
        ("datetime.createDelta(0, 36).seconds()", 43200),
        ("datetime.createDelta(0, 1).totalMinutes()", 60.0),
        ("datetime.createDelta(0, 12).totalDays()", 0.5),
        ("datetime.createDelta(2).totalHours()", 48.0),
        ("datetime.createDelta(1).add(datetime.createDelta(0, 12)).totalHours()", 36.0),
        ("datetime.createDelta(1).subtract(datetime.createDelta(2)).isNegative()", True),
        ("datetime.createDelta(-1).abs().totalDays()", 1.0),
        ("datetime.createDelta(1).multiply(1.5).totalHours()", 36.0),
        ("datetime.createDelta(1).total_seconds()", 86400.0),
        # module functions
        ('str(datetime.parseISO("2025-10-05T14:30:00"))', "2025-10-05T14:30:00"),
        ('str(datetime.parseISO("2024-01-01T10:00:00+02:00"))', "2024-01-01T08:00:00"),
        ('str(datetime.parse_iso("2024-01-01T10:00:00Z"))', "2024-01-01T10:00:00"),
        ('str(datetime.parseISO("2024-01-01"))', "2024-01-01T00:00:00"),
        ("str(datetime.fromTimestamp(0))", "1970-01-01T00:00:00"),
        ("str(datetime.from_timestamp(1705314645))", "2024-01-15T10:30:45"),
        ("datetime.fromTimestamp(d.timestamp()) == d", True),
        ("str(datetime.addBusinessDays(datetime.createDate(2024, 1, 5), 1))", "2024-01-08"),
        ("str(datetime.addBusinessDays(datetime.createDate(2024, 1, 6), 5))", "2024-01-12"),
        ("str(datetime.addBusinessDays(datetime.create(2024, 1, 8, 9), -1))", "2024-01-05T09:00:00"),
        ("str(datetime.add_business_days(datetime.createDate(2024, 1, 1), 0))", "2024-01-01"),
        (
            "datetime.businessDaysBetween(datetime.createDate(2024, 1, 1), datetime.createDate(2024, 1, 31))",
            23,
        ),
        ("datetime.businessDaysBetween(datetime.createDate(2024, 1, 7), datetime.createDate(2024, 1, 6))", 0),
        ("datetime.business_days_between(d, d)", 1),
        ("datetime.calculateAge(datetime.createDate(1990, 6, 15), datetime.createDate(2024, 6, 14))", 33),
        ("datetime.calculate_age(datetime.create(1990, 6, 15), datetime.create(2024, 6, 15))", 34),
        ("datetime.calculateAge(datetime.createDate(2000, 1, 1)) >= 24", True),
        ("datetime.daysInMonth(2024, 2)", 29),
        ("datetime.days_in_month(2023, 2)", 28),
        (
            "[datetime.isLeapYear(2000), datetime.isLeapYear(1900), datetime.is_leap_year(2024)]",
            [True, False, True],
        ),
        (
            "[datetime.isWeekday(d), datetime.isWeekend(d), "
            "datetime.is_weekend(datetime.createDate(2024, 1, 14))]",
            [True, False, True],
        ),
        ("datetime.utc()", "UTC"),
        ('datetime.createTimeZone(9, 0, "JST")', {"hours": 9, "minutes": 0, "name": "JST"}),
        ("datetime.create_time_zone(-5, 30)", {"hours": -5, "minutes": 30, "name": "UTC-5:30"}),
        ("typeof(datetime.now())", "datetime"),
        ("typeof(datetime.today())", "date"),
    ],
)
def test_results(expr: str, expected: Any) -> None:
    assert value(expr) == expected


def test_business_day_helpers_match_walking_day_by_day() -> None:
    start = pydt.date(2024, 1, 1)
    for offset in range(7):
        first = start + pydt.timedelta(days=offset)
        for n in (-11, -5, -1, 1, 4, 5, 6, 12):
            expected = first
            left = abs(n)
            while left:
                expected += pydt.timedelta(days=1 if n > 0 else -1)
                if expected.weekday() < 5:
                    left -= 1
            got = value(
                f"str(datetime.addBusinessDays(datetime.createDate({first.year}, 1, {first.day}), {n}))"
            )
            assert got == expected.isoformat(), (first, n)
    first, last = pydt.date(2001, 1, 3), pydt.date(2101, 6, 30)
    walked = sum(1 for i in range((last - first).days + 1) if (first + pydt.timedelta(days=i)).weekday() < 5)
    expr = "datetime.businessDaysBetween(datetime.createDate(2101, 6, 30), datetime.createDate(2001, 1, 3))"
    assert value(expr) == walked


def test_now_is_utc_and_time_zones_shift_it() -> None:
    code = """import datetime;
utc = datetime.now();
tokyo = datetime.now(datetime.createTimeZone(9));
utc2 = datetime.now(datetime.utc());
result = [utc.timestamp(), tokyo.diff(utc).totalHours(), utc2.diff(utc).totalSeconds()];"""
    r = mlpy.run(code)
    assert r.success, r.error
    stamp, hours, seconds = r.value
    assert abs(stamp - time.time()) < 5
    assert abs(hours - 9) < 0.01 and abs(seconds) < 5


def test_values_reach_the_host_as_iso_text() -> None:
    code = """import datetime;
result = [datetime.create(2024, 1, 2, 3, 4, 5), datetime.createDate(2024, 1, 2), datetime.createTime(3, 4),
          datetime.createDelta(1, 1)];"""
    assert mlpy.run(code).value == ["2024-01-02T03:04:05", "2024-01-02", "03:04:00", 90000.0]


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "error_type", "fragment"),
    [
        (
            "x = datetime.create(2024, 1, 1).addDays(1e9);",
            "ValueError",
            "datetime.addDays: the duration is too long",
        ),
        ("x = datetime.create(2024, 1, 1).addDays(3000000);", "ValueError", "outside the years 1 to 9999"),
        ("x = datetime.create(9999, 12, 31).addDays(1);", "ValueError", "outside the years 1 to 9999"),
        ("x = datetime.create(1, 1, 1).addSeconds(-1);", "ValueError", "outside the years 1 to 9999"),
        ("x = datetime.create(10000, 1, 1);", "ValueError", "year 10000 is out of range"),
        ("x = datetime.create(2024, 13, 1);", "ValueError", "month must be in 1..12"),
        ("x = datetime.createDate(2023, 2, 29);", "ValueError", "day is out of range"),
        ("x = datetime.createTime(24);", "ValueError", "hour must be in 0..23"),
        ("x = datetime.create(2024, 1, 1).addHours(1e308 * 10 * 0);", "ValueError", "NaN"),
        ('x = datetime.create(2024, 1, 1).addMinutes("5");', "TypeError", "expects a number, got string"),
        ("x = datetime.createDate(2024, 1, 1).addDays(1e12);", "ValueError", ""),
        ("x = datetime.createDelta(1).multiply(1e30);", "ValueError", "duration is too long"),
        ("x = datetime.createDelta(999999999).add(datetime.createDelta(1));", "ValueError", "duration"),
        ("x = datetime.fromTimestamp(1e20);", "ValueError", ""),
        ("x = datetime.fromTimestamp(-1e12);", "ValueError", ""),
        (
            "x = datetime.addBusinessDays(datetime.createDate(2024, 1, 1), 1000000000);",
            "ValueError",
            "1 to 9999",
        ),
        ('x = datetime.parseISO("not a date");', "ValueError", "is not an ISO 8601 date"),
        ("x = datetime.parseISO(5);", "TypeError", "expects a string"),
        ("x = datetime.daysInMonth(2024, 13);", "ValueError", "no such month"),
        ("x = datetime.createTimeZone(30);", "ValueError", "UTC offset"),
        ('x = datetime.now("Mars/Base");', "TypeError", "time zone"),
        (
            "x = datetime.create(2024, 1, 1).isBefore(datetime.createDate(2024, 1, 1));",
            "TypeError",
            "expects a datetime",
        ),
        ("x = datetime.create(2024, 1, 1).diff(5);", "TypeError", "expects a datetime, got number"),
        ('x = datetime.isWeekend("2024-01-01");', "TypeError", "expects a datetime or date"),
        ('x = datetime.create(2024, 1, 1).format("%s");', "ValueError", 'unsupported format directive "%s"'),
        ('x = datetime.create(2024, 1, 1).format("%Y" * 200);', "ValueError", "longer than"),
        (
            "x = datetime.create(2024, 1, 1).addDays();",
            "TypeError",
            "datetime method addDays() takes 1 argument",
        ),
        (
            "x = datetime.create(2024);",
            "TypeError",
            "datetime.create() takes 3 to 6 arguments but 1 was given",
        ),
        ("x = datetime.create(2024, 1, 1).nosuch();", "TypeError", "datetime has no method 'nosuch'"),
    ],
)
def test_errors(code: str, error_type: str, fragment: str) -> None:
    r = failure(code)
    assert r.error_type == error_type, r.error
    assert fragment in (r.error or "")
    assert (r.error_line, r.error_column) == (2, 5)


def test_overflow_is_fast_and_catchable() -> None:
    start = time.perf_counter()
    code = """import datetime;
try { x = datetime.create(2024, 1, 1).addDays(1e9); } except (e) { result = e.type; }"""
    assert mlpy.run(code).value == "ValueError"
    code = (
        "import datetime;\n"
        "result = datetime.businessDaysBetween(datetime.createDate(1, 1, 1), "
        "datetime.createDate(9999, 12, 31));"
    )
    assert mlpy.run(code).success
    assert time.perf_counter() - start < 1.0


# -- opaque values -------------------------------------------------------------------------


def test_opaque_values_expose_only_their_methods() -> None:
    for setup, name in [
        ("v = datetime.create(2024, 1, 1);", "_dt"),
        ("v = datetime.createDate(2024, 1, 1);", "_d"),
        ("v = datetime.createTime(1, 2);", "_t"),
        ("v = datetime.createDelta(1);", "_td"),
    ]:
        r = failure(f"{setup}\nx = v.{name};")
        assert (r.error_type, r.error_line) == ("TypeError", 3), r.error
        r = mlpy.run(
            f'import datetime;\n{setup}\nresult = [getattr(v, "{name}"), hasattr(v, "ml_methods"), '
            'hasattr(v, "toString"), typeof(v.toString)];'
        )
        assert r.value == [None, False, True, "function"]
    r = failure("v = datetime.create(2024, 1, 1);\nx = v.__class__;")
    assert r.error_type == "SecurityError"
    r = failure("v = datetime.create(2024, 1, 1);\nv.year = 5;")
    assert r.error_type == "TypeError"


def test_methods_taken_as_values_stay_bound() -> None:
    code = "import datetime;\nf = datetime.create(2024, 1, 15).addDays;\nresult = str(f(1));"
    assert mlpy.run(code).value == "2024-01-16T00:00:00"
