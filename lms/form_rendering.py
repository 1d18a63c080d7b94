"""Faster HTML attributes for WTForms widgets, with exactly WTForms' output.

WTForms builds every attribute with markupsafe's Markup.format, which runs Python's
string.Formatter: on the verification page the two small forms took a seventh of the
request. The same escaping with plain string operations gives the same bytes (see
tests/core/test_form_rendering.py). Installed once, for every form of the app.
"""
from __future__ import annotations

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core as widgets

ORIGINAL_HTML_PARAMS = widgets.html_params


def html_params(**kwargs) -> Markup:
    """`name="value"` pairs sorted by name; True gives a bare attribute, False none."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def install() -> None:
    # Input (and its subclasses) call the class attribute; TextArea, Select and Option the
    # module function; Label the one the package re-exports.
    widgets.Input.html_params = staticmethod(html_params)
    widgets.html_params = html_params
    wtforms.widgets.html_params = html_params
