"""A learner's village: at registration (optional) and on the profile, and every bad code a clear form error."""
from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.extensions import db

from tests.factories import CONSENT_FIELDS

from .conftest import VILLAGES

GOOD = "kata sandi aman 1"


def register(browser, *, village=None, form_url="/daftar", contact="081234567890"):
    data = {"full_name": "Siti Aminah", "contact": contact, "password": GOOD, "confirm": GOOD, **CONSENT_FIELDS}
    if village is not None:
        data["village_code"] = village
    return browser.post_form("/daftar", data, form_url=form_url)


def the_user(phone="+6281234567890") -> User | None:
    return db.session.scalar(select(User).where(User.phone == phone))


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def english(browser):
    browser.client.set_cookie("lang", "en")
    return browser


# --- registration ----------------------------------------------------------------------------------------

def test_registration_without_a_village(regions, english):
    page = text(english.get("/daftar"))
    assert "Your village" in page and "Optional. If you give it, programme reports can count" in page
    assert 'href="/daftar/wilayah"' in page
    assert register(english).status_code == 302
    assert the_user().village_code is None


def test_registration_with_a_village_chosen_step_by_step(regions, english):
    # the chooser of the registration: GET steps, each keeping where to go afterwards
    body = text(english.get("/daftar/wilayah?next=/kursus"))
    assert 'href="/daftar/wilayah?next=/kursus&amp;wilayah=32"' in english.get(
        "/daftar/wilayah?next=/kursus").get_data(as_text=True)
    assert "Choose your province" in body and "Register without a village" in body
    body = english.get("/daftar/wilayah?next=/kursus&wilayah=32.76.06.1004").get_data(as_text=True)
    assert "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in body
    assert 'href="/daftar?desa=32.76.06.1004&amp;next=/kursus"' in body  # "Use this village"

    page = text(english.get("/daftar?desa=32.76.06.1004&next=/kursus"))
    assert "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in page
    assert 'name="village_code" type="hidden" value="32.76.06.1004"' in page
    response = register(english, village="32.76.06.1004", form_url="/daftar?desa=32.76.06.1004&next=/kursus")
    assert response.status_code == 302
    assert the_user().village_code == "32.76.06.1004"
    profile = text(english.get("/profil"))
    assert "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in profile


@pytest.mark.parametrize("code, message", [
    ("32.76.06.9999", "This village is not in the list of villages"),
    ("32.76.06", "“Beji” is a district, not a village. Open it and choose your village."),
    ("32.76", "“Kota Depok” is a regency or city, not a village."),
    ("garbage", "This is not a village code"),
    ("32.76.06.1004; DROP TABLE users", "This is not a village code"),
    ("y" * 3000, "This is not a village code"),
])
def test_a_bad_village_code_at_registration_is_a_clear_form_error(regions, english, code, message):
    response = register(english, village=code)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'name="village_code" type="hidden" value=""' in page  # to be chosen again
    assert db.session.scalar(select(func.count(User.id))) == 0
    # the same code in a link shows the same words, before anything is typed
    assert message in text(english.get("/daftar", query_string={"desa": code}))


def test_a_retired_village_cannot_be_chosen_for_a_new_account(import_regions, english):
    import_regions()
    import_regions(villages={code: name for code, name in VILLAGES.items() if code != "32.76.06.1002"})
    response = register(english, village="32.76.06.1002")
    assert response.status_code == 400 and "This village code is no longer used" in text(response)


def test_the_messages_are_in_indonesian_by_default(regions, browser):
    page = text(browser.get("/daftar"))
    assert "Desa atau kelurahan Anda" in page or "Desa Anda" in page
    response = register(browser, village="32.76.06")
    assert response.status_code == 400 and "bukan desa" in text(response)


def test_without_imported_regions_registration_says_nothing_of_villages(english):
    page = text(english.get("/daftar"))
    assert "Your village" not in page
    assert register(english).status_code == 302


# --- profile ---------------------------------------------------------------------------------------------

def test_the_profile_chooses_changes_and_removes_the_village(regions, sign_in):
    browser = sign_in(lang="en")
    profile = text(browser.get("/profil"))
    assert "Not given." in profile and 'href="/profil/wilayah"' in profile

    body = text(browser.get("/profil/wilayah?wilayah=32.76.06"))
    assert "Choose your village" in body and "Kemiri Muka" in body
    confirm = text(browser.get("/profil/wilayah?wilayah=32.76.06.1004"))
    assert "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in confirm and 'method="post"' in confirm
    response = browser.post_form("/profil/wilayah", {"village_code": "32.76.06.1004"},
                                 form_url="/profil/wilayah?wilayah=32.76.06.1004")
    assert response.status_code == 302 and response.headers["Location"] == "/profil"
    assert db.session.get(User, browser.user.id).village_code == "32.76.06.1004"
    profile = text(browser.get("/profil"))
    assert "Your village has been saved." in profile and "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in profile
    assert 'href="/profil/wilayah?wilayah=32.76.06"' in profile  # change: back to the district's villages

    browser.post_form("/profil/wilayah", {"village_code": "11.01.01.2002"}, form_url="/profil/wilayah")
    assert db.session.get(User, browser.user.id).village_code == "11.01.01.2002"

    response = browser.post_form("/profil/wilayah/hapus", form_url="/profil")
    assert response.status_code == 302
    assert db.session.get(User, browser.user.id).village_code is None
    assert "Your village has been removed from your profile." in text(browser.get("/profil"))


@pytest.mark.parametrize("code, message, lists", [
    ("32.76.06.9999", "This village is not in the list of villages", "Jawa Barat"),
    ("32.76.06", "“Beji” is a district, not a village.", "Kemiri Muka"),  # that district's villages, to choose from
    ("", "This is not a village code", "Jawa Barat"),
    ("../../etc/passwd", "This is not a village code", "Jawa Barat"),
])
def test_a_bad_village_code_on_the_profile_is_a_clear_form_error(regions, sign_in, code, message, lists):
    browser = sign_in(lang="en")
    response = browser.post_form("/profil/wilayah", {"village_code": code}, form_url="/profil/wilayah")
    assert response.status_code == 400
    page = text(response)
    assert message in page and lists in page
    assert db.session.get(User, browser.user.id).village_code is None


def test_saving_the_village_needs_the_form_token(regions, sign_in):
    browser = sign_in(lang="en")
    response = browser.client.post("/profil/wilayah", data={"village_code": "32.76.06.1004"})
    assert response.status_code == 400
    assert db.session.get(User, browser.user.id).village_code is None


def test_the_village_pages_of_the_profile_need_an_account(regions, client):
    for url in ("/profil/wilayah", "/profil/wilayah?wilayah=32"):
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_a_retired_village_stays_on_the_profile(import_regions, sign_in):
    import_regions()
    browser = sign_in(lang="en")
    browser.post_form("/profil/wilayah", {"village_code": "32.76.06.1002"}, form_url="/profil/wilayah")
    import_regions(villages={code: name for code, name in VILLAGES.items() if code != "32.76.06.1002"})
    assert db.session.get(User, browser.user.id).village_code == "32.76.06.1002"
    profile = text(browser.get("/profil"))
    assert "Beji Timur, Beji, Kota Depok, Jawa Barat" in profile
    assert "no longer in the Ministry's current list" in profile
    # the rest of the profile saves as before, the village untouched
    response = browser.post_form("/profil", {"full_name": "Nama Baru", "phone": browser.user.phone, "email": "",
                                             "locale": "en"})
    assert response.status_code == 302
    assert db.session.get(User, browser.user.id).village_code == "32.76.06.1002"


def test_a_signed_in_person_choosing_for_registration_goes_to_the_profile(regions, sign_in):
    browser = sign_in(lang="en")
    response = browser.get("/daftar/wilayah")
    assert response.status_code == 302 and response.headers["Location"] == "/profil/wilayah"
