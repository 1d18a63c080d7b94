"""The public verification pages: by ID (typed or from the QR code) and by file upload (the PDF, or the
Open Badges credential as JSON or baked into the badge PNG)."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from ..certificates.keys import KeysMissing
from ..certificates.queries import renewed_by
from ..extensions import csrf, db, rate_limits
from . import bp
from .forms import UploadForm, VerifyForm
from ..credentials.verifying import looks_like_credential
from .services import PDF_MAGIC, check_credential, check_id, check_pdf

#: room for the multipart envelope around the file itself
MULTIPART_SLACK = 64 * 1024


def verification_limit() -> str:
    return current_app.config["VERIFICATION_RATE_LIMIT"]


#: one budget per address shared by the page, the QR page, the upload and the API
limit_verification = rate_limits.limit(verification_limit, scope="verification")
limit_verification_posts = rate_limits.limit(verification_limit, scope="verification", methods=["POST"])


def upload_limit_label() -> str:
    size = current_app.config["VERIFICATION_UPLOAD_MAX_BYTES"]
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def _page(*, form=None, upload_form=None, verdict=None, file_verdict=None, file_error=None, status=200):
    form = form or VerifyForm(formdata=None)
    upload_form = upload_form or UploadForm(formdata=None)
    later = renewed_by(verdict.certificate) if verdict is not None and verdict.certificate is not None else None
    if file_verdict is not None and file_verdict.certificate is not None and later is None:
        later = renewed_by(file_verdict.certificate)
    return render_template("verification/verify.html", form=form, upload_form=upload_form, verdict=verdict,
                           file_verdict=file_verdict, file_error=file_error, renewed_by=later,
                           upload_limit=upload_limit_label()), status


@bp.route("/verifikasi", methods=["GET", "POST"])
@limit_verification_posts
def verify():
    """Check a certificate by the ID printed on it; no account needed."""
    form = VerifyForm()
    verdict = None
    if form.validate_on_submit():
        verdict = check_id(form.certificate_id.data)
    return _page(form=form, verdict=verdict)


@bp.route("/verifikasi/<public_id>")
@limit_verification
def verify_id(public_id: str):
    """The page a certificate's QR code opens: the register's answer and whether the QR signature matched."""
    kid, signature = request.args.get("k"), request.args.get("s")
    verdict = check_id(public_id, qr_kid=kid, qr_signature=signature)
    if verdict.canonical and verdict.status != "typo" and public_id != verdict.canonical:
        args = {key: value for key, value in (("k", kid), ("s", signature)) if value is not None}
        return redirect(url_for("verification.verify_id", public_id=verdict.canonical, **args), 301)
    form = VerifyForm(formdata=None, certificate_id=public_id)
    status = 404 if verdict.status in ("not_found", "typo", "malformed") else 200
    return _page(form=form, verdict=verdict, status=status)


def check_file(data: bytes):
    """The verdict for an uploaded file: a PDF is checked as a PDF, a PNG or JSON as a credential."""
    if PDF_MAGIC in data[:1024]:
        return check_pdf(data)
    if looks_like_credential(data):
        return check_credential(data)
    return None


@bp.route("/verifikasi/berkas", methods=["POST"])
@bp.route("/verifikasi/pdf", methods=["POST"])
@csrf.exempt  # checked below, once the size limit is in place
@limit_verification
def verify_pdf():
    """Check an uploaded file: a certificate PDF (our signature, the very file we issued) or a credential
    (its proof, our key, the status list, the dates)."""
    limit = current_app.config["VERIFICATION_UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + MULTIPART_SLACK
    csrf.protect()
    upload_form = UploadForm()
    if not upload_form.validate():
        return _page(upload_form=upload_form, status=400)
    data = upload_form.document.data.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    verdict = check_file(data)
    if verdict is None or verdict.outcome in ("not_pdf", "not_credential"):
        return _page(upload_form=upload_form, status=400, file_error=_(
            "This file is not a certificate PDF, a badge (PNG) or a credential file (JSON) from Rawat. "
            "Choose one of those files."))
    # a status list changed since it was last signed is signed again while checking
    db.session.commit()
    return _page(upload_form=UploadForm(formdata=None), file_verdict=verdict)


@bp.errorhandler(KeysMissing)
def keys_missing(_error):
    """Misconfiguration (no keys): say the service is unavailable rather than crash."""
    current_app.logger.exception("verification without signing keys")
    message = _("The service is temporarily unavailable.")
    if request.path.startswith("/api/"):
        from .api import api_error  # api.py imports this module

        return api_error(503, message, "no_keys")
    return render_template("error.html", code=503, message=message), 503


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A friendly answer on the same page when the upload is too big."""
    if request.path.startswith("/api/"):
        from .api import api_error  # api.py imports this module

        return api_error(413, _("The file is too large."), "too_large")
    message = _("The file is too large: a certificate file is at most %(size)s.", size=upload_limit_label())
    return _page(file_error=message, status=413)
