"""Times are stored as naive UTC; Babel shows them in the user's time zone.

`frozen_at` sets the clock for the current context: the demo data and tests use it
to place activity in the past without touching the services that record it.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_frozen_now: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def utcnow() -> datetime:
    frozen = _frozen_now.get()
    return frozen if frozen is not None else datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    token = _frozen_now.set(moment)
    try:
        yield
    finally:
        _frozen_now.reset(token)


def parse_iso_utc(value) -> datetime | None:
    """An ISO 8601 moment a phone sent, as naive UTC (without an offset it is taken as UTC); None when it is
    not a string of at most 40 characters or not a moment a datetime can hold."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # 9999-12-31T23:59-23:59 is past the last day a datetime can hold
            return None
    return moment
