"""The faster WTForms attribute rendering gives WTForms' own output, and forms use it."""
from markupsafe import Markup

from lms import form_rendering

CASES = [
    {"name": "identifier", "id": "identifier", "type": "text", "value": ""},
    {"value": 'He said "no" & <left>', "class_": "wide", "for_": "x"},
    {"value": Markup('<b title="a">x</b>'), "required": True, "disabled": False},
    {"data_offline_mark": "1", "aria_describedby": "a-hint a-error", "aria_invalid": "true"},
    {"placeholder": "RWT-2026-…", "maxlength": 64, "min": 0, "step": 1.5},
    {"value": "é ñ 中文 \u0000\u0007 '", "autocomplete": "off"},
    {},
]


def test_the_same_bytes_as_wtforms_for_every_kind_of_value():
    for attributes in CASES:
        ours = form_rendering.html_params(**attributes)
        theirs = form_rendering.ORIGINAL_HTML_PARAMS(**attributes)
        assert isinstance(ours, Markup)
        assert str(ours) == str(theirs), attributes


def test_pages_render_form_fields_with_it(client):
    import wtforms.widgets
    from wtforms.widgets import core

    assert core.Input.html_params is form_rendering.html_params
    assert core.html_params is form_rendering.html_params
    assert wtforms.widgets.html_params is form_rendering.html_params
    page = client.get("/verifikasi").get_data(as_text=True)
    assert 'id="certificate_id" maxlength="64" name="certificate_id" required type="text"' in page
