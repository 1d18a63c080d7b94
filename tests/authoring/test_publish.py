"""Publishing: a new course reaches the catalog, a new version keeps progress, refusals change nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.authoring.models import CourseDraft, Publication
from lms.authoring.services import AuthoringError, ContentRefused, publish, start_draft
from lms.courses.models import Course, Lesson, LessonCompletion, Module, QuizPass
from lms.courses.progress import course_progress
from lms.courses.services import mark_lesson_done, record_quiz_pass
from lms.extensions import db
from lms.quizzes.models import Option, Question, Quiz

from .conftest import course_by_slug


def test_create_in_the_browser_then_publish_and_a_learner_finds_it_in_the_catalog(trainer, sign_in, make_user):
    browser = sign_in(trainer, lang="en")
    response = browser.post_form("/tulis/baru", {
        "title": "Merawat Kaki Penderita Diabetes", "slug": "", "summary": "Menjaga kaki tetap sehat.",
        "audience": "Keluarga pendamping.", "language": "id", "hours": "2"})
    assert response.status_code == 302
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.slug == "merawat-kaki-penderita-diabetes"))
    base = f"/tulis/{draft.id}"
    assert response.headers["Location"] == base
    assert browser.post_form(f"{base}/modul", {"title": "Memeriksa Kaki", "summary": ""},
                             form_url=base).status_code == 302
    assert browser.post_form(f"{base}/modul/memeriksa-kaki/materi-baru", {
        "title": "Periksa Setiap Hari", "minutes": "4", "body": "Lihat telapak kaki setiap pagi.",
        "submit": "Save lesson"}).status_code == 302
    assert course_by_slug(draft.slug) is None  # nothing public before the first publish
    assert browser.get(f"/kursus/{draft.slug}").status_code == 404

    response = browser.post_form(f"{base}/terbitkan", form_url=base, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Version 1 is published" in page, page[-3000:]
    course = course_by_slug(draft.slug)
    assert course.is_published and course.version == 1 and course.title == "Merawat Kaki Penderita Diabetes"
    assert course.authors == ["Pelatih Satu"]

    browser.logout()
    learner = make_user()
    browser.login(learner.phone)
    catalog = browser.get("/kursus").get_data(as_text=True)
    assert "Merawat Kaki Penderita Diabetes" in catalog
    lesson = browser.get(f"/kursus/{draft.slug}/materi/periksa-setiap-hari")
    assert lesson.status_code == 200 and "Lihat telapak kaki setiap pagi." in lesson.get_data(as_text=True)


def test_a_draft_is_invisible_to_learners_until_published(make_draft, make_user, browser):
    draft = make_draft()
    learner = make_user()
    browser.login(learner.phone)
    assert "Kursus Uji" not in browser.get("/kursus").get_data(as_text=True)
    assert browser.get(f"/kursus/{draft.slug}").status_code == 404
    assert browser.get(f"/tulis/{draft.id}/pratinjau").status_code == 403


def test_editing_a_published_course_raises_the_version_and_keeps_learners_progress(make_draft, trainer, make_user):
    draft = make_draft()
    publish(draft, trainer)
    db.session.commit()
    course = course_by_slug("kursus-tulis")
    learner = make_user()
    lesson_a = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == "pelajaran-a"))
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == "modul-satu"))
    question_ids = set(db.session.scalars(select(Question.id).join(Quiz).where(Quiz.module_id == module.id)))
    mark_lesson_done(learner.id, lesson_a)
    record_quiz_pass(learner.id, module, 100)
    db.session.commit()

    from lms.authoring import editing

    start_draft(draft, trainer)
    editing.save_lesson(draft, trainer, "pelajaran-a", title="Pelajaran A (diperbarui)", minutes=6,
                        body="Teks baru pelajaran A.\n\n![Gambar](images/gambar.png)")
    editing.add_lesson(draft, trainer, "modul-dua", title="Pelajaran Baru", slug=None, minutes=3, body="Baru.")
    editing.save_question(draft, trainer, "modul-satu", "kapan-cuci-tangan", {
        "type": "single", "text": "Kapan sebaiknya mencuci tangan?", "explanation": "Sebelum makan.",
        "options": [{"key": "a", "text": "Sebelum makan", "correct": True}, {"key": "b", "text": "Tidak perlu"}]},
        new=False)
    publication = publish(draft, trainer)
    db.session.commit()

    course = course_by_slug("kursus-tulis")
    assert course.version == 2 and publication.version == 2
    lesson = db.session.get(Lesson, lesson_a.id)
    assert lesson.title == "Pelajaran A (diperbarui)" and lesson.retired_at is None
    assert db.session.scalar(select(func.count(LessonCompletion.id)).where(
        LessonCompletion.user_id == learner.id, LessonCompletion.lesson_id == lesson_a.id)) == 1
    assert db.session.scalar(select(QuizPass).where(QuizPass.user_id == learner.id)).module_id == module.id
    assert set(db.session.scalars(select(Question.id).join(Quiz).where(Quiz.module_id == module.id))) == question_ids
    progress = course_progress(learner.id, course)
    assert progress.is_lesson_done(lesson_a.id) and progress.module_progress(module.id).quiz_passed
    assert [lsn.slug for lsn in progress.modules[1].lessons] == ["pelajaran-c", "pelajaran-baru"]
    assert db.session.get(CourseDraft, draft.id).files is None  # the draft is done with


def test_publish_history_and_audit_entry(make_draft, trainer, sign_in):
    draft = make_draft()
    browser = sign_in(trainer, lang="en")
    base = f"/tulis/{draft.id}"
    browser.post_form(f"{base}/terbitkan", form_url=base)
    browser.post_form(f"{base}/mulai", form_url=base)
    browser.post_form(f"{base}/terbitkan", form_url=base)

    course = course_by_slug("kursus-tulis")
    history = db.session.scalars(select(Publication).where(Publication.course_id == course.id)
                                 .order_by(Publication.version)).all()
    assert [(p.version, p.published_by_id, p.title) for p in history] == [(1, trainer.id, "Kursus Uji"),
                                                                          (2, trainer.id, "Kursus Uji")]
    assert history[0].changes > 0
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "course.published")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.actor_id, e.target_type, e.target_id, e.target_label, e.details) for e in entries] == [
        (trainer.id, "course", str(course.id), "Kursus Uji", {"version": 1}),
        (trainer.id, "course", str(course.id), "Kursus Uji", {"version": 2}),
    ]
    page = browser.get(base).get_data(as_text=True)
    assert "Publish history" in page and "Pelatih Satu" in page and "Published · version 2" in page


def test_publishing_a_broken_draft_changes_nothing_and_lists_the_problems(make_draft, trainer, sign_in):
    draft = make_draft()
    from lms.authoring import editing

    editing.add_module(draft, trainer, "Modul Kosong", None, "")
    db.session.commit()
    browser = sign_in(trainer, lang="en")
    base = f"/tulis/{draft.id}"
    assert "problem must be fixed before publishing" in browser.get(base).get_data(as_text=True)

    response = browser.post_form(f"{base}/terbitkan", form_url=base)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was published" in page
    assert "Module 3 “Modul Kosong”:</strong> Add at least one lesson to this module. " \
           f'<a href="{base}/modul/modul-kosong/materi-baru">Add a lesson</a>' in page
    assert "03-modul-kosong" not in page and "lesson file named like" not in page
    assert course_by_slug("kursus-tulis") is None
    assert db.session.scalar(select(func.count(Publication.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "course.published")) == 0


def test_a_new_course_cannot_take_the_slug_of_an_existing_course(make_course, make_draft, trainer, english):
    make_course("kursus-tulis")
    with pytest.raises(AuthoringError) as refused:
        make_draft()  # the zip import refuses the taken slug
    assert refused.value.code == "slug_taken"
    db.session.rollback()
    draft = CourseDraft(slug="kursus-tulis-2", title="x", files={})
    db.session.add(draft)
    db.session.flush()
    draft.slug = "kursus-tulis"  # as if the course had appeared meanwhile
    with english(), pytest.raises(ContentRefused) as refused:
        publish(draft, trainer)
    assert "already exists" in refused.value.problems[0].message
    assert db.session.scalar(select(Course.version).where(Course.slug == "kursus-tulis")) == 1


def test_an_admin_edits_a_course_loaded_from_content_and_publishes_version_two(make_course, make_user, sign_in):
    course = make_course("kursus-konten", modules=[{"slug": "m", "title": "M", "lessons": [
        {"slug": "a", "title": "A", "body": "Isi.\n"}]}])
    admin = make_user(Role.ADMIN)
    browser = sign_in(admin, lang="en")
    assert "Kursus Uji" in browser.get("/tulis").get_data(as_text=True)
    response = browser.post_form(f"/tulis/kursus/{course.id}/sunting", form_url="/tulis")
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_id == course.id))
    assert response.headers["Location"] == f"/tulis/{draft.id}"
    assert draft.files["01-m/01-a.md"] == "---\ntitle: A\nminutes: 5\n---\n\nIsi.\n"
    assert draft.base_version == 1
    browser.post_form(f"/tulis/{draft.id}/terbitkan", form_url=f"/tulis/{draft.id}")
    assert db.session.get(Course, course.id).version == 2


def test_discarding_drafts(make_draft, trainer, sign_in):
    draft = make_draft()
    publish(draft, trainer)
    start_draft(draft, trainer)
    db.session.commit()
    browser = sign_in(trainer, lang="en")
    assert browser.post_form(f"/tulis/{draft.id}/buang").status_code == 302
    assert db.session.get(CourseDraft, draft.id).files is None
    assert course_by_slug("kursus-tulis").version == 1

    other_id = make_draft("kursus-lain").id
    assert browser.post_form(f"/tulis/{other_id}/buang").headers["Location"] == "/tulis"
    assert db.session.get(CourseDraft, other_id) is None


def test_options_retired_by_an_edit_stay_for_past_attempts(make_draft, trainer):
    from lms.authoring import editing

    draft = make_draft()
    publish(draft, trainer)
    start_draft(draft, trainer)
    editing.save_question(draft, trainer, "modul-satu", "tanda-infeksi", {
        "type": "multiple", "text": "Tanda infeksi?", "explanation": "Nanah.",
        "options": [{"key": "a", "text": "Bernanah", "correct": True}, {"key": "c", "text": "Kering"}]}, new=False)
    publish(draft, trainer)
    db.session.commit()
    question = db.session.scalar(select(Question).where(Question.key == "tanda-infeksi"))
    options = {o.key: o for o in db.session.scalars(select(Option).where(Option.question_id == question.id))}
    assert options["b"].retired_at is not None and options["a"].retired_at is None
    assert options["c"].text == "Kering" and options["c"].position == 2


def test_loading_content_again_keeps_a_version_published_in_the_browser(make_course, make_user, sign_in, runner,
                                                                       tmp_path):
    """`make run` loads content/ at every start: that must not undo what a trainer published since."""
    course = make_course("kursus-konten", modules=[{"slug": "m", "title": "M", "lessons": [
        {"slug": "a", "title": "A", "body": "Isi lama.\n"}]}])
    folder = tmp_path / "content" / "kursus-konten"
    admin = make_user(Role.ADMIN)
    browser = sign_in(admin, lang="en")
    browser.post_form(f"/tulis/kursus/{course.id}/sunting", form_url="/tulis")
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_id == course.id))
    assert browser.post_form(f"/tulis/{draft.id}/materi/a", {
        "title": "A", "minutes": "5", "body": "Isi baru dari browser.", "submit": "Save lesson"},
        form_url=f"/tulis/{draft.id}/materi/a").status_code == 302
    browser.post_form(f"/tulis/{draft.id}/terbitkan", form_url=f"/tulis/{draft.id}")
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == "a"))
    assert db.session.get(Course, course.id).version == 2 and lesson.body.strip() == "Isi baru dari browser."

    result = runner.invoke(args=["lms", "import-content", str(folder)])
    assert result.exit_code == 0, result.output
    assert "kursus-konten: kept the published version 2, newer than the files" in result.output
    db.session.expire_all()
    assert db.session.get(Course, course.id).version == 2
    assert db.session.get(Lesson, lesson.id).body.strip() == "Isi baru dari browser."

    result = runner.invoke(args=["lms", "import-content", "--replace-newer", str(folder)])
    assert result.exit_code == 0 and "kursus-konten: updated" in result.output
    db.session.expire_all()
    assert db.session.get(Course, course.id).version == 1
    assert db.session.get(Lesson, lesson.id).body.strip() == "Isi lama."


def test_publish_history_counts_changes_as_an_author_does(trainer, browser):
    """Issue #16: a one-lesson edit showed "Perubahan 39" (rows the importer touched); it is one change."""
    browser.login(trainer.phone)  # Indonesian, the default
    browser.post_form("/tulis/baru", {"title": "Satu Materi", "slug": "", "summary": "Ringkas.",
                                      "audience": "Keluarga.", "language": "id", "hours": "1"})
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.slug == "satu-materi"))
    base = f"/tulis/{draft.id}"
    browser.post_form(f"{base}/modul", {"title": "Modul", "summary": ""}, form_url=base)
    browser.post_form(f"{base}/modul/modul/materi-baru", {"title": "Materi", "minutes": "3", "body": "Isi.",
                                                          "submit": "Simpan"})
    browser.post_form(f"{base}/terbitkan", form_url=base)
    browser.post_form(f"{base}/mulai", form_url=base)
    assert browser.post_form(f"{base}/materi/materi", {"title": "Materi", "minutes": "3", "body": "Isi baru.",
                                                       "submit": "Simpan"}).status_code == 302
    browser.post_form(f"{base}/terbitkan", form_url=base)

    history = db.session.scalars(select(Publication).order_by(Publication.version)).all()
    assert [(p.version, p.changes, p.summary) for p in history] == [
        (1, 2, {"modules_added": 1, "lessons_added": 1}), (2, 1, {"lessons_changed": 1})]
    page = browser.get(base).get_data(as_text=True)
    assert "Versi 2</strong>" in page and "1 materi diubah" in page
    assert "Versi pertama: 1 modul, 1 materi" in page


def test_publish_history_names_each_kind_of_change(make_draft, trainer, sign_in):
    from lms.authoring import editing
    from lms.authoring.services import add_image

    from .conftest import PNG

    draft = make_draft()
    publish(draft, trainer)
    start_draft(draft, trainer)
    editing.move_lesson(draft, trainer, "pelajaran-b", -1)
    editing.save_settings(draft, trainer, {"title": "Kursus Baru", "summary": "S", "audience": "A", "language": "id",
                                           "hours": 2, "pass_mark": 80, "authors": ["Tim"]})
    editing.save_module(draft, trainer, "modul-dua", "Modul Dua Baru", "")
    editing.add_lesson(draft, trainer, "modul-dua", title="Baru", slug=None, minutes=2, body="Baru.")
    editing.remove_question(draft, trainer, "modul-satu", "urutan")
    editing.move_question(draft, trainer, "modul-satu", "lima-detik", -1)
    editing.save_quiz_settings(draft, trainer, "modul-dua", {"title": "Kuis Dua", "questions": [
        {"id": "a", "type": "true_false", "text": "Benar?", "answer": True, "explanation": "Ya."}]})
    add_image(draft, trainer, "gambar.png", PNG + b"\x01")
    add_image(draft, trainer, "lain.png", PNG)
    publication = publish(draft, trainer)
    db.session.commit()
    assert publication.summary == {
        "course_changed": 1, "modules_changed": 1, "lessons_added": 1, "lessons_moved": 1, "quizzes_added": 1,
        "questions_added": 1, "questions_moved": 1, "questions_removed": 1, "pictures_added": 1,
        "pictures_changed": 1}
    assert publication.changes == 10
    page = sign_in(trainer, lang="en").get(f"/tulis/{draft.id}").get_data(as_text=True)
    assert ("course settings changed, 1 module renamed, 1 lesson added, 1 lesson moved, 1 quiz added, "
            "1 question added, 1 question moved, 1 question removed, 1 picture added, 1 picture replaced") in page


def test_a_publish_without_changes_and_history_from_before_summaries(make_draft, trainer, sign_in):
    draft = make_draft()
    publish(draft, trainer)
    start_draft(draft, trainer)
    second = publish(draft, trainer)
    db.session.commit()
    assert (second.changes, second.summary) == (0, {})
    first = db.session.scalar(select(Publication).where(Publication.version == 1))
    first.summary = None  # published before the summary existed: its row count means nothing to an author
    db.session.commit()
    page = sign_in(trainer, lang="en").get(f"/tulis/{draft.id}").get_data(as_text=True)
    assert "no changes" in page and "not recorded" in page


def test_the_course_page_lists_the_checkers_advice_with_links_and_publishing_goes_on(make_draft, trainer, sign_in):
    draft = make_draft()
    browser = sign_in(trainer, lang="en")
    page = browser.get(f"/tulis/{draft.id}").get_data(as_text=True)
    advice = page[page.index('id="advice"'):page.index("</details>", page.index('id="advice"'))]
    assert "suggestions to make the course safer and its quizzes fairer" in advice
    # in the author's words, at the place to fix it: the question, not quiz.yaml line 12
    assert "Question “tanda-infeksi” has several right answers: add “(pilih semua yang benar)”" in advice
    assert f'href="/tulis/{draft.id}/modul/modul-satu/kuis/soal/tanda-infeksi"' in advice
    assert "the wrong answer “Tidak perlu” has no feedback" in advice
    assert "quiz.yaml" not in advice
    response = browser.post_form(f"/tulis/{draft.id}/terbitkan", form_url=f"/tulis/{draft.id}",
                                 follow_redirects=True)
    assert "Version 1 is published" in response.get_data(as_text=True)  # advice never blocks
