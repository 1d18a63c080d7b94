"""The privacy notice (public), the consent page, and the check that sends anyone who has not agreed to the
current notice there first (lms/accounts/privacy.py says which notice is current)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from ..extensions import db
from ..web import may_be_signed_in, safe_next_url, template_helpers, wants_json
from . import bp
from .forms import ConsentForm
from .models import PrivacyConsent
from .privacy import current_notice, notice, render_notice
from .queries import latest_consent
from .services import record_consent

#: open to a signed-in person who has not agreed to the current notice: the notice and the consent page, signing
#: out, the language switch (to read the notice in one's language), static files and the service worker, the
#: health checks, and the issuer's public documents (DID document, status lists, course badges), which serve
#: verifiers. The person's own profile (/profil…) stays open too: seeing, correcting or deleting one's data needs
#: no consent (UU 27/2022, Pasal 6-8).
CONSENT_EXEMPT_ENDPOINTS = frozenset({
    "accounts.consent", "accounts.privacy_notice", "accounts.logout", "core.set_language", "static",
    "web_manifest", "courses.service_worker", "healthz", "readyz",
    "credentials.did_json", "credentials.status_list", "credentials.badge_image",
})
#: certificate checks (the /verifikasi pages and the public verification API) serve verifiers, who have no account
CONSENT_EXEMPT_BLUEPRINTS = frozenset({"verification"})
PROFILE_PATH = "/profil"


def _landing() -> str:
    return url_for("courses.dashboard")


def _exempt() -> bool:
    if request.endpoint is None:  # no such page: the 404 says so
        return True
    if request.endpoint in CONSENT_EXEMPT_ENDPOINTS or request.blueprint in CONSENT_EXEMPT_BLUEPRINTS:
        return True
    return request.path == PROFILE_PATH or request.path.startswith(PROFILE_PATH + "/")


def _return_path() -> str:
    """Where to come back after agreeing: this page for a GET; for a form sent, the page it was sent from."""
    if request.method in ("GET", "HEAD"):
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return _landing()
    return safe_next_url(referrer.path + (f"?{referrer.query}" if referrer.query else ""), _landing())


@bp.before_app_request
def ask_for_consent():
    """A signed-in person who has not agreed to the current notice (a new version, or an account a care manager or
    an admin made) is asked first. No query: the version agreed to is on the user row the session already loaded,
    and the current version is a constant. A program (the JSON API) gets a 403 that says so."""
    # no sign-in cookie (a program, a first visit): nobody to ask, and no user to load for it
    if not may_be_signed_in() or _exempt() or not current_user.is_authenticated:
        return None
    current = current_notice().version
    if (current_user.privacy_version or 0) >= current:
        return None
    consent_url = url_for("accounts.consent", next=_return_path())
    if wants_json():
        return jsonify(error={
            "code": "consent_required", "consent_url": consent_url,
            "message": _("Agree to the privacy notice first: open Rawat in your browser and sign in."),
        }), 403
    return redirect(consent_url)


@bp.route("/privasi")
def privacy_notice():
    """The privacy notice in force, in the page's language, for everyone (no account needed); ?versi=N shows an
    earlier version."""
    current = current_notice()
    shown = current
    if "versi" in request.args:
        shown = notice(request.args.get("versi", type=int) or 0) or abort(404)
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return render_template("accounts/privacy.html", notice=shown, current=current,
                           body=render_notice(shown.version, language),
                           contact=current_app.config["PRIVACY_CONTACT"])


@bp.route("/privasi/setuju", methods=["GET", "POST"])
@login_required
def consent():
    """Agree to the current privacy notice, then go on to `next`: asked after a new version, and at the first sign-in
    of an account made by a care manager, an admin or a command."""
    current = current_notice()
    form = ConsentForm(next=request.args.get("next", ""))
    if request.method == "GET":
        if (current_user.privacy_version or 0) >= current.version:
            return redirect(safe_next_url(form.next.data, _landing()))
        previous = latest_consent(current_user.id)
        if previous is not None:  # the answer given to an earlier version, to confirm
            form.age_basis.data = previous.age_basis
            form.guardian_name.data = previous.guardian_name or ""
    if form.validate_on_submit():
        record_consent(current_user, form.consent_answer())
        db.session.commit()
        return redirect(safe_next_url(form.next.data, _landing()))
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    return render_template("accounts/consent.html", form=form, notice=current,
                           body=render_notice(current.version, language),
                           earlier=current_user.privacy_version), 400 if form.errors else 200


@template_helpers(bp)
def privacy_helpers():
    """consent_summary(user): for the "Data saya" page (lms/personal_data), which notices the person agreed to."""
    return {"consent_summary": consent_summary}


def consent_summary(user) -> Markup:
    consents = db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
                                  .order_by(PrivacyConsent.notice_version.desc())).all()
    return Markup(render_template("accounts/_consent_summary.html", consents=consents,
                                  current=current_notice().version))
