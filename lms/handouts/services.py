"""Writes for handouts: keep the PDF drawn for a module's current content (no request, no commit)."""
from __future__ import annotations

from sqlalchemy import delete

from ..database import insert_ignoring_conflict
from ..extensions import db
from ..timeutil import utcnow
from .models import StoredHandout
from .queries import HandoutSource


def store_handout(source: HandoutSource, data: bytes) -> None:
    """Keep `data` as the module's handout for this content and language; drop its older versions.

    Two workers that drew the same handout at once both get here: the unique key keeps the first
    and ignores the other (the bytes differ only in reportlab's timestamps). An older version can
    never be served again (its key no longer comes up), so it is only taking room.
    """
    module_id, locale = source.module.id, source.locale
    insert_ignoring_conflict(StoredHandout, {
        "module_id": module_id, "locale": locale, "content_key": source.key, "data": data, "created_at": utcnow(),
    }, ["module_id", "locale", "content_key"])
    db.session.execute(delete(StoredHandout).where(
        StoredHandout.module_id == module_id, StoredHandout.locale == locale,
        StoredHandout.content_key != source.key))
