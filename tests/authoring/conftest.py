"""Authoring fixtures: a trainer, course folders as files, drafts made through the services.

Tests sign in with tests/conftest.py's `sign_in(trainer, lang="en")`.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.authoring.archive import build_zip
from lms.authoring.models import CourseDraft
from lms.authoring.services import import_zip
from lms.courses.models import Course
from lms.extensions import db
from tests.factories import write_course

QUIZ = {
    "title": "Kuis Modul Satu",
    "questions_per_attempt": 2,
    "questions": [
        {"id": "kapan-cuci-tangan", "type": "single", "text": "Kapan mencuci tangan?",
         "options": [{"text": "Sebelum makan", "correct": True, "feedback": "Benar."}, {"text": "Tidak perlu"}],
         "explanation": "Sebelum makan dan setelah ke kamar mandi."},
        {"id": "tanda-infeksi", "type": "multiple", "text": "Tanda infeksi?",
         "options": [{"text": "Bernanah", "correct": True}, {"text": "Merah dan panas", "correct": True},
                     {"text": "Kering"}],
         "explanation": "Nanah, merah dan panas."},
        {"id": "lima-detik", "type": "true_false", "text": "Cuci tangan cukup 5 detik.", "answer": False,
         "explanation": "Paling sedikit 20 detik."},
        {"id": "urutan", "type": "ordering", "text": "Urutkan langkahnya.",
         "steps": ["Basahi", "Sabuni", "Bilas"], "explanation": "Basahi, sabuni, bilas."},
    ],
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def course_modules(quiz=QUIZ):
    return [
        {"slug": "modul-satu", "title": "Modul Satu", "quiz": quiz, "lessons": [
            {"slug": "pelajaran-a", "title": "Pelajaran A",
             "body": "Isi pelajaran A.\n\n![Gambar](images/gambar.png)\n"},
            {"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi pelajaran B.\n"},
        ]},
        {"slug": "modul-dua", "title": "Modul Dua", "lessons": [
            {"slug": "pelajaran-c", "title": "Pelajaran C", "body": "::: tip\nMinum air.\n:::\n"},
        ]},
    ]


def zip_of_folder(folder) -> bytes:
    """A zip of a course folder written by write_course, as the authoring export makes them."""
    files, images = {}, {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            relative = path.relative_to(folder).as_posix()
            if relative.startswith("images/"):
                images[relative] = path.read_bytes()
            else:
                files[relative] = path.read_text(encoding="utf-8")
    return build_zip(folder.name, files, images)


@pytest.fixture
def course_folder(tmp_path):
    """Write a valid course folder in the content/ format and return its path."""

    def _folder(slug="kursus-tulis", **kwargs):
        kwargs.setdefault("modules", course_modules())
        kwargs.setdefault("images", {"gambar.png": PNG})
        return write_course(tmp_path / "src", slug, **kwargs)

    return _folder


@pytest.fixture
def trainer(make_user):
    return make_user(Role.TRAINER, full_name="Pelatih Satu")


@pytest.fixture
def make_draft(course_folder, trainer):
    """A new (never published) course draft owned by `owner` (default: the trainer fixture)."""

    def _make_draft(slug="kursus-tulis", owner=None, **kwargs) -> CourseDraft:
        draft = import_zip(zip_of_folder(course_folder(slug, **kwargs)), owner or trainer)
        db.session.commit()
        return draft

    return _make_draft


@pytest.fixture
def english(app):
    """A request context reading the site in English, for messages built outside a request."""
    return lambda: app.test_request_context(headers={"Cookie": "lang=en"})


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))
