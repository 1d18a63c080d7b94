"""quiz.yaml: located problems for every kind of broken file; idempotent, history-keeping imports."""
from __future__ import annotations

import re
import textwrap

import pytest
import yaml
from sqlalchemy import func, select

from lms.courses.importer import ContentError, import_content, parse_content
from lms.courses.models import Course, Module
from lms.extensions import db
from lms.quizzes.models import Attempt, Option, Question, Quiz
from lms.quizzes.services import start_attempt, submit_attempt
from tests.conftest import PROJECT_ROOT
from tests.factories import write_course
from tests.quizzes.conftest import ALL_TYPES, LESSONS, quiz_yaml

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'

GOOD_QUESTION = """\
  - id: satu
    type: single
    text: Apa?
    options:
      - {text: A, correct: true}
      - {text: B}
    explanation: Karena A.
"""


def problems_for(tmp_path, quiz_text: str):
    """Write a course whose module has this quiz.yaml; return (quiz path, problems found)."""
    folder = write_course(tmp_path / "content", "kursus-rusak",
                          modules=[{"slug": "modul", "title": "Modul", "lessons": LESSONS}],
                          images={"ada.svg": SVG})
    quiz_file = folder / "01-modul" / "quiz.yaml"
    quiz_file.write_text(textwrap.dedent(quiz_text), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        parse_content(folder)
    return quiz_file, caught.value.problems


BROKEN = {
    "single without a right option": ("""\
        title: Kuis
        questions:
          - id: satu
            type: single
            text: Apa?
            options:
              - text: A
              - text: B
            explanation: Karena.
        """, 6, "question 'satu': a single question needs exactly one correct option (found 0)"),
    "single with two right options": ("""\
        title: Kuis
        questions:
          - id: satu
            type: single
            text: Apa?
            options:
              - {text: A, correct: true}
              - {text: B, correct: true}
            explanation: Karena.
        """, 6, "exactly one correct option (found 2)"),
    "multiple without a right option": ("""\
        title: Kuis
        questions:
          - id: satu
            type: multiple
            text: Apa saja?
            options: [{text: A}, {text: B}]
            explanation: Karena.
        """, 6, "a multiple question needs at least one correct option"),
    "pass mark over 100": (textwrap.dedent("""\
        title: Kuis
        pass_mark: 150
        questions:
        """) + GOOD_QUESTION, 2, "'pass_mark' must be at most 100 (found 150)"),
    "pass mark of 0": (textwrap.dedent("""\
        title: Kuis
        pass_mark: 0
        questions:
        """) + GOOD_QUESTION, 2, "'pass_mark' must be at least 1 (found 0)"),
    "ordering with one step": ("""\
        title: Kuis
        questions:
          - id: urutan
            type: ordering
            text: Urutkan.
            steps:
              - Satu-satunya langkah
            explanation: Karena.
        """, 6, "question 'urutan': needs at least two steps (found 1)"),
    "duplicate question ids": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            answer: true
            explanation: Karena.
          - id: satu
            type: true_false
            text: Salah?
            answer: false
            explanation: Karena.
        """, 8, "question id 'satu' is used twice (first at line 3)"),
    "unknown type": ("""\
        title: Kuis
        questions:
          - id: satu
            type: essay
            text: Tulis.
            explanation: Karena.
        """, 4, "question 'satu': unknown type 'essay' (allowed: single, multiple, true_false, ordering)"),
    "more questions per attempt than the pool": (textwrap.dedent("""\
        title: Kuis
        questions_per_attempt: 5
        questions:
        """) + GOOD_QUESTION, 2, "'questions_per_attempt' is 5 but the quiz has only 1 question(s)"),
    "image not among the course images": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            image: images/tidak-ada.svg
            answer: true
            explanation: Karena.
        """, 6, "question 'satu': image 'images/tidak-ada.svg' not found in the course's images/ folder"),
    "image outside the course": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            image: https://example.com/x.png
            answer: true
            explanation: Karena.
        """, 6, "must be a file in the course's images/ folder"),
    "unknown quiz key": (textwrap.dedent("""\
        title: Kuis
        shuffle: true
        questions:
        """) + GOOD_QUESTION, 2, "unknown key 'shuffle'"),
    "unknown question key": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            hint: Pikirkan baik-baik
            answer: true
            explanation: Karena.
        """, 6, "question 'satu': unknown key 'hint'"),
    "key of another question type": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            answer: true
            steps: [A, B]
            explanation: Karena.
        """, 7, "'steps' is not used by true_false questions (only by ordering)"),
    "unknown option key": ("""\
        title: Kuis
        questions:
          - id: satu
            type: single
            text: Apa?
            options:
              - text: A
                benar: true
              - text: B
                correct: true
            explanation: Karena.
        """, 8, "unknown key 'benar'"),
    "true_false answer that is not a boolean": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            answer: mungkin
            explanation: Karena.
        """, 6, "'answer' must be true or false"),
    "true_false without answer": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            explanation: Karena.
        """, 3, "'answer' is required (true or false)"),
    "question without explanation": ("""\
        title: Kuis
        questions:
          - id: satu
            type: true_false
            text: Benar?
            answer: true
        """, 3, "'explanation' is required"),
    "question id that is not a slug": ("""\
        title: Kuis
        questions:
          - id: Soal Satu
            type: true_false
            text: Benar?
            answer: true
            explanation: Karena.
        """, 3, "ids use lower-case letters, digits and '-' only"),
    "the same option twice": ("""\
        title: Kuis
        questions:
          - id: satu
            type: multiple
            text: Apa?
            options:
              - {text: A, correct: true}
              - {text: A}
            explanation: Karena.
        """, 6, "the option 'A' appears twice"),
    "setting that is not a boolean": (textwrap.dedent("""\
        title: Kuis
        shuffle_questions: ya
        questions:
        """) + GOOD_QUESTION, 2, "'shuffle_questions' must be true or false"),
    "max_attempts of 0": (textwrap.dedent("""\
        title: Kuis
        max_attempts: 0
        questions:
        """) + GOOD_QUESTION, 2, "'max_attempts' must be at least 1 (found 0)"),
    "no questions": ("""\
        title: Kuis
        questions: []
        """, 2, "a quiz needs at least one question"),
    "question that is not a mapping": ("""\
        title: Kuis
        questions:
          - Apa itu?
        """, 2, "question 1 must be a mapping"),
    "invalid YAML": ("""\
        title: Kuis
        questions:
          - id: satu
            text: [tidak ditutup
        """, 5, "invalid YAML"),
}


@pytest.mark.parametrize("quiz_text, line, message", BROKEN.values(), ids=BROKEN.keys())
def test_broken_quiz_files_are_refused_with_file_and_line(tmp_path, quiz_text, line, message):
    quiz_file, problems = problems_for(tmp_path, quiz_text)
    located = [str(p) for p in problems if p.path == quiz_file and p.line == line and message in p.message]
    assert located, [str(p) for p in problems]
    assert located[0].startswith(f"{quiz_file}:{line}: ")


def test_every_problem_is_reported_and_nothing_is_imported(tmp_path):
    quiz_file, problems = problems_for(tmp_path, """\
        title: Kuis
        pass_mark: 101
        questions:
          - id: satu
            type: single
            text: Apa?
            options: [{text: A}, {text: B}]
            explanation: Karena.
          - id: dua
            type: ordering
            text: Urutkan.
            steps: [Satu]
            explanation: Karena.
        """)
    assert sorted(p.line for p in problems if p.path == quiz_file) == [2, 7, 12]
    with pytest.raises(ContentError):
        import_content(quiz_file.parent.parent)
    assert db.session.scalar(select(func.count(Course.id))) == 0


def test_the_documented_example_imports(tmp_path):
    readme = (PROJECT_ROOT / "content" / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Quizzes"):]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    folder = write_course(tmp_path / "content", "kursus-contoh",
                          modules=[{"slug": "modul", "title": "Modul", "lessons": LESSONS}],
                          images={"cuci-tangan.svg": SVG})
    (folder / "01-modul" / "quiz.yaml").write_text(example, encoding="utf-8")
    import_content(folder)
    quiz = db.session.scalar(select(Quiz))
    assert quiz.pass_mark == 70 and quiz.questions_per_attempt == 3 and quiz.max_attempts is None
    assert [q.type for q in quiz.questions] == ["single", "multiple", "true_false", "ordering"]
    assert quiz.questions[0].image == "images/cuci-tangan.svg"


def test_defaults_and_what_is_stored(make_quiz):
    quiz = make_quiz(course={"pass_mark": 80})
    assert quiz.module.has_quiz is True
    assert (quiz.title, quiz.pass_mark, quiz.questions_per_attempt, quiz.shuffle_questions, quiz.shuffle_options,
            quiz.max_attempts, quiz.wait_minutes, quiz.show_correct_answers) == (
        "Kuis Uji", 80, None, True, True, None, 0, True)
    single, multiple, true_false, ordering = quiz.questions
    assert [(o.key, o.is_correct) for o in single.options] == [("a", True), ("b", False), ("c", False)]
    assert single.options[0].feedback == "Sabun membunuh kuman." and single.scenario.startswith("Ibu Sari")
    assert [o.is_correct for o in multiple.options] == [True, True, False, False]
    assert [(o.key, o.is_correct) for o in true_false.options] == [("true", False), ("false", True)]
    assert [(o.key, o.position, o.text) for o in ordering.options] == [
        ("a", 1, "Basahi tangan"), ("b", 2, "Gosok dengan sabun"), ("c", 3, "Bilas dengan air"),
        ("d", 4, "Keringkan tangan")]


def test_explicit_settings_and_option_ids(make_quiz):
    questions = [dict(ALL_TYPES[0], options=[{"id": "sabun", "text": "Sabun", "correct": True},
                                             {"id": "handuk", "text": "Handuk"}]),
                 dict(ALL_TYPES[3], steps=[{"id": "basah", "text": "Basahi"}, "Bilas"])]
    quiz = make_quiz(questions, pass_mark=90, questions_per_attempt=1, shuffle_questions=False,
                     shuffle_options=False, max_attempts=3, wait_minutes=15, show_correct_answers=False)
    assert (quiz.pass_mark, quiz.questions_per_attempt, quiz.shuffle_questions, quiz.shuffle_options,
            quiz.max_attempts, quiz.wait_minutes, quiz.show_correct_answers) == (90, 1, False, False, 3, 15, False)
    assert [o.key for o in quiz.questions[0].options] == ["sabun", "handuk"]
    assert [o.key for o in quiz.questions[1].options] == ["basah", "b"]


def _write(tmp_path, quiz: dict | None):
    folder = write_course(tmp_path / "content", "kursus-kuis", modules=[
        {"slug": "modul-kuis", "title": "Modul Kuis", "lessons": LESSONS, "quiz": quiz}])
    quiz_file = folder / "01-modul-kuis" / "quiz.yaml"
    if quiz is None:
        quiz_file.unlink(missing_ok=True)
    return folder


def test_applying_the_same_file_twice_changes_nothing(tmp_path):
    folder = _write(tmp_path, quiz_yaml())
    assert import_content(folder)[0].changes > 0
    assert import_content(folder)[0].changes == 0


def test_edits_keep_question_ids_and_retire_what_disappears(tmp_path, make_user):
    user = make_user()
    folder = _write(tmp_path, quiz_yaml())
    import_content(folder)
    quiz = db.session.scalar(select(Quiz))
    ids = {q.key: q.id for q in quiz.questions}
    attempt = start_attempt(user.id, quiz)
    submit_attempt(attempt, {item.id: answer for item, answer in _answers(attempt)})
    db.session.commit()

    single, multiple, true_false, ordering = (dict(q) for q in ALL_TYPES)
    single["text"] = "Apa yang dilakukan sebelum memasak?"
    single["options"] = single["options"][:2]  # the third option disappears
    new_question = {"id": "baru", "type": "true_false", "text": "Soal baru?", "answer": True, "explanation": "Ya."}
    _write(tmp_path, quiz_yaml([new_question, single, true_false, ordering]))  # `multiple` disappears
    assert import_content(folder)[0].changes > 0

    db.session.expire_all()
    questions = {q.key: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id))}
    assert {k: q.id for k, q in questions.items() if k in ids} == ids  # same rows
    assert questions["kapan-cuci-tangan"].text == "Apa yang dilakukan sebelum memasak?"
    assert questions["tanda-bahaya-luka"].retired_at is not None  # retired, not deleted
    assert [q.key for q in sorted(questions.values(), key=lambda q: q.position) if q.is_current] == [
        "baru", "kapan-cuci-tangan", "sabun-lima-detik", "urutan-cuci-tangan"]
    third = db.session.scalar(select(Option).where(Option.question_id == ids["kapan-cuci-tangan"], Option.key == "c"))
    assert third.retired_at is not None and third not in questions["kapan-cuci-tangan"].current_options
    db.session.refresh(attempt)
    assert len(attempt.items) == 4 and attempt.score is not None  # history survives

    later = start_attempt(user.id, quiz)
    assert ids["tanda-bahaya-luka"] not in {item.question_id for item in later.items}
    assert import_content(folder)[0].changes == 0


def _answers(attempt: Attempt):
    from lms.quizzes.queries import shown_questions

    for shown in shown_questions(attempt):
        yield shown.item, [o.id for o in shown.right_options]


def test_a_removed_quiz_file_retires_the_quiz_and_a_new_one_restores_it(tmp_path, make_user, browser):
    folder = _write(tmp_path, quiz_yaml())
    import_content(folder)
    quiz = db.session.scalar(select(Quiz))
    user = make_user()
    start_attempt(user.id, quiz)
    db.session.commit()

    _write(tmp_path, None)
    assert import_content(folder)[0].changes == 2  # quiz retired, module without quiz
    db.session.expire_all()
    assert quiz.retired_at is not None and quiz.module.has_quiz is False
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    browser.login(user.phone)
    assert browser.get("/kursus/kursus-kuis/kuis/modul-kuis").status_code == 404
    assert import_content(folder)[0].changes == 0

    _write(tmp_path, quiz_yaml())
    import_content(folder)
    db.session.expire_all()
    assert quiz.retired_at is None and quiz.module.has_quiz is True
    assert db.session.scalar(select(func.count(Quiz.id))) == 1
    assert browser.get("/kursus/kursus-kuis/kuis/modul-kuis").status_code == 200


def test_the_pass_mark_follows_the_course_default(tmp_path):
    folder = _write(tmp_path, quiz_yaml())
    import_content(folder)
    course_file = folder / "course.yaml"
    data = yaml.safe_load(course_file.read_text(encoding="utf-8"))
    course_file.write_text(yaml.safe_dump(dict(data, pass_mark=85)), encoding="utf-8")
    assert import_content(folder)[0].changes == 2  # the course and its quiz
    assert db.session.scalar(select(Quiz)).pass_mark == 85


def test_the_real_content_imports_and_a_second_import_changes_nothing():
    reports = import_content(PROJECT_ROOT / "content")
    assert reports and all(r.changes > 0 for r in reports)
    quizzes = db.session.scalars(select(Quiz).where(Quiz.retired_at.is_(None))).all()
    assert len(quizzes) == 21  # every module of the three courses ends with one
    assert all(q.module.has_quiz and len([x for x in q.questions if x.is_current]) >= 12 for q in quizzes)
    assert [r.changes for r in import_content(PROJECT_ROOT / "content")] == [0] * len(reports)


def test_the_import_command_reports_unchanged_the_second_time(runner):
    content = str(PROJECT_ROOT / "content")
    first = runner.invoke(args=["lms", "import-content", content])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["lms", "import-content", content])
    assert second.exit_code == 0
    assert second.output.count("unchanged (0 change(s))") == 3, second.output
    assert db.session.scalar(select(func.count(Module.id)).where(Module.has_quiz.is_(True))) == 21


def test_quiz_problems_carry_a_code_the_question_and_the_answer(tmp_path):
    """What the browser editor needs to say "question 1 “Apa?”: write answer 2" in the author's words."""
    _path, problems = problems_for(tmp_path, """\
        title: Kuis
        pass_mark: 150
        questions:
          - id: satu
            type: single
            text: Apa?
            options:
              - {text: A}
              - {text: ""}
            explanation: Karena.
        """)
    found = {(p.code, tuple(sorted(p.params.items()))) for p in problems}
    assert ("too_large", (("field", "pass_mark"), ("found", 150), ("max", 100))) in found
    assert ("single_needs_one_right", (("field", "options"), ("found", 0), ("number", 1), ("question", "satu"))) \
        in found
    assert ("required", (("choice", 2), ("field", "text"), ("number", 1), ("question", "satu"))) in found
    assert all(p.code for p in problems)
