"""'Data saya': what Rawat holds about the signed-in person, their copy of it, who opened it, and certificates
issued again after a corrected name (UU No. 27 Tahun 2022)."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..accounts.models import User
from ..audit.access import GROUP_EXPORTED
from ..audit.models import AuditEntry
from ..certificates.keys import KeysMissing
from ..certificates.queries import get_by_public_id
from ..certificates.services import CertificateError, NameNotPrintable, reissue_with_corrected_name
from ..extensions import db, rate_limits
from ..pagination import keyset_page
from ..timeutil import utcnow
from . import archive, bp
from .background import build_after_response
from .forms import ExportForm, ReissueForm
from .models import DataExport
from .queries import (
    ACCESS_DAYS,
    access_entries,
    access_since,
    certificates_with_old_name,
    holdings,
    open_export,
    recent_exports,
)
from .services import request_export
from .tokens import LinkRefused, link_token, read_token

ACCESS_PER_PAGE = 20


def access_what(entry: AuditEntry) -> str:
    """What a member of staff opened, told to the person whose data it is."""
    if entry.action == GROUP_EXPORTED:
        return _("The report of the group %(group)s, a file with your name and progress", group=entry.target_label)
    details = entry.details or {}
    group, certificate = details.get("cohort", ""), details.get("certificate", "")
    page = details.get("page")
    if page == "group_learner":
        return _("Your page in the group %(group)s", group=group)
    if page == "group_observations":
        return _("Your practical skills in the group %(group)s", group=group)
    if page == "certificate":
        return _("Your certificate %(id)s, on the administrators' page", id=certificate)
    if page == "certificate_pdf":
        return _("The PDF of your certificate %(id)s", id=certificate)
    if page == "audit_about":
        return _("The record of what happened to your account")
    if page == "audit_by":
        return _("The record of what you did in Rawat")
    return _("Your data")


def export_link(export: DataExport) -> str:
    return url_for("personal_data.download", token=link_token(export))


def _page(*, status: int = 200, notice: str | None = None):
    user = current_user
    page = keyset_page(access_entries(user.id, access_since(utcnow())), AuditEntry.created_at, AuditEntry.id,
                       per_page=ACCESS_PER_PAGE)
    return render_template(
        "personal_data/my_data.html", holdings=holdings(user.id), page=page, exports=recent_exports(user.id),
        form=ExportForm(), old_names=certificates_with_old_name(user), notice=notice, what_of=access_what,
        export_link=export_link, access_days=ACCESS_DAYS,
        export_days=current_app.config["PERSONAL_DATA_EXPORT_DAYS"], now=utcnow(), when=archive.moment_label), status


@bp.route("/profil/data-saya")
@login_required
def my_data():
    """What Rawat holds about me in short, my rights with their buttons, my copies, and who opened my data."""
    return _page()


def _within_limit(user_id: int) -> bool:
    """Copies asked for per person (PERSONAL_DATA_EXPORT_RATE_LIMIT, counted in the app's rate limit storage, which
    every app server shares in production): a copy reads everything the person has."""
    return rate_limits.hit(current_app.config["PERSONAL_DATA_EXPORT_RATE_LIMIT"], "personal-data-export", str(user_id))


def _zip_response(data: bytes) -> Response:
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{archive.filename(utcnow())}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never in a shared or browser cache
    return response


@bp.route("/profil/data-saya/unduh", methods=["POST"])
@login_required
def export():
    """Download a copy of everything: at once when it is small, else prepared in the background."""
    if not ExportForm().validate_on_submit():
        flash(_("This form has expired. Please try again."), "error")
        return redirect(url_for("personal_data.my_data"))
    if open_export(current_user.id) is None and not _within_limit(current_user.id):
        return _page(status=429, notice=_(
            "You have already asked for a copy of your data several times today. Please try again tomorrow."))
    requested = request_export(current_user._get_current_object())
    db.session.commit()
    if requested.archive is not None:
        return _zip_response(requested.archive.data)
    if requested.already_waiting:
        flash(_("Your copy is already being prepared. Come back to this page a little later."), "info")
        return redirect(url_for("personal_data.my_data"))
    flash(_("You have a lot of data, so your copy is being prepared. Come back to this page a little later: the "
            "download link will be here, for %(days)d days.", days=current_app.config["PERSONAL_DATA_EXPORT_DAYS"]),
          "info")
    response = redirect(url_for("personal_data.my_data"))
    if current_app.config["PERSONAL_DATA_BUILD_AFTER_RESPONSE"]:
        response.call_on_close(build_after_response(current_app._get_current_object(), requested.export.id))
    return response


def _gone():
    return render_template("personal_data/link_gone.html"), 410


@bp.route("/profil/data-saya/unduhan/<token>")
@login_required
def download(token: str):
    """A copy prepared in the background: its signed link, for its owner signed in, until it expires."""
    try:
        export_id, user_id = read_token(token)
    except LinkRefused as refused:
        if refused.expired:
            return _gone()
        abort(404)
    if user_id != current_user.id:
        abort(404)
    export = db.session.get(DataExport, export_id)
    if export is None or export.user_id != current_user.id:
        abort(404)
    if export.status != "ready" or export.expires_at is None or export.expires_at <= utcnow():
        return _gone()
    return _zip_response(export.data)


@bp.route("/profil/data-saya/nama-sertifikat")
@login_required
def old_names():
    """The valid certificates that still print my old name, each with a button to issue it again."""
    return render_template("personal_data/reissue.html", certificates=certificates_with_old_name(current_user),
                           form=ReissueForm())


@bp.route("/profil/data-saya/nama-sertifikat/<public_id>", methods=["POST"])
@login_required
def reissue(public_id: str):
    """Issue a certificate again with my corrected name; the old one is revoked (both in the audit log)."""
    certificate = get_by_public_id(public_id[:24])
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    if not ReissueForm().validate_on_submit():
        flash(_("This form has expired. Please try again."), "error")
        return redirect(url_for("personal_data.old_names"))
    user: User = current_user._get_current_object()
    try:
        replacement = reissue_with_corrected_name(certificate, user)
    except CertificateError:
        db.session.rollback()
        flash(_("This certificate was already issued again, or no longer needs it."), "info")
        return redirect(url_for("personal_data.old_names"))
    except NameNotPrintable:
        db.session.rollback()
        flash(_("A certificate cannot print your name as it is written now: correct it in your profile first."),
              "error")
        return redirect(url_for("accounts.profile"))
    except KeysMissing:
        db.session.rollback()
        current_app.logger.exception("no signing keys: certificate %s not issued again", public_id)
        flash(_("Certificates cannot be issued at the moment. Please try again later."), "error")
        return redirect(url_for("personal_data.old_names"))
    db.session.commit()
    flash(_("Your new certificate %(id)s is ready, with the name %(name)s. The old one is no longer valid.",
            id=replacement.public_id, name=replacement.holder_name), "success")
    return redirect(url_for("personal_data.old_names"))
