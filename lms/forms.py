"""The base of every form: WTForms' own messages in the user's language, and HTML forms only.

WTForms writes its built-in messages ("Field cannot be longer than 120 characters.", "Not a
valid choice.") in English and ships no Indonesian catalog. Forms built on AppForm ask our
catalogs instead, where those messages are ordinary msgids (WTFORMS_MESSAGES below marks
them for `make translations`); a validator given its own message is unaffected.
"""
from __future__ import annotations

import wtforms
from flask import request
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _n
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import ImmutableMultiDict


class CatalogTranslations:
    """What WTForms calls for its messages, answered from our catalog for the current language.

    WTForms formats the result itself (`% {"max": 120}`), so nothing is formatted here.
    """

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


CATALOG_TRANSLATIONS = CatalogTranslations()


class CatalogMessages:
    """Mixin: the form's built-in messages come from our catalogs."""

    class Meta:
        def get_translations(self, form):
            return CATALOG_TRANSLATIONS


class AppForm(CatalogMessages, FlaskForm):
    """Every form of the site. A form is filled from the posted form fields, never from JSON.

    Flask-WTF would fill a form from a JSON body as well; a list or a nested object there
    reaches validators that expect text (a 500). A JSON POST to a page gives an empty form.
    """

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and _is_submitted() and request.is_json:
                return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)


class AppSubform(CatalogMessages, wtforms.Form):
    """A row inside a form (FormField, FieldList), with the same messages."""


#: WTForms' messages as it writes them (wtforms/locale/wtforms.pot), for our catalogs; the test
#: tests/ops/test_form_messages.py fails when a WTForms upgrade adds one.
WTFORMS_MESSAGES = (
    _l("Field must be equal to %(other_name)s."),
    _n("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
    _n("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    _n("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid Choice: could not coerce."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _n("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)
