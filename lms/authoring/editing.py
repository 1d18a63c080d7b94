"""Changes to a draft's content: course settings, modules, lessons, quizzes, questions, skills, GIFT import.

Each function reads the draft's files, changes one file (or renames a few when the
order changes) with `draft_files`, and stores the result; no request, no commit.
They raise AuthoringError for what a form cannot know (a short name already used,
a module that is gone).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from .. import content_format as cf
from ..accounts.models import User
from ..courses.content_files import Problem
from ..courses.skills_file import parse_skills
from . import draft_files as df
from . import quiz_files as qf
from . import skill_files as sf
from .gift import GiftQuestion, GiftResult, parse_gift
from .models import CourseDraft
from .services import AuthoringError, save_files

COURSE_FORM_KEYS = ("title", "summary", "audience", "language", "pass_mark", "certificate_validity_months",
                    "practice", "authors", "sources")


class SkillRefused(Exception):
    """The importer's reader found problems in a skill the editor was about to write; nothing was saved.

    `problems` are those of that skill only (as `lms.courses.skills_file` words them), for the form.
    """

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def _files(draft: CourseDraft) -> dict[str, str]:
    if draft.files is None:
        raise AuthoringError("no_draft")
    return draft.files


def module_or_error(draft: CourseDraft, slug: str) -> df.ModuleFile:
    module = df.find_module(_files(draft), slug)
    if module is None:
        raise AuthoringError("not_found")
    return module


def lesson_or_error(draft: CourseDraft, slug: str) -> tuple[df.ModuleFile, df.LessonFile]:
    module, lesson = df.find_lesson(_files(draft), slug)
    if lesson is None:
        raise AuthoringError("not_found")
    return module, lesson


# --- course -------------------------------------------------------------------------------


def save_settings(draft: CourseDraft, actor: User, values: dict) -> None:
    """Write the form's keys into course.yaml, keeping the others (version, published…)."""
    data = df.course_data(_files(draft))
    data.pop("hours", None)  # computed from the content (courses.study_time), never typed in
    for key in COURSE_FORM_KEYS:
        value = values.get(key)
        if value is None or value == [] or cf.COURSE.is_default(key, value):  # as a trainer leaves it out
            data.pop(key, None)
        else:
            data[key] = value
    data.setdefault("sources", [])
    save_files(draft, actor, df.set_course(draft.files, data))


# --- modules and lessons ----------------------------------------------------------------------


def add_module(draft: CourseDraft, actor: User, title: str, slug: str | None, summary: str) -> str:
    files = _files(draft)
    taken = {m.slug for m in df.modules(files)}
    if slug and slug in taken:
        raise AuthoringError("slug_used")
    slug = slug or df.unique_slug(df.slugify(title, "modul"), taken)
    save_files(draft, actor, df.add_module(files, slug, title.strip(), df.clean_text(summary)))
    return slug


def save_module(draft: CourseDraft, actor: User, slug: str, title: str, summary: str) -> None:
    module = module_or_error(draft, slug)
    save_files(draft, actor, df.set_module(draft.files, module, title.strip(), df.clean_text(summary)))


def move_module(draft: CourseDraft, actor: User, slug: str, delta: int) -> None:
    module_or_error(draft, slug)
    save_files(draft, actor, df.move_module(draft.files, slug, delta))


def remove_module(draft: CourseDraft, actor: User, slug: str) -> None:
    module_or_error(draft, slug)
    save_files(draft, actor, df.remove_module(draft.files, slug))


def add_lesson(draft: CourseDraft, actor: User, module_slug: str, *, title: str, slug: str | None, minutes: int,
               body: str) -> str:
    module = module_or_error(draft, module_slug)
    taken = df.lesson_slugs(draft.files)
    if slug and slug in taken:
        raise AuthoringError("slug_used")
    slug = slug or df.unique_slug(df.slugify(title, "materi"), taken)
    save_files(draft, actor, df.add_lesson(draft.files, module, slug, title.strip(), minutes, body))
    return slug


def save_lesson(draft: CourseDraft, actor: User, slug: str, *, title: str, minutes: int, body: str) -> None:
    _module, lesson = lesson_or_error(draft, slug)
    save_files(draft, actor, df.set_lesson(draft.files, lesson, title.strip(), minutes, body))


def move_lesson(draft: CourseDraft, actor: User, slug: str, delta: int) -> None:
    lesson_or_error(draft, slug)
    save_files(draft, actor, df.move_lesson(draft.files, slug, delta))


def remove_lesson(draft: CourseDraft, actor: User, slug: str) -> None:
    lesson_or_error(draft, slug)
    save_files(draft, actor, df.remove_lesson(draft.files, slug))


# --- quizzes ------------------------------------------------------------------------------------


def quiz_or_error(draft: CourseDraft, module: df.ModuleFile) -> dict:
    quiz = qf.quiz_data(_files(draft), module)
    if quiz is None:
        raise AuthoringError("no_quiz")
    return quiz


def save_quiz_settings(draft: CourseDraft, actor: User, module_slug: str, settings: dict) -> None:
    """Create the module's quiz or change its settings; raise AuthoringError('too_many_per_attempt')."""
    module = module_or_error(draft, module_slug)
    quiz = qf.quiz_data(draft.files, module) or {"questions": []}
    pool = len(qf.questions(quiz))
    wanted = settings.get("questions_per_attempt")
    if wanted and pool and wanted > pool:
        raise AuthoringError("too_many_per_attempt", pool=pool)
    save_files(draft, actor, qf.set_quiz(draft.files, module, {**quiz, **settings}))


def remove_quiz(draft: CourseDraft, actor: User, module_slug: str) -> None:
    module = module_or_error(draft, module_slug)
    save_files(draft, actor, qf.remove_quiz(draft.files, module))


def question_or_error(quiz: dict, key: str) -> dict:
    question = next((q for q in qf.questions(quiz) if str(q.get("id")) == key), None)
    if question is None:
        raise AuthoringError("not_found")
    return question


def save_question(draft: CourseDraft, actor: User, module_slug: str, key: str | None, fields: dict,
                  *, new: bool) -> str:
    """Add a question (`new`, with `key` or one made from the text) or replace question `key`."""
    module = module_or_error(draft, module_slug)
    quiz = quiz_or_error(draft, module)
    taken = set(qf.question_ids(quiz))
    previous = None
    if new:
        if key and key in taken:
            raise AuthoringError("slug_used")
        key = key or df.unique_slug(df.slugify(fields["text"], "soal"), taken)
    else:
        previous = question_or_error(quiz, key)
    question = qf.build_question(fields.pop("type"), key, previous=previous, **fields)
    quiz = qf.put_question(quiz, question, replace=None if new else key)
    save_files(draft, actor, qf.set_quiz(draft.files, module, quiz))
    return key


def move_question(draft: CourseDraft, actor: User, module_slug: str, key: str, delta: int) -> None:
    module = module_or_error(draft, module_slug)
    quiz = quiz_or_error(draft, module)
    question_or_error(quiz, key)
    save_files(draft, actor, qf.set_quiz(draft.files, module, qf.move_question(quiz, key, delta)))


def remove_question(draft: CourseDraft, actor: User, module_slug: str, key: str) -> None:
    module = module_or_error(draft, module_slug)
    quiz = quiz_or_error(draft, module)
    question_or_error(quiz, key)
    save_files(draft, actor, qf.set_quiz(draft.files, module, qf.remove_question(quiz, key)))


# --- practical skills ----------------------------------------------------------------------------


def skill_or_error(items: list[dict], key: str) -> dict:
    skill = sf.find_skill(items, key)
    if skill is None:
        raise AuthoringError("not_found")
    return skill


def skill_problems(items: list[dict], key: str) -> list[Problem]:
    """The problems of skill `key` once the module's skills.yaml holds `items`, found by the importer's own
    reader on that file as it would be written (every rule of a skill is there, none is repeated here)."""
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / cf.SKILLS_FILE
        path.write_text(sf.skills_text(items), encoding="utf-8")
        parse_skills(path, problems)
    number = next(i for i, item in enumerate(items, start=1) if str(item.get("id")) == key)
    return [p for p in problems if p.params.get("number") == number or p.params.get("skill") == key]


def save_skill(draft: CourseDraft, actor: User, module_slug: str, key: str | None, fields: dict,
               *, new: bool) -> str:
    """Add a skill (`new`, with `key` or one made from the title) or replace skill `key` of the module.

    Raise AuthoringError('slug_used') for an id another skill of the course has, SkillRefused when the
    skill would not pass the importer (nothing is saved then).
    """
    module = module_or_error(draft, module_slug)
    items = sf.skills(draft.files, module)
    previous = None
    if new:
        taken = sf.skill_ids(draft.files)
        if key and key in taken:
            raise AuthoringError("slug_used")
        key = key or df.unique_slug(df.slugify(fields["title"], "keterampilan"), taken)
    else:
        previous = skill_or_error(items, key)
    items = sf.put_skill(items, sf.build_skill(key, previous=previous, **fields), replace=None if new else key)
    problems = skill_problems(items, key)
    if problems:
        raise SkillRefused(problems)
    save_files(draft, actor, sf.set_skills(draft.files, module, items))
    return key


def move_skill(draft: CourseDraft, actor: User, module_slug: str, key: str, delta: int) -> None:
    module = module_or_error(draft, module_slug)
    items = sf.skills(draft.files, module)
    skill_or_error(items, key)
    save_files(draft, actor, sf.set_skills(draft.files, module, sf.move_skill(items, key, delta)))


def remove_skill(draft: CourseDraft, actor: User, module_slug: str, key: str) -> None:
    """Take a skill out of the module (the file goes with its last skill); published, it is retired."""
    module = module_or_error(draft, module_slug)
    items = sf.skills(draft.files, module)
    skill_or_error(items, key)
    save_files(draft, actor, sf.set_skills(draft.files, module, sf.remove_skill(items, key)))


# --- GIFT ----------------------------------------------------------------------------------------


def gift_question_yaml(question: GiftQuestion, key: str) -> dict:
    data: dict = {"id": key, "type": question.kind, "text": question.text}
    if question.kind == "true_false":
        data["answer"] = bool(question.answer)
    else:
        data["options"] = qf.options_yaml([{"key": None, "text": c.text, "correct": c.correct,
                                            "feedback": c.feedback} for c in question.choices])
    data["explanation"] = question.explanation
    return data


def import_gift(draft: CourseDraft, actor: User | None, module_slug: str, text: str, *, dry_run: bool = False,
                ) -> tuple[GiftResult, list[tuple[GiftQuestion, str]]]:
    """Add the GIFT text's supported questions to the module's quiz (unless `dry_run`).

    Return the parser's report and each imported question with the id it got.
    """
    module = module_or_error(draft, module_slug)
    quiz = quiz_or_error(draft, module)
    result = parse_gift(text)
    taken = set(qf.question_ids(quiz))
    added = []
    for question in result.questions:
        key = df.unique_slug(df.slugify(question.title or question.text, "soal"), taken)
        taken.add(key)
        quiz = qf.put_question(quiz, gift_question_yaml(question, key))
        added.append((question, key))
    if added and not dry_run:
        save_files(draft, actor, qf.set_quiz(draft.files, module, quiz))
    return result, added
