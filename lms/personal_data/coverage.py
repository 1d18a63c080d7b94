"""Every reference to a person in the database is either in their copy or left out for a stated reason.

The references are found, not listed: every foreign key to users.id in the SQLAlchemy metadata, so a table
added by any feature is seen the day it is added. `unclassified()` names those neither exported (a section
of export.py reads the rows where the column is the person) nor excluded below; the tests fail while there
are any, and when an entry here names a column that no longer exists.
"""
from __future__ import annotations

from sqlalchemy import MetaData

from ..database import user_references

from .export import SECTIONS

#: (table, column) -> why the rows where the column is the person are not in their copy
EXCLUDED: dict[tuple[str, str], str] = {
    ("password_reset_codes", "issued_by_id"):
        "codes the person made for other people's accounts: about those people",
    ("cohort_invitations", "invited_by_id"):
        "invitations the person sent, to other people's mobile numbers",
    ("cohort_members", "added_by_id"):
        "other learners the person brought into a group: their memberships",
    ("course_authors", "added_by_id"):
        "other people the person made authors of a course draft",
    ("skill_observations", "observer_id"):
        "observations the person made of other learners",
    ("skill_competences", "observer_id"):
        "other learners' skills the person saw done",
    ("certificate_events", "actor_id"):
        "revocations and reinstatements the person made of other people's certificates (the history of the "
        "person's own certificates is in their copy, with each certificate)",
    ("privacy_requests", "taken_by_id"):
        "other people's requests the person took as an administrator",
    ("lesson_narrations", "recorded_by_id"):
        "course material: lessons the person read aloud for learners, kept with the course (the person's "
        "authorships are in their copy; an author removes a recording on the lesson's recordings page)",
    ("course_drafts", "updated_by_id"):
        "course material being written, not about the person, who is only named as its last editor (the "
        "person's authorships and publications are in their copy)",
}


def exported() -> set[tuple[str, str]]:
    return {(section.table, column) for section in SECTIONS for column in section.columns}


def unclassified(metadata: MetaData) -> set[tuple[str, str]]:
    """References to users.id that are neither exported nor excluded with a reason."""
    return user_references(metadata) - exported() - set(EXCLUDED)


def stale(metadata: MetaData) -> set[tuple[str, str]]:
    """Classified references that are no foreign key to users.id (any more), or classified twice."""
    references = user_references(metadata)
    both = exported() & set(EXCLUDED)
    return (exported() | set(EXCLUDED)) - references | both
