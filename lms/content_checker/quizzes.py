"""Quiz checks: is the right answer guessable by its length, do wrong answers teach, is the pool big enough.

They read quiz.yaml again with line numbers (the importer has checked that it loads) so that every
finding points at the question or the answer to change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..courses.content_files import load_yaml_file
from . import limits
from .findings import Finding


@dataclass
class QuizFacts:
    """What the course-wide checks need from every quiz of a course."""

    #: (path, line, question id) of single-choice questions whose right answer is the longest option
    longest_right: list[tuple[Path, int, str]] = field(default_factory=list)
    single_questions: int = 0
    #: (path, line, question id, right options, options) of each multiple-response question
    multiple_counts: list[tuple[Path, int, str, int, int]] = field(default_factory=list)


def _line(mapping, key: str | None = None) -> int | None:
    if hasattr(mapping, "line_of"):
        return mapping.line_of(key) if key else mapping.line
    return None


def _text(value) -> str:
    return str(value).strip() if value is not None else ""


def check_quiz(path: Path, language: str, facts: QuizFacts) -> list[Finding]:
    data = load_yaml_file(path)
    questions = [q for q in data.get("questions") or [] if isinstance(q, dict)]
    found: list[Finding] = []
    pool = len(questions)
    if pool < limits.MIN_POOL:
        found.append(Finding(path, _line(data, "questions"), "small_pool", {"pool": pool, "min": limits.MIN_POOL}))
    per_attempt = data.get("questions_per_attempt") or pool
    low, high = limits.PER_ATTEMPT
    if pool > low and not low <= per_attempt <= high:
        found.append(Finding(path, _line(data, "questions_per_attempt") or _line(data), "attempt_size",
                             {"drawn": per_attempt, "low": low, "high": high}))
    scenarios = sum(1 for q in questions if _text(q.get("scenario")))
    if pool >= limits.MIN_SCENARIOS and scenarios < limits.MIN_SCENARIOS:
        found.append(Finding(path, _line(data, "questions"), "few_scenarios",
                             {"found": scenarios, "min": limits.MIN_SCENARIOS}))
    for question in questions:
        found.extend(_check_question(path, question, language, facts))
    return found


def _check_question(path: Path, question: dict, language: str, facts: QuizFacts) -> list[Finding]:
    kind, key = question.get("type"), _text(question.get("id"))
    line = _line(question)
    found = []
    if question.get("image") and not _text(question.get("image_alt")):
        found.append(Finding(path, _line(question, "image"), "image_without_alt",
                             {"image": _text(question.get("image")), "question": key}))
    if kind == "ordering":
        steps = question.get("steps") or []
        if len(steps) > limits.MAX_STEPS:
            found.append(Finding(path, _line(question, "steps"), "long_ordering",
                                 {"question": key, "found": len(steps), "max": limits.MAX_STEPS}))
        return found
    if kind not in ("single", "multiple"):
        return found
    options = [o if isinstance(o, dict) else {"text": o} for o in question.get("options") or []]
    right = [o for o in options if o.get("correct") is True]
    for option in options:
        if option.get("correct") is not True and not _text(option.get("feedback")):
            found.append(Finding(path, _line(option) or line, "wrong_without_feedback",
                                 {"question": key, "text": _text(option.get("text"))[:60]}))
    if kind == "single" and len(right) == 1:
        facts.single_questions += 1
        lengths = [len(_text(o.get("text"))) for o in options if o is not right[0]]
        if lengths and len(_text(right[0].get("text"))) > max(lengths):
            facts.longest_right.append((path, line, key))
    if kind == "multiple":
        facts.multiple_counts.append((path, line, key, len(right), len(options)))
        asked = (_text(question.get("text")) + " " + _text(question.get("scenario"))).lower()
        if not any(words in asked for words in limits.SELECT_ALL_WORDS):
            found.append(Finding(path, _line(question, "text"), "no_select_all_hint",
                                 {"question": key,
                                  "hint": limits.SELECT_ALL_HINTS.get(language, "pilih semua yang benar")}))
    return found


def check_answer_patterns(facts: QuizFacts) -> list[Finding]:
    """Course-wide: the longest option is not a give-away, multiple-response questions vary."""
    found = []
    singles, longest = facts.single_questions, len(facts.longest_right)
    if singles and longest > singles * limits.LONGEST_RIGHT_SHARE:
        for path, line, key in facts.longest_right:
            found.append(Finding(path, line, "right_answer_longest",
                                 {"question": key, "found": longest, "total": singles}))
    counts = facts.multiple_counts
    if len(counts) < 3:
        return found
    all_but_one = [(path, line, key) for path, line, key, right, total in counts if right == total - 1]
    if len(all_but_one) > len(counts) * limits.ALL_BUT_ONE_SHARE:
        for path, line, key in all_but_one:
            found.append(Finding(path, line, "multiple_all_but_one",
                                 {"question": key, "found": len(all_but_one), "total": len(counts)}))
    if not any(right == 1 for *_where, right, _total in counts):
        path, line, key, *_counts = counts[0]
        found.append(Finding(path, line, "multiple_never_one", {"question": key, "total": len(counts)}))
    return found
