"""Quiz fixtures: a course with a quiz of every question type, answer sheets.

The signed-in learner is tests/conftest.py's `learner` (on the test's `browser`, which `pages` drives).
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.courses.models import Course, Module
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.queries import ShownQuestion, shown_questions

SINGLE = {
    "id": "kapan-cuci-tangan", "type": "single",
    "scenario": "Ibu Sari baru saja membantu ayahnya ke kamar mandi.",
    "text": "Apa yang harus Ibu Sari lakukan sebelum menyiapkan makan siang?",
    "options": [
        {"text": "Mencuci tangan dengan sabun", "correct": True, "feedback": "Sabun membunuh kuman."},
        {"text": "Mengelap tangan dengan handuk", "feedback": "Mengelap tidak membunuh kuman."},
        {"text": "Langsung memasak"},
    ],
    "explanation": "Cuci tangan dengan sabun setelah ke kamar mandi.",
}
MULTIPLE = {
    "id": "tanda-bahaya-luka", "type": "multiple",
    "text": "Manakah tanda luka yang perlu diperiksakan?",
    "options": [
        {"text": "Bernanah", "correct": True},
        {"text": "Makin merah dan panas", "correct": True},
        {"text": "Sudah mengering", "feedback": "Luka kering sedang sembuh."},
        {"text": "Gatal sedikit"},
    ],
    "explanation": "Nanah, merah dan panas adalah tanda infeksi.",
}
TRUE_FALSE = {
    "id": "sabun-lima-detik", "type": "true_false",
    "text": "Mencuci tangan cukup 5 detik saja.", "answer": False,
    "explanation": "Gosok tangan paling sedikit 20 detik.",
}
ORDERING = {
    "id": "urutan-cuci-tangan", "type": "ordering",
    "text": "Urutkan langkah mencuci tangan.",
    "steps": ["Basahi tangan", "Gosok dengan sabun", "Bilas dengan air", "Keringkan tangan"],
    "explanation": "Basahi, sabuni, bilas, keringkan.",
}
ALL_TYPES = [SINGLE, MULTIPLE, TRUE_FALSE, ORDERING]
LESSONS = [{"slug": "pelajaran-kuis", "title": "Pelajaran", "body": "Isi pelajaran.\n"}]


def pool(count: int) -> list[dict]:
    """`count` single-choice questions with distinct ids and texts."""
    return [{"id": f"soal-{n}", "type": "single", "text": f"Soal nomor {n}?",
             "options": [{"text": f"Jawaban benar {n}", "correct": True}, {"text": f"Jawaban lain {n}"}],
             "explanation": f"Penjelasan {n}."} for n in range(1, count + 1)]


def quiz_yaml(questions=None, **settings) -> dict:
    return {"title": "Kuis Uji", **settings, "questions": questions if questions is not None else ALL_TYPES}


@pytest.fixture
def make_quiz(make_course):
    """Import a course whose one module ends with a quiz; return the Quiz."""

    def _make_quiz(questions=None, *, slug="kursus-kuis", course=None, images=None, **settings) -> Quiz:
        make_course(slug, course=course, images=images, modules=[
            {"slug": "modul-kuis", "title": "Modul Kuis", "lessons": LESSONS, "quiz": quiz_yaml(questions, **settings)},
        ])
        return db.session.scalar(select(Quiz).join(Module).join(Course).where(Course.slug == slug))

    return _make_quiz


class QuizPages:
    """URLs of a quiz and the requests a learner makes, through the real forms."""

    def __init__(self, browser, quiz: Quiz):
        self.browser = browser
        self.quiz = quiz
        self.course_slug = quiz.module.course.slug
        self.module_slug = quiz.module.slug
        self.home = f"/kursus/{self.course_slug}/kuis/{self.module_slug}"

    def attempt_url(self, attempt_id: int) -> str:
        return f"{self.home}/percobaan/{attempt_id}"

    def result_url(self, attempt_id: int) -> str:
        return f"{self.home}/percobaan/{attempt_id}/hasil"

    def start(self):
        return self.browser.post_form(f"{self.home}/mulai", form_url=self.home)

    def start_attempt(self) -> Attempt:
        response = self.start()
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        attempt_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        return db.session.get(Attempt, attempt_id)

    def submit(self, attempt_id: int, data: dict):
        # The CSRF token comes from the quiz home: the attempt page redirects once it is graded.
        return self.browser.post_form(self.attempt_url(attempt_id), data, form_url=self.home)


@pytest.fixture
def pages(browser):
    return lambda quiz: QuizPages(browser, quiz)


def token_of(shown: ShownQuestion, option) -> str:
    return next(c.token for c in shown.choices if c.option.id == option.id)


def right_answer(shown: ShownQuestion) -> list:
    return shown.right_options


def wrong_answer(shown: ShownQuestion) -> list:
    """A wrong answer: a wrong option, only part of a multiple answer, steps in reverse order."""
    question_type = shown.question.type
    if question_type == "ordering":
        return list(reversed(shown.right_options))
    if question_type == "multiple":
        return shown.right_options[:1]
    return [next(c.option for c in shown.choices if not c.option.is_correct)]


def sheet(attempt: Attempt, choose=right_answer, overrides: dict | None = None) -> dict:
    """Form data answering every question of the attempt with `choose(shown) -> options`."""
    data: dict = {}
    for shown in shown_questions(attempt):
        chosen = choose(shown)
        if shown.question.type == "ordering":
            for rank, option in enumerate(chosen, start=1):
                data[f"{shown.field_name}-{token_of(shown, option)}"] = str(rank)
        else:
            data[shown.field_name] = [token_of(shown, option) for option in chosen]
    data.update(overrides or {})
    return data


def shown_by_key(attempt: Attempt) -> dict[str, ShownQuestion]:
    return {shown.question.key: shown for shown in shown_questions(attempt)}


# --- pre-tests ----------------------------------------------------------------------------------


def module_pool(module: int, count: int = 4) -> list[dict]:
    """`count` single-choice questions of module `module` (texts differ between modules)."""
    return [{"id": f"soal-{n}", "type": "single", "text": f"Modul {module}, soal {n}?",
             "options": [{"text": f"Benar {module}.{n}", "correct": True, "feedback": f"Ya {module}.{n}."},
                         {"text": f"Salah {module}.{n}", "feedback": f"Bukan {module}.{n}."}],
             "explanation": f"Penjelasan {module}.{n}."} for n in range(1, count + 1)]


@pytest.fixture
def make_pretest_course(make_course):
    """Import a course of two modules with quizzes (pools of 4) and `pretest: {questions_per_module: N}`."""

    def _make(slug="kursus-tes-awal", *, per_module=2, modules=None, **course):
        course = {"pretest": {"questions_per_module": per_module} if per_module else None, **course}
        return make_course(slug, course=course, modules=modules or [
            {"slug": "modul-satu", "title": "Modul Satu", "lessons": [
                {"slug": f"{slug}-a", "title": "Pelajaran A", "body": "Isi A.\n"},
                {"slug": f"{slug}-b", "title": "Pelajaran B", "body": "Isi B.\n"}],
             "quiz": quiz_yaml(module_pool(1), questions_per_attempt=2)},
            {"slug": "modul-dua", "title": "Modul Dua", "lessons": [
                {"slug": f"{slug}-c", "title": "Pelajaran C", "body": "Isi C.\n"}],
             "quiz": quiz_yaml(module_pool(2), questions_per_attempt=2)},
        ])

    return _make


class PretestPages:
    """The pre-test's URLs and the requests a learner makes, through the real forms."""

    def __init__(self, browser, course):
        self.browser = browser
        self.course = course
        self.home = f"/kursus/{course.slug}/tes-awal"
        self.sheet = f"{self.home}/soal"

    def start(self):
        return self.browser.post_form(f"{self.home}/mulai", form_url=self.home)

    def skip(self):
        return self.browser.post_form(f"{self.home}/lewati", form_url=self.home)

    def start_pretest(self):
        from lms.quizzes.models import Pretest

        response = self.start()
        assert response.status_code == 302 and response.headers["Location"].endswith(self.sheet), \
            response.get_data(as_text=True)[:2000]
        return db.session.scalar(select(Pretest).where(Pretest.user_id == self.browser.user.id,
                                                       Pretest.course_id == self.course.id))

    def submit(self, data: dict):
        # The CSRF token comes from the pre-test page: the sheet redirects once the pre-test is graded.
        return self.browser.post_form(self.sheet, data, form_url=self.home)


@pytest.fixture
def pretest_pages(browser):
    return lambda course, on=None: PretestPages(on or browser, course)


def pretest_sheet(pretest, choose=right_answer, overrides: dict | None = None) -> dict:
    """Form data answering every question of the pre-test with `choose(shown) -> options`."""
    from lms.quizzes.queries import shown_pretest_questions

    data: dict = {}
    for shown in shown_pretest_questions(pretest):
        data[shown.field_name] = [token_of(shown, option) for option in choose(shown)]
    data.update(overrides or {})
    return data
