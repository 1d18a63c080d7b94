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
