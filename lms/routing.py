"""URL converters that refuse, with a 404, values no row can have.

Installed in place of Werkzeug's own (`int`, `string`, `path`) before any blueprint is
registered, so every existing `<int:…>` and `<…>` rule gets them without a change.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

#: every primary key is an INTEGER, 32 bits on PostgreSQL (see migrations/): a larger number
#: names nothing, and SQLite cannot even bind a number past 2^63 (OverflowError)
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` limited to the range of an INTEGER column: a larger number is a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


def _refuse_nul(value: str) -> str:
    # PostgreSQL cannot hold NUL in text: no slug, code or file name has one.
    if "\x00" in value:
        raise ValidationError()
    return value


class TextConverter(UnicodeConverter):
    """The default converter (`<name>`, `<string:name>`), refusing NUL."""

    def to_python(self, value: str) -> str:
        return _refuse_nul(value)


class TextPathConverter(PathConverter):
    """`<path:…>`, refusing NUL."""

    def to_python(self, value: str) -> str:
        return _refuse_nul(value)


def install(app: Flask) -> None:
    """Use these converters for every rule added from now on (call before registering blueprints)."""
    converters = app.url_map.converters
    converters["int"] = BoundedIntegerConverter
    converters["default"] = converters["string"] = TextConverter
    converters["path"] = TextPathConverter
