"""Date arithmetic the roll-ups need, written for each database.

Timestamps are stored as naive UTC. Programmes count in calendar months and days of the reporting time
zone (LMS_TIMEZONE, Asia/Jakarta by default; Indonesia keeps no daylight saving time), so the offset is a
constant number of hours written into the statement.
"""
from __future__ import annotations

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class month_start(FunctionElement):  # noqa: N801 - reads as the SQL function it becomes
    """The first day of the local calendar month of a UTC timestamp, as a date."""

    type = Date()
    inherit_cache = True

    def __init__(self, moment, offset_hours: int):
        self.offset_hours = int(offset_hours)
        super().__init__(moment)


class local_days_between(FunctionElement):  # noqa: N801
    """Whole local calendar days from the first UTC timestamp to the second."""

    type = Integer()
    inherit_cache = True

    def __init__(self, start, end, offset_hours: int):
        self.offset_hours = int(offset_hours)
        super().__init__(start, end)


@compiles(month_start, "postgresql")
def _month_start_postgresql(element, compiler, **kw):
    (moment,) = list(element.clauses)
    return (f"CAST(date_trunc('month', {compiler.process(moment, **kw)} + interval '{element.offset_hours} hours')"
            " AS date)")


@compiles(month_start, "sqlite")
def _month_start_sqlite(element, compiler, **kw):
    (moment,) = list(element.clauses)
    return f"date({compiler.process(moment, **kw)}, '{element.offset_hours:+d} hours', 'start of month')"


@compiles(local_days_between, "postgresql")
def _days_postgresql(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    shift = f"interval '{element.offset_hours} hours'"
    return f"(CAST({end} + {shift} AS date) - CAST({start} + {shift} AS date))"


@compiles(local_days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    shift = f"'{element.offset_hours:+d} hours'"
    return f"CAST(julianday(date({end}, {shift})) - julianday(date({start}, {shift})) AS INTEGER)"
