"""What the erasure feature does when other features' signals fire (README, "How features talk")."""
from __future__ import annotations

from flask import current_app, flash
from flask_babel import gettext as _
from flask_login import user_logged_in

from ..extensions import db
from ..timeutil import utcnow
from .models import RetentionNotice


def tell_about_retention(_app, user, **_extra) -> None:
    """Flask-Login's user_logged_in: an account warned that it would be erased for lack of use hears of it at
    sign-in (the only way to reach an account without an e-mail). Signing in keeps it: the next `lms retention
    run` deletes the warning. Writes in the sign-in's transaction (the view commits)."""
    notice = db.session.get(RetentionNotice, user.id)
    if notice is None or notice.shown_at is not None:
        return
    notice.shown_at = utcnow()
    years = max(int(current_app.config["RETENTION_INACTIVE_DAYS"]) // 365, 1)
    flash(_("Your account had not been used for more than %(years)d years, so Rawat was going to delete it to "
            "protect your data. Because you signed in, it stays.", years=years), "info")


def connect() -> None:
    user_logged_in.connect(tell_about_retention)
