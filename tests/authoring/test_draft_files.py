"""The pure helpers that read and write a draft's files."""
from __future__ import annotations

import yaml

from lms.authoring import draft_files as df
from lms.authoring import quiz_files as qf


def _course():
    files = df.set_course({}, {"title": "K", "summary": "S", "audience": "A", "hours": 1, "version": 1,
                               "authors": ["X"], "sources": []})
    files = df.add_module(files, "satu", "Satu", "")
    files = df.add_module(files, "dua", "Dua", "Ringkas.")
    files = df.add_lesson(files, df.find_module(files, "satu"), "a", "A", 5, "Isi A")
    files = df.add_lesson(files, df.find_module(files, "satu"), "b", "B", 5, "Isi B")
    return df.add_lesson(files, df.find_module(files, "dua"), "c", "C", 5, "Isi C")


def test_modules_and_lessons_are_numbered_in_order_and_renumbered_after_moves():
    files = _course()
    assert sorted(files) == ["01-satu/01-a.md", "01-satu/02-b.md", "01-satu/module.yaml", "02-dua/01-c.md",
                             "02-dua/module.yaml", "course.yaml"]
    assert list(yaml.safe_load(files["course.yaml"])) == ["title", "summary", "audience", "hours", "version",
                                                          "authors", "sources"]
    moved = df.move_module(files, "dua", -1)
    assert "01-dua/01-c.md" in moved and "02-satu/02-b.md" in moved
    assert df.move_module(files, "satu", -1) == files
    moved = df.move_lesson(files, "b", -1)
    assert moved["01-satu/01-b.md"] == files["01-satu/02-b.md"]
    removed = df.remove_module(files, "satu")
    assert sorted(removed) == ["01-dua/01-c.md", "01-dua/module.yaml", "course.yaml"]
    assert sorted(df.remove_lesson(files, "a")) == ["01-satu/01-b.md", "01-satu/module.yaml", "02-dua/01-c.md",
                                                    "02-dua/module.yaml", "course.yaml"]


def test_new_entries_go_after_the_highest_number_even_with_gaps():
    files = {"course.yaml": "title: K\n", "05-lima/module.yaml": "title: Lima\n",
             "05-lima/07-x.md": df.lesson_text("X", 3, "x")}
    files = df.add_module(files, "baru", "Baru", "")
    files = df.add_lesson(files, df.find_module(files, "lima"), "y", "Y", 3, "y")
    assert sorted(files) == ["01-lima/01-x.md", "01-lima/02-y.md", "01-lima/module.yaml", "02-baru/module.yaml",
                             "course.yaml"]


def test_lesson_files_round_trip():
    text = df.lesson_text("Judul: dengan titik dua", 7, "\r\n## Isi\r\n\r\nBaris.\r\n\r\n")
    assert text == "---\ntitle: 'Judul: dengan titik dua'\nminutes: 7\n---\n\n## Isi\n\nBaris.\n"
    assert df.parse_lesson(text) == ({"title": "Judul: dengan titik dua", "minutes": 7}, "## Isi\n\nBaris.")


def test_option_ids_are_written_only_where_they_differ_from_their_position():
    assert qf.options_yaml([{"key": "a", "text": "A", "correct": True}, {"key": "c", "text": "C"},
                            {"key": None, "text": "D", "feedback": "f"}]) == [
        {"text": "A", "correct": True}, {"id": "c", "text": "C"}, {"id": "d", "text": "D", "feedback": "f"}]
    # a new row never takes an id still used by another option
    assert qf.assign_keys([None, "a", "b"]) == ["c", "a", "b"]
    assert qf.assign_keys(["x", "x", "Bad Id"]) == ["x", "b", "c"]


def test_steps_keep_their_ids_by_text():
    previous = [{"key": "a", "text": "Satu"}, {"key": "b", "text": "Dua"}]
    assert qf.steps_yaml(["Dua", "Satu", "Tiga"], previous) == [{"id": "b", "text": "Dua"}, {"id": "a", "text": "Satu"},
                                                                "Tiga"]
    assert qf.steps_yaml(["Satu", "Dua"], previous) == ["Satu", "Dua"]


def test_quiz_defaults_are_left_out_and_keys_are_in_the_documented_order():
    text = qf.quiz_text({"questions": [{"explanation": "E", "text": "T", "type": "true_false", "id": "q",
                                        "answer": True}],
                         "shuffle_questions": True, "wait_minutes": 0, "title": "Kuis", "pass_mark": None,
                         "max_attempts": 2, "show_correct_answers": False})
    assert text == ("title: Kuis\nmax_attempts: 2\nshow_correct_answers: false\nquestions:\n- id: q\n"
                    "  type: true_false\n  text: T\n  answer: true\n  explanation: E\n")


def test_slugs():
    assert df.slugify("Perawatan Dasar Lansia — Bagian 2!", "x") == "perawatan-dasar-lansia-bagian-2"
    assert df.slugify("Éléphant çà", "x") == "elephant-ca"
    assert df.slugify("!!!", "materi") == "materi"
    assert len(df.slugify("kata " * 40, "x")) <= 60
    assert df.unique_slug("a", {"a", "a-2"}) == "a-3"
