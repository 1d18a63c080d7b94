"""Signed-in sessions kept on the server, so that signing out really ends them.

Flask's session and Flask-Login's remember cookie are signed but live in the browser: on their
own, a cookie copied before a sign-out or a password change would still work. Each sign-in
therefore gets a random token whose hash is a `UserSession` row; the cookies carry
"<user id>:<token>" (User.get_id), and every request's user loader finds the user only through
a live row. Ending a session is deleting its row. A new token at every sign-in also makes the
remember cookie a fresh value each time.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app
from flask_login import login_user, logout_user
from sqlalchemy import ColumnElement, bindparam, delete, func, select

from ..extensions import db
from ..timeutil import utcnow
from .models import User, UserSession


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_LIFETIME"]


def _real(user):
    # current_user is a proxy; Flask-Login must be handed the object itself, or it would proxy itself.
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def sign_in(user: User, *, remember: bool = False) -> UserSession:
    """Start a new session for the user in this browser (the request commits)."""
    user = _real(user)
    now = utcnow()
    # Sessions that ran out are tidied here, where the user's rows are touched anyway.
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    record = UserSession(user_id=user.id, token_hash=_digest(token), remember=remember, created_at=now,
                         expires_at=now + _lifetime(remember))
    db.session.add(record)
    db.session.flush()
    user.session_token, user.session_id = token, record.id
    login_user(user, remember=remember, duration=_lifetime(remember) if remember else None, force=True)
    return record


#: what other features read with the session's user, so that every signed-in page stays one query (name ->
#: an expression correlated to users; see `read_with_session_user`)
_EXTRAS: dict[str, ColumnElement] = {}


def read_with_session_user(name: str, expression: ColumnElement) -> None:
    """Load `expression` (about the row of `users`) with every session's user, as `session_extra(user, name)`.

    For a fact a feature shows on every page (the erasure banner asks whether a deletion is pending): a
    correlated EXISTS on an indexed column costs next to nothing inside the look-up the request makes anyway,
    where a query of its own would be one more round trip on every page. Registered at import time.
    """
    _EXTRAS[name] = expression.label(name)
    _user_by_session.cache_clear()


@cache
def _user_by_session():
    # Every signed-in request runs it: one indexed look-up finds the user, proves the session is live and reads
    # the extras; built once (a reused statement skips SQLAlchemy's construction).
    return (select(User, UserSession.id, *_EXTRAS.values())
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash"), User.id == bindparam("user_id"),
                   UserSession.expires_at > bindparam("now")))


def load_session_user(session_key: str) -> User | None:
    """The user of a live session named by the cookie value "<user id>:<token>", else None."""
    user_id, _sep, token = session_key.partition(":")
    if not (user_id.isdigit() and len(user_id) < 12 and 20 <= len(token) <= 100):
        return None
    row = db.session.execute(_user_by_session(), {"token_hash": _digest(token), "user_id": int(user_id),
                                                  "now": utcnow()}).first()
    if row is None:
        return None
    user, session_id, *extras = row
    user.session_token, user.session_id = token, session_id
    user.session_extras = dict(zip(_EXTRAS, extras, strict=True))
    return user


def session_extra(user, name: str):
    """What `read_with_session_user(name, …)` loaded with this user; None when it was not loaded that way (a user
    read otherwise, or changed since: see `forget_session_extra`), and the caller then asks the database."""
    return (getattr(_real(user), "session_extras", None) or {}).get(name)


def forget_session_extra(user, name: str) -> None:
    """A write changed what was loaded with the user: later reads in this request ask the database."""
    extras = getattr(_real(user), "session_extras", None)
    if extras:
        extras.pop(name, None)


def sign_out(user: User) -> None:
    """End this browser's session on the server and in its cookies."""
    if user.session_id is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == user.session_id))
    logout_user()


def end_all_sessions(user: User) -> int:
    """End every session of the account, on every device (password reset, role change, "sign out
    everywhere"). The current request's user, if it is this one, is signed out too."""
    ended = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id)).rowcount
    return ended or 0


def end_every_session() -> tuple[int, int]:
    """End every session of every account, administrators' included (after a breach: `lms sessions end-all`).

    Returns (sessions ended, accounts they belonged to). Everyone signs in again with their password.
    """
    accounts = db.session.scalar(select(func.count(func.distinct(UserSession.user_id)))) or 0
    ended = db.session.execute(delete(UserSession)).rowcount
    return ended or 0, accounts


def renew_session(user: User) -> None:
    """End every session of the account, then sign this browser in again with a new token.

    After a password change the person stays signed in here, while every copied cookie, this
    browser's old one included, stops working.
    """
    remember = bool(user.session_id and db.session.scalar(
        select(UserSession.remember).where(UserSession.id == user.session_id)))
    end_all_sessions(user)
    sign_in(user, remember=remember)


def active_session_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.expires_at > utcnow())) or 0
