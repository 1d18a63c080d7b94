"""Staff opening a person's data, recorded in the audit log (UU No. 27 Tahun 2022, Pelindungan Data Pribadi).

Every page that shows one person's data to someone else (a care manager or an admin) calls `note_view`:
the learner's page in a group, their observations, a certificate's admin page or PDF, the audit log
narrowed to them. A group report (CSV) is one entry naming the group (`note_group_export`), never one
per member: the person's "Data saya" page (lms/personal_data) finds the exports of the groups they were
in at the time. Each entry targets the person (`target_type` "user", their id), so reading who opened
someone's data is one range of the (target_type, target_id, created_at, id) index.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database import retry_as_writer
from ..extensions import db
from ..timeutil import utcnow
from .models import AuditEntry
from .services import record

#: someone's data shown to a member of staff; details: `page` (one of PAGES) and what names the page
VIEWED = "user.data_viewed"
#: a group's report downloaded as a file; target the group, details: `members`, how many learners it held
GROUP_EXPORTED = "cohort.report_exported"
#: the same person opening the same page of the same person again within this is not recorded again
#: (reloads, the pages of one visit, a phone saving a group for offline use)
REPEAT_WINDOW = timedelta(minutes=10)

#: the pages that show one person's data to staff, as the audit log names them
PAGES = {
    "group_learner": _l("The learner's page in a group."),
    "group_observations": _l("The learner's practical skills in a group."),
    "certificate": _l("The admin page of the learner's certificate."),
    "certificate_pdf": _l("The PDF of the learner's certificate, downloaded by someone else."),
    "audit_about": _l("The audit log of what happened to this account."),
    "audit_by": _l("The audit log of what this account did."),
    "admin_consents": _l("The account's agreements to the privacy notice, opened by an admin."),
}


def record_access(actor_id: int | None, subject_id: int, subject_label: str, *, page: str,
                  **details) -> AuditEntry | None:
    """Record that user `actor_id` saw the data of user `subject_id` on `page`; nothing for one's own data or a
    repeat within REPEAT_WINDOW. In the caller's transaction."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}")
    if actor_id is None or actor_id == subject_id:
        return None
    recent = db.session.scalars(select(AuditEntry.details).where(
        AuditEntry.target_type == "user", AuditEntry.target_id == str(subject_id),
        AuditEntry.created_at >= utcnow() - REPEAT_WINDOW, AuditEntry.action == VIEWED,
        AuditEntry.actor_id == actor_id).limit(50))
    said = {"page": page, **{key: str(value) for key, value in details.items()}}
    if any({key: str(value) for key, value in (earlier or {}).items()} == said for earlier in recent):
        return None
    return record(VIEWED, actor_id=actor_id, target_type="user", target_id=subject_id, target_label=subject_label,
                  **said)


def note_view(actor, subject_id: int, subject_label: str, *, page: str, **details) -> None:
    """For a page view (a GET marked @writes_on_get): record the access and commit it before the page is drawn.

    Committed at once so that the page's own reads are not held in a writing transaction; on SQLite a write
    refused because another connection wrote first starts over as a writer (database.retry_as_writer).
    """
    actor_id = getattr(actor, "id", None)
    if actor_id is None or actor_id == subject_id:
        return

    def work():
        record_access(actor_id, subject_id, subject_label, page=page, **details)
        db.session.commit()

    retry_as_writer(work)


def note_group_export(actor, cohort_id: int, cohort_name: str, *, members: int) -> None:
    """For a group report download (a GET): one entry naming the group, committed before the file is written."""
    actor_id = actor.id

    def work():
        record(GROUP_EXPORTED, actor_id=actor_id, target_type="cohort", target_id=cohort_id,
               target_label=cohort_name, members=members)
        db.session.commit()

    retry_as_writer(work)
