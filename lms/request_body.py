"""What a request may send: how large a body, per route; what JSON; no NUL in any field.

Size: no request may send more than MAX_CONTENT_LENGTH (the largest upload, a course zip);
a route that takes a form may send FORM_MAX_CONTENT_LENGTH; a route declares a smaller or
larger need with `@body_limit(n)` (the sync API takes a few KB) or, for an upload, by
setting `request.max_content_length` before reading the file. A body past the limit is a 413:
before a byte is read when Content-Length says so (Werkzeug, when the CSRF check, the form or
get_json first touch the body), and as soon as the limit is read when it comes chunked.

JSON: nesting deeper than MAX_JSON_DEPTH is refused before Python's parser recurses (a
RecursionError, 10 000 levels deep), and so is a lone surrogate ("\\ud800"), which is
valid JSON but no text: it cannot be encoded to UTF-8 for the database or a page.

NUL: PostgreSQL cannot hold it in text, and nobody types one; it is dropped from every query
parameter and form field as they are parsed, so no search box or form can pass one on (URL
path arguments refuse it: lms/routing.py).
"""
from __future__ import annotations

import json
import re
from itertools import accumulate

from flask import Request, current_app
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

#: {"marks": [{...}]} is 3 deep; nothing we accept comes near this
MAX_JSON_DEPTH = 20

_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")

JSON_PROBLEMS = {
    "not_json": _l("Send the body as JSON, with the header Content-Type: application/json."),
    "bad_json": _l("The body is not valid JSON."),
    "too_deep": _l("The JSON is nested too deeply (at most %(num)d levels).", num=MAX_JSON_DEPTH),
    "bad_text": _l("The JSON contains text that is not valid Unicode (a lone surrogate such as \\ud800)."),
}


class JSONRefused(BadRequest):
    """A 400 for a JSON body we do not accept; `reason` is a key of JSON_PROBLEMS."""

    def __init__(self, reason: str):
        super().__init__()
        self.reason = reason

    @property
    def user_message(self) -> str:
        return str(JSON_PROBLEMS[self.reason])


class _UnsafeJSON(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def json_depth(text: str) -> int:
    """How deep arrays and objects nest in `text` (brackets inside strings do not count)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return 0  # cannot be too deep: the usual case, without scanning
    brackets = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text))
    return max(accumulate(1 if ch in "[{" else -1 for ch in brackets), default=0)


def _has_lone_surrogate(value) -> bool:
    pending = [value]
    while pending:  # a loop, not recursion: the depth is already bounded, but stay cheap
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE_RE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def load_json(data: bytes | str):
    """Parse a request body as JSON; ValueError (an _UnsafeJSON with a reason) if it is not acceptable."""
    if isinstance(data, bytes):
        try:
            data = data.decode(json.detect_encoding(data))
        except (UnicodeDecodeError, LookupError):
            raise _UnsafeJSON("bad_json") from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise _UnsafeJSON("too_deep")
    value = current_app.json.loads(data)
    if _has_lone_surrogate(value):
        raise _UnsafeJSON("bad_text")
    return value


class _SafeJSONModule:
    """What Request.get_json uses to parse (the app's JSON provider, behind the checks above)."""

    @staticmethod
    def loads(data, **kwargs):
        return load_json(data)

    @staticmethod
    def dumps(obj, **kwargs):
        return current_app.json.dumps(obj, **kwargs)


def body_limit(max_bytes: int):
    """Declare the largest body a view accepts (instead of FORM_MAX_CONTENT_LENGTH)."""

    def decorate(view):
        view.body_limit = max_bytes
        return view

    return decorate


class TextFields(ImmutableMultiDict):
    """Query parameters and form fields as parsed, with NUL dropped from every name and text value."""

    def __init__(self, mapping=None):
        if isinstance(mapping, list):  # what the query and form parsers pass: (name, value) pairs
            mapping = [(_without_nul(name), _without_nul(value)) for name, value in mapping]
        super().__init__(mapping)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class AppRequest(Request):
    """Flask's request with the size limits, the JSON checks and the NUL rule of this module."""

    parameter_storage_class = TextFields

    # Flask sets the app's JSON provider on every request (RequestContext); parsing still goes
    # through it (load_json), behind the checks.
    @property
    def json_module(self):
        return _SafeJSONModule

    @json_module.setter
    def json_module(self, _provider) -> None:
        pass

    @property
    def max_content_length(self) -> int | None:
        ceiling = current_app.config["MAX_CONTENT_LENGTH"]
        limit = self._max_content_length  # set by an upload view before it reads the file
        if limit is None:
            view = current_app.view_functions.get(self.url_rule.endpoint) if self.url_rule else None
            limit = getattr(view, "body_limit", None) or current_app.config["FORM_MAX_CONTENT_LENGTH"]
        return ceiling if limit is None else limit if ceiling is None else min(limit, ceiling)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def get_data(self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False):
        data = super().get_data(cache=cache, parse_form_data=parse_form_data)
        limit = self.max_content_length
        if self.content_length is None and limit is not None and len(data) >= limit:
            # A chunked body (no Content-Length) is cut at the limit without a word (Werkzeug's
            # LimitedStream.readall); reading on past the limit raises the 413 it deserves.
            self.stream.read(1)
            raise RequestEntityTooLarge()
        return data.decode(errors="replace") if as_text else data

    def on_json_loading_failed(self, e: ValueError | None):
        raise JSONRefused("not_json" if e is None else getattr(e, "reason", "bad_json"))
