"""The learner's download and renewal, the certificate links helper, and the admin pages."""
from __future__ import annotations

from functools import partial

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..web import template_helpers
from ..accounts.names import shown_character, unprintable_characters
from ..audit.access import note_view
from ..courses.queries import get_course_or_404
from ..database import writes_on_get
from ..extensions import db
from ..pagination import keyset_page, searched_page
from ..word_search import searchable_inside
from . import bp
from .dates import today as local_today
from .forms import ReinstateForm, RevokeForm
from .keys import KeysMissing
from .models import Certificate
from .permissions import can_download, can_manage, can_manage_certificates
from .public_id import parse
from .queries import (
    STATUSES,
    certificate_status,
    events_of,
    get_by_public_id,
    latest_certificates_in_request,
    renewed_by,
    search_certificates,
    walk_words,
)
from .services import (
    CertificateError,
    NameNotPrintable,
    ensure_document,
    reinstate,
    renew_if_eligible,
    renewal_state,
    revoke,
)
from .skills import observed_by


def get_certificate_or_404(public_id: str):
    """A certificate by its exact public ID (404 otherwise)."""
    certificate = get_by_public_id(public_id)
    if certificate is None:
        abort(404)
    return certificate


def download_filename(certificate) -> str:
    return f"sertifikat-{certificate.public_id}.pdf"


def certificate_links(course, enrollment) -> Markup:
    """For the course page and the dashboard: the learner's certificate, or how to renew it."""
    if enrollment is None or not current_user.is_authenticated or enrollment.user_id != current_user.id:
        return Markup("")
    certificate = latest_certificates_in_request(current_user.id).get(course.id)
    if certificate is None:
        if enrollment.completed_at is None:
            return Markup("")
        # A name the certificate cannot print: the certificate waits until the learner corrects it.
        refused = [shown_character(ch) for ch in unprintable_characters(current_user.full_name)]
        return Markup(render_template("certificates/_links.html", certificate=None,
                                      status="name" if refused else "pending", refused=refused, course=course,
                                      renewal=None))
    status = certificate_status(certificate)
    renewal = renewal_state(current_user.id, course) if status == "expired" else None
    return Markup(render_template("certificates/_links.html", certificate=certificate, status=status,
                                  course=course, renewal=renewal))


@template_helpers(bp)
def certificate_helpers():
    return {"certificate_links": certificate_links, "observed_by": observed_by}


@bp.route("/sertifikat/<public_id>/unduh")
@login_required
@writes_on_get("stores the signed PDF made on the first download (a certificate has one document, "
               "signed once); records in the audit log an admin's download of someone else's")
def download(public_id: str):
    """The signed PDF, for its holder (or an admin); anyone else gets 404."""
    certificate = get_certificate_or_404(public_id)
    if not can_download(current_user, certificate):
        abort(404)
    note_view(current_user, certificate.user_id, certificate.holder_name, page="certificate_pdf",
              certificate=certificate.public_id)
    try:
        document = ensure_document(certificate)
    except KeysMissing:
        current_app.logger.exception("certificate %s cannot be signed", certificate.public_id)
        abort(503)
    except NameNotPrintable:
        # Only a name stored before names were checked: printing it without those letters would be wrong.
        current_app.logger.warning("certificate %s: the holder's name cannot be printed", certificate.public_id)
        flash(_("This certificate cannot be printed: the name on it has letters our certificate cannot draw. "
                "Please tell an administrator."), "error")
        if current_user.id != certificate.user_id:
            return redirect(url_for("certificates.admin_detail", public_id=certificate.public_id))
        return redirect(url_for("courses.dashboard"))
    db.session.commit()
    response = Response(document.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{download_filename(certificate)}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(document.sha256)
    return response


@bp.route("/kursus/<slug>/sertifikat/perpanjang", methods=["POST"])
@login_required
def renew(slug: str):
    """Issue the renewed certificate once every quiz was passed again after the expiry."""
    course = get_course_or_404(slug)
    try:
        certificate = renew_if_eligible(current_user, course)
    except NameNotPrintable:
        db.session.rollback()
        flash(_("Your renewed certificate waits for your name: correct it in your profile first."), "error")
        return redirect(url_for("accounts.profile"))
    if certificate is None:
        flash(_("Your certificate cannot be renewed yet: pass every module quiz of the course again first."),
              "error")
    else:
        db.session.commit()
        flash(_("Your renewed certificate %(id)s is ready.", id=certificate.public_id), "success")
    return redirect(url_for("courses.course", slug=course.slug))


# --- administration --------------------------------------------------------------------------

@bp.route("/admin/sertifikat")
@login_required
def admin_list():
    """Every certificate, newest first, searchable by ID, holder or course, filtered by status."""
    if not can_manage_certificates(current_user):
        abort(403)
    # Printable characters only: PostgreSQL refuses NUL in a string.
    query = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    status = request.args.get("status") if request.args.get("status") in STATUSES else ""
    parsed = parse(query) if query else None
    if parsed is not None and parsed.ok:
        exact = get_by_public_id(parsed.canonical)
        if exact is not None:
            return redirect(url_for("certificates.admin_detail", public_id=exact.public_id))
    per_page = current_app.config["CERTIFICATES_PER_PAGE"]
    anywhere = searched_inside = False
    if query.split():
        page, anywhere, searched_inside = searched_page(
            lambda inside: search_certificates(query, status or None, anywhere=inside),
            Certificate.issued_at, Certificate.id, per_page, walk=walk_words(query, status or None),
            inside=searchable_inside(query))
    else:
        page = keyset_page(search_certificates(None, status or None), Certificate.issued_at, Certificate.id,
                           per_page=per_page)
    filters = {key: value for key, value in (("q", query), ("status", status)) if value}
    if query and anywhere:
        filters["anywhere"] = "1"
    return render_template("certificates/admin_list.html", page=page, query=query, status=status,
                           anywhere=anywhere, searched_inside=searched_inside,
                           statuses=STATUSES, status_of=partial(certificate_status, today=local_today()),
                           filters=filters)


@bp.route("/admin/sertifikat/<public_id>")
@login_required
@writes_on_get("records in the audit log that an admin opened the holder's certificate (their personal data)")
def admin_detail(public_id: str):
    """One certificate: what it says, its history, and revoke or reinstate."""
    certificate = get_certificate_or_404(public_id)
    if not can_manage(current_user, certificate):
        abort(403)
    note_view(current_user, certificate.user_id, certificate.holder_name, page="certificate",
              certificate=certificate.public_id)
    return _detail_page(certificate, RevokeForm(), ReinstateForm())


def _detail_page(certificate, revoke_form, reinstate_form, status_code=200):
    return render_template(
        "certificates/admin_detail.html", certificate=certificate, status=certificate_status(certificate),
        events=events_of(certificate), revoke_form=revoke_form, reinstate_form=reinstate_form,
        renewed_by=renewed_by(certificate),
    ), status_code


def _change_revocation(public_id: str, *, revoking: bool):
    """Revoke or reinstate from the admin page: each with its own reason, logged; a stale page gets a message."""
    certificate = get_certificate_or_404(public_id)
    if not can_manage(current_user, certificate):
        abort(403)
    if certificate.withdrawn_at is not None:  # for good: the holder asked, and the register forgot the name
        flash(_("This certificate was withdrawn at its holder's request: it cannot be revoked or reinstated."),
              "error")
        return redirect(url_for("certificates.admin_detail", public_id=certificate.public_id))
    form = RevokeForm() if revoking else ReinstateForm()
    if not form.validate_on_submit():
        if revoking:
            return _detail_page(certificate, form, ReinstateForm(formdata=None), 400)
        return _detail_page(certificate, RevokeForm(formdata=None), form, 400)
    change = revoke if revoking else reinstate
    try:
        change(certificate, form.reason.data, actor=current_user)
    except CertificateError:
        flash(_("This certificate is already revoked.") if revoking else _("This certificate is not revoked."),
              "error")
    else:
        db.session.commit()
        if revoking:
            flash(_("Certificate %(id)s is revoked.", id=certificate.public_id), "success")
        else:
            flash(_("Certificate %(id)s is valid again.", id=certificate.public_id), "success")
    return redirect(url_for("certificates.admin_detail", public_id=certificate.public_id))


@bp.route("/admin/sertifikat/<public_id>/cabut", methods=["POST"])
@login_required
def admin_revoke(public_id: str):
    """Revoke with a reason; verifiers see it at once."""
    return _change_revocation(public_id, revoking=True)


@bp.route("/admin/sertifikat/<public_id>/pulihkan", methods=["POST"])
@login_required
def admin_reinstate(public_id: str):
    """Lift a revocation: its own logged action with its own reason."""
    return _change_revocation(public_id, revoking=False)
