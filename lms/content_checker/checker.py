"""Check a course folder (or a folder of courses): the importer's problems as errors, then the warnings."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..content_format import COURSE_FILE, QUIZ_FILE
from ..courses.content_files import Problem
from ..courses.importer import CourseSpec, parse_course
from .course import check_hours, check_terms
from .findings import Finding
from .lessons import check_lesson
from .prose import WORD_RE
from .quizzes import QuizFacts, check_answer_patterns, check_quiz


@dataclass
class CourseCheck:
    folder: Path
    spec: CourseSpec | None
    #: what the importer refuses (publishing is blocked)
    errors: list[Problem] = field(default_factory=list)
    #: what loads but teaches or tests badly (publishing goes on)
    warnings: list[Finding] = field(default_factory=list)


def advise(spec: CourseSpec) -> list[Finding]:
    """The warnings for a course the importer has parsed without a problem."""
    found: list[Finding] = []
    facts = QuizFacts()
    found.extend(check_hours(spec))
    familiar = frozenset(word.lower() for word in WORD_RE.findall(spec.title))
    for module in spec.modules:
        for lesson in module.lessons:
            found.extend(check_lesson(lesson, familiar))
        quiz = module.path / QUIZ_FILE
        if quiz.is_file():
            found.extend(check_quiz(quiz, spec.language, facts))
    found.extend(check_answer_patterns(facts))
    found.extend(check_terms(spec))
    return sorted(found, key=lambda f: (str(f.path), f.line or 0, f.code))


def check_course(folder: Path) -> CourseCheck:
    problems: list[Problem] = []
    spec = parse_course(folder, problems)
    if problems:  # the warnings would read files that do not load: fix the errors first
        return CourseCheck(folder, None, errors=problems)
    return CourseCheck(folder, spec, warnings=advise(spec))


def course_folders(root: Path) -> list[Path]:
    """`root` itself when it is a course, else the course folders in it (as the importer reads them)."""
    if (root / COURSE_FILE).is_file():
        return [root]
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def check_content(root: Path) -> list[CourseCheck]:
    return [check_course(folder) for folder in course_folders(root)]
