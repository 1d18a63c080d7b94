"""Reading organisations. Each helper is one query."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import search_pattern
from ..extensions import db
from .models import Organisation


def search_organisations(query: str | None = None, *, include_retired: bool = True):
    """Select statement for the admin list (unordered: keyset pages order it): a fragment of the name, or a
    region code's prefix ("32.76" finds those serving Kota Depok and the places under it). Regions load in
    one more query."""
    stmt = select(Organisation).options(selectinload(Organisation.region))
    if not include_retired:
        stmt = stmt.where(Organisation.retired_at.is_(None))
    query = " ".join((query or "").split())
    if query:
        if query.replace(".", "").isascii() and query.replace(".", "").isdigit():  # only digits and dots
            stmt = stmt.where((Organisation.region_code == query) | Organisation.region_code.like(query + ".%"))
        else:
            stmt = stmt.where(func.lower(Organisation.name).like(search_pattern(query.lower()), escape="\\"))
    return stmt


def active_organisations() -> list[Organisation]:
    """Those offered for a group, by name."""
    return list(db.session.scalars(select(Organisation).where(Organisation.retired_at.is_(None))
                                   .order_by(Organisation.name, Organisation.id)))


def get_organisation(organisation_id: int | None) -> Organisation | None:
    return db.session.get(Organisation, organisation_id) if organisation_id else None
