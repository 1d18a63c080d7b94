"""WTForms' built-in messages in the user's language, for every form (lms/forms.py)."""
from __future__ import annotations

import importlib
import pkgutil

import pytest
import wtforms
from babel.messages.pofile import read_po
from wtforms.i18n import messages_path

import lms
from lms.accounts.models import Role
from lms.forms import WTFORMS_MESSAGES, AppForm, AppSubform
from tests.conftest import PROJECT_ROOT, Browser, csrf_token_from

#: WTForms messages no user can see: a programming error, and the CSRF of WTForms' own session
#: CSRF (Flask-WTF checks the token with messages of its own)
NOT_FOR_USERS = {"Invalid field name '%s'.", "Choices cannot be None.", "Invalid CSRF Token.", "CSRF token missing.",
                 "CSRF failed.", "CSRF token expired."}


@pytest.mark.parametrize("language, expected, unexpected", [
    ("id", "Isian paling banyak 120 karakter.", "Field cannot be longer"),
    ("en", "Field cannot be longer than 120 characters.", "Isian paling banyak"),
])
def test_register_says_too_long_in_the_users_language(client, language, expected, unexpected):
    client.set_cookie("lang", language)
    page = client.get("/daftar").get_data(as_text=True)
    response = client.post("/daftar", data={
        "csrf_token": csrf_token_from(page), "full_name": "Ayu " * 40, "contact": "081234567801",
        "password": "kata sandi aman 1", "confirm": "kata sandi aman 1", "agree": "y", "age_basis": "adult"})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert expected in body
    assert unexpected not in body


@pytest.mark.parametrize("language, too_long, bad_choice", [
    ("id", "Isian paling banyak 120 karakter.", "bukan pilihan yang tersedia untuk isian ini."),
    ("en", "Field cannot be longer than 120 characters.", "is not a valid choice for this field."),
])
def test_new_group_says_too_long_in_the_users_language(app, make_user, language, too_long, bad_choice):
    make_user(Role.TRAINER, phone="+6281300000011", locale=language)
    browser = Browser(app.test_client())
    browser.login("081300000011")
    response = browser.post_form("/kelompok/baru", {"name": "Kelompok " * 20, "courses": "999999"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert too_long in body
    assert bad_choice in body
    assert ("Field cannot be longer" in body) is (language == "en")


def test_every_wtforms_message_is_in_our_catalogs():
    """A WTForms upgrade that adds a message fails here until it is listed in lms/forms.py and translated."""
    with open(f"{messages_path()}/wtforms.pot", "rb") as handle:
        theirs = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id} - NOT_FOR_USERS
    ours = {message._args[0] for message in WTFORMS_MESSAGES}
    assert theirs == ours
    with open(PROJECT_ROOT / "translations/id/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle, locale="id")
    for msgid in ours:
        found = catalog.get(msgid) or next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None)
        assert found is not None and all(found.string if isinstance(found.string, tuple) else [found.string]), msgid


def _all_form_classes() -> list[type]:
    for module in pkgutil.walk_packages(lms.__path__, "lms."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, pending = [], list(wtforms.form.BaseForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("lms.") and cls.__module__ != "lms.forms":
            found.append(cls)
    return found


def test_every_form_of_the_app_is_built_on_app_form():
    forms = _all_form_classes()
    assert len(forms) > 20
    strays = [f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls, (AppForm, AppSubform))]
    assert not strays, f"build these on lms.forms.AppForm (or AppSubform for rows): {strays}"


def test_a_json_body_posted_to_a_page_is_an_empty_form(client):
    """Flask-WTF would fill the form from JSON; a list there used to reach the validators (500)."""
    page = client.get("/masuk").get_data(as_text=True)
    for body in ('{"identifier": ["a", {"b": 1}], "password": 5}', "[1, 2]", '"text"'):
        response = client.post("/masuk", data=body, content_type="application/json",
                               headers={"X-CSRFToken": csrf_token_from(page)})
        assert response.status_code in (200, 400), body
        assert "Isi nomor HP atau e-mail Anda." in response.get_data(as_text=True), body  # as if sent empty
