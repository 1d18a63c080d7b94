"""Writing to the audit log. There is deliberately no update or delete."""
from __future__ import annotations

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
    "observation.recorded": _l("Practical skill observed"),
    "observation.confirmed": _l("Observation confirmed by the learner"),
    "observation.rejected": _l("Observation rejected by the learner"),
    "observation.withdrawn": _l("Observation withdrawn by the care manager"),
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
