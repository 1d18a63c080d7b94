"""A care manager's reach: which members of a group were in contact lately, and who needs a visit.

The definition (issue #22), the one the group page, its CSV and the programme reports share:

- A member's **last learning activity** is the latest `enrollments.last_activity_at` of the member in the
  **group's courses** (enrolling counts; a lesson done, a quiz submitted or a skill recorded moves it on).
  The group's courses rather than every course: the report has already loaded exactly those enrollments
  (no query of its own), it is the "last activity" date the group table and CSV show, so the list can never
  contradict the table, and it is the training this group is accountable for. A member of several groups may
  therefore be reached in one group and not in another.
- A member's **last visit** is the latest `skill_observations.observed_at` of an observation of the member
  (`learner_id`) by anyone (this group's care manager or another one), in any course, that counts: pending
  (waiting for the learner's answer) or confirmed. A withdrawn observation was the observer's mistake and a
  rejected one is disputed by the learner (flagged for an admin): neither is a visit.
- A member is **reached** when the later of the two is at most REACH_DAYS (30 × 24 hours) before now,
  `now - REACH <= moment`; otherwise, including a member with neither, they **need a visit**. Joining the
  group is not contact: a member who joined yesterday and has not started is listed.
- Who needs a visit is shown **longest without contact first**: never in contact first (those in the group
  longest first), then by the oldest last contact; ties by name, the report's order.

Moments are naive UTC (lms/timeutil.py), `now` is the caller's (`utcnow()`, `frozen_at` in tests). The
visits come from practice, which cohorts does not import (README "How features talk"), through the
`visits_asked` signal: one query for the whole group, its member ids written into the statement.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import Select

from .signals import visits_asked

#: days within which learning activity or a recorded visit counts as reaching a member
REACH_DAYS = 30
REACH = timedelta(days=REACH_DAYS)


def last_contact(last_activity: datetime | None, last_visit: datetime | None) -> datetime | None:
    """The later of the member's last learning activity and last visit; None when neither ever happened."""
    return max((moment for moment in (last_activity, last_visit) if moment is not None), default=None)


def is_reached(last_activity: datetime | None, last_visit: datetime | None, now: datetime) -> bool:
    """Learning activity or a recorded visit at most REACH_DAYS before `now` (the module says which)."""
    contact = last_contact(last_activity, last_visit)
    return contact is not None and now - contact <= REACH


def last_visits(members: Select | Collection[int]) -> dict[int, datetime]:
    """user id -> when the member was last observed (an observation that counts, by anyone), for the members
    who ever were; `members` are user ids (lms.database.among writes them in) or a SELECT of them. One query,
    asked of the features that record visits (practice); none for no members."""
    if not isinstance(members, Select) and not members:
        return {}
    latest: dict[int, datetime] = {}
    for _receiver, answer in visits_asked.send(None, members=members):
        for user_id, moment in (answer or {}).items():
            if moment is not None and (user_id not in latest or moment > latest[user_id]):
                latest[user_id] = moment
    return latest
