"""Pages of the lists that grow with the country, by keyset (`keyset_page`), never by OFFSET."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request
from sqlalchemy import func, select, tuple_

from .extensions import db
from .routing import MAX_ID


# --- keyset pagination ------------------------------------------------------------------------
# Lists that grow with the country (users, certificates, the audit log) are read newest first by
# (moment, id), one page after the other: "older" continues after the last row shown, "newer" goes
# back before the first. The database seeks straight to the cursor in the list's index, so page 5,000
# costs what page 1 costs; there is no page number and no exact count of millions of rows. The cursor is
# compared as a row value, (moment, id) < (m, i): PostgreSQL turns that into one index range, where the
# equivalent "moment < m OR (moment = m AND id < i)" filters every row before it (250,000 rows read
# for a page halfway down 500,000 audit entries, 27 ms, against 0.1 ms).

#: above this many rows a list says "more than 10,000" instead of counting them all
COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list."""

    items: list
    #: cursor of the last row shown when older rows follow (the "Older" link), else None
    older: str | None
    #: cursor of the first row shown when newer rows precede it (the "Newer" link), else None
    newer: str | None
    #: rows in the whole list, counted up to COUNT_CAP; `capped` when there are more
    total: int
    capped: bool

    @property
    def first_page(self) -> bool:
        return self.newer is None


def cursor_of(moment: datetime, row_id: int) -> str:
    return f"{moment.isoformat()}_{row_id}"


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """A cursor from the address bar: a naive ISO moment and an id; anything else is no cursor."""
    if not text or len(text) > 64 or "_" not in text:
        return None
    moment, _, number = text.rpartition("_")
    try:
        cursor = (datetime.fromisoformat(moment), int(number))
    except ValueError:
        return None
    if cursor[0].tzinfo is not None or not 0 < cursor[1] <= MAX_ID:
        return None
    return cursor


def capped_count(stmt, cap: int | None = None) -> tuple[int, bool]:
    """(rows of `stmt`, more than `cap` (COUNT_CAP)?): reads at most cap + 1 rows of the list's index."""
    cap = COUNT_CAP if cap is None else cap
    limited = stmt.order_by(None).limit(cap + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(limited))
    return min(total, cap), total > cap


def keyset_page(stmt, moment_column, id_column, per_page: int, *, older_arg: str = "older",
                newer_arg: str = "newer") -> KeysetPage:
    """The page of `stmt` (filtered, not ordered) that `?older=` or `?newer=` names; the newest without either.

    `moment_column` and `id_column` are the list's order, newest first; an index on (moment, id) lets
    every page seek to its cursor. The rows must have those two attributes.
    """
    older_than = parse_cursor(request.args.get(older_arg))
    newer_than = None if older_than else parse_cursor(request.args.get(newer_arg))
    total, capped = capped_count(stmt)
    if newer_than is not None:
        moment, row_id = newer_than
        rows = list(db.session.scalars(
            stmt.where(tuple_(moment_column, id_column) > tuple_(moment, row_id))
            .order_by(moment_column.asc(), id_column.asc()).limit(per_page + 1)))
        more_newer = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        if not items:  # nothing newer any more: the newest page
            return _newest(stmt, moment_column, id_column, per_page, total, capped)
        return KeysetPage(items, older=_cursor_of_row(items[-1], moment_column, id_column),
                          newer=_cursor_of_row(items[0], moment_column, id_column) if more_newer else None,
                          total=total, capped=capped)
    if older_than is None:
        return _newest(stmt, moment_column, id_column, per_page, total, capped)
    moment, row_id = older_than
    rows = list(db.session.scalars(
        stmt.where(tuple_(moment_column, id_column) < tuple_(moment, row_id))
        .order_by(moment_column.desc(), id_column.desc()).limit(per_page + 1)))
    items = rows[:per_page]
    return KeysetPage(items, older=_cursor_of_row(items[-1], moment_column, id_column)
                      if len(rows) > per_page else None,
                      newer=_cursor_of_row(items[0], moment_column, id_column) if items else cursor_of(*older_than),
                      total=total, capped=capped)


def _newest(stmt, moment_column, id_column, per_page: int, total: int, capped: bool) -> KeysetPage:
    rows = list(db.session.scalars(stmt.order_by(moment_column.desc(), id_column.desc()).limit(per_page + 1)))
    items = rows[:per_page]
    return KeysetPage(items, older=_cursor_of_row(items[-1], moment_column, id_column) if len(rows) > per_page
                      else None, newer=None, total=total, capped=capped)


def _cursor_of_row(row, moment_column, id_column) -> str:
    return cursor_of(getattr(row, moment_column.key), getattr(row, id_column.key))
