"""The record form of an observation, and the withdraw button.

The fields carry no validators of their own: what was entered is checked once, by entry.read_entry
(which a phone's batch goes through as well); the form gives the CSRF check, the labels and the
values to show again. One radio group per current step of the skill, named step_<step id>, read
from the request by the form itself (a form class per skill would be a class per request).
"""
from __future__ import annotations

import uuid

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField

from ..courses.models import SkillStep
from ..forms import AppForm
from .services import MAX_NOTE

STEP_CHOICES = [("done", _l("Done")), ("not_done", _l("Not done")), ("not_seen", _l("Not seen"))]
RESULT_CHOICES = [("competent", _l("Competent")), ("not_yet", _l("Not yet"))]
PLACE_CHOICES = [("home", _l("Home visit")), ("posyandu", _l("Posyandu")), ("sentra", _l("Sentra")),
                 ("other", _l("Other place"))]


class ObservationForm(AppForm):
    """The fields of an observation; the steps' radio groups are the skill's, so they are read here by name."""

    client_id = HiddenField()
    result = RadioField(_l("Result"), choices=RESULT_CHOICES, validate_choice=False)
    observed_on = StringField(_l("Date observed"), render_kw={"type": "date"})
    place = RadioField(_l("Place"), choices=PLACE_CHOICES, validate_choice=False)
    note = TextAreaField(_l("Note (optional)"), render_kw={"maxlength": MAX_NOTE, "rows": 3},
                         description=_l("What went well, what to practise. The learner reads it."))
    from_paper = BooleanField(_l("Entered from a paper observation sheet"))
    confirmed_on_paper = BooleanField(_l("The learner confirmed it by signing the paper sheet"))
    submit = SubmitField(_l("Save the observation"))

    def __init__(self, steps: list[SkillStep], **kwargs):
        super().__init__(**kwargs)
        self.steps = steps
        posted = request.form if self.is_submitted() and not request.is_json else {}
        #: step id -> the state chosen ("" when none), shown again when the form comes back with an error
        self.step_states = {step.id: posted.get(step_field(step), "") for step in steps}
        #: step id -> the message of its problem
        self.step_errors: dict[int, str] = {}

    def values(self) -> dict:
        """What was entered, as entry.read_entry takes it."""
        return {
            "client_id": self.client_id.data or "",
            "steps": {str(step_id): state for step_id, state in self.step_states.items()},
            "result": self.result.data or "", "place": self.place.data or "",
            "observed_on": self.observed_on.data or "", "note": self.note.data or "",
            "from_paper": bool(self.from_paper.data), "confirmed_on_paper": bool(self.confirmed_on_paper.data),
        }

    @property
    def has_errors(self) -> bool:
        # form_errors (WTForms'): problems of no field shown, e.g. a paper confirmation for a learner with a phone
        return bool(self.errors or self.step_errors)


def step_field(step: SkillStep) -> str:
    return f"step_{step.id}"


def observation_form(steps: list[SkillStep], *, today: str) -> ObservationForm:
    """The form for a skill's current steps; a fresh client id and today's date when first shown."""
    return ObservationForm(steps, client_id=str(uuid.uuid4()), observed_on=today)


class WithdrawForm(AppForm):
    submit = SubmitField(_l("Withdraw"))
