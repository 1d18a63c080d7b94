"""Who may author what: owners, co-authors and admins; other trainers and learners get 403."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.authoring.models import CourseAuthor, CourseDraft
from lms.extensions import db

from .conftest import PNG

PAGES = [
    "", "/pengaturan", "/modul/modul-satu", "/materi/pelajaran-a", "/modul/modul-satu/materi-baru", "/gambar",
    "/gambar/gambar.png", "/pratinjau", "/pratinjau/pelajaran-a", "/penulis", "/ekspor.zip", "/buang",
    "/modul/modul-satu/kuis", "/modul/modul-satu/kuis/soal/urutan", "/modul/modul-satu/kuis/soal-baru?jenis=single",
    "/modul/modul-satu/kuis/gift", "/modul/modul-satu/hapus", "/materi/pelajaran-a/hapus",
]
ACTIONS = [
    ("/terbitkan", {}), ("/modul", {"title": "Baru"}), ("/modul/modul-satu/geser", {"direction": "down"}),
    ("/materi/pelajaran-a", {"title": "X", "minutes": "3", "body": "Y"}), ("/penulis", {"phone": "081200000000"}),
    ("/modul/modul-satu/kuis/soal/urutan/hapus", {}), ("/buang", {}),
]


@pytest.fixture
def draft(make_draft):
    return make_draft()


@pytest.mark.parametrize("path", PAGES)
def test_another_trainer_gets_403_on_every_page(draft, sign_in, path):
    browser = sign_in(Role.TRAINER, lang="en")
    assert browser.get(f"/tulis/{draft.id}{path}").status_code == 403


@pytest.mark.parametrize("path, data", ACTIONS)
def test_another_trainer_cannot_change_anything(draft, sign_in, path, data):
    before = dict(draft.files)
    browser = sign_in(Role.TRAINER, lang="en")
    response = browser.post_form(f"/tulis/{draft.id}{path}", data, form_url="/tulis")
    assert response.status_code == 403
    assert db.session.get(CourseDraft, draft.id).files == before


@pytest.mark.parametrize("path", ["", "/pratinjau", "/ekspor.zip"])
def test_learners_get_403_and_visitors_are_sent_to_sign_in(draft, make_user, browser, path):
    assert browser.get("/tulis").status_code == 302
    response = browser.get(f"/tulis/{draft.id}{path}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    browser.login(make_user().phone)
    assert browser.get(f"/tulis/{draft.id}{path}").status_code == 403
    assert browser.get("/tulis").status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_admins_open_every_page(draft, sign_in, path):
    browser = sign_in(Role.ADMIN, lang="en")
    assert browser.get(f"/tulis/{draft.id}{path}").status_code == 200


def test_owner_adds_a_co_author_by_phone_who_can_then_edit(draft, trainer, make_user, sign_in):
    colleague = make_user(Role.TRAINER, full_name="Pelatih Dua", phone="+6281299990000")
    browser = sign_in(trainer, lang="en")
    response = browser.post_form(f"/tulis/{draft.id}/penulis", {"phone": "0812-9999-0000"})
    assert response.status_code == 302
    assert "Pelatih Dua" in browser.get(f"/tulis/{draft.id}/penulis").get_data(as_text=True)
    browser.logout()

    browser = sign_in(colleague, lang="en")
    assert "Kursus Uji" in browser.get("/tulis").get_data(as_text=True)
    response = browser.post_form(f"/tulis/{draft.id}/materi/pelajaran-b", {
        "title": "Pelajaran B", "minutes": "5", "body": "Diubah oleh rekan.", "submit": "Save lesson"})
    assert response.status_code == 302
    assert "Diubah oleh rekan." in db.session.get(CourseDraft, draft.id).files["01-modul-satu/02-pelajaran-b.md"]
    upload = browser.post_form(f"/tulis/{draft.id}/gambar", {"file": (io.BytesIO(PNG), "baru.png")},
                               content_type="multipart/form-data")
    assert upload.status_code == 302
    # a co-author does not manage authors
    assert browser.post_form(f"/tulis/{draft.id}/penulis", {"phone": "081200000001"}).status_code == 403
    assert browser.post_form(f"/tulis/{draft.id}/penulis/{trainer.id}/hapus",
                             form_url=f"/tulis/{draft.id}/penulis").status_code == 403


@pytest.mark.parametrize("phone, role, message", [
    ("0812 1111 2222", Role.LEARNER, "is not a trainer"),
    ("0812 3333 4444", None, "No Rawat account uses this number."),
    ("12345", None, "Enter an Indonesian mobile number"),
])
def test_only_existing_trainers_can_become_co_authors(draft, trainer, make_user, sign_in, phone, role, message):
    if role:
        make_user(role, phone="+6281211112222")
    browser = sign_in(trainer, lang="en")
    response = browser.post_form(f"/tulis/{draft.id}/penulis", {"phone": phone})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert len(db.session.get(CourseDraft, draft.id).authors) == 1


def test_owner_removes_a_co_author_who_then_gets_403(draft, trainer, make_user, sign_in):
    colleague = make_user(Role.TRAINER, phone="+6281299990001")
    db.session.add(CourseAuthor(draft_id=draft.id, user_id=colleague.id, role="co_author"))
    db.session.commit()
    browser = sign_in(trainer, lang="en")
    assert browser.post_form(f"/tulis/{draft.id}/penulis/{colleague.id}/hapus",
                             form_url=f"/tulis/{draft.id}/penulis").status_code == 302
    assert db.session.scalar(select(CourseAuthor).where(CourseAuthor.user_id == colleague.id)) is None
    browser.logout()
    assert sign_in(colleague, lang="en").get(f"/tulis/{draft.id}").status_code == 403


def test_trainers_only_list_their_own_courses_and_cannot_adopt_content_courses(draft, make_course, sign_in):
    course = make_course("kursus-konten")
    browser = sign_in(Role.TRAINER, lang="en")
    page = browser.get("/tulis").get_data(as_text=True)
    assert "Kursus Uji" not in page and "You do not edit any course yet" in page
    assert browser.post_form(f"/tulis/kursus/{course.id}/sunting", form_url="/tulis").status_code == 403
