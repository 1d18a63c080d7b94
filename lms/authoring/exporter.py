"""A published course back as content/ files: course.yaml, modules, lessons, quiz.yaml, images.

What the importer made of the files, written the way the draft editor writes them,
so that importing the result changes nothing and exporting it again gives the same
bytes. Retired modules, lessons, questions and options are left out, as they are no
longer in the course; defaults are left out as a trainer would leave them out. The keys,
their order and their defaults are those of `lms.content_format`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from .. import content_format as cf
from ..courses.models import Course, CourseAsset, Skill, SkillStep
from ..extensions import db
from ..quizzes.queries import module_quiz
from . import draft_files as df
from . import quiz_files as qf
from . import skill_files as sf

if TYPE_CHECKING:
    from ..quizzes.models import Question, Quiz


@dataclass
class CourseFiles:
    """A course as files: text files by relative path, and images (path -> (content type, bytes))."""

    slug: str
    files: dict[str, str] = field(default_factory=dict)
    images: dict[str, tuple[str, bytes]] = field(default_factory=dict)


def _year(value):
    return int(value) if isinstance(value, str) and value.isdigit() else value


def course_yaml(course: Course) -> dict:
    """course.yaml; `hours` is computed from the content, so it is not written (no value: the default)."""
    return cf.COURSE.written({
        "title": course.title, "summary": course.summary, "audience": course.audience, "language": course.language,
        "hours": None, "version": course.version, "pass_mark": course.pass_mark,
        "certificate_validity_months": course.certificate_validity_months, "practice": course.practice,
        "pretest": ({"questions_per_module": course.pretest_questions_per_module}
                    if course.pretest_questions_per_module else None),
        "published": course.is_published,
        "authors": list(course.authors or []),
        "sources": [cf.SOURCE.ordered({k: _year(v) if k == "year" else v for k, v in source.items()})
                    for source in course.sources or []],
    })


def question_yaml(question: Question) -> dict:
    data: dict = {"id": question.key, "type": question.type, "scenario": question.scenario or "",
                  "text": question.text, "image": question.image or "", "image_alt": question.image_alt or "",
                  "explanation": question.explanation}
    options = question.current_options
    if question.type == "true_false":
        data["answer"] = any(o.key == "true" and o.is_correct for o in options)
    elif question.type == "ordering":
        data["steps"] = qf.steps_yaml([o.text for o in options],
                                      [{"key": o.key, "text": o.text} for o in options])
    else:
        data["options"] = qf.options_yaml([{"key": o.key, "text": o.text, "correct": o.is_correct,
                                            "feedback": o.feedback} for o in options])
    return cf.question_format(question.type).written(data)


def quiz_yaml(quiz: Quiz, course: Course) -> dict:
    data: dict = {
        "title": quiz.title,
        "pass_mark": quiz.pass_mark if quiz.pass_mark != course.pass_mark else None,
        "questions_per_attempt": quiz.questions_per_attempt,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "max_attempts": quiz.max_attempts,
        "wait_minutes": quiz.wait_minutes,
        "show_correct_answers": quiz.show_correct_answers,
    }
    data["questions"] = [question_yaml(q) for q in quiz.questions if q.retired_at is None]
    return data


def skills_yaml(skills: list[Skill], steps: dict[int, list[SkillStep]]) -> dict:
    """skills.yaml of one module: its current skills, written as the editor writes them (skill_files)."""
    return {"skills": [sf.skill_yaml(skill.slug, title=skill.title, why=skill.why, performed_on=skill.performed_on,
                                     competency_unit=skill.competency_unit,
                                     steps=[{"key": step.slug, "text": step.text, "critical": step.critical}
                                            for step in steps.get(skill.id, [])])
                       for skill in skills]}


def _current_skills(course: Course) -> tuple[dict[int, list[Skill]], dict[int, list[SkillStep]]]:
    skills = db.session.scalars(select(Skill).where(Skill.course_id == course.id, Skill.retired_at.is_(None))
                                .order_by(Skill.position)).all()
    by_module: dict[int, list[Skill]] = {}
    for skill in skills:
        by_module.setdefault(skill.module_id, []).append(skill)
    steps: dict[int, list[SkillStep]] = {}
    if skills:
        for step in db.session.scalars(select(SkillStep).where(SkillStep.skill_id.in_([s.id for s in skills]),
                                                               SkillStep.retired_at.is_(None))
                                       .order_by(SkillStep.position)):
            steps.setdefault(step.skill_id, []).append(step)
    return by_module, steps


def export_course(course: Course) -> CourseFiles:
    """The current version of a course as content/ files."""
    result = CourseFiles(slug=course.slug)
    result.files[cf.COURSE_FILE] = df.dump_yaml(course_yaml(course))
    skills, steps = _current_skills(course)
    for module in course.modules:
        if module.retired_at is not None:
            continue
        folder = f"{module.position:02d}-{module.slug}"
        result.files[f"{folder}/{cf.MODULE_FILE}"] = df.module_text(module.title, module.summary,
                                                                     module.practice_minutes)
        for lesson in module.lessons:
            if lesson.retired_at is None:
                result.files[f"{folder}/{lesson.position:02d}-{lesson.slug}{cf.LESSON_SUFFIX}"] = df.lesson_text(
                    lesson.title, lesson.minutes, lesson.body)
        quiz = module_quiz(module.id) if module.has_quiz else None
        if quiz is not None:
            result.files[f"{folder}/{cf.QUIZ_FILE}"] = qf.quiz_text(quiz_yaml(quiz, course))
        if module.id in skills:
            result.files[f"{folder}/{cf.SKILLS_FILE}"] = df.dump_yaml(skills_yaml(skills[module.id], steps))
    result.files = dict(sorted(result.files.items()))
    assets = db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id)
                                .order_by(CourseAsset.path))
    result.images = {asset.path: (asset.content_type, asset.data) for asset in assets}
    return result
