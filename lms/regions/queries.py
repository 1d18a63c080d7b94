"""Reading the regions. Each helper is one query; none reads more rows than it returns (plus one)."""
from __future__ import annotations

from sqlalchemy import exists, func, select

from ..database import search_pattern
from ..extensions import db
from .dataset import CODE_RE
from .models import Region, level_of

#: the most a chooser step lists at once; the largest list today is 108 villages of one district, so a
#: longer one (a future dataset) asks for a search instead of sending everything
STEP_LIMIT = 120


def well_formed(code: str | None) -> bool:
    return bool(code) and len(code) <= 13 and CODE_RE.fullmatch(code) is not None


def get_region(code: str | None) -> Region | None:
    """The region of a code (current or retired), or None for an unknown or malformed one, without a query
    for the latter."""
    if not well_formed(code):
        return None
    return db.session.get(Region, code)


def lineage(code: str) -> list[Region]:
    """The region and those above it, province first: one query by the code's prefixes ("32", "32.76", …).
    Empty when the code is unknown."""
    if not well_formed(code):
        return []
    parts = code.split(".")
    prefixes = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    rows = db.session.scalars(select(Region).where(Region.code.in_(prefixes))).all()
    found = sorted(rows, key=lambda region: region.level)
    return found if len(found) == len(prefixes) else []


def place_label(regions: list[Region]) -> str:
    """"Kemiri Muka, Beji, Kota Depok, Jawa Barat": nearest first, as an address is written."""
    return ", ".join(region.name for region in reversed(regions))


def children(parent_code: str | None, query: str = "", *, limit: int = STEP_LIMIT) -> tuple[list[Region], bool]:
    """The current regions under a parent (provinces for None) whose name contains `query`, by name, at most
    `limit`, and whether there are more. Seeks the (parent_code, name) index; the name filter reads only
    that parent's children."""
    stmt = select(Region).where(Region.retired_at.is_(None))
    stmt = stmt.where(Region.parent_code == parent_code if parent_code else Region.parent_code.is_(None))
    query = " ".join(query.split())
    if query:
        stmt = stmt.where(func.lower(Region.name).like(search_pattern(query.lower()), escape="\\"))
    rows = db.session.scalars(stmt.order_by(Region.parent_code, Region.name).limit(limit + 1)).all()
    return list(rows[:limit]), len(rows) > limit


def regions_loaded() -> bool:
    """Whether any region was imported (`flask lms regions import`); one indexed probe."""
    return bool(db.session.scalar(select(exists().where(Region.parent_code.is_(None)))))


def is_village_code(code: str | None) -> bool:
    return well_formed(code) and level_of(code) == 4
