"""What the pages show: nothing of the answer key before submitting; everything useful after."""
from __future__ import annotations

import hashlib
import re

import pytest
from flask import url_for

from lms.quizzes.queries import shown_questions
from tests.quizzes.conftest import ALL_TYPES, SINGLE, right_answer, sheet, wrong_answer

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/></svg>'


def main_of(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


@pytest.mark.parametrize("shuffle_options", [True, False])
def test_the_attempt_page_does_not_reveal_the_answer_key(make_quiz, learner, pages, browser, shuffle_options):
    quiz = make_quiz(shuffle_options=shuffle_options)
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    html = browser.get(quiz_pages.attempt_url(attempt.id)).get_data(as_text=True)

    assert "correct" not in html.lower()
    assert "data-" not in main_of(html)  # (the site's own scripts in the page head may use data attributes)
    for question in ALL_TYPES:
        assert question["explanation"] not in html
        for option in question.get("options", []):
            assert option["text"] in html
            if option.get("feedback"):
                assert option["feedback"] not in html

    shown = shown_questions(attempt)
    keys = {c.option.key for s in shown for c in s.choices}
    ids = {str(c.option.id) for s in shown for c in s.choices}
    form = html[html.index('<form method="post" novalidate class="quiz-sheet">'):]
    values = re.findall(r'<input type="(?:radio|checkbox)" name="q\d+" value="([^"]*)"', form)
    assert values and all(re.fullmatch(r"[0-9a-f]{8}", v) for v in values)
    assert not (set(values) & (keys | ids | {"true", "false", "True", "False", "1", "0"}))
    assert not re.search(r'=\s*"(?:true|false|True|False)"', form)

    # Every option of a question is written with exactly the same markup but for its token and text.
    for fieldset, question in zip(re.findall(r"<fieldset.*?</fieldset>", form, re.S), shown, strict=True):
        items = re.findall(r"<li.*?</li>", fieldset, re.S)
        assert len(items) == len(question.choices)
        generic = set()
        for item, choice in zip(items, question.choices, strict=True):
            text = choice.option.text if question.question.type != "true_false" else ("True", "False")[
                choice.option.key == "false"]
            generic.add(item.replace(choice.token, "TOKEN").replace(text, "TEXT"))
        assert len(generic) == 1, generic
        if question.question.type == "ordering":
            assert " selected" not in fieldset
            page_order = sorted(question.choices, key=lambda c: fieldset.index(c.option.text))
            assert [c.option.id for c in page_order] != [o.id for o in question.right_options]


def test_question_texts_are_plain_escaped_text(make_quiz, learner, pages, browser):
    question = dict(SINGLE, scenario="Situasi <script>alert(1)</script>", text="Apakah <b>tebal</b> & **Markdown**?")
    quiz = make_quiz([question])
    attempt = pages(quiz).start_attempt()
    html = browser.get(pages(quiz).attempt_url(attempt.id)).get_data(as_text=True)
    assert "Apakah &lt;b&gt;tebal&lt;/b&gt; &amp; **Markdown**?" in html
    assert "<script>alert(1)</script>" not in html and "Situasi &lt;script&gt;" in html


def test_question_images_are_served_from_the_course(make_quiz, learner, pages, browser, app):
    question = dict(SINGLE, image="images/tangan.svg", image_alt="Tangan dengan busa sabun")
    quiz = make_quiz([question], images={"tangan.svg": SVG})
    attempt = pages(quiz).start_attempt()
    html = browser.get(pages(quiz).attempt_url(attempt.id)).get_data(as_text=True)
    with app.test_request_context():
        src = url_for("courses.asset", course_slug="kursus-kuis", path="images/tangan.svg",
                      v=hashlib.sha256(SVG).hexdigest()[:12])
    assert f'<img class="quiz-image" src="{src.replace("&", "&amp;")}" alt="Tangan dengan busa sabun"' in html
    image = browser.get(src)
    assert image.status_code == 200 and image.data == SVG


def _submit(quiz_pages, choose):
    attempt = quiz_pages.start_attempt()
    quiz_pages.submit(attempt.id, sheet(attempt, choose))
    return attempt


def test_the_result_of_a_failed_attempt_explains_every_question(make_quiz, learner, pages, browser):
    quiz = make_quiz()
    quiz_pages = pages(quiz)

    def choose(shown):
        if shown.question.key == "kapan-cuci-tangan":  # the option with feedback "Mengelap…"
            return [c.option for c in shown.choices if c.option.text == "Mengelap tangan dengan handuk"]
        return wrong_answer(shown)

    attempt = _submit(quiz_pages, choose)
    html = main_of(browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True))
    assert "Your score: 0%" in html and "Not passed" in html and "Right answers: 0 of 4" in html
    assert "Mengelap tidak membunuh kuman." in html  # feedback of the option chosen
    assert "Sabun membunuh kuman." not in html  # feedback of an option not chosen
    for question in ALL_TYPES:
        assert question["explanation"] in html
    assert html.count("<h3>The right answer</h3>") == 4
    assert "Mencuci tangan dengan sabun" in html
    steps = ALL_TYPES[3]["steps"]
    assert "<ol class=\"quiz-answer\">" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>" in html


def test_right_answers_stay_hidden_after_a_failed_attempt_when_the_quiz_says_so(make_quiz, learner, pages, browser):
    quiz = make_quiz(show_correct_answers=False)
    quiz_pages = pages(quiz)
    attempt = _submit(quiz_pages, wrong_answer)
    html = main_of(browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True))
    assert "<h3>The right answer</h3>" not in html and "The right answers are not shown for this quiz" in html
    assert "Mencuci tangan dengan sabun" not in html  # the right option of the single question
    assert ALL_TYPES[0]["explanation"] in html

    passed = _submit(quiz_pages, lambda s: wrong_answer(s) if s.question.key == "sabun-lima-detik" else right_answer(s))
    html = main_of(browser.get(quiz_pages.result_url(passed.id)).get_data(as_text=True))
    assert "Passed" in html and html.count("<h3>The right answer</h3>") == 1  # always shown once passed


def test_the_quiz_home_shows_rules_history_and_the_next_step(make_quiz, learner, pages, browser):
    quiz = make_quiz(pass_mark=80, max_attempts=5, wait_minutes=0)
    quiz_pages = pages(quiz)
    home = main_of(browser.get(quiz_pages.home).get_data(as_text=True))
    assert "Kuis Uji" in home and "4 questions" in home and "Pass mark: 80%" in home
    assert "5 attempts allowed" in home and "You have not taken this quiz yet." in home
    assert 'value="Start the quiz"' in home

    failed = _submit(quiz_pages, wrong_answer)
    passed = _submit(quiz_pages, right_answer)
    open_attempt = quiz_pages.start_attempt()
    home = main_of(browser.get(quiz_pages.home).get_data(as_text=True))
    assert "You passed this quiz. Your best score: 100%." in home
    assert f'href="{quiz_pages.result_url(failed.id)}">0%</a>' in home
    assert f'href="{quiz_pages.result_url(passed.id)}">100%</a>' in home
    assert "Continue attempt 3" in home and quiz_pages.attempt_url(open_attempt.id) in home
    assert home.count("Not passed") == 1 and home.count('<span class="badge ok">Passed</span>') == 1

