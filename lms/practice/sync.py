"""Observations recorded on a trainer's phone without signal, sent when the signal is back.

A batch is all or nothing, as the learners' marks are (courses/sync.py): every observation is
read (entry.read_entry, as the record form is) and recorded (services.record_observation);
when any is refused, the whole batch is rolled back by the caller and every problem is listed
by its index, so the phone can keep the refused ones aside and send the rest again. Each
observation carries the id the phone made for it: one sent again (the answer was lost on the
way back) is reported under "already" and recorded once. It keeps the time it was made on the
phone (observed_at), not the time it arrived. The observer is always the signed-in user.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..accounts.models import User
from ..cohorts.models import Cohort
from ..content_format import SLUG_RE
from ..extensions import db
from .entry import EntryRefused, message, read_entry
from .observe_queries import Target, find_target
from .services import ObservationRefused, record_observation

MAX_OBSERVATIONS = 50
REQUIRED_KEYS = {"id", "cohort", "learner", "course", "skill", "steps", "result", "place", "observed_at"}
OPTIONAL_KEYS = {"note", "from_paper", "confirmed_on_paper"}
#: the largest id a phone can name (the URL converters' bound)
MAX_ID = 2**31 - 1


class BatchRefused(Exception):
    """The batch as a whole is wrong (code), or some of its observations are (problems)."""

    def __init__(self, code: str, message_text: str, problems: list[dict] | None = None):
        super().__init__(code)
        self.code = code
        self.message = message_text
        self.problems = problems or []


@dataclass
class SyncResult:
    #: client ids recorded now, and those received before
    recorded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)


def _problem(index: int, item, field_name: str | None, code: str) -> dict:
    entry = {"index": index, "field": field_name, "code": code, "message": message(code)}
    if isinstance(item, dict) and isinstance(item.get("id"), str) and len(item["id"]) <= 36:
        entry["id"] = item["id"]
    return entry


def _items_of(payload) -> list:
    if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list) \
            or set(payload) - {"observations"}:
        raise BatchRefused("bad_request", _('Send a JSON object {"observations": [...]}.'))
    items = payload["observations"]
    if not items:
        raise BatchRefused("empty_batch", _("The batch has no observations."))
    if len(items) > MAX_OBSERVATIONS:
        raise BatchRefused("too_many_observations",
                           _("Send at most %(num)d observations at a time.", num=MAX_OBSERVATIONS))
    return items


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _is_slug(value) -> bool:
    return isinstance(value, str) and len(value) <= 80 and SLUG_RE.fullmatch(value) is not None


class _Reader:
    """Reads the observations of one batch in turn, remembering the groups and targets already looked up."""

    def __init__(self, observer: User):
        self.observer = observer
        self.cohorts: dict[int, Cohort | None] = {}
        self.targets: dict[tuple, Target | None] = {}
        self.seen: set[str] = set()
        self.problems: list[dict] = []

    def read(self, index: int, item):
        """(target, ObservationInput), or None with the problems listed."""
        if not isinstance(item, dict):
            self.problems.append(_problem(index, item, None, "not_an_object"))
            return None
        before = len(self.problems)
        for key in sorted(set(item) - REQUIRED_KEYS - OPTIONAL_KEYS, key=str):
            self.problems.append(_problem(index, item, str(key)[:40], "unknown_field"))
        for key in sorted(REQUIRED_KEYS - set(item)):
            self.problems.append(_problem(index, item, key, "missing"))
        if len(self.problems) > before:
            return None
        target = self._target(item)
        if target is None:
            self.problems.append(_problem(index, item, None, "not_in_group"))
            return None
        values = {**item, "client_id": item["id"]}
        del values["id"]
        try:
            given = read_entry(values, target.found.steps)
        except EntryRefused as refused:
            self.problems += [_problem(index, item, "id" if p.field == "client_id" else p.field, p.code)
                              for p in refused.problems]
            return None
        client_id = str(uuid.UUID(given.client_id)) if _is_uuid(given.client_id) else given.client_id
        if client_id in self.seen:
            self.problems.append(_problem(index, item, "id", "duplicate_id"))
            return None
        self.seen.add(client_id)
        return target, given

    def _target(self, item: dict) -> Target | None:
        cohort_id, learner_id = item["cohort"], item["learner"]
        if not (_is_id(cohort_id) and _is_id(learner_id) and _is_slug(item["course"]) and _is_slug(item["skill"])):
            return None
        if cohort_id not in self.cohorts:
            cohort = db.session.get(Cohort, cohort_id)
            # Only the group's own trainer records; another group is as unknown as none.
            self.cohorts[cohort_id] = cohort if cohort is not None and cohort.owner_id == self.observer.id else None
        cohort = self.cohorts[cohort_id]
        if cohort is None:
            return None
        key = (cohort_id, learner_id, item["course"], item["skill"])
        if key not in self.targets:
            self.targets[key] = find_target(cohort, learner_id, item["course"], item["skill"])
        return self.targets[key]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def sync_observations(observer: User, payload) -> SyncResult:
    """Read, then record, a batch from the observer's phone. BatchRefused when anything is wrong: the caller
    then rolls back (some may have been written before a later one was refused)."""
    items = _items_of(payload)
    reader = _Reader(observer)
    read = [(index, found) for index, item in enumerate(items) if (found := reader.read(index, item)) is not None]
    if reader.problems:
        raise BatchRefused("invalid_observations", _("Some observations cannot be recorded; nothing was recorded."),
                           sorted(reader.problems, key=lambda p: p["index"]))
    result, problems = SyncResult(), []
    for index, (target, given) in read:
        try:
            observation, created = record_observation(observer, target.learner, target.skill, given)
        except ObservationRefused as refused:
            problems.append(_problem(index, items[index], _field_of(refused.reason), refused.reason))
            continue
        (result.recorded if created else result.already).append(observation.client_id)
    if problems:
        raise BatchRefused("invalid_observations", _("Some observations cannot be recorded; nothing was recorded."),
                           problems)
    return result


def _field_of(reason: str) -> str | None:
    return {"critical_step_missing": "result", "bad_date": "observed_at", "note_too_long": "note",
            "bad_client_id": "id", "client_id_taken": "id", "paper_needs_family_account": "confirmed_on_paper",
            "steps_mismatch": "steps", "bad_choice": None}.get(reason)
