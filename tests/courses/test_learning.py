"""Catalog, course page, lessons, progress rules, resume, sanitization and privacy."""
import re

import pytest
from sqlalchemy import func, select

from lms.courses.models import Enrollment, Lesson, LessonCompletion, Module
from lms.courses.progress import course_progress
from lms.courses.views import ASSET_CSP
from lms.courses.services import mark_lesson_done, record_quiz_pass
from lms.extensions import db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title><rect width="5" height="5"/></svg>'


def parse_tags(html):
    """Every (tag, attributes) a browser would build from this HTML."""
    from html.parser import HTMLParser

    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def lesson(slug):
    return db.session.scalar(select(Lesson).where(Lesson.slug == slug))


def completions(user_id):
    return db.session.scalar(select(func.count()).select_from(LessonCompletion)
                             .where(LessonCompletion.user_id == user_id))


def test_catalog_lists_published_courses_and_searches(client, make_course):
    make_course("kursus-lansia", course={"title": "Perawatan Lansia", "summary": "Merawat orang tua di rumah."})
    make_course("kursus-disabilitas", course={"title": "Mendampingi Disabilitas", "summary": "Kursi roda."})
    make_course("kursus-rahasia", course={"title": "Draf Rahasia", "published": False})
    page = client.get("/kursus").get_data(as_text=True)
    assert "Perawatan Lansia" in page and "Mendampingi Disabilitas" in page and "Draf Rahasia" not in page
    assert "1 jam pelajaran (JP)" in page and "2 modul" in page  # 3 lessons of 5 minutes
    found = client.get("/kursus?q=kursi+roda").get_data(as_text=True)
    assert "Mendampingi Disabilitas" in found and "Perawatan Lansia" not in found
    assert client.get("/kursus/kursus-rahasia").status_code == 404


def test_lessons_are_readable_without_an_account(client, make_course):
    make_course()
    page = client.get("/kursus/kursus-uji/materi/pelajaran-a")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Isi pelajaran A." in body and "Masuk untuk menyimpan kemajuan" in body
    assert 'rel="next" href="/kursus/kursus-uji/materi/pelajaran-b"' in body


def test_start_enrols_once_and_goes_to_the_first_lesson(browser, make_user, make_course):
    user = make_user(phone="+6281234567890")
    make_course()
    browser.login("081234567890")
    assert "Mulai belajar" in browser.get("/kursus/kursus-uji").get_data(as_text=True)
    first = browser.post_form("/kursus/kursus-uji/mulai", form_url="/kursus/kursus-uji")
    assert first.headers["Location"] == "/kursus/kursus-uji/materi/pelajaran-a"
    browser.post_form("/kursus/kursus-uji/mulai", form_url="/kursus/kursus-uji")
    assert db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.user_id == user.id)) == 1


def test_mark_done_moves_on_and_resume_where_left_off(browser, make_user, make_course):
    user = make_user(phone="+6281234567890")
    make_course()
    browser.login("081234567890")
    url = "/kursus/kursus-uji/materi/pelajaran-a/selesai"
    response = browser.post_form(url, form_url="/kursus/kursus-uji/materi/pelajaran-a")
    assert response.headers["Location"] == "/kursus/kursus-uji/materi/pelajaran-b"
    # Marking twice is one record.
    browser.post_form(url, form_url="/kursus/kursus-uji/materi/pelajaran-a")
    assert completions(user.id) == 1
    course_page = browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "Lanjutkan belajar" in course_page and 'value="33"' in course_page  # 1 of 3 steps
    resume = browser.post_form("/kursus/kursus-uji/mulai", form_url="/kursus/kursus-uji")
    assert resume.headers["Location"] == "/kursus/kursus-uji/materi/pelajaran-b"
    dashboard = browser.get("/dasbor").get_data(as_text=True)
    assert "Kursus Uji" in dashboard and "Pelajaran B" in dashboard and "33% selesai" in dashboard


def test_anonymous_cannot_record_progress(client, make_course):
    make_course()
    response = client.post("/kursus/kursus-uji/materi/pelajaran-a/selesai")
    assert response.status_code in (302, 400)
    assert db.session.scalar(select(func.count()).select_from(LessonCompletion)) == 0


def test_progress_rules_with_quiz(make_user, make_course):
    user = make_user()
    course = make_course()
    module_one = db.session.scalar(select(Module).where(Module.slug == "modul-satu"))
    module_one.has_quiz = True
    db.session.commit()
    for slug in ("pelajaran-a", "pelajaran-b", "pelajaran-c"):
        mark_lesson_done(user.id, lesson(slug))
    progress = course_progress(user.id, course)
    assert progress.total_steps == 4 and progress.done_steps == 3 and progress.percent == 75
    assert not progress.modules[0].is_done and progress.modules[1].is_done
    assert progress.next_step.kind == "quiz" and progress.next_step.module.id == module_one.id
    assert not progress.is_complete
    record_quiz_pass(user.id, module_one, 80)
    record_quiz_pass(user.id, module_one, 60)  # a lower score never replaces the best
    progress = course_progress(user.id, course)
    assert progress.is_complete and progress.percent == 100 and progress.modules[0].quiz_score == 80
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == user.id))
    assert enrollment.completed_at is not None


def test_course_completed_signal_is_sent_once(make_user, make_course):
    from lms.courses.signals import course_completed

    user = make_user()
    make_course()
    received = []

    def listener(sender, **kwargs):
        received.append((sender.slug, kwargs["user_id"]))

    course_completed.connect(listener)
    try:
        for slug in ("pelajaran-a", "pelajaran-b", "pelajaran-c", "pelajaran-c"):
            mark_lesson_done(user.id, lesson(slug))
        mark_lesson_done(user.id, lesson("pelajaran-a"))
    finally:
        course_completed.disconnect(listener)
    assert received == [("kursus-uji", user.id)]


def test_sanitization_of_hostile_lesson(client, make_course):
    hostile = (
        "Halo <script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[klik saya](javascript:alert(1)) dan [data](data:text/html;base64,PHNjcmlwdD4=)\n\n"
        '<a href="#" onclick="alert(2)">tautan</a>\n\n'
        "::: warning Segera cari pertolongan medis bila\n- Sesak napas\n:::\n"
    )
    make_course(modules=[{"slug": "m", "title": "M", "lessons": [{"slug": "jahat", "title": "J", "body": hostile}]}])
    body = client.get("/kursus/kursus-uji/materi/jahat").get_data(as_text=True)
    article = body[body.index('<div class="lesson-body">'):body.index("</article>")]
    tags = parse_tags(article)
    assert "script" not in {name for name, _attrs in tags}
    assert not [(n, a) for n, attrs in tags for a, _v in attrs if a.startswith("on")]
    hrefs = [v for _n, attrs in tags for a, v in attrs if a in ("href", "src")]
    assert not [h for h in hrefs if h and h.strip().lower().startswith(("javascript:", "data:"))]
    assert "Halo" in article  # the harmless text is kept
    assert '<aside class="callout callout-warning" role="note">' in article
    assert "Segera cari pertolongan medis bila" in article


def test_lesson_images_are_served_with_long_cache_and_no_script(client, make_course):
    make_course(images={"gambar.svg": SVG}, modules=[{"slug": "m", "title": "M", "lessons": [
        {"slug": "a", "title": "A", "body": "![Gambar langkah](images/gambar.svg)\n"}]}])
    body = client.get("/kursus/kursus-uji/materi/a").get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)" alt="Gambar langkah" loading="lazy"', body).group(1)
    image = client.get(src.replace("&amp;", "&"))
    assert image.status_code == 200 and image.mimetype == "image/svg+xml" and image.data == SVG
    assert "immutable" in image.headers["Cache-Control"]
    assert image.headers.getlist("Content-Security-Policy") == [ASSET_CSP]  # its own policy, not also the site's
    again = client.get(src.replace("&amp;", "&"), headers={"If-None-Match": image.headers["ETag"]})
    assert again.status_code == 304


def test_a_learner_never_sees_or_changes_another_learners_progress(app, make_user, make_course):
    from tests.conftest import Browser

    siti = make_user(phone="+6281200000001", full_name="Siti")
    budi = make_user(phone="+6281200000002", full_name="Budi")
    make_course()
    mark_lesson_done(siti.id, lesson("pelajaran-a"))
    mark_lesson_done(siti.id, lesson("pelajaran-b"))
    db.session.commit()
    budi_browser = Browser(app.test_client())
    budi_browser.login("081200000002")
    page = budi_browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "✓" not in page  # none of Siti's ticks
    assert "Kursus Uji" not in budi_browser.get("/dasbor").get_data(as_text=True)
    # Budi's actions only ever record Budi's progress; there is no user id to tamper with.
    budi_browser.post_form("/kursus/kursus-uji/materi/pelajaran-c/selesai", {"user_id": siti.id},
                           form_url="/kursus/kursus-uji/materi/pelajaran-c")
    assert completions(siti.id) == 2 and completions(budi.id) == 1


@pytest.mark.parametrize("url", ["/kursus/tidak-ada", "/kursus/kursus-uji/materi/tidak-ada",
                                 "/kursus/kursus-uji/aset/images/tidak-ada.svg"])
def test_unknown_things_are_404(client, make_course, url):
    make_course()
    assert client.get(url).status_code == 404


def test_dashboard_requires_sign_in(client):
    assert client.get("/dasbor").status_code == 302
