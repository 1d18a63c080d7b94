"""Where a quiz leads: the next step after a pass, a retry after a fail, and what a visitor is told."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.courses.models import Lesson, Module
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.quizzes.models import Quiz
from tests.quizzes.conftest import SINGLE, quiz_yaml, right_answer, sheet, wrong_answer

TWO_MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A",
                                                                "body": "A.\n"}],
     "quiz": quiz_yaml([SINGLE], title="Kuis Satu")},
    {"slug": "modul-dua", "title": "Modul Dua", "lessons": [{"slug": "pelajaran-b", "title": "Pelajaran B",
                                                              "body": "B.\n"}],
     "quiz": quiz_yaml([SINGLE], title="Kuis Dua")},
]


def buttons(html: str) -> list[tuple[str, str, str]]:
    """(class, href, text) of every button-styled link in the page's main part, in order."""
    main = html[html.index("<main"):html.index("</main>")]
    return [(cls, href, re.sub(r"\s+", " ", text).strip())
            for cls, href, text in re.findall(r'<a class="(button[^"]*)" href="([^"]+)">(.*?)</a>', main, re.S)]


def quiz_of(module_slug: str) -> Quiz:
    return db.session.scalar(select(Quiz).join(Module, Module.id == Quiz.module_id).where(Module.slug == module_slug))


@pytest.fixture
def two_modules(make_course):
    make_course("kursus-dua", modules=TWO_MODULES)
    return quiz_of("modul-satu"), quiz_of("modul-dua")


def take(pages, quiz, choose):
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    response = quiz_pages.submit(attempt.id, sheet(attempt, choose))
    assert response.status_code == 302
    return quiz_pages.browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True)


def read_lessons(user, *slugs):
    for slug in slugs:
        mark_lesson_done(user.id, db.session.scalar(select(Lesson).where(Lesson.slug == slug)))
    db.session.commit()


def test_after_a_pass_the_main_button_goes_to_the_next_module(two_modules, learner, pages):
    first, _second = two_modules
    read_lessons(learner, "pelajaran-a")
    html = take(pages, first, right_answer)
    found = buttons(html)
    assert found[0] == ("button primary", "/kursus/kursus-dua/materi/pelajaran-b", "Continue learning")
    assert "Next: Pelajaran B" in re.sub(r"\s+", " ", html)
    assert ("button", "/kursus/kursus-dua/kuis/modul-satu", "Back to the quiz") in found
    assert [cls for cls, _href, _text in found].count("button primary") == 1


def test_a_pass_before_reading_leads_to_the_unread_lesson_first(two_modules, learner, pages):
    first, _second = two_modules
    html = take(pages, first, right_answer)
    assert buttons(html)[0] == ("button primary", "/kursus/kursus-dua/materi/pelajaran-a", "Continue learning")


def test_after_a_pass_whose_next_step_is_a_quiz_the_button_goes_to_it(two_modules, learner, pages):
    first, _second = two_modules
    read_lessons(learner, "pelajaran-a", "pelajaran-b")
    html = take(pages, first, right_answer)
    assert buttons(html)[0] == ("button primary", "/kursus/kursus-dua/kuis/modul-dua", "Continue learning")
    assert "Next: Quiz: Modul Dua" in re.sub(r"\s+", " ", html)


def test_passing_the_last_quiz_leads_to_the_certificate(two_modules, learner, pages):
    first, second = two_modules
    read_lessons(learner, "pelajaran-a", "pelajaran-b")
    take(pages, first, right_answer)
    html = take(pages, second, right_answer)
    found = buttons(html)
    assert found[0][0] == "button primary" and found[0][2] == "Download certificate (PDF)"
    assert re.fullmatch(r"/sertifikat/RWT-[0-9A-Z-]+/unduh", found[0][1])
    assert ("button", "/dasbor", "My learning") in found
    assert ("button", "/kursus/kursus-dua/kuis/modul-dua", "Back to the quiz") in found
    assert "You have finished this course." in html


def test_after_a_fail_the_main_button_goes_back_to_the_quiz(two_modules, learner, pages):
    first, _second = two_modules
    html = take(pages, first, wrong_answer)
    found = buttons(html)
    assert found[0] == ("button primary", "/kursus/kursus-dua/kuis/modul-satu", "Back to the quiz")
    assert "Continue learning" not in html and "Next:" not in html


def test_a_visitor_sees_what_the_quiz_is_and_how_to_take_it(make_quiz, client):
    make_quiz(questions_per_attempt=3, pass_mark=80)
    for lang, says, sign_in, verdicts in [
        ("en", ["3 questions", "Pass mark: 80%"], "Sign in to take the quiz", ["Not passed", "Your attempts"]),
        ("id", ["3 soal", "Nilai minimal lulus: 80%"], "Masuk untuk ikut kuis", ["Belum lulus",
                                                                                         "Percobaan Anda"]),
    ]:
        client.set_cookie("lang", lang)
        response = client.get("/kursus/kursus-kuis/kuis/modul-kuis")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert all(text in html for text in says), lang
        assert (f'<a class="button primary" href="/masuk?next=/kursus/kursus-kuis/kuis/modul-kuis">{sign_in}</a>'
                in html)
        assert not any(text in html for text in verdicts), lang
        assert 'action="/kursus/kursus-kuis/kuis/modul-kuis/mulai"' not in html


def test_the_attempt_history_shows_score_and_result_before_the_dates(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    take(pages, quiz, wrong_answer)
    html = browser.get(pages(quiz).home).get_data(as_text=True)
    table = html[html.index("<table"):html.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == ["Attempt", "Score", "Result", "Sent", "Started"]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)
    assert cells[0] == "1" and re.search(r">\d+%</a>", cells[1]) and "Not passed" in cells[2]


def test_the_outline_tells_a_visitor_what_the_quiz_is_and_a_learner_how_it_went(make_quiz, client, browser,
                                                                                 make_user):
    make_quiz(questions_per_attempt=2, pass_mark=75)
    client.set_cookie("lang", "id")
    outline = client.get("/kursus/kursus-kuis").get_data(as_text=True)
    assert "Belum lulus" not in outline
    assert re.search(r"Kuis modul</a>\s*<span class=\"status\">· 2 soal · Nilai minimal lulus: 75%</span>", outline)
    user = make_user()
    browser.login(user.phone)
    browser.post_form("/kursus/kursus-kuis/mulai", form_url="/kursus/kursus-kuis")
    assert "Belum lulus" in browser.get("/kursus/kursus-kuis").get_data(as_text=True)
