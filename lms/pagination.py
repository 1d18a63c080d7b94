"""The page number of a paginated list, whatever `?page=` says.

A page number is typed into the address bar, copied from an old link, or made up: a word,
0 or a negative number is the first page, a page past the end is the last one (the list
shrank since the link was made). The number is capped before it reaches the database:
(page - 1) * per_page is the OFFSET, and SQLite cannot bind a number past 2^63.
"""
from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import Pagination

from .extensions import db

#: far beyond any real list, and small enough that the OFFSET always fits in 32 bits
MAX_PAGE = 100_000


def requested_page(arg: str = "page") -> int:
    """`?page=` as a number from 1 to MAX_PAGE; anything that is not a number is page 1."""
    try:
        page = int(request.args.get(arg, "1").strip())
    except ValueError:  # also a number too long for int() (over 4300 digits)
        return 1
    return min(max(page, 1), MAX_PAGE)


def paginate(select, per_page: int) -> Pagination:
    """One page of `select` for `?page=`: the last page when the number is past the end."""
    page = requested_page()
    result = db.paginate(select, page=page, per_page=per_page, max_per_page=per_page, error_out=False)
    if page > 1 and page > result.pages:
        result = db.paginate(select, page=max(result.pages, 1), per_page=per_page, max_per_page=per_page,
                             error_out=False)
    return result
