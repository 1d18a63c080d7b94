"""Moodle's GIFT question format, the subset Rawat's quizzes can hold.

Supported: multiple choice with one right answer ``{=right ~wrong}``, multiple
response with weights ``{~%50%a ~%50%b ~%-100%c}`` (a positive weight marks a right
answer), true/false ``{T}`` ``{F}`` ``{TRUE}`` ``{FALSE}``, titles ``::title::``,
feedback ``#…`` per answer, general feedback ``####…`` (it becomes the explanation),
comment lines ``//`` and the escapes ``\\~ \\= \\# \\{ \\} \\: \\n``.

Everything else is skipped with a reason and the line where the question starts:
essay ``{}``, short answer (only ``=`` answers), numerical ``{#…}``, matching ``->``,
missing-word questions (text after the answers) and malformed questions. As in
Moodle, questions are separated by blank lines. A ``$CATEGORY:`` line and comment
lines are not questions: they are neither imported nor counted as skipped (the
category is listed apart, as the questions go into this quiz whatever it says).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MAX_CHOICES = 12
MAX_TEXT, MAX_CHOICE_TEXT, MAX_FEEDBACK, MAX_EXPLANATION = 2000, 1000, 2000, 4000

_ESCAPES = {"\\\\": "\ue000", "\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\~": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{", "\ue005": "}",
            "\ue006": "~", "\ue007": "\n"}
_ESCAPE_RE = re.compile(r"\\[\\:#={}~n]")
_WEIGHT_RE = re.compile(r"^%(-?\d{1,3}(?:\.\d+)?)%")
_FORMAT_RE = re.compile(r"^\[(html|markdown|plain|moodle)\]", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}

#: why a question was not imported (codes used by the parser and its tests)
SKIP_REASONS = {
    "description": _l("No answers in braces: this is a description, not a question."),
    "essay": _l("Essay question ({}): not supported."),
    "numeric": _l("Numerical question ({#…}): not supported."),
    "matching": _l("Matching question (->): not supported."),
    "short_answer": _l("Short-answer question (only '=' answers): not supported."),
    "missing_word": _l("Missing-word question (text after the answers): not supported."),
    "partial_credit": _l("A wrong answer (~) has a positive weight: partial credit is not supported."),
    "several_right": _l("More than one right answer (=): for a 'choose all that apply' question, mark the right "
                        "answers with ~ and a positive weight instead."),
    "blank_line_in_answers": _l("There is a blank line inside the answers: in GIFT a blank line ends the question. "
                                "Remove it (write \\n for a new line in a text)."),
    "unclosed_brace": _l("The '{' of the answers is never closed with '}' (answers may not contain blank lines)."),
    "unopened_brace": _l("There is a '}' without a '{' before it."),
    "nested_brace": _l("There is a '{' inside the answers; write \\{ for a brace in a text."),
    "unclosed_title": _l("The title is not closed with '::'."),
    "no_text": _l("The question has no text."),
    "empty_answer": _l("An answer has no text."),
    "too_few": _l("A question needs at least two answers."),
    "too_many": _l("At most 12 answers are allowed."),
    "no_correct": _l("No answer is marked right (with = or a positive weight)."),
    "duplicate": _l("Two answers have the same text."),
    "text_before_answers": _l("There is text before the first answer: every answer starts with = or ~."),
    "too_long": _l("A text is longer than a quiz allows."),
}
#: said of each $CATEGORY line, which is not a question
CATEGORY_NOTE = _l("$CATEGORY lines are ignored: the questions go into this quiz.")
_CATEGORY_RE = re.compile(r"^\s*\$CATEGORY:", re.I)
#: remarks on an imported question
NOTES = {
    "no_explanation": _l("No general feedback (####): write an explanation before publishing."),
    "tf_feedback": _l("True/false answer feedback was used as the explanation."),
}


@dataclass
class GiftChoice:
    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class GiftQuestion:
    line: int
    title: str
    kind: str  # single, multiple or true_false
    text: str
    choices: list[GiftChoice] = field(default_factory=list)
    answer: bool | None = None
    explanation: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class GiftSkip:
    line: int
    title: str
    reason: str

    @property
    def message(self) -> str:
        return str(SKIP_REASONS[self.reason])


@dataclass
class GiftResult:
    questions: list[GiftQuestion] = field(default_factory=list)
    #: questions only: what is not a question (categories, comments) is never counted here
    skipped: list[GiftSkip] = field(default_factory=list)
    #: (line, category name) of each $CATEGORY line
    categories: list[tuple[int, str]] = field(default_factory=list)


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _protect(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text


def _clean(text: str) -> str:
    """Plain text: format marker removed ([html] tags stripped), escapes restored, spaces collapsed."""
    text = text.strip()
    match = _FORMAT_RE.match(text)
    if match:
        text = text[match.end():]
        if match.group(1).lower() == "html":
            text = html.unescape(_TAG_RE.sub(" ", text))
    return " ".join(_restore(text).split())


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Blocks of (line number, line), split on blank lines, comment lines dropped."""
    blocks, current = [], []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            if current:
                blocks.append(current)
            current = []
        elif not stripped.startswith("//"):
            current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _first_brace(block: str) -> str:
    """'{' or '}', whichever comes first in a protected block, or '' for neither."""
    found = [(block.find(brace), brace) for brace in "{}" if brace in block]
    return min(found)[1] if found else ""


def _continuation_end(blocks: list[str], index: int) -> int | None:
    """The block that closes the unclosed answers of blocks[index] (a blank line inside them), if any."""
    for later in range(index + 1, len(blocks)):
        first = _first_brace(blocks[later])
        if first == "}":
            return later
        if first == "{":
            return None
    return None


def parse_gift(text: str) -> GiftResult:
    """Every question of a GIFT text, imported or skipped with a reason; $CATEGORY lines apart."""
    result = GiftResult()
    blocks = []
    for lines in _blocks(text or ""):
        # As in Moodle a category line starts a block; a question right under it is still read.
        while lines and _CATEGORY_RE.match(lines[0][1]):
            name = lines[0][1].split(":", 1)[1]
            result.categories.append((lines[0][0], _clean(_protect(name))))
            lines = lines[1:]
        if lines:
            blocks.append((lines[0][0], _protect("\n".join(line for _number, line in lines).strip())))
    texts = [block for _line, block in blocks]
    index = 0
    while index < len(blocks):
        line, block = blocks[index]
        index += 1
        title = ""
        try:
            if block.startswith("::"):
                end = block.find("::", 2)
                if end < 0:
                    raise _Skip("unclosed_title")
                title, block = _clean(block[2:end]), block[end + 2:].strip()
            if "{" in block and "}" not in block[block.find("{"):]:
                end = _continuation_end(texts, index - 1)
                if end is not None:  # one question broken by blank lines, not several
                    index = end + 1
                    raise _Skip("blank_line_in_answers")
            result.questions.append(_question(line, title, block))
        except _Skip as skip:
            excerpt = title or _clean(block.split("{", 1)[0])[:80]
            result.skipped.append(GiftSkip(line=line, title=excerpt, reason=skip.reason))
    return result


def _question(line: int, title: str, block: str) -> GiftQuestion:
    start = block.find("{")
    close = block.find("}")
    if start < 0:
        raise _Skip("unopened_brace" if close >= 0 else "description")
    if close < start:
        raise _Skip("unopened_brace" if close >= 0 else "unclosed_brace")
    if "{" in block[start + 1:close]:
        raise _Skip("nested_brace")
    text, answers, after = block[:start], block[start + 1:close].strip(), block[close + 1:].strip()
    if after:
        raise _Skip("missing_word")
    general = ""
    if "####" in answers:
        answers, general = answers[:answers.rfind("####")].strip(), answers[answers.rfind("####") + 4:]
    question = GiftQuestion(line=line, title=title, kind="", text=_clean(text), explanation=_clean(general))
    if not answers:
        raise _Skip("essay")
    if answers.startswith("#"):
        raise _Skip("numeric")
    if "~" in answers:
        _choices(question, answers)
    elif "=" in answers and "->" in answers:
        raise _Skip("matching")
    elif answers.split("#", 1)[0].strip().upper() in TRUE_FALSE:
        _true_false(question, answers)
    elif answers.startswith("="):
        raise _Skip("short_answer")
    else:
        raise _Skip("text_before_answers")
    if not question.text:
        raise _Skip("no_text")
    if len(question.text) > MAX_TEXT or len(question.explanation) > MAX_EXPLANATION:
        raise _Skip("too_long")
    if not question.explanation:
        question.notes.append("no_explanation")
    return question


def _true_false(question: GiftQuestion, answers: str) -> None:
    bits = [part.strip() for part in answers.split("#", 2)]
    question.kind = "true_false"
    question.answer = TRUE_FALSE[bits[0].upper()]
    wrong = _clean(bits[1]) if len(bits) > 1 else ""
    right = _clean(bits[2]) if len(bits) > 2 else ""
    if (wrong or right) and not question.explanation:
        question.explanation = right or wrong
        question.notes.append("tf_feedback")


def _choices(question: GiftQuestion, answers: str) -> None:
    pieces = answers.replace("=", "~=").split("~")
    if pieces[0].strip():
        raise _Skip("text_before_answers")
    pieces = pieces[1:]
    single = any(piece.startswith("=") for piece in pieces)
    weights: list[float] = []
    for piece in pieces:
        piece = piece.strip()
        right = piece.startswith("=")
        piece = piece[1:] if right else piece
        weight = 100.0 if right else 0.0
        match = _WEIGHT_RE.match(piece)
        if match:
            weight = float(match.group(1)) if not right or float(match.group(1)) > 0 else 100.0
            piece = piece[match.end():]
        answer, _sep, feedback = piece.partition("#")
        choice = GiftChoice(text=_clean(answer), feedback=_clean(feedback), correct=right or weight > 0)
        if not choice.text:
            raise _Skip("empty_answer")
        if len(choice.text) > MAX_CHOICE_TEXT or len(choice.feedback) > MAX_FEEDBACK:
            raise _Skip("too_long")
        if single and not right and weight > 0:
            raise _Skip("partial_credit")
        weights.append(weight)
        question.choices.append(choice)
    if len(question.choices) < 2:
        raise _Skip("too_few")
    if len(question.choices) > MAX_CHOICES:
        raise _Skip("too_many")
    texts = [choice.text for choice in question.choices]
    if len(set(texts)) != len(texts):
        raise _Skip("duplicate")
    right_count = sum(1 for choice in question.choices if choice.correct)
    if right_count == 0:
        raise _Skip("no_correct")
    if single and right_count > 1:
        raise _Skip("several_right")
    question.kind = "single" if single else "multiple"
