"""Rate limits: how many times an address or an account may do something in a window of time.

The counters live in the `limits` library's storage named by RATELIMIT_STORAGE_URI (Redis in production, so
every app server counts together; memory for one process) and use fixed windows: one increment per limit
per counted request. Only a view that asks for a limit pays for one: `rate_limits.limit(...)` wraps the
view, and `rate_limits.consume(...)` / `rate_limits.hit(...)` count inside one. Nothing runs for the other
requests — unlike Flask-Limiter, which Rawat used before and whose before-request pass over every route and
header pass after it were a fifth of the certificate API's time (issue #21).

An exhausted limit raises `RateLimited` (a 429 with Retry-After: the seconds left in the window). A counted
response says what is left (X-RateLimit-Limit, X-RateLimit-Remaining) for the tightest of its limits.
If the storage cannot be reached the request is let through and the failure logged: a lost Redis must not
take the lessons down with it.
"""
from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Flask, current_app, has_app_context, request
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

#: a limit as written in the configuration ("5 per minute; 20 per hour"), or a function returning one
LimitValue = str | Callable[[], str]
KEY_PREFIX = "rawat"


class RateLimited(TooManyRequests):
    """A limit is used up; `retry_after` is the number of seconds until its window ends."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after=retry_after)


def remote_address() -> str:
    """The client's address (ProxyFix has already applied X-Forwarded-For where a proxy is trusted)."""
    return request.remote_addr or "unknown"


@lru_cache(maxsize=64)
def parse(value: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(value))


class ProcessCounts:
    """Counters kept in this process ("memory://": one server, tests), each dropped when its window ends.

    Instead of the `limits` library's memory storage, which starts a timer thread every 10 ms of traffic
    to expire windows; here an ended window is noticed when its key is next touched, and the rest are
    swept at most once a minute.
    """

    SWEEP_SECONDS = 60

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}  # key -> (count, when the window ends)
        self._lock = threading.Lock()
        self._swept = time.monotonic()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            count, ends = self._counts.get(key, (0, 0.0))
            if ends <= now:
                count, ends = 0, now + expiry
            count += amount
            self._counts[key] = (count, ends)
            if time.monotonic() - self._swept > self.SWEEP_SECONDS:
                self._sweep(now)
        return count

    def get(self, key: str) -> int:
        count, ends = self._counts.get(key, (0, 0.0))
        return count if ends > time.time() else 0

    def get_expiry(self, key: str) -> float:
        return self._counts.get(key, (0, time.time()))[1]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()

    def _sweep(self, now: float) -> None:
        self._counts = {key: value for key, value in self._counts.items() if value[1] > now}
        self._swept = time.monotonic()


def make_storage(uri: str):
    """memory:// is this process's ProcessCounts; anything else (redis://…) the `limits` library's storage."""
    return ProcessCounts() if uri.rstrip("/") in ("memory:", "memory:/") else storage_from_string(uri)


class _Counter:
    """One app's storage, and whether its configuration counts at all."""

    def __init__(self, storage: Storage | ProcessCounts, enabled: bool):
        self.storage = storage
        self.enabled = enabled


class RateLimits:
    """The app extension; `lms.extensions.rate_limits` is the one instance."""

    def __init__(self) -> None:
        #: switched off by tests that walk every route (a 429 would hide what comes after it)
        self.enabled = True
        self._counters: weakref.WeakSet[_Counter] = weakref.WeakSet()

    def init_app(self, app: Flask) -> None:
        counter = _Counter(make_storage(app.config["RATELIMIT_STORAGE_URI"]),
                           bool(app.config.get("RATELIMIT_ENABLED", True)))
        app.extensions["rate_limits"] = counter
        self._counters.add(counter)

    def _counter(self) -> _Counter | None:
        counter = current_app.extensions["rate_limits"]
        return counter if self.enabled and counter.enabled else None

    def reset(self) -> None:
        """Forget every count: the current app's, or (outside an app) every app's in this process."""
        counters = [current_app.extensions["rate_limits"]] if has_app_context() else list(self._counters)
        for counter in counters:
            counter.storage.reset()

    # -- counting -------------------------------------------------------------------------------------

    def _count(self, value: LimitValue, scope: str, who: str, *, increment: bool) -> tuple[int, RateLimitItem] | None:
        """Count one request (or, without `increment`, look at the count) against every limit in `value`.

        Returns (what is left, its limit) for the tightest one; raises RateLimited when one is used up.
        None when nothing is counted (limits off, or the storage unreachable).
        """
        counter = self._counter()
        if counter is None:
            return None
        tightest: tuple[int, RateLimitItem] | None = None
        try:
            for item in parse(value() if callable(value) else value):
                key = item.key_for(KEY_PREFIX, scope, who)
                if increment:
                    used = counter.storage.incr(key, item.get_expiry())
                    over = used > item.amount
                else:
                    used = counter.storage.get(key)
                    over = used >= item.amount
                if over:
                    raise RateLimited(self._seconds_left(counter.storage, key, item))
                left = item.amount - used
                if tightest is None or left < tightest[0]:
                    tightest = (left, item)
        except RateLimited:
            raise
        except Exception as error:  # noqa: BLE001 - any storage failure (Redis gone, a timeout): let it through
            log.error("Rate limit storage unavailable (%s); not counting %s", error.__class__.__name__, scope)
            return None
        return tightest

    @staticmethod
    def _seconds_left(storage: Storage | ProcessCounts, key: str, item: RateLimitItem) -> int:
        try:
            ends = storage.get_expiry(key)
        except Exception:  # noqa: BLE001 - the window's end is only advice
            return item.get_expiry()
        return max(1, min(item.get_expiry(), math.ceil(ends - time.time())))

    def consume(self, value: LimitValue, scope: str, who: str | None = None) -> None:
        """Count one use now (of the client's address unless `who` is given); RateLimited when used up."""
        self._count(value, scope, who if who is not None else remote_address(), increment=True)

    def hit(self, value: LimitValue, scope: str, who: str) -> bool:
        """Count one use now; False (instead of raising) when the limit is used up."""
        try:
            self.consume(value, scope, who)
        except RateLimited:
            return False
        return True

    def limit(self, value: LimitValue, *, scope: str | None = None, key: Callable[[], str] = remote_address,
              methods: tuple[str, ...] | list[str] | None = None,
              deduct_when: Callable[[object], bool] | None = None):
        """Decorate a view: each request (of `methods`, else every method) counts against `value`, per `key()`.

        `scope` shares one budget between views (the verification page, upload and API); without it the
        view has its own. With `deduct_when(response)`, a request only counts when that returns true
        (failed sign-ins), but is refused once the budget is used up.
        """
        wanted = frozenset(method.upper() for method in methods) if methods else None

        def decorate(view):
            name = scope or f"{view.__module__}.{view.__qualname__}"

            @wraps(view)
            def limited(*args, **kwargs):
                if wanted is not None and request.method not in wanted:
                    return view(*args, **kwargs)
                who = key()
                state = self._count(value, name, who, increment=deduct_when is None)
                response = current_app.make_response(view(*args, **kwargs))
                if deduct_when is not None and deduct_when(response):
                    try:
                        state = self._count(value, name, who, increment=True)
                    except RateLimited:
                        state = (0, state[1]) if state else None  # this was the last one: the next is refused
                if state is not None:
                    left, item = state
                    response.headers["X-RateLimit-Limit"] = str(item.amount)
                    response.headers["X-RateLimit-Remaining"] = str(max(0, left))
                return response

            return limited

        return decorate
