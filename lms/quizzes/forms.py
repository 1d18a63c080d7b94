"""Quiz forms: starting an attempt, and the answer sheet of an attempt.

The answer sheet's fields depend on the attempt, so they are read from the posted data
here rather than declared: `qN` holds the chosen option token(s) of question N, and
`qN-<token>` the number given to each step of an ordering question. Anything else
(an unknown field, a token of another question, a rank out of range) means the form
was not the one we sent: it is refused with a message and nothing is graded.
"""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from ..forms import AppForm
from .queries import ShownQuestion

MISSING_MESSAGE = _l("Please answer every question, then send your answers again.")
TAMPERED_MESSAGE = _l("Some of the answers sent do not belong to this quiz. Please check your answers and "
                      "send them again.")
ANSWER_THIS = _l("Answer this question.")
CHOOSE_SOME = _l("Choose at least one answer.")
NUMBER_EVERY_STEP = _l("Give every step a number.")
EACH_NUMBER_ONCE = _l("Give each step a different number.")


def _is_rank(value: str, count: int) -> bool:
    return len(value) <= 3 and value.isascii() and value.isdigit() and 1 <= int(value) <= count


class StartAttemptForm(AppForm):
    submit = SubmitField(_l("Start the quiz"))


class PretestActionForm(AppForm):
    """Start or skip a course's pre-test: nothing but the CSRF token (each button posts to its own URL)."""


class AnswerSheet(AppForm):
    """CSRF plus the answers of one attempt; see the module docstring for the field names."""

    submit = SubmitField(_l("Send my answers"))

    def __init__(self, questions: list[ShownQuestion], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        #: attempt question id -> option ids (ordering: in the order given)
        self.answers: dict[int, list[int]] = {}
        #: question position -> what to fix in it
        self.question_errors: dict[int, str] = {}
        self.sheet_errors: list[str] = []
        #: field name -> valid values sent, to show the learner's choices again
        self.given: dict[str, list[str]] = {}
        self.tampered = False

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        data = request.form
        known = {"csrf_token", "submit"}
        for shown in self.questions:
            if shown.question.type == "ordering":
                known.update(self._read_ordering(shown, data))
            else:
                known.add(self._read_choices(shown, data))
        if any(name not in known for name in data):
            self.tampered = True
        if self.tampered:
            self.sheet_errors.append(TAMPERED_MESSAGE)
        elif self.question_errors:
            self.sheet_errors.append(MISSING_MESSAGE)
        return not self.sheet_errors

    def _read_choices(self, shown: ShownQuestion, data) -> str:
        name = shown.field_name
        values = data.getlist(name)
        chosen = [shown.choice_by_token(value) for value in values]
        valid = [c for c in chosen if c is not None]
        self.given[name] = [c.token for c in valid]
        unknown_or_repeated = len(valid) != len(values) or len(set(values)) != len(values)
        if unknown_or_repeated or (shown.question.type != "multiple" and len(values) > 1):
            self.tampered = True
        elif not values:
            self.question_errors[shown.position] = CHOOSE_SOME if shown.question.type == "multiple" else ANSWER_THIS
        else:
            self.answers[shown.item.id] = [c.option.id for c in valid]
        return name

    def _read_ordering(self, shown: ShownQuestion, data) -> list[str]:
        names = []
        ranks: dict[int, int] = {}
        missing = False
        count = len(shown.choices)
        for choice in shown.choices:
            name = f"{shown.field_name}-{choice.token}"
            names.append(name)
            values = data.getlist(name)
            value = values[0].strip() if len(values) == 1 else ""
            if len(values) > 1 or (value and not _is_rank(value, count)):
                self.tampered = True
            elif not value:
                missing = True
            else:
                ranks[choice.option.id] = int(value)
                self.given[name] = [value]
        if missing:
            self.question_errors[shown.position] = NUMBER_EVERY_STEP
        elif len(set(ranks.values())) != len(ranks):
            self.question_errors[shown.position] = EACH_NUMBER_ONCE
        elif not self.tampered:
            self.answers[shown.item.id] = sorted(ranks, key=ranks.__getitem__)
        return names
