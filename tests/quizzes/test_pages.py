"""What the pages show: nothing of the answer key before submitting; everything useful after."""
from __future__ import annotations

import hashlib
import io
import re
from html import unescape

import pytest
from flask import url_for
from PIL import Image

from lms.quizzes.queries import shown_questions
from tests.quizzes.conftest import ALL_TYPES, SINGLE, right_answer, sheet, wrong_answer

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4" cx="5" cy="5"/></svg>'
IMMUTABLE = "public, max-age=31536000, immutable"


def photo(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    for x in range(0, width, 5):  # some detail, so the copies differ in size
        image.putpixel((x, (x * 7) % height), (10, 10, 10))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


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


def _quiz_image_tag(html: str) -> str:
    tags = re.findall(r'<img class="quiz-image"[^>]*>', html)
    assert len(tags) == 1, tags
    return tags[0]


def test_question_photos_are_sent_as_phone_sized_webp_copies_like_lesson_pictures(make_quiz, learner, pages,
                                                                                   browser, app):
    question = dict(SINGLE, image="images/luka.jpg", image_alt="Kulit kemerahan di tumit")
    quiz = make_quiz([question], images={"luka.jpg": photo(1600, 1200)})
    quiz_pages = pages(quiz)
    attempt = quiz_pages.start_attempt()
    tag = _quiz_image_tag(browser.get(quiz_pages.attempt_url(attempt.id)).get_data(as_text=True))
    assert 'alt="Kulit kemerahan di tumit"' in tag and 'loading="lazy"' in tag and 'decoding="async"' in tag
    assert 'width="720"' in tag and 'height="540"' in tag and 'sizes="' in tag
    srcset = unescape(re.search(r'srcset="([^"]+)"', tag).group(1))
    candidates = {width: url for url, width in (entry.strip().rsplit(" ", 1) for entry in srcset.split(","))}
    assert set(candidates) == {"360w", "720w"}
    assert unescape(re.search(r' src="([^"]+)"', tag).group(1)) == candidates["360w"]  # the smallest by default
    original = len(photo(1600, 1200))
    anonymous = app.test_client()  # course pictures are public, like the lessons that show them
    for descriptor, url in candidates.items():
        assert re.fullmatch(rf"/kursus/kursus-kuis/aset/images/luka\.jpg\?v=[0-9a-f]{{12}}&w={descriptor[:-1]}", url)
        response = anonymous.get(url)
        assert response.status_code == 200 and response.mimetype == "image/webp"
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert len(response.data) < original
        with Image.open(io.BytesIO(response.data)) as copy:
            assert copy.format == "WEBP" and copy.size == (int(descriptor[:-1]), int(descriptor[:-1]) * 3 // 4)
    # The full-size original is never linked from the page (it still exists, for handouts).
    assert all("&w=" in url for url in candidates.values())
    assert anonymous.get(candidates["720w"].split("&w=")[0]).mimetype == "image/jpeg"

    # The result page shows the same picture the same way.
    quiz_pages.submit(attempt.id, sheet(attempt))
    result_tag = _quiz_image_tag(browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True))
    assert unescape(re.search(r'srcset="([^"]+)"', result_tag).group(1)) == srcset


def _submit(quiz_pages, choose):
    attempt = quiz_pages.start_attempt()
    quiz_pages.submit(attempt.id, sheet(attempt, choose))
    return attempt


def _fail_with_feedback(quiz_pages):
    def choose(shown):
        if shown.question.key == "kapan-cuci-tangan":  # the option with feedback "Mengelap…"
            return [c.option for c in shown.choices if c.option.text == "Mengelap tangan dengan handuk"]
        return wrong_answer(shown)

    return _submit(quiz_pages, choose)


def test_a_failed_attempt_with_attempts_left_shows_why_each_choice_is_wrong_but_not_the_answers(
        make_quiz, learner, pages, browser):
    quiz_pages = pages(make_quiz())  # unlimited attempts: the answers would be learnt by heart
    attempt = _fail_with_feedback(quiz_pages)
    html = main_of(browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True))
    assert "Your score: 0%" in html and "Not passed" in html and "Right answers: 0 of 4" in html
    assert "Mengelap tidak membunuh kuman." in html  # feedback of the option chosen
    assert "Sabun membunuh kuman." not in html  # feedback of an option not chosen
    assert "<h3>The right answer</h3>" not in html and "Mencuci tangan dengan sabun" not in html
    for question in ALL_TYPES:
        assert question["explanation"] not in html
    assert html.count("Read the module's lessons again") == 4
    assert "The right answers are shown once you pass, so that" in html


def test_the_answers_are_shown_once_every_attempt_is_used(make_quiz, learner, pages, browser):
    quiz_pages = pages(make_quiz(max_attempts=2))
    first = _fail_with_feedback(quiz_pages)
    html = main_of(browser.get(quiz_pages.result_url(first.id)).get_data(as_text=True))
    assert "<h3>The right answer</h3>" not in html and "once you have used all your attempts" in html

    last = _fail_with_feedback(quiz_pages)
    for attempt in (first, last):
        html = main_of(browser.get(quiz_pages.result_url(attempt.id)).get_data(as_text=True))
        for question in ALL_TYPES:
            assert question["explanation"] in html
        assert html.count("<h3>The right answer</h3>") == 4
        assert "Mencuci tangan dengan sabun" in html
        steps = ALL_TYPES[3]["steps"]
        assert "<ol class=\"quiz-answer\">" + "".join(f"<li>{s}</li>" for s in steps) + "</ol>" in html


def test_right_answers_stay_hidden_until_a_pass_when_the_quiz_says_so(make_quiz, learner, pages, browser):
    quiz = make_quiz(show_correct_answers=False, max_attempts=3)
    quiz_pages = pages(quiz)
    failed = [_submit(quiz_pages, wrong_answer) for _attempt in range(2)]
    html = main_of(browser.get(quiz_pages.result_url(failed[0].id)).get_data(as_text=True))
    assert "<h3>The right answer</h3>" not in html and "The right answers are shown once you pass, so" in html
    assert "Mencuci tangan dengan sabun" not in html  # the right option of the single question
    assert ALL_TYPES[0]["explanation"] not in html

    passed = _submit(quiz_pages, lambda s: wrong_answer(s) if s.question.key == "sabun-lima-detik" else right_answer(s))
    html = main_of(browser.get(quiz_pages.result_url(passed.id)).get_data(as_text=True))
    assert "Passed" in html and html.count("<h3>The right answer</h3>") == 1  # always shown once passed
    html = main_of(browser.get(quiz_pages.result_url(failed[0].id)).get_data(as_text=True))
    assert html.count("<h3>The right answer</h3>") == 4  # and for the earlier attempts too


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

