"""Writing to the audit log. There is deliberately no delete, and one update only: `redact`, which erases a
person's details from the entries about them when their account is erased (UU No. 27 Tahun 2022)."""
from __future__ import annotations

import getpass

from ..extensions import db
from .models import AuditEntry

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "user.role_changed": _l("Role changed"),
    "user.password_reset_issued": _l("Password reset code issued"),
    "user.signed_out_everywhere": _l("Signed out on every device"),
    "user.created_for_family": _l("Account made for a family"),
    "certificate.issued": _l("Certificate issued"),
    "certificate.revoked": _l("Certificate revoked"),
    "certificate.reinstated": _l("Certificate reinstated"),
    "course.published": _l("Course published"),
    "narration.saved": _l("Lesson recording saved"),
    "narration.confirmed": _l("Lesson recording confirmed as matching the lesson"),
    "narration.removed": _l("Lesson recording removed"),
    "cohort.member_added": _l("Learner added to a group"),
    "cohort.member_removed": _l("Learner removed from a group"),
    "cohort.invitation_sent": _l("Invitation to a group sent"),
    "cohort.invitation_answered": _l("Invitation to a group answered"),
    "user.scope_changed": _l("Programme officer's area changed"),
    "organisation.created": _l("Organisation added"),
    "organisation.updated": _l("Organisation changed"),
    "organisation.retired": _l("Organisation retired"),
    "organisation.restored": _l("Organisation made active again"),
    "keys.rotated": _l("Signing key rotated"),
    "sessions.ended_all": _l("Every account signed out"),
    "secret_key.rotated": _l("Secret key of sessions replaced"),
    "observation.recorded": _l("Practical skill observed"),
    "observation.confirmed": _l("Observation confirmed by the learner"),
    "observation.rejected": _l("Observation rejected by the learner"),
    "observation.withdrawn": _l("Observation withdrawn by the care manager"),
    # personal data (UU No. 27 Tahun 2022): staff opening someone's data (audit/access.py), and people's own copies
    "user.data_viewed": _l("A person's data opened by staff"),
    "cohort.report_exported": _l("Group report downloaded"),
    "user.data_exported": _l("Copy of one's own data requested"),
    "certificate.withdrawn": _l("Certificate withdrawn at the holder's request"),
    "cohort.member_left": _l("Learner left a group"),
    "erasure.requested": _l("Account deletion asked for"),
    "erasure.cancelled": _l("Account deletion cancelled"),
    "user.erased": _l("Account deleted"),
    "retention.warned": _l("Unused account warned before deletion"),
    "privacy_request.received": _l("Request to an administrator received"),
    "privacy_request.taken": _l("Request to an administrator taken"),
    "privacy_request.answered": _l("Request to an administrator answered"),
    "privacy_request.closed": _l("Request to an administrator closed"),
}
ACTIONS = tuple(ACTION_LABELS)


def record(action: str, *, actor_id: int | None, target_type: str, target_id, target_label: str = "",
           **details) -> AuditEntry:
    """Append one entry in the caller's transaction."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(action=action, actor_id=actor_id, target_type=target_type, target_id=str(target_id),
                       target_label=target_label[:200], details=details)
    db.session.add(entry)
    return entry


def command_line_operator() -> str:
    """Who ran a server command, as the log says it ("command line (root)")."""
    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        who = "unknown"
    return f"command line ({who})"

#: details that describe the person an entry is about, whatever the words around them: removed by `redact`
PERSONAL_DETAILS = ("learner", "phone_ending", "reason", "cohort")
#: the mark left in a redacted entry's details (audit.describe says so)
REDACTED = "redacted"


def redact(entries, names: list[str], placeholder: str) -> int:
    """Erase a person's details from these entries (their account is being erased): each of `names` becomes
    `placeholder` in the label and in every text detail, and PERSONAL_DETAILS go. What happened, when, by which
    account and to which record stays. Returns how many entries changed; redacting twice changes nothing."""
    names = [name for name in names if name and name != placeholder]
    changed = 0
    for entry in entries:
        label = _without(entry.target_label or "", names, placeholder)
        details = {key: _without(value, names, placeholder) if isinstance(value, str) else value
                   for key, value in (entry.details or {}).items() if key not in PERSONAL_DETAILS}
        details[REDACTED] = True
        if label != entry.target_label or details != (entry.details or {}):
            entry.target_label, entry.details = label[:200], details
            changed += 1
    return changed


def _without(text: str, names: list[str], placeholder: str) -> str:
    for name in names:
        text = text.replace(name, placeholder)
    return text
