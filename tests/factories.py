"""Factories returning callables that build data through the real services."""
from __future__ import annotations

import itertools

import pytest

from lms.accounts.models import Role
from lms.accounts.privacy import ADULT_CONSENT
from lms.accounts.services import register_user
from lms.extensions import db

DEFAULT_PASSWORD = "kata sandi aman 1"
#: what the registration form needs besides the account's fields: the privacy notice agreed to, by an adult
CONSENT_FIELDS = {"agree": "y", "age_basis": "adult"}
_counter = itertools.count(1)


@pytest.fixture
def make_user():
    def _make_user(role: str = Role.LEARNER, *, full_name: str | None = None, phone: str | None = None,
                   email: str | None = None, password: str = DEFAULT_PASSWORD, locale: str | None = None,
                   consented: bool = True):
        """consented: the person agreed to the current privacy notice, as at registration (False: asked at the
        first sign-in, like an account a care manager or an admin made)."""
        n = next(_counter)
        if phone is None and email is None:
            phone = f"+62812{n:08d}"
        kind, value = ("email", email) if email else ("phone", phone)
        user = register_user(full_name or f"Peserta Uji {n}", kind, value, password, role=role, locale=locale,
                             consent=ADULT_CONSENT if consented else None)
        if email and phone:
            user.phone = phone
        db.session.commit()
        return user

    return _make_user


def write_course_files(root, slug: str, files: dict[str, str], images: dict[str, bytes]):
    """A course folder from its files as text (path -> text) and its pictures (path -> bytes)."""
    folder = root / slug
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    for path, data in images.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


def write_course(root, slug="kursus-uji", *, modules=None, course=None, images=None):
    """Write a course folder in the content/ format and return its path.

    modules: list of dicts {slug, title, lessons: [{slug, title, body, minutes}], quiz: dict|None,
    practice_minutes: int|None, skills: list|None (the skills of skills.yaml)}. The hours of study are
    computed from them (there is no `hours`).
    """
    import yaml

    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    course_data = {
        "title": "Kursus Uji", "summary": "Ringkasan kursus uji.", "audience": "Keluarga pendamping.",
        "language": "id", "version": 1, "pass_mark": 70, "certificate_validity_months": 24,
        "authors": ["Tim Uji"], "sources": [{"title": "Panduan", "publisher": "WHO", "year": 2019}],
    }
    course_data.update(course or {})
    (folder / "course.yaml").write_text(yaml.safe_dump(course_data, allow_unicode=True), encoding="utf-8")
    if modules is None:
        modules = [
            {"slug": "modul-satu", "title": "Modul Satu", "lessons": [
                {"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi pelajaran A.\n"},
                {"slug": "pelajaran-b", "title": "Pelajaran B", "body": "Isi pelajaran B.\n"},
            ]},
            {"slug": "modul-dua", "title": "Modul Dua", "lessons": [
                {"slug": "pelajaran-c", "title": "Pelajaran C", "body": "Isi pelajaran C.\n"},
            ]},
        ]
    for m_index, module in enumerate(modules, start=1):
        module_dir = folder / f"{m_index:02d}-{module['slug']}"
        module_dir.mkdir(exist_ok=True)
        meta = {"title": module["title"], "summary": module.get("summary", "Ringkasan modul.")}
        if module.get("practice_minutes") is not None:
            meta["practice_minutes"] = module["practice_minutes"]
        (module_dir / "module.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        for l_index, lesson in enumerate(module["lessons"], start=1):
            front = yaml.safe_dump({"title": lesson["title"], "minutes": lesson.get("minutes", 5)}, allow_unicode=True)
            (module_dir / f"{l_index:02d}-{lesson['slug']}.md").write_text(
                f"---\n{front}---\n\n{lesson['body']}", encoding="utf-8")
        if module.get("quiz"):
            (module_dir / "quiz.yaml").write_text(yaml.safe_dump(module["quiz"], allow_unicode=True,
                                                                 sort_keys=False), encoding="utf-8")
        if module.get("skills") is not None:
            (module_dir / "skills.yaml").write_text(yaml.safe_dump({"skills": module["skills"]}, allow_unicode=True,
                                                                   sort_keys=False), encoding="utf-8")
    if images:
        (folder / "images").mkdir(exist_ok=True)
        for name, data in images.items():
            (folder / "images" / name).write_bytes(data)
    return folder


@pytest.fixture
def make_course(tmp_path):
    """Write a course folder (see write_course) and import it through the real importer."""
    from lms.courses.importer import import_content
    from lms.courses.models import Course
    from sqlalchemy import select

    def _make_course(slug="kursus-uji", **kwargs):
        folder = write_course(tmp_path / "content", slug, **kwargs)
        import_content(folder)
        db.session.commit()
        return db.session.scalar(select(Course).where(Course.slug == slug))

    return _make_course
