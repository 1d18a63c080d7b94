"""What the practice feature does when other features' signals fire."""
from __future__ import annotations

from flask_babel import to_user_timezone

from ..cohorts.signals import report_columns_asked, visits_asked
from .reports import COMPETENT, group_skills, last_observed


def skill_columns(cohort, *, members, **_extra) -> tuple[list[str], dict[int, list[str]]]:
    """cohorts.signals.report_columns_asked: one column `<course>/skill:<skill>` per current skill of the group's
    courses that observe practice. A cell is the date the skill was first seen done competently (a confirmed
    observation; a date in the site's time zone), `not_yet`, `pending` (waiting for the learner's answer), or
    empty (not observed). Two queries for the whole group."""
    skills = group_skills(cohort, members)
    headers = [f"{course.slug}/skill:{skill.slug}" for course, course_skills in skills.courses
               for skill in course_skills]
    column = {skill.id: index for index, skill in enumerate(skills.skills)}
    cells: dict[int, list[str]] = {}
    for (user_id, skill_id), cell in skills.cells.items():
        row = cells.setdefault(user_id, [""] * len(headers))
        row[column[skill_id]] = (to_user_timezone(cell.competent_at).date().isoformat()
                                 if cell.state == COMPETENT else cell.state)
    return headers, cells


def last_visits(_sender, *, members, **_extra) -> dict:
    """cohorts.signals.visits_asked: a member's last visit is their latest observation that counts (pending or
    confirmed, by anyone; reports.last_observed). One query for the whole group."""
    return last_observed(members)


def connect() -> None:
    report_columns_asked.connect(skill_columns)
    visits_asked.connect(last_visits)
