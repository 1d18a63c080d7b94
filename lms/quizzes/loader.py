"""quiz.yaml in a module folder: checked with located problems, then applied idempotently.

The course importer calls `QuizFile.parse` for every module folder that has a quiz.yaml
(before touching the database) and `QuizFile.apply` for every module once all files
are valid. Questions and options are matched by their `id`, so an edited file updates
them in place and learners' attempts keep pointing at the same questions; whatever
disappears from the file is retired, never deleted. The keys allowed are those of `lms.content_format`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from .. import content_format as cf
from ..content_format import SLUG_RE, default_key
from ..courses.content_files import FileProblems, Problem, Reader, load_yaml_file
from ..courses.content_files import assign_changed
from ..courses.importer import CourseSpec
from ..courses.models import Module
from ..extensions import db
from ..timeutil import utcnow
from .models import Option, Question, Quiz
from .queries import attempt_size

MAX_CHOICES = 12
MAX_WAIT_MINUTES = 30 * 24 * 60
#: a question drawn takes about this long: reading it (often a scenario), answering, reading the feedback
MINUTES_PER_QUESTION = 1.5


@dataclass
class OptionSpec:
    key: str
    text: str
    position: int
    is_correct: bool = False
    feedback: str = ""


@dataclass
class QuestionSpec:
    key: str
    type: str
    text: str
    position: int
    scenario: str = ""
    image: str | None = None
    image_alt: str = ""
    explanation: str = ""
    options: list[OptionSpec] = field(default_factory=list)


@dataclass
class QuizSpec:
    title: str
    pass_mark: int
    questions_per_attempt: int | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    max_attempts: int | None = None
    wait_minutes: int = 0
    show_correct_answers: bool = True
    questions: list[QuestionSpec] = field(default_factory=list)


# --- parsing -------------------------------------------------------------------------


def parse_quiz(path: Path, course: CourseSpec, problems: list[Problem]) -> QuizSpec | None:
    """Read and check one quiz.yaml, appending a located problem for everything wrong."""
    try:
        data = load_yaml_file(path)
    except FileProblems as exc:
        problems.extend(exc.problems)
        return None
    reader = Reader(data, path, problems)
    reader.unknown_keys(cf.QUIZ.allowed)
    spec = QuizSpec(
        title=reader.text("title", max_length=200),
        pass_mark=reader.integer("pass_mark", required=False, minimum=1, maximum=100, default=course.pass_mark),
        questions_per_attempt=reader.integer("questions_per_attempt", required=False, minimum=1, nullable=True),
        shuffle_questions=reader.boolean("shuffle_questions", default=True),
        shuffle_options=reader.boolean("shuffle_options", default=True),
        max_attempts=reader.integer("max_attempts", required=False, minimum=1, maximum=100, nullable=True),
        wait_minutes=reader.integer("wait_minutes", required=False, minimum=0, maximum=MAX_WAIT_MINUTES, default=0,
                                    nullable=True),
        show_correct_answers=reader.boolean("show_correct_answers", default=True),
    )
    items = reader.items("questions")
    if not items and isinstance(data.get("questions"), list):
        reader.problem("a quiz needs at least one question", "questions", code="no_questions")
    seen: dict[str, int | None] = {}
    for index, item in enumerate(items, start=1):
        question = _parse_question(item, index, reader, course, seen)
        if question is not None:
            spec.questions.append(question)
    pool = len(items)
    if spec.questions_per_attempt and items and spec.questions_per_attempt > pool:
        reader.problem(f"'questions_per_attempt' is {spec.questions_per_attempt} but the quiz has only {pool} "
                       f"question(s)", "questions_per_attempt", code="too_many_per_attempt",
                       wanted=spec.questions_per_attempt, pool=pool)
    wanted = course.pretest.questions_per_module if course.pretest else 0
    if items and wanted > pool:
        reader.problem(f"the course's pretest draws {wanted} question(s) from each module quiz but this quiz has only "
                       f"{pool}", "questions", code="pretest_pool_too_small", wanted=wanted, pool=pool)
    return spec


def _parse_question(item, index: int, quiz: Reader, course: CourseSpec, seen: dict) -> QuestionSpec | None:
    if not isinstance(item, dict):
        quiz.problem(f"question {index} must be a mapping with id, type, text…", "questions",
                     code="question_not_mapping", number=index)
        return None
    # Every problem of this question says which one it is: its number, and its id once read.
    reader = Reader(item, quiz.path, quiz.problems, context={"number": index})
    key = reader.text("id", max_length=80)
    name = f"question '{key}'" if key else f"question {index}"
    if key:
        reader.context["question"] = key
    if key and not SLUG_RE.match(key):
        reader.problem(f"{name}: ids use lower-case letters, digits and '-' only", "id", code="bad_id")
    elif key in seen:
        first = f" (first at line {seen[key]})" if seen[key] else ""
        reader.problem(f"question id '{key}' is used twice{first}; ids must be unique in a quiz", "id",
                       code="duplicate_question")
    elif key:
        seen[key] = reader.line("id")
    kind = reader.text("type")
    if kind and kind not in cf.QUESTION_TYPES:
        reader.problem(f"{name}: unknown type '{kind}' (allowed: {', '.join(cf.QUESTION_TYPES)})", "type",
                       code="unknown_type", type=kind)
    _check_question_keys(reader, name, kind)
    question = QuestionSpec(
        key=key, type=kind, position=index,
        text=reader.text("text", max_length=2000),
        scenario=reader.text("scenario", required=False, max_length=2000),
        image=_parse_image(reader, name, course),
        image_alt=reader.text("image_alt", required=False, max_length=500),
        explanation=reader.text("explanation", max_length=4000),
    )
    if kind in ("single", "multiple"):
        question.options = _parse_options(reader, name, kind)
    elif kind == "true_false":
        question.options = _parse_true_false(reader, name)
    elif kind == "ordering":
        question.options = _parse_steps(reader, name)
    return question


def _check_question_keys(reader: Reader, name: str, kind: str) -> None:
    allowed = cf.question_keys(kind)
    for key in reader.data:
        if key in allowed:
            continue
        owners = [t for t, keys in cf.QUESTION_TYPE_KEYS.items() if key in keys]
        if owners and kind in cf.QUESTION_TYPE_KEYS:
            reader.problem(f"{name}: '{key}' is not used by {kind} questions (only by {' and '.join(owners)})", key,
                           code="key_not_for_type", type=kind)
        elif not owners:
            everything = cf.QUESTION.allowed
            reader.problem(f"{name}: unknown key '{key}' (allowed: {', '.join(sorted(everything))})", key,
                           code="unknown_key")


def _parse_image(reader: Reader, name: str, course: CourseSpec) -> str | None:
    image = reader.text("image", required=False, max_length=200)
    if not image:
        return None
    if "://" in image or image.startswith("/"):
        reader.problem(f"{name}: image '{image}' must be a file in the course's images/ folder", "image",
                       code="image_not_local", image=image)
    elif image not in course.assets:
        reader.problem(f"{name}: image '{image}' not found in the course's images/ folder", "image",
                       code="image_missing", image=image)
    return image


def _choice_list(reader: Reader, name: str, key: str, noun: str) -> list:
    items = reader.items(key)
    if key in reader.data and isinstance(reader.data[key], list):
        if len(items) < 2:
            reader.problem(f"{name}: needs at least two {noun}s (found {len(items)})", key, code="too_few_choices",
                           found=len(items))
        elif len(items) > MAX_CHOICES:
            reader.problem(f"{name}: has {len(items)} {noun}s; at most {MAX_CHOICES} are allowed", key,
                           code="too_many_choices", found=len(items), max=MAX_CHOICES)
    return items


def _choice_key(reader: Reader, name: str, index: int, used: set[str]) -> str:
    key = reader.text("id", required=False, max_length=80) or default_key(index)
    if not SLUG_RE.match(key):
        reader.problem(f"{name}: option ids use lower-case letters, digits and '-' only", "id", code="bad_id")
    elif key in used:
        reader.problem(f"{name}: option id '{key}' is used twice", "id", code="duplicate_choice_id")
    used.add(key)
    return key


def _check_texts(reader: Reader, name: str, key: str, choices: list[OptionSpec], noun: str) -> None:
    texts = [c.text for c in choices if c.text]
    for text in sorted({t for t in texts if texts.count(t) > 1}):
        reader.problem(f"{name}: the {noun} '{text}' appears twice", key, code="duplicate_choice", text=text)


def _parse_options(reader: Reader, name: str, kind: str) -> list[OptionSpec]:
    options: list[OptionSpec] = []
    used: set[str] = set()
    for index, item in enumerate(_choice_list(reader, name, "options", "option")):
        if not isinstance(item, dict):
            reader.problem(f"{name}: option {index + 1} must be a mapping with text (and correct, feedback)",
                           "options", code="choice_not_mapping", choice=index + 1)
            continue
        option = Reader(item, reader.path, reader.problems, context={**reader.context, "choice": index + 1})
        option.unknown_keys(cf.OPTION.allowed)
        options.append(OptionSpec(
            key=_choice_key(option, name, index, used), position=index + 1,
            text=option.text("text", max_length=1000),
            is_correct=option.boolean("correct", default=False),
            feedback=option.text("feedback", required=False, max_length=2000),
        ))
    _check_texts(reader, name, "options", options, "option")
    correct = sum(1 for o in options if o.is_correct)
    if options and kind == "single" and correct != 1:
        reader.problem(f"{name}: a single question needs exactly one correct option (found {correct})", "options",
                       code="single_needs_one_right", found=correct)
    if options and kind == "multiple" and correct < 1:
        reader.problem(f"{name}: a multiple question needs at least one correct option (found none)", "options",
                       code="multiple_needs_right")
    return options


def _parse_true_false(reader: Reader, name: str) -> list[OptionSpec]:
    answer = reader.data.get("answer")
    if "answer" not in reader.data:
        reader.problem(f"{name}: 'answer' is required (true or false)", code="no_answer")
        answer = True
    elif not isinstance(answer, bool):
        reader.problem(f"{name}: 'answer' must be true or false", "answer", code="no_answer")
        answer = True
    return [OptionSpec(key="true", text="true", position=1, is_correct=answer),
            OptionSpec(key="false", text="false", position=2, is_correct=not answer)]


def _parse_steps(reader: Reader, name: str) -> list[OptionSpec]:
    steps: list[OptionSpec] = []
    used: set[str] = set()
    for index, item in enumerate(_choice_list(reader, name, "steps", "step")):
        if isinstance(item, dict):
            step = Reader(item, reader.path, reader.problems, context={**reader.context, "choice": index + 1})
            step.unknown_keys(cf.STEP.allowed)
            key = _choice_key(step, name, index, used)
            text = step.text("text", max_length=1000)
        elif isinstance(item, str | int | float) and not isinstance(item, bool) and str(item).strip():
            key = default_key(index)
            if key in used:
                reader.problem(f"{name}: step id '{key}' is used twice", "steps", code="duplicate_choice_id")
            used.add(key)
            text = str(item).strip()
        else:
            reader.problem(f"{name}: step {index + 1} must be a line of text", "steps", code="choice_not_mapping",
                           choice=index + 1)
            continue
        steps.append(OptionSpec(key=key, text=text, position=index + 1))
    _check_texts(reader, name, "steps", steps, "step")
    return steps


# --- applying --------------------------------------------------------------------------


def apply_quiz(module: Module, spec: QuizSpec | None) -> int:
    """Bring the module's quiz in line with its file (None: no file); return the number of changes."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    now = utcnow()
    if spec is None:
        changes = assign_changed(module, has_quiz=False)
        if quiz is not None and quiz.retired_at is None:
            quiz.retired_at = now
            changes += 1
        return changes
    changes = 0
    if quiz is None:
        quiz = Quiz(module_id=module.id, title="", pass_mark=spec.pass_mark)
        db.session.add(quiz)
        changes += 1
    changes += assign_changed(
        quiz, title=spec.title, pass_mark=spec.pass_mark, questions_per_attempt=spec.questions_per_attempt,
        shuffle_questions=spec.shuffle_questions, shuffle_options=spec.shuffle_options,
        max_attempts=spec.max_attempts, wait_minutes=spec.wait_minutes,
        show_correct_answers=spec.show_correct_answers, retired_at=None,
    )
    changes += assign_changed(module, has_quiz=True)
    db.session.flush()

    questions = {q.key: q for q in quiz.questions}
    for question_spec in spec.questions:
        question = questions.get(question_spec.key)
        if question is None:
            question = questions[question_spec.key] = Question(key=question_spec.key, type=question_spec.type,
                                                               text="", position=question_spec.position)
            quiz.questions.append(question)
            changes += 1
        changes += assign_changed(
            question, type=question_spec.type, text=question_spec.text, scenario=question_spec.scenario,
            image=question_spec.image, image_alt=question_spec.image_alt, explanation=question_spec.explanation,
            position=question_spec.position, retired_at=None,
        )
        changes += _apply_options(question, question_spec.options, now)
    wanted = {q.key for q in spec.questions}
    for key, question in questions.items():
        if key not in wanted and question.retired_at is None:
            question.retired_at = now
            changes += 1
    db.session.flush()
    return changes


def _apply_options(question: Question, specs: list[OptionSpec], now) -> int:
    changes = 0
    options = {o.key: o for o in question.options}
    for spec in specs:
        option = options.get(spec.key)
        if option is None:
            option = options[spec.key] = Option(key=spec.key, text="", position=spec.position)
            question.options.append(option)
            changes += 1
        changes += assign_changed(option, text=spec.text, is_correct=spec.is_correct, feedback=spec.feedback,
                           position=spec.position, retired_at=None)
    wanted = {s.key for s in specs}
    for key, option in options.items():
        if key not in wanted and option.retired_at is None:
            option.retired_at = now
            changes += 1
    return changes


class QuizFile:
    """The importer's handler for quiz.yaml (returned to courses.signals.reading_module_files by quizzes.listeners)."""

    filename = cf.QUIZ_FILE

    def parse(self, path: Path, course: CourseSpec, problems: list[Problem]) -> QuizSpec | None:
        return parse_quiz(path, course, problems)

    def apply(self, module: Module, data: QuizSpec | None) -> int:
        return apply_quiz(module, data)

    def study_minutes(self, data: QuizSpec) -> int:
        return math.ceil(MINUTES_PER_QUESTION * attempt_size(data.questions_per_attempt, len(data.questions)))
