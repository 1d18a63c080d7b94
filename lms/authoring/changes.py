"""What a publish changes, counted as an author counts: lessons, modules, questions, skills, pictures, settings.

The importer counts database rows and fields (a one-lesson edit touches the version, the
body, positions…), which means nothing to an author. Here the course as it is published
and the course about to be published are compared as the importer reads them (two
CourseSpecs), thing by thing: a lesson whose text changed is one change, a lesson moved
is one, a new question is one. Moves are counted as the fewest single moves that give the
new order (swapping two lessons is one move).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from .. import content_format as cf
from ..courses.importer import CourseSpec, LessonSpec, ModuleSpec
from ..courses.skills_file import SkillSpec
from ..quizzes.loader import QuestionSpec, QuizFile, QuizSpec

#: the kinds of change, in the order the history lists them
KINDS = ("course_changed", "modules_added", "modules_changed", "modules_moved", "modules_removed",
         "lessons_added", "lessons_changed", "lessons_moved", "lessons_removed",
         "quizzes_added", "quizzes_changed", "quizzes_removed",
         "questions_added", "questions_changed", "questions_moved", "questions_removed",
         "skills_added", "skills_changed", "skills_moved", "skills_removed",
         "pictures_added", "pictures_changed", "pictures_removed")
#: course.yaml keys whose change is a change of the course's settings: not the hours (computed from the
#: content), the version (each publish raises it) nor `published` (publishing is what is being counted)
COURSE_FIELDS = tuple(key for key in cf.COURSE.keys if key not in ("hours", "version", "published"))
#: quiz.yaml settings compared as they are (the pass mark is compared as the quiz's own, the questions one by one)
QUIZ_FIELDS = tuple(key for key in cf.QUIZ.keys if key not in ("pass_mark", "questions"))


def _moves(before: list[str], after: list[str]) -> int:
    """The fewest single moves that turn the common items of `before` into their order in `after`."""
    common = set(before) & set(after)
    rank = {key: index for index, key in enumerate(k for k in before if k in common)}
    tails: list[int] = []  # longest increasing run of old ranks: what stays in place
    for key in after:
        if key in common:
            index = bisect_left(tails, rank[key])
            tails[index:index + 1] = [rank[key]]
    return len(common) - len(tails)


def _lesson_fields(lesson: LessonSpec) -> tuple:
    return lesson.title, lesson.minutes, lesson.body


def _question_fields(question: QuestionSpec) -> tuple:
    return (question.type, question.text, question.scenario, question.image, question.image_alt,
            question.explanation, [(o.key, o.text, o.is_correct, o.feedback) for o in question.options])


def _skill_fields(skill: SkillSpec) -> tuple:
    return (skill.title, skill.why, skill.performed_on, skill.competency_unit,
            [(step.slug, step.text, step.critical) for step in skill.steps])


def _quiz(module: ModuleSpec) -> QuizSpec | None:
    return module.extras.get(QuizFile.filename)


def _own_pass_mark(quiz: QuizSpec, course: CourseSpec) -> int | None:
    """The quiz's pass mark if it is its own; None when it follows the course's (a course setting, not the quiz's)."""
    return None if quiz.pass_mark == course.pass_mark else quiz.pass_mark


def _compare(counts: Counter, prefix: str, before: dict, after: dict, same) -> None:
    """Count added, removed and changed items of two {key: item} maps (`same` compares two items)."""
    counts[f"{prefix}_added"] += len(after.keys() - before.keys())
    counts[f"{prefix}_removed"] += len(before.keys() - after.keys())
    counts[f"{prefix}_changed"] += sum(1 for key in after.keys() & before.keys() if not same(before[key], after[key]))


def summarize(before: CourseSpec | None, after: CourseSpec) -> dict[str, int]:
    """{kind: count} of what changed from `before` (None: nothing published yet) to `after`; zeros left out."""
    counts: Counter = Counter()
    if before is None:
        before = CourseSpec(slug=after.slug, path=after.path)
    elif any(getattr(before, name) != getattr(after, name) for name in COURSE_FIELDS):
        counts["course_changed"] = 1

    old_modules = {m.slug: m for m in before.modules}
    new_modules = {m.slug: m for m in after.modules}
    _compare(counts, "modules", old_modules, new_modules, lambda a, b: (a.title, a.summary) == (b.title, b.summary))
    counts["modules_moved"] += _moves(list(old_modules), list(new_modules))

    old_lessons = {lsn.slug: (m.slug, lsn) for m in before.modules for lsn in m.lessons}
    new_lessons = {lsn.slug: (m.slug, lsn) for m in after.modules for lsn in m.lessons}
    _compare(counts, "lessons", old_lessons, new_lessons,
             lambda a, b: _lesson_fields(a[1]) == _lesson_fields(b[1]))
    for slug, module in new_modules.items():
        order = [lsn.slug for lsn in module.lessons]
        stayed = [s for s in order if s in old_lessons and old_lessons[s][0] == slug]
        counts["lessons_moved"] += len(order) - len(stayed) - sum(1 for s in order if s not in old_lessons)
        if slug in old_modules:
            counts["lessons_moved"] += _moves([lsn.slug for lsn in old_modules[slug].lessons], stayed)

    for slug, module in new_modules.items():
        new_quiz = _quiz(module)
        old_quiz = _quiz(old_modules[slug]) if slug in old_modules else None
        if new_quiz is None:
            counts["quizzes_removed"] += old_quiz is not None
            continue
        if old_quiz is None:
            counts["quizzes_added"] += 1
            counts["questions_added"] += len(new_quiz.questions)
            continue
        if any(getattr(old_quiz, name) != getattr(new_quiz, name) for name in QUIZ_FIELDS) or \
                _own_pass_mark(old_quiz, before) != _own_pass_mark(new_quiz, after):
            counts["quizzes_changed"] += 1
        old_questions = {q.key: q for q in old_quiz.questions}
        new_questions = {q.key: q for q in new_quiz.questions}
        _compare(counts, "questions", old_questions, new_questions,
                 lambda a, b: _question_fields(a) == _question_fields(b))
        counts["questions_moved"] += _moves(list(old_questions), list(new_questions))
    for slug in old_modules.keys() - new_modules.keys():
        counts["quizzes_removed"] += _quiz(old_modules[slug]) is not None  # with its module

    # a skill's id is unique in the course: one that changes module is moved, not removed and added
    old_skills = {skill.slug: skill for m in before.modules for skill in m.skills}
    new_skills = {skill.slug: skill for m in after.modules for skill in m.skills}
    _compare(counts, "skills", old_skills, new_skills, lambda a, b: _skill_fields(a) == _skill_fields(b))
    counts["skills_moved"] += _moves(list(old_skills), list(new_skills))

    _compare(counts, "pictures", before.assets, after.assets, lambda a, b: a == b)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}


def total(summary: dict[str, int]) -> int:
    return sum(summary.values())
