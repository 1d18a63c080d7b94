"""Pages of the lists that grow with the country, by keyset (`keyset_page`), never by OFFSET."""
from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime

from flask import request
from sqlalchemy import func, literal_column, select, tuple_, union
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList
from sqlalchemy.sql.util import find_tables

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
#: a filtered list (not a search) of at most this many rows is read among its matches (_Matches)
FEW_ROWS = 2_000


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
    # SELECT 1, not the rows: a filter its index covers is counted from the index alone
    limited = (stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)
               .limit(cap + 1).subquery())
    total = db.session.scalar(select(func.count()).select_from(limited))
    return min(total, cap), total > cap


def keyset_page(stmt, moment_column, id_column, per_page: int, *, older_arg: str = "older",
                newer_arg: str = "newer", oldest_first: bool = False, search: bool = False) -> KeysetPage:
    """The page of `stmt` (filtered, not ordered) that `?older=` or `?newer=` names; the newest without either.

    `moment_column` and `id_column` are the list's order, newest first; an index on (moment, id) lets
    every page seek to its cursor. The rows must have those two attributes. `oldest_first` reads the list the
    other way round (a queue: the oldest, nearest its deadline, first); `older` then continues the list with
    later rows and `newer` goes back, as always the next and the previous page.

    `search`: the filter is found through an index of its own (trigrams), not along the list's order. Its
    matches are then found once, counted and ordered in one statement (_Matches), unless more than COUNT_CAP
    rows match. Any other filter is counted first (up to COUNT_CAP, along the filter's index); few matches
    (FEW_ROWS) are then read the same way, more along the order index, which finds its page at once.
    """
    onward = parse_cursor(request.args.get(older_arg))
    back = None if onward else parse_cursor(request.args.get(newer_arg))
    order = _Order(moment_column, id_column, oldest_first)
    filtered = stmt.whereclause is not None and _one_table(stmt)
    if filtered and search:
        matches = _Matches(stmt, moment_column, id_column)
        page = _paginate(matches.read, order, per_page, onward, back, matches.count)
        if not matches.too_many:
            return page
        total, capped = COUNT_CAP, True  # the matches were just counted past the cap: not again
    else:
        total, capped = capped_count(stmt)
    if filtered and not capped and total <= FEW_ROWS:
        matches = _Matches(stmt, moment_column, id_column)
        return _paginate(matches.read, order, per_page, onward, back, matches.count)

    def read(where, order_by, limit: int) -> list:
        return list(db.session.scalars(stmt.where(*where(moment_column, id_column))
                                       .order_by(*order_by(moment_column, id_column)).limit(limit)))

    return _paginate(read, order, per_page, onward, back, lambda: (total, capped))


def _one_table(stmt) -> bool:
    """The statement reads one table and joins nothing: _Matches may repeat its WHERE over that table alone.

    Select.get_final_froms() would say so too, but it compiles the statement to find out: 0.4 ms, a tenth of
    a searched admin page (issue #21). The joins and FROM list a statement was built with are read instead."""
    froms = stmt.columns_clause_froms
    if len(froms) != 1 or stmt._setup_joins or stmt._from_obj:
        return False
    where = stmt.whereclause
    return where is None or all(table in froms for table in find_tables(where, check_columns=True))


def _paginate(read, order: _Order, per_page: int, onward, back, count) -> KeysetPage:
    """The page after `onward`, before `back`, or the first; `read(where, order, limit)` gives rows and
    `count()` (total, capped) of the whole list."""
    if back is not None:
        rows = read(order.before(back), order.backwards, per_page + 1)
        more_before = len(rows) > per_page
        items = list(reversed(rows[:per_page]))
        if not items:  # nothing before any more: the first page
            return _first(read, order, per_page, count)
        return KeysetPage(items, older=order.cursor(items[-1]),
                          newer=order.cursor(items[0]) if more_before else None, **_counted(count))
    if onward is None:
        return _first(read, order, per_page, count)
    rows = read(order.after(onward), order.forwards, per_page + 1)
    items = rows[:per_page]
    return KeysetPage(items, older=order.cursor(items[-1]) if len(rows) > per_page else None,
                      newer=order.cursor(items[0]) if items else cursor_of(*onward), **_counted(count))


def _counted(count) -> dict:
    total, capped = count()
    return {"total": total, "capped": capped}


class _Order:
    """A list's order by (moment, id): newest first, or oldest first. Conditions and orders are built on the
    two columns they are given (the table's, or those of _Matches' CTE)."""

    def __init__(self, moment_column, id_column, oldest_first: bool):
        self.columns = (moment_column, id_column)
        self.oldest_first = oldest_first

    def forwards(self, moment, row_id) -> list:
        return [moment.asc(), row_id.asc()] if self.oldest_first else [moment.desc(), row_id.desc()]

    def backwards(self, moment, row_id) -> list:
        return [moment.desc(), row_id.desc()] if self.oldest_first else [moment.asc(), row_id.asc()]

    def after(self, cursor):
        """Rows that come after the cursor in the list's order."""
        def condition(moment, row_id) -> list:
            key, at = tuple_(moment, row_id), tuple_(*cursor)
            return [key > at if self.oldest_first else key < at]
        return condition

    def before(self, cursor):
        def condition(moment, row_id) -> list:
            key, at = tuple_(moment, row_id), tuple_(*cursor)
            return [key < at if self.oldest_first else key > at]
        return condition

    def cursor(self, row) -> str:
        return _cursor_of_row(row, *self.columns)


def _first(read, order: _Order, per_page: int, count) -> KeysetPage:
    rows = read(lambda moment, row_id: [], order.forwards, per_page + 1)
    items = rows[:per_page]
    return KeysetPage(items, older=order.cursor(items[-1]) if len(rows) > per_page else None, newer=None,
                      **_counted(count))


def _alternatives(where) -> bool:
    """The filter is an OR of conditions (a search in names, phones and e-mails)."""
    return isinstance(where, BooleanClauseList) and where.operator is operators.or_ and len(where.clauses) > 1


class _Matches:
    """A filtered list read among its matches: at most COUNT_CAP + 1 of them are found (through the filter's
    own index: trigrams, a partial index) and kept aside in a materialised CTE; one statement then counts
    them, orders the page there and joins the page's rows to it by id.

    Walking the list's order index and filtering each row, PostgreSQL's plan otherwise, expects the matches
    spread evenly: when they are not (a holder whose certificates are all old) the search "agus rina" read
    153,000 of 291,000 certificates, 150 ms, where finding its 642 matches through the trigram indexes and
    sorting them takes a few ms. Counting in the same statement finds a search's matches once, not twice
    (issue #21).
    When more than COUNT_CAP rows match, the CTE holds only some of them: `too_many` says so and the caller
    reads along the order index instead, which then finds its page at once.
    """

    def __init__(self, stmt, moment_column, id_column):
        self.id_column = id_column
        self.entity = stmt.column_descriptions[0]["entity"]
        where = stmt.whereclause
        if db.engine.dialect.name == "postgresql" and _alternatives(where):
            # Each alternative through its own index, rechecked on its own candidates: under one OR, PostgreSQL
            # rechecks every candidate against all of them, and a phone fragment's 1,150 candidates each had
            # their name's words computed again (6 ms of a 9 ms search among a million users).
            found = union(*(select(moment_column, id_column).where(alternative) for alternative in where.clauses))
            matches = found.subquery("alternatives")
            matching = select(matches.c[moment_column.key], matches.c[id_column.key])
        else:
            matching = select(moment_column, id_column).where(where)
        self.cte = matching.limit(COUNT_CAP + 1).cte("matches").prefix_with("MATERIALIZED")
        self.moment, self.row_id = self.cte.c[moment_column.key], self.cte.c[id_column.key]
        self.total: int | None = None
        self.too_many = False

    def read(self, where, order_by, limit: int) -> list:
        if self.too_many:
            return []
        counted = select(func.count()).select_from(self.cte).scalar_subquery()
        conditions = where(self.moment, self.row_id)
        page = (select(self.moment, self.row_id).where(*conditions).order_by(*order_by(self.moment, self.row_id))
                .limit(limit).subquery("page"))
        moment, row_id = page.c[self.moment.key], page.c[self.row_id.key]
        # The page's rows joined back by id: the filter is not applied to them again. Re-checking a full-text
        # match costs about 40 µs a row on PostgreSQL, more than finding all of them (issue #21).
        found = db.session.execute(select(self.entity, counted).join(page, self.id_column == row_id)
                                   .order_by(*order_by(moment, row_id))).all()
        if found:
            self._note(found[0][1])
        elif not conditions:  # nothing at all matches
            self._note(0)
        return [] if self.too_many else [row for row, _total in found]

    def count(self) -> tuple[int, bool]:
        if self.total is None:  # the page came back empty: count the matches alone
            self._note(db.session.scalar(select(func.count()).select_from(self.cte)) or 0)
        return min(self.total, COUNT_CAP), self.total > COUNT_CAP

    def _note(self, total: int) -> None:
        self.total = total
        self.too_many = total > COUNT_CAP


def _cursor_of_row(row, moment_column, id_column) -> str:
    return cursor_of(getattr(row, moment_column.key), getattr(row, id_column.key))


class WalkGaveUp(Exception):
    """A walk along an order of its own read as many rows as it may without filling its page: the search's
    matches are few among them, and are found the other way (its statement, through the filter's index)."""


def walked_page(walk, moment_column, id_column, per_page: int) -> KeysetPage:
    """The page `?older=` or `?newer=` names (the newest without either) of a search that reads its rows along
    an order index of its own, newest first: `walk(direction, cursor, limit)` returns at most `limit` rows,
    "first" the newest, "older" those after the cursor, "newer" those before it (oldest first), with the number
    of matches when it counted them (None when it stopped at its page), or raises WalkGaveUp. Its statements can
    then be built once, the cursor a parameter.

    A walk that stops at its page does not count its matches: the first page says how many only when it holds
    them all, else "more than" one page."""
    onward = parse_cursor(request.args.get("older"))
    back = None if onward else parse_cursor(request.args.get("newer"))
    order = _Order(moment_column, id_column, False)
    seen = {}

    def read(where, order_by, limit: int) -> list:
        if not where(moment_column, id_column):
            direction, cursor = "first", None
        else:
            direction, cursor = ("older", onward) if order_by == order.forwards else ("newer", back)
        rows, total = walk(direction, cursor, limit)
        # the first page holds every match when it is not full
        every = direction == "first" and len(rows) < limit
        seen["count"] = (total, False) if total is not None else (len(rows), False) if every else (per_page, True)
        return rows

    return _paginate(read, order, per_page, onward, back, lambda: seen["count"])


def searched_page(select_for, moment_column, id_column, per_page: int, walk=None,
                  inside: bool = True) -> tuple[KeysetPage, bool, bool]:
    """The page of a searched list; `select_for(anywhere)` is its statement (unordered).

    `?anywhere=1` asks for a search inside words. A search by the beginnings of words (lms/word_search.py)
    that finds nothing is tried again inside words, so that "minah" still finds "Aminah"; neither where
    `inside` is False (a piece too short to look for inside words, word_search.searchable_inside). `walk`, when
    the search has one, reads its page along an order of its own first (walked_page). Returns the page, whether
    it was searched inside words, and whether that was this page's own choice (nothing began so)."""
    asked = inside and request.args.get("anywhere") == "1"
    page = None
    if walk is not None and not asked:
        with suppress(WalkGaveUp):  # its matches are few: found through the filter's index below
            page = walked_page(walk, moment_column, id_column, per_page)
    if page is None:
        page = keyset_page(select_for(asked), moment_column, id_column, per_page, search=True)
    first = request.args.get("older") is None and request.args.get("newer") is None
    if page.items or asked or not first or not inside:
        return page, asked, False
    return keyset_page(select_for(True), moment_column, id_column, per_page, search=True), True, True
