"""course.yaml's `pretest`: read, checked with located problems, stored, exported, and shipped in content/."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from lms.authoring.exporter import export_course
from lms.authoring.problems import MESSAGES
from lms.courses.importer import ContentError, import_content, parse_content
from lms.courses.models import Course
from lms.extensions import db
from tests.factories import write_course
from tests.quizzes.conftest import LESSONS, module_pool, quiz_yaml

CONTENT = Path(__file__).resolve().parents[2] / "content"


def modules(pool: int = 4, *, with_quiz: bool = True) -> list[dict]:
    return [{"slug": "modul-satu", "title": "Modul Satu", "lessons": LESSONS,
             "quiz": quiz_yaml(module_pool(1, pool), questions_per_attempt=min(pool, 2)) if with_quiz else None}]


def problems_of(tmp_path, pretest, **kwargs) -> list:
    folder = write_course(tmp_path, "kursus-format", course={"pretest": pretest}, modules=modules(**kwargs))
    with pytest.raises(ContentError) as caught:
        import_content(folder)
    return caught.value.problems


@pytest.mark.parametrize("pretest, kwargs, code, words", [
    (2, {}, "bad_pretest", "'pretest' must be a mapping"),
    ({}, {}, "required", "'questions_per_module' is required"),
    ({"questions_per_module": 0}, {}, "too_small", "at least 1"),
    ({"questions_per_module": 6}, {}, "too_large", "at most 5"),
    ({"questions_per_module": "dua"}, {}, "not_integer", "must be a whole number"),
    ({"questions_per_module": 2, "title": "Tes"}, {}, "unknown_key", "unknown key 'title'"),
    ({"questions_per_module": 3}, {"pool": 2}, "pretest_pool_too_small", "this quiz has only 2"),
    ({"questions_per_module": 2}, {"with_quiz": False}, "pretest_without_quizzes", "no module has a quiz.yaml"),
])
def test_a_wrong_pretest_setting_is_refused_with_a_located_problem(tmp_path, pretest, kwargs, code, words):
    problems = problems_of(tmp_path, pretest, **kwargs)
    assert [p.code for p in problems] == [code], problems
    assert words in str(problems[0])
    assert problems[0].line is not None
    expected = "quiz.yaml" if code == "pretest_pool_too_small" else "course.yaml"
    assert problems[0].path.name == expected
    assert code in MESSAGES  # the browser editor has words for it


def test_the_setting_is_stored_exported_and_removed(tmp_path):
    folder = write_course(tmp_path, "kursus-format", course={"pretest": {"questions_per_module": 2}},
                          modules=modules())
    import_content(folder)
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.slug == "kursus-format"))
    assert course.pretest_questions_per_module == 2
    assert yaml.safe_load(export_course(course).files["course.yaml"])["pretest"] == {"questions_per_module": 2}
    folder = write_course(tmp_path, "kursus-format", course={"version": 2}, modules=modules())
    assert import_content(folder)[0].changes >= 1
    db.session.commit()
    assert course.pretest_questions_per_module is None
    assert "pretest" not in yaml.safe_load(export_course(course).files["course.yaml"])


def test_the_shipped_first_aid_course_has_a_pretest_its_pools_can_serve():
    specs = {spec.slug: spec for spec in parse_content(CONTENT)}
    first_aid = specs["pertolongan-pertama-di-rumah"]
    assert first_aid.pretest is not None and first_aid.pretest.questions_per_module == 2
    pools = [len(module.extras["quiz.yaml"].questions) for module in first_aid.modules]
    assert min(pools) >= 2 * first_aid.pretest.questions_per_module
