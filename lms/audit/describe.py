"""Audit entries told as sentences in the reader's language, instead of their stored keys.

Entries keep their details as plain data (written by every feature); only the page turns them
into words. An unknown key is still shown, as "key: value", so nothing recorded is hidden.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ROLE_NAMES = {"learner": _l("Learner"), "trainer": _l("Trainer / care manager"), "admin": _l("Administrator")}
JOIN_WAYS = {
    "code": _l("%(learner)s joined with the group code."),
    "invitation": _l("%(learner)s accepted the care manager's invitation."),
    "created": _l("The care manager made the account of %(learner)s, for a family without a phone."),
}
ISSUE_CAUSES = {
    "completed": _l("Issued because the learner completed the course."),
    "renewed": _l("Issued because the learner renewed an expired certificate."),
    "reconciled": _l("Issued when Rawat caught up with certificates still owed."),
    "demo": _l("Demo data."),
}
CODE_CHANNELS = {
    "email": _l("Sent by e-mail at the person's own request."),
    "helper": _l("Made by the person named under Who, to read out or hand over."),
}


def _role(value) -> str:
    return str(ROLE_NAMES.get(value, value))


def describe(entry) -> list[str]:
    """The sentences shown for one entry (its "Details" column)."""
    details = dict(entry.details or {})
    action = entry.action
    said: list[str] = []

    def take(key, default=None):
        return details.pop(key, default)

    if action == "user.role_changed":
        said.append(_("From %(old)s to %(new)s.", old=_role(take("old")), new=_role(take("new"))))
    elif action == "user.password_reset_issued":
        channel = take("channel")
        if take("via") == "command line":
            said.append(_("Made on the server's command line."))
        elif channel in CODE_CHANNELS:
            said.append(str(CODE_CHANNELS[channel]))
        if "target_role" in details:
            said.append(_("Account type: %(role)s.", role=_role(take("target_role"))))
        if "cohort" in details:
            said.append(_("Group: %(name)s.", name=take("cohort")))
        if "reason" in details:
            said.append(_("Reason: %(reason)s", reason=take("reason")))
    elif action == "user.signed_out_everywhere":
        said.append(_("Sessions ended: %(num)s.", num=take("sessions", 0)))
    elif action == "user.created_for_family":
        said.append(_("In the group %(name)s.", name=take("cohort", "")))
    elif action == "certificate.issued":
        cause = take("cause")
        if cause in ISSUE_CAUSES:
            said.append(str(ISSUE_CAUSES[cause]))
        cycle = take("cycle", 1)
        if "renews" in details:
            said.append(_("Renews certificate %(id)s.", id=take("renews")))
        elif cycle and int(cycle) > 1:
            said.append(_("Certificate number %(num)s of this course for this person.", num=cycle))
    elif action in ("certificate.revoked", "certificate.reinstated"):
        if "reason" in details:
            said.append(_("Reason: %(reason)s", reason=take("reason")))
        take("by")  # the same person as under Who; kept in the data for entries from the command line
    elif action == "course.published":
        said.append(_("Version %(version)s.", version=take("version", "?")))
    elif action == "cohort.member_added":
        how, learner = take("how"), take("learner", "")
        said.append(str(JOIN_WAYS[how] % {"learner": learner}) if how in JOIN_WAYS else learner)
    elif action == "cohort.member_removed":
        said.append(_("%(learner)s was taken out of the group.", learner=take("learner", "")))
    elif action == "cohort.invitation_sent":
        said.append(_("To the mobile number ending in %(digits)s.", digits=take("phone_ending", "")))
    elif action == "cohort.invitation_answered":
        said.append(_("Accepted.") if take("accepted") else _("Declined."))
    elif action == "keys.rotated":
        if "retired" in details:
            said.append(_("Replaces key %(kid)s.", kid=take("retired")))
        if "by" in details:
            said.append(_("On the server, by %(who)s.", who=take("by")))
    said.extend(f"{key}: {value}" for key, value in details.items())
    return said


def actor_name(entry) -> str:
    if entry.actor is not None:
        return entry.actor.full_name
    if entry.action == "certificate.issued":
        return _("Rawat, by itself")
    return _("Server command line")
