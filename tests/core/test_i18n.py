"""The catalogs are complete, and the language switch keeps the user where they were."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from lms.accounts.models import User
from lms.extensions import db

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    assert problems == []


def test_catalogs_cover_the_template():
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template_ids = {m.id for m in read_po(handle) if m.id}
    for locale in ("id", "en"):
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            ids = {m.id for m in read_po(handle, locale=locale) if m.id}
        assert template_ids <= ids, sorted(map(str, template_ids - ids))[:10]


def test_indonesian_is_the_default(client):
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in body and "Belajar merawat orang tersayang dengan baik" in body


def test_switch_to_english_and_back_stays_on_the_same_page(browser):
    response = browser.post_form("/bahasa", {"lang": "en", "next": "/masuk?next=/profil"}, form_url="/masuk")
    assert response.status_code == 302 and response.headers["Location"] == "/masuk?next=/profil"
    page = browser.get("/masuk").get_data(as_text=True)
    assert '<html lang="en">' in page and "Sign in" in page
    back = browser.post_form("/bahasa", {"lang": "id", "next": "/masuk"}, form_url="/masuk")
    assert back.headers["Location"] == "/masuk"
    assert "Masuk" in browser.get("/masuk").get_data(as_text=True)


def test_switch_refuses_offsite_next_and_unknown_language(browser):
    response = browser.post_form("/bahasa", {"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="id">' in browser.get("/").get_data(as_text=True)


def test_choice_is_remembered_for_a_signed_in_user(browser, make_user):
    user = make_user(phone="+6281234567890")
    browser.login("081234567890")
    browser.post_form("/bahasa", {"lang": "en", "next": "/profil"})
    assert db.session.scalar(select(User.locale).where(User.id == user.id)) == "en"
    browser.client.delete_cookie("lang")
    assert "My profile" in browser.get("/profil").get_data(as_text=True)


def test_dates_are_formatted_for_the_locale(browser, make_user):
    from datetime import datetime

    user = make_user(phone="+6281234567890")
    user.created_at = datetime(2026, 11, 22, 5, 0)
    db.session.commit()
    browser.login("081234567890")
    assert "22 November 2026" in browser.get("/profil").get_data(as_text=True)
    browser.post_form("/bahasa", {"lang": "en", "next": "/profil"})
    assert "November 22, 2026" in browser.get("/profil").get_data(as_text=True)


def test_a_request_finds_its_catalog_once_and_force_locale_still_switches_it(app):
    """The per-request catalog follows the locale: forced for a certificate in its holder's
    language, back afterwards, in Python code and in templates alike."""
    from flask import render_template_string
    from flask_babel import force_locale, gettext

    template = "{{ _('Sign in') }}"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert gettext("Sign in") == "Sign in" and render_template_string(template) == "Sign in"
        with force_locale("id"):
            assert gettext("Sign in") == "Masuk" and render_template_string(template) == "Masuk"
        assert gettext("Sign in") == "Sign in" and render_template_string(template) == "Sign in"


def test_a_day_is_written_in_the_reader_s_language_and_a_moment_in_their_time_zone(app):
    """The templates' format_date keeps the words of each day per language and format (web.format_day)."""
    from datetime import date, datetime

    from flask_babel import force_locale

    write = app.jinja_env.globals["format_date"]
    with app.test_request_context("/"):
        for _round in range(2):  # written, then read from what was kept
            with force_locale("id"):
                assert write(date(2026, 12, 7), "long") == "7 Desember 2026"
                assert write(date(2026, 12, 7), "medium") == "7 Des 2026"
            with force_locale("en"):
                assert write(date(2026, 12, 7), "long") == "December 7, 2026"
        with force_locale("id"):  # 20:00 UTC is already the next day in Jakarta
            assert write(datetime(2026, 12, 6, 20, 0), "long") == "7 Desember 2026"
