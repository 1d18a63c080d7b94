"""Audit entries told as sentences in the reader's language, instead of their stored keys.

Entries keep their details as plain data (written by every feature); only the page turns them
into words. An unknown key is still shown, as "key: value", so nothing recorded is hidden.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .access import PAGES

ROLE_NAMES = {"learner": _l("Learner"), "trainer": _l("Trainer / care manager"), "admin": _l("Administrator"),
              "programme": _l("Programme officer")}
JOIN_WAYS = {
    "code": _l("%(learner)s joined with the group code."),
    "invitation": _l("%(learner)s accepted the care manager's invitation."),
    "created": _l("The care manager made the account of %(learner)s, for a family without a phone."),
}
ISSUE_CAUSES = {
    "completed": _l("Issued because the learner completed the course."),
    "renewed": _l("Issued because the learner renewed an expired certificate."),
    "reconciled": _l("Issued when Rawat caught up with certificates still owed."),
    "corrected": _l("Issued again because the learner corrected their name."),
    "demo": _l("Demo data."),
}
CODE_CHANNELS = {
    "email": _l("Sent by e-mail at the person's own request."),
    "helper": _l("Made by the person named under Who, to read out or hand over."),
}


def _role(value) -> str:
    return str(ROLE_NAMES.get(value, value))


def _reason(details: dict) -> list[str]:
    if "reason" in details:
        return [_("Reason: %(reason)s", reason=details.pop("reason"))]
    return []


def _role_changed(details: dict) -> list[str]:
    return [_("From %(old)s to %(new)s.", old=_role(details.pop("old", None)), new=_role(details.pop("new", None)))]


def _password_reset_issued(details: dict) -> list[str]:
    said = []
    channel = details.pop("channel", None)
    if details.pop("via", None) == "command line":
        said.append(_("Made on the server's command line."))
    elif channel in CODE_CHANNELS:
        said.append(str(CODE_CHANNELS[channel]))
    if "target_role" in details:
        said.append(_("Account type: %(role)s.", role=_role(details.pop("target_role"))))
    if "cohort" in details:
        said.append(_("Group: %(name)s.", name=details.pop("cohort")))
    said += _reason(details)
    return said


def _signed_out_everywhere(details: dict) -> list[str]:
    return [_("Sessions ended: %(num)s.", num=details.pop("sessions", 0))]


def _created_for_family(details: dict) -> list[str]:
    return [_("In the group %(name)s.", name=details.pop("cohort", ""))]


def _certificate_issued(details: dict) -> list[str]:
    said = []
    cause = details.pop("cause", None)
    if cause in ISSUE_CAUSES:
        said.append(str(ISSUE_CAUSES[cause]))
    cycle = details.pop("cycle", 1)
    if "replaces" in details:
        said.append(_("Replaces certificate %(id)s.", id=details.pop("replaces")))
    elif "renews" in details:
        said.append(_("Renews certificate %(id)s.", id=details.pop("renews")))
    elif cycle and int(cycle) > 1:
        said.append(_("Certificate number %(num)s of this course for this person.", num=cycle))
    return said


def _certificate_revoked_or_reinstated(details: dict) -> list[str]:
    said = _reason(details)
    details.pop("by", None)  # the same person as under Who; kept in the data for entries from the command line
    return said


def _course_published(details: dict) -> list[str]:
    return [_("Version %(version)s.", version=details.pop("version", "?"))]


def _narration(details: dict) -> list[str]:
    said = [_("Course %(course)s, recording in the language %(language)s.", course=details.pop("course", "?"),
              language=details.pop("language", "?"))]
    if "seconds" in details:
        seconds = details.pop("seconds")
        said.append(ngettext("%(num)d second, %(size)s KB.", "%(num)d seconds, %(size)s KB.", seconds,
                             size=round(details.pop("bytes", 0) / 1024)))
    if "version" in details:
        said.append(_("Matches the lesson of version %(version)s.", version=details.pop("version")))
    return said


def _member_added(details: dict) -> list[str]:
    how, learner = details.pop("how", None), details.pop("learner", _("A learner"))
    details.pop("learner_id", None)  # the link under What finds the record; the id is for erasure (lms/erasure)
    return [str(JOIN_WAYS[how] % {"learner": learner}) if how in JOIN_WAYS else learner]


def _member_removed(details: dict) -> list[str]:
    details.pop("learner_id", None)
    return [_("%(learner)s was taken out of the group.", learner=details.pop("learner", _("A learner")))]


def _member_left(details: dict) -> list[str]:
    details.pop("learner_id", None)
    return [_("%(learner)s left the group; its care manager no longer sees their progress.",
              learner=details.pop("learner", _("A learner")))]


ERASURE_CAUSES = {"request": _l("At the holder's own request, after the grace period."),
                  "retention": _l("Not used for years: erased under the retention rule, after a warning.")}
CERTIFICATE_CHOICES = {"keep": _l("Certificates kept verifiable: the register keeps the name, course and dates."),
                       "withdraw": _l("Certificates withdrawn at the holder's request.")}


def _erasure(details: dict) -> list[str]:
    said = []
    if details.get("cause") in ERASURE_CAUSES:
        said.append(str(ERASURE_CAUSES[details.pop("cause")]))
    if details.get("certificates") in CERTIFICATE_CHOICES:
        said.append(str(CERTIFICATE_CHOICES[details.pop("certificates")]))
    if "execute_after" in details:
        try:
            moment = datetime.fromisoformat(str(details["execute_after"]))
        except ValueError:
            return said
        details.pop("execute_after")
        said.append(_("To be carried out from %(date)s.", date=format_date(moment, "long")))
    return said


def _retention_warned(details: dict) -> list[str]:
    channel = details.pop("channel", None)
    return [_("Sent by e-mail.") if channel == "email" else _("No way to send it: shown at the next sign-in.")]


#: the kinds of lms/erasure's requests to an administrator (its forms use the same words)
REQUEST_KINDS = {"guardian": _l("A parent or guardian asks for a child"), "dispute": _l("I disagree with my data"),
                 "correction": _l("Correct data I cannot change myself"),
                 "deletion": _l("Delete an account that cannot be deleted from its profile"),
                 "other": _l("Something else about my data")}


def _privacy_request(details: dict) -> list[str]:
    kind = details.pop("kind", None)
    said = [_("Kind: %(kind)s.", kind=REQUEST_KINDS[kind])] if kind in REQUEST_KINDS else []
    if details.pop("on_behalf", False):
        said.append(_("Filed by an administrator on someone's behalf."))
    return said


def _invitation_sent(details: dict) -> list[str]:
    return [_("To the mobile number ending in %(digits)s.", digits=details.pop("phone_ending", ""))]


def _invitation_answered(details: dict) -> list[str]:
    return [_("Accepted.") if details.pop("accepted", None) else _("Declined.")]


def _by(details: dict) -> list[str]:
    return [_("On the server, by %(who)s.", who=details.pop("by"))] if "by" in details else []


def _sessions_ended_all(details: dict) -> list[str]:
    said = [_("Sessions ended: %(num)s.", num=details.pop("sessions", 0)),
            _("Accounts signed out: %(num)s.", num=details.pop("accounts", 0))]
    return said + _reason(details) + _by(details)


def _keys_rotated(details: dict) -> list[str]:
    said = []
    if "retired" in details:
        said.append(_("Replaces key %(kid)s.", kid=details.pop("retired")))
    return said + _by(details)


OBSERVATION_PLACES = {"home": _l("At a home visit."), "posyandu": _l("At the Posyandu."),
                      "sentra": _l("At the Sentra."), "other": _l("At another place.")}
OBSERVATION_RESULTS = {"competent": _l("Result: competent."), "not_yet": _l("Result: not yet competent.")}


def _observed_on(details: dict) -> list[str]:
    # Kept as naive UTC in ISO form by practice.services; shown as the day in the site's time zone.
    try:
        moment = datetime.fromisoformat(str(details["observed_at"]))
    except (KeyError, ValueError):
        return []
    details.pop("observed_at")
    return [_("Observed on %(date)s.", date=format_date(moment, "long"))]


def _observation(details: dict) -> list[str]:
    details.pop("skill", None)  # its title is in What
    said = _observed_on(details)
    if details.get("place") in OBSERVATION_PLACES:
        said.append(str(OBSERVATION_PLACES[details.pop("place")]))
    if details.get("result") in OBSERVATION_RESULTS:
        said.append(str(OBSERVATION_RESULTS[details.pop("result")]))
    if details.pop("on_paper", False):
        said.append(_("Confirmed by the learner's signature on the paper sheet."))
    return said


def _data_viewed(details: dict) -> list[str]:
    page = details.pop("page", None)
    said = [str(PAGES[page])] if page in PAGES else []
    if "cohort" in details:
        said.append(_("Group: %(name)s.", name=details.pop("cohort")))
    if "certificate" in details:
        said.append(_("Certificate %(id)s.", id=details.pop("certificate")))
    if "course" in details:
        said.append(_("Course: %(title)s.", title=details.pop("course")))
    return said


def _report_exported(details: dict) -> list[str]:
    return [ngettext("The file held %(num)d learner.", "The file held %(num)d learners.",
                     int(details.pop("members", 0) or 0))]


def _data_exported(details: dict) -> list[str]:
    way = details.pop("way", None)
    details.pop("export", None)  # the copy's number, for the people who keep the system
    return [_("Downloaded at once.") if way == "direct" else _("Prepared in the background.")]


#: action -> what its details say; each takes (pops) the keys it tells, the rest are shown as "key: value"
DESCRIBERS: dict[str, Callable[[dict], list[str]]] = {
    "user.role_changed": _role_changed,
    "user.password_reset_issued": _password_reset_issued,
    "user.signed_out_everywhere": _signed_out_everywhere,
    "user.created_for_family": _created_for_family,
    "certificate.issued": _certificate_issued,
    "certificate.revoked": _certificate_revoked_or_reinstated,
    "certificate.reinstated": _certificate_revoked_or_reinstated,
    "course.published": _course_published,
    "narration.saved": _narration,
    "narration.confirmed": _narration,
    "narration.removed": _narration,
    "cohort.member_added": _member_added,
    "cohort.member_removed": _member_removed,
    "cohort.member_left": _member_left,
    "erasure.requested": _erasure,
    "user.erased": _erasure,
    "retention.warned": _retention_warned,
    "privacy_request.received": _privacy_request,
    "privacy_request.taken": _privacy_request,
    "privacy_request.answered": _privacy_request,
    "privacy_request.closed": _privacy_request,
    "cohort.invitation_sent": _invitation_sent,
    "cohort.invitation_answered": _invitation_answered,
    "keys.rotated": _keys_rotated,
    "sessions.ended_all": _sessions_ended_all,
    "secret_key.rotated": _by,
    "observation.recorded": _observation,
    "observation.confirmed": _observation,
    "observation.rejected": _observation,
    "observation.withdrawn": _observation,
    "user.data_viewed": _data_viewed,
    "cohort.report_exported": _report_exported,
    "user.data_exported": _data_exported,
}


def describe(entry) -> list[str]:
    """The sentences shown for one entry (its "Details" column)."""
    details = dict(entry.details or {})
    redacted = details.pop("redacted", False)
    describer = DESCRIBERS.get(entry.action)
    said = describer(details) if describer else []
    if redacted:
        said.append(_("Personal details removed: the account was deleted."))
    said.extend(f"{key}: {value}" for key, value in details.items())
    return said


def actor_name(entry) -> str:
    if entry.actor is not None:
        return entry.actor.full_name
    if entry.action == "certificate.issued":
        return _("Rawat, by itself")
    return _("Server command line")
