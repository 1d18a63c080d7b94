"""What a trainer entered for one observation, read into the service's ObservationInput.

The record form and the phone's batch (sync.py) both come here (`read_entry`), so a value the form
refuses is refused from a phone too, with the same code. The form gives text (a day, "y" for a
ticked box, handled by the view); a phone gives JSON (a moment, true/false); both are checked for
their type here, never trusted. What needs the database (who may observe whom, the critical-step
rule, a client id used before) stays the service's (services.record_observation).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l

from ..courses.models import SkillStep
from ..courses.sync import EARLIEST
from ..timeutil import parse_iso_utc, utcnow
from .models import PLACES, RESULTS, STEP_STATES
from .services import MAX_NOTE, ObservationInput

_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: a day given without a time (a paper sheet): the middle of that day, in the site's time zone
PAPER_HOUR = time(12, 0)

#: what to tell the trainer, for each code of an entry's problem and each reason the service refuses
MESSAGES = {
    # the entry itself (read_entry) and the batch (sync.py)
    "missing": _l("This is required."),
    "bad_type": _l("This value has the wrong type."),
    "bad_text": _l("This text contains a character that cannot be stored."),
    "unknown_field": _l("This field is not accepted in an observation."),
    "not_an_object": _l("An observation must be a JSON object."),
    "duplicate_id": _l("The same id is used twice in this batch."),
    "not_in_group": _l("This learner, course or skill is not in one of your groups."),
    # the service's reasons (services.ObservationRefused), which the entry may also find first
    "bad_choice": _l("Choose one of the options shown."),
    "bad_client_id": _l("The form was not sent whole. Please fill it in again."),
    "steps_mismatch": _l("The checklist of this skill has changed. Open the form again and check every step."),
    "critical_step_missing": _l("“Competent” needs every critical step done. Choose “Not yet”, or check the "
                                "steps again."),
    "bad_date": _l("The date must be today or a day in the past year."),
    "note_too_long": _l("The note may have at most %(num)d characters.", num=MAX_NOTE),
    "paper_needs_family_account": _l("Confirmation on paper is only for an account you made for a family without "
                                     "a phone of its own. This learner confirms on their own phone."),
    "client_id_taken": _l("This observation was already recorded for another learner or skill."),
    "not_a_trainer": _l("Only care managers record observations."),
    "oneself": _l("You cannot observe yourself."),
    "unknown_skill": _l("This skill is no longer in the course."),
    "not_accompanied": _l("You can observe only the learners of your own groups, in the courses those groups "
                          "follow."),
    "not_yours": _l("This is not your observation."),
}


def message(code: str) -> str:
    return str(MESSAGES.get(code, MESSAGES["bad_choice"]))


@dataclass
class Problem:
    """One thing wrong with an entry: the field ("steps.<step id>" for one step) and a code of PROBLEMS."""

    field: str
    code: str


class EntryRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(", ".join(f"{p.field}:{p.code}" for p in problems))
        self.problems = problems


def local_today() -> date:
    """Today in the site's time zone (Asia/Jakarta unless LMS_TIMEZONE says otherwise), as pages show dates."""
    return utcnow().replace(tzinfo=UTC).astimezone(get_timezone()).date()


def read_moment(value) -> datetime | None:
    """An ISO 8601 moment as naive UTC; None when malformed or before 2020. Unlike a lesson mark's time
    (courses.sync.parse_time), a moment in the future is kept for the service to refuse: an observation's
    date goes on a certificate, so it is never silently moved."""
    moment = parse_iso_utc(value)
    return moment if moment is not None and moment >= EARLIEST else None


def read_day(value) -> datetime | None:
    """A day as the form gives it (YYYY-MM-DD): now when it is today, else the middle of that day; None when
    malformed or later than today (the site's time zone)."""
    if not isinstance(value, str) or not _DAY_RE.fullmatch(value.strip()):
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    today = local_today()
    if day > today:
        return None
    if day == today:
        return utcnow()
    moment = datetime.combine(day, PAPER_HOUR, tzinfo=get_timezone()).astimezone(UTC).replace(tzinfo=None)
    return moment if moment >= EARLIEST else None


def _step_states(given, steps: list[SkillStep], problems: list[Problem]) -> dict[int, str]:
    if not isinstance(given, Mapping):
        problems.append(Problem("steps", "bad_type"))
        return {}
    known = {str(step.id): step.id for step in steps}
    states: dict[int, str] = {}
    for key in given:
        if str(key) not in known:
            problems.append(Problem("steps", "steps_mismatch"))
            break
    for step in steps:
        state = given.get(str(step.id))
        if state is None or state == "":
            problems.append(Problem(f"steps.{step.id}", "missing"))
        elif not isinstance(state, str) or state not in STEP_STATES:
            problems.append(Problem(f"steps.{step.id}", "bad_choice"))
        else:
            states[step.id] = state
    return states


def _choice(values: Mapping, name: str, choices: tuple[str, ...], problems: list[Problem]) -> str:
    value = values.get(name)
    if value is None or value == "":
        problems.append(Problem(name, "missing"))
    elif not isinstance(value, str) or value not in choices:
        problems.append(Problem(name, "bad_choice"))
    else:
        return value
    return ""


def _flag(values: Mapping, name: str, problems: list[Problem]) -> bool:
    value = values.get(name, False)
    if not isinstance(value, bool):
        problems.append(Problem(name, "bad_type"))
        return False
    return value


def _observed_at(values: Mapping, problems: list[Problem]) -> datetime | None:
    # A phone sends the moment it was recorded; the form sends the day chosen (default today).
    name = "observed_at" if "observed_at" in values else "observed_on"
    given = values.get(name)
    if given is None or given == "":
        problems.append(Problem(name, "missing"))
        return None
    moment = read_moment(given) if name == "observed_at" else read_day(given)
    if moment is None:
        problems.append(Problem(name, "bad_date"))
    return moment


def read_entry(values: Mapping, steps: list[SkillStep]) -> ObservationInput:
    """The entry as the service takes it; EntryRefused listing every problem.

    values: client_id (a UUID), steps ({"<step id>": "done" | "not_done" | "not_seen"} for every current
    step), result, place, note (optional, at most MAX_NOTE characters), observed_at (ISO 8601 moment) or
    observed_on (YYYY-MM-DD), from_paper and confirmed_on_paper (optional booleans).
    """
    problems: list[Problem] = []
    client_id = values.get("client_id")
    if not isinstance(client_id, str) or len(client_id) != 36:
        problems.append(Problem("client_id", "bad_client_id"))
    states = _step_states(values.get("steps"), steps, problems)
    result = _choice(values, "result", RESULTS, problems)
    place = _choice(values, "place", PLACES, problems)
    note = values.get("note", "")
    if note is None:
        note = ""
    if not isinstance(note, str):
        problems.append(Problem("note", "bad_type"))
    elif "\x00" in note:  # PostgreSQL text cannot hold it (a form field never has one: request_body drops it)
        problems.append(Problem("note", "bad_text"))
    elif len(note.strip()) > MAX_NOTE:
        problems.append(Problem("note", "note_too_long"))
    observed_at = _observed_at(values, problems)
    from_paper = _flag(values, "from_paper", problems)
    on_paper = _flag(values, "confirmed_on_paper", problems)
    if problems:
        raise EntryRefused(problems)
    return ObservationInput(client_id=client_id, steps=states, result=result, place=place, observed_at=observed_at,
                            note=note.strip(), from_paper=from_paper, confirmed_on_paper=on_paper)
