"""The download link of a copy built in the background: signed, and good for PERSONAL_DATA_EXPORT_DAYS.

The link names the copy and its owner, signed with the app's secret key (itsdangerous) and stamped with the
moment the copy was built, so it stops working when the copy expires however often the page shows it. It is
no key on its own: the download also needs the owner signed in.
"""
from __future__ import annotations

from datetime import UTC

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from .models import DataExport

SALT = "rawat.personal-data.export"
#: longer than any link this makes: anything longer is refused unread
MAX_TOKEN_LENGTH = 200


class LinkRefused(Exception):
    """The link was altered, made with another key, or is not a link; `expired` when it is only too old."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "bad link")
        self.expired = expired


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def max_age_seconds() -> int:
    return int(current_app.config["PERSONAL_DATA_EXPORT_DAYS"]) * 24 * 3600


def link_token(export: DataExport) -> str:
    """The signed token of a built copy, stamped with its build time (the same token every time)."""
    serializer = _serializer()
    signer = serializer.make_signer()
    built = int(export.built_at.replace(tzinfo=UTC).timestamp())
    signer.get_timestamp = lambda: built
    return signer.sign(serializer.dump_payload({"x": export.id, "u": export.user_id})).decode("ascii")


def read_token(token: str) -> tuple[int, int]:
    """(export id, user id) of a link; raises LinkRefused."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise LinkRefused()
    try:
        payload = _serializer().loads(token, max_age=max_age_seconds())
    except BadData as error:
        raise LinkRefused(expired=isinstance(error, SignatureExpired)) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("x"), int) or not isinstance(payload.get("u"), int):
        raise LinkRefused()
    return payload["x"], payload["u"]
