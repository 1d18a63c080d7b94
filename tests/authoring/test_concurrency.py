"""Two people saving or publishing the same draft at once: one wins, the other is told, nothing is lost silently."""
from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.orm.exc import StaleDataError

from lms.authoring import editing, views_lessons
from lms.authoring.models import CourseDraft
from lms.extensions import db


def _someone_else_saves(draft_id: int) -> None:
    db.session.execute(update(CourseDraft).where(CourseDraft.id == draft_id)
                       .values(revision=CourseDraft.revision + 1).execution_options(synchronize_session=False))


def test_a_save_based_on_an_old_revision_fails(make_draft, trainer):
    draft = make_draft()
    assert "course.yaml" in draft.files  # this request has read the draft…
    _someone_else_saves(draft.id)  # …another one saves it…
    with pytest.raises(StaleDataError):  # …so this save must not overwrite that one
        editing.add_module(draft, trainer, "Modul Baru", None, "")
        db.session.flush()


def test_the_page_says_so_and_keeps_the_other_change(make_draft, trainer, sign_in, monkeypatch):
    draft = make_draft()
    original = editing.save_module

    def racing(draft, *args, **kwargs):
        _someone_else_saves(draft.id)
        return original(draft, *args, **kwargs)

    monkeypatch.setattr(views_lessons.editing, "save_module", racing)
    browser = sign_in(trainer, lang="en")
    response = browser.post_form(f"/tulis/{draft.id}/modul/modul-satu", {"title": "Judul Baru", "summary": ""},
                                 follow_redirects=True)
    assert "Someone else saved this course at the same moment" in response.get_data(as_text=True)
    assert "Judul Baru" not in db.session.get(CourseDraft, draft.id).files["01-modul-satu/module.yaml"]


@pytest.mark.parametrize("path", ["/terbitkan", "/gambar", "/impor", "/modul"])
def test_posts_without_the_csrf_token_are_refused(make_draft, trainer, sign_in, path):
    draft = make_draft()
    browser = sign_in(trainer, lang="en")
    response = browser.client.post(f"/tulis/{draft.id}{path}", data={"title": "x"})
    assert response.status_code == 400
    assert db.session.get(CourseDraft, draft.id).course_id is None
