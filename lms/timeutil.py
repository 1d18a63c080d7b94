"""Times are stored as naive UTC; Babel shows them in the user's time zone."""
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
