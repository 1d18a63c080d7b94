"""Calendar rules of certificates: the issuer's local day, validity in months."""
from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from ..timeutil import utcnow


def issuer_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Jakarta")


def local_date(moment: datetime) -> date:
    """The issuer's calendar day of a naive-UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(issuer_zone()).date()


def today() -> date:
    return local_date(utcnow())


def start_of_day_utc(day: date) -> datetime:
    """Naive UTC moment at which `day` begins in the issuer's time zone."""
    return datetime.combine(day, time.min, tzinfo=issuer_zone()).astimezone(UTC).replace(tzinfo=None)


def add_months(day: date, months: int) -> date:
    """Same day `months` later, or the month's last day (31 January + 1 month = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_end(completed: date, months: int | None) -> date | None:
    """Last day of validity: the day before the same date `months` later; None without expiry."""
    if not months:
        return None
    return add_months(completed, months) - timedelta(days=1)


def expired_since(valid_until: date) -> datetime:
    """Naive UTC moment the certificate stopped being valid (the start of the next day)."""
    return start_of_day_utc(valid_until + timedelta(days=1))
