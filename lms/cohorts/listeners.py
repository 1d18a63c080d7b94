"""What the cohorts feature does when other features' signals fire."""
from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import user_logged_in
from markupsafe import Markup, escape

from .queries import pending_invitations


def tell_about_invitations(_app, user, **_extra) -> None:
    """Flask-Login's user_logged_in: a learner invited to a group hears of it as they sign in."""
    invitations = pending_invitations(user)
    if not invitations:
        return
    names = ", ".join(invitation.cohort.name for invitation in invitations[:3])
    link = Markup('<a href="{}">{}</a>').format(url_for("cohorts.invitations"), _("See the invitation"))
    flash(Markup("{} {}").format(escape(_("You are invited to join: %(groups)s.", groups=names)), link), "info")


def connect() -> None:
    user_logged_in.connect(tell_about_invitations)
