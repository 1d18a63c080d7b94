"""The content checker reports each fault with its file and line, through the real command."""
# ruff: noqa: E501 -- the lesson texts below are long on purpose: long sentences are what the checker finds
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lms.content_checker.checker import check_course

COURSE_YAML = """\
title: Kursus Uji
summary: Ringkasan.
audience: Keluarga.
hours: 9
version: 1
authors: [Tim Uji]
sources: [{title: Panduan, publisher: WHO, year: 2019}]
"""
#: 5 + 5 lesson minutes, 8 × 1.5 quiz minutes: 22 minutes, 0.5 JP rounds to 1 JP (declared: 9)

LESSON_LONG_SENTENCE = """\
---
title: Pelajaran Panjang
minutes: 5
---

Kalimat pendek di awal. Kalimat ini sengaja dibuat sangat panjang sekali dengan banyak kata supaya melewati batas dua puluh lima kata yang dianjurkan untuk pembaca kita di rumah hari ini juga.

Ganti sprei setiap hari.

![](images/gambar.svg)
"""

LESSON_PLAIN = """\
---
title: Pelajaran Biasa
minutes: 1
---

{body}

Seprai bersih membuat tidur nyaman.
"""


def _option(text, correct=False, feedback=None):
    line = f"      - text: {text}\n"
    if correct:
        line += "        correct: true\n"
    if feedback:
        line += f"        feedback: {feedback}\n"
    return line


def _quiz(per_attempt=8):
    questions = []
    # four single-choice questions whose right answer is the longest option (4 of 4 > a third)
    for n in range(4):
        questions.append(f"  - id: tunggal-{n}\n    type: single\n    text: Pertanyaan {n}?\n    options:\n"
                         + _option("Jawaban benar yang jauh lebih panjang", True)
                         + _option("Salah", feedback="Karena salah.")
                         + _option("Keliru")  # no feedback
                         + "    explanation: Penjelasan.\n")
    # three multiple-response questions, all "all but one right", none with the hint
    for n in range(3):
        questions.append(f"  - id: ganda-{n}\n    type: multiple\n    text: Mana yang benar?\n    options:\n"
                         + _option("A", True) + _option("B", True) + _option("C", feedback="Bukan.")
                         + "    explanation: Penjelasan.\n")
    questions.append("  - id: urutan\n    type: ordering\n    text: Urutkan.\n    steps: [a, b, c, d, e, f]\n"
                     "    explanation: Urutannya begitu.\n")
    questions.append("  - id: gambar\n    type: true_false\n    text: Benar?\n    image: images/gambar.svg\n"
                     "    answer: true\n    explanation: Ya.\n")
    return f"title: Kuis\nquestions_per_attempt: {per_attempt}\nquestions:\n" + "".join(questions)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def _write_course(root: Path, *, quiz: str | None = None, body: str = "Isi pelajaran yang pendek.") -> Path:
    folder = root / "kursus-uji"
    module = folder / "01-modul-satu"
    module.mkdir(parents=True)
    (folder / "images").mkdir()
    (folder / "images" / "gambar.svg").write_bytes(SVG)
    (folder / "course.yaml").write_text(COURSE_YAML, encoding="utf-8")
    (module / "module.yaml").write_text("title: Modul Satu\nsummary: Ringkasan.\n", encoding="utf-8")
    (module / "01-pelajaran-panjang.md").write_text(LESSON_LONG_SENTENCE, encoding="utf-8")
    (module / "02-pelajaran-biasa.md").write_text(LESSON_PLAIN.format(body=body), encoding="utf-8")
    (module / "quiz.yaml").write_text(quiz if quiz is not None else _quiz(), encoding="utf-8")
    return folder


def _line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


def _found(folder: Path) -> dict[str, list[tuple[str, int | None]]]:
    check = check_course(folder)
    assert not check.errors
    found: dict[str, list[tuple[str, int | None]]] = {}
    for finding in check.warnings:
        found.setdefault(finding.code, []).append((finding.path.relative_to(folder).as_posix(), finding.line))
    return found


def test_each_fault_is_reported_with_its_file_and_line(app, tmp_path):
    folder = _write_course(tmp_path)
    quiz = folder / "01-modul-satu" / "quiz.yaml"
    lesson = folder / "01-modul-satu" / "01-pelajaran-panjang.md"
    with app.app_context():
        found = _found(folder)
    assert found["hours_differ"] == [("course.yaml", 4)]
    assert found["long_sentence"] == [("01-modul-satu/01-pelajaran-panjang.md", _line_of(lesson, "Kalimat pendek"))]
    assert ("01-modul-satu/01-pelajaran-panjang.md", _line_of(lesson, "![](")) in found["image_without_alt"]
    assert ("01-modul-satu/quiz.yaml", _line_of(quiz, "image: images")) in found["image_without_alt"]
    assert found["inconsistent_term"] == [("01-modul-satu/01-pelajaran-panjang.md", _line_of(lesson, "sprei"))]
    assert found["right_answer_longest"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, f"id: tunggal-{n}"))
                                             for n in range(4)]
    assert found["wrong_without_feedback"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "- text: Keliru",
                                                                                    _line_of(quiz, f"tunggal-{n}")))
                                               for n in range(4)]
    assert found["no_select_all_hint"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "text: Mana",
                                                                                _line_of(quiz, f"ganda-{n}")))
                                           for n in range(3)]
    assert len(found["multiple_all_but_one"]) == 3
    assert found["multiple_never_one"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "id: ganda-0"))]
    assert found["long_ordering"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "steps:"))]
    assert found["small_pool"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "questions:"))]
    assert found["few_scenarios"] == [("01-modul-satu/quiz.yaml", _line_of(quiz, "questions:"))]
    assert "attempt_size" not in found  # 8 of 9 is within 6–8


def test_lesson_length_hard_words_and_reading_time(app, tmp_path):
    long_body = " ".join(["Kata biasa ini mudah dibaca."] * 140)  # 700 words in 1 minute
    hard = " ".join(["Aksesibilitas habilitasi residensial rehabilitasi."] * 3)
    with app.app_context():
        found = _found(_write_course(tmp_path, body=long_body + "\n\n" + hard))
    lesson = "01-modul-satu/02-pelajaran-biasa.md"
    assert found["long_lesson"] == [(lesson, 1)]
    assert found["reading_time_too_short"] == [(lesson, 3)]
    assert "hard_words" not in found  # 12 hard words in 700 are fine …
    with app.app_context():
        found = _found(_write_course(tmp_path / "lagi", body=hard))
    assert found["hard_words"] == [(lesson, 1)]  # … in 20 they are not


def test_a_clean_quiz_draws_no_quiz_warning(app, tmp_path):
    questions = []
    for n in range(12):
        scenario = "    scenario: Ibu Sari di rumah.\n" if n < 3 else ""
        if n % 3 == 0:
            questions.append(f"  - id: s{n}\n    type: single\n{scenario}    text: Apa yang dilakukan?\n    options:\n"
                             + _option("Cuci tangan", True) + _option("Lap dengan handuk", feedback="Kuman tetap.")
                             + _option("Tiup tangannya", feedback="Tidak membersihkan.")
                             + "    explanation: Sabun membunuh kuman.\n")
        elif n % 3 == 1:
            right = 1 if n < 6 else 2
            questions.append(f"  - id: m{n}\n    type: multiple\n{scenario}    text: Mana yang benar? (pilih semua "
                             f"yang benar)\n    options:\n"
                             + "".join(_option(t, i < right, None if i < right else "Bukan.")
                                       for i, t in enumerate(["A", "B", "C", "D"]))
                             + "    explanation: Penjelasan.\n")
        else:
            questions.append(f"  - id: t{n}\n    type: true_false\n{scenario}    text: Benar?\n    answer: true\n"
                             "    explanation: Ya.\n")
    quiz = "title: Kuis\nquestions_per_attempt: 8\nquestions:\n" + "".join(questions)
    with app.app_context():
        found = _found(_write_course(tmp_path, quiz=quiz))
    quiz_codes = {"right_answer_longest", "wrong_without_feedback", "no_select_all_hint", "multiple_all_but_one",
                  "multiple_never_one", "long_ordering", "small_pool", "few_scenarios", "attempt_size"}
    assert not quiz_codes & set(found), found


def test_the_command_fails_on_errors_and_with_strict_on_warnings(app, runner, tmp_path):
    folder = _write_course(tmp_path)
    result = runner.invoke(args=["lms", "check-content", str(folder)])
    assert result.exit_code == 0, result.output
    quiz = folder / "01-modul-satu" / "quiz.yaml"
    assert f"{quiz}:{_line_of(quiz, 'id: tunggal-0')}: warning: Question “tunggal-0”: the right answer is the " \
           "longest option" in result.output
    assert "1 course(s): 0 error(s)" in result.output
    assert runner.invoke(args=["lms", "check-content", "--strict", str(folder)]).exit_code == 1

    # a single-choice question with no right answer cannot be passed: an error, with its line
    quiz.write_text(textwrap.dedent("""\
        title: Kuis
        questions:
          - id: tanpa-jawaban
            type: single
            text: Apa?
            options:
              - text: A
              - text: B
            explanation: Tidak ada yang benar.
        """), encoding="utf-8")
    result = runner.invoke(args=["lms", "check-content", str(folder)])
    assert result.exit_code == 1
    assert f"{quiz}:{_line_of(quiz, 'options:')}: error:" in result.output and "1 error(s)" in result.output


def test_import_prints_the_warnings_and_loads_all_the_same(app, runner, tmp_path):
    folder = _write_course(tmp_path)
    result = runner.invoke(args=["lms", "import-content", str(folder)])
    assert result.exit_code == 0, result.output
    assert "kursus-uji: created" in result.output and "warning(s) (loaded all the same)" in result.output
    assert "the right answer is the longest option" in result.output


@pytest.mark.parametrize("words, computed", [(22, 1), (67, 1), (68, 2), (700, 16)])
def test_hours_of_study_are_counted_in_jp_of_45_minutes(words, computed):
    from lms.courses.study_time import hours_of_study

    assert hours_of_study(words) == computed
