"""Published for anyone: the issuer's DID document, the status lists, the course badges.
For the holder: the credential as JSON and as a baked PNG, and the share links on the dashboard."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..web import template_helpers
from ..certificates.keys import KeysMissing, load_keyring
from ..certificates.permissions import can_download
from ..certificates.queries import certificate_status, get_by_public_id
from ..certificates.urls import base_url
from ..courses.models import Course
from ..database import writes_on_get
from ..extensions import db
from . import bp
from .badge import badge_png
from .baking import bake
from .builder import BADGE_PATH, STATUS_PATH, credential_id
from .did import did_document, did_document_path, did_web
from .services import ensure_credential, is_reduced, status_list_document

PUBLIC_CORS = {"Access-Control-Allow-Origin": "*"}
#: verifiers may keep the keys an hour, a status list five minutes (a revocation shows within that)
KEYS_CACHE = "public, max-age=3600"
STATUS_CACHE = "public, max-age=300"


def _json(text: str, cache: str) -> Response:
    response = Response(text, mimetype="application/json")
    response.headers.update(PUBLIC_CORS)
    response.headers["Cache-Control"] = cache
    return response


def _unavailable():
    current_app.logger.exception("no signing keys")
    response = jsonify(error={"code": 503, "message": _("The service is temporarily unavailable."),
                              "reason": "no_keys"})
    response.status_code = 503
    return response


@bp.route("/.well-known/did.json")
@bp.route("/did.json")
def did_json():
    """The issuer's DID document (did:web): every Ed25519 key that ever signed, as Multikey."""
    if request.path != did_document_path(base_url()):
        abort(404)
    try:
        keyring = load_keyring()
    except KeysMissing:
        return _unavailable()
    response = jsonify(did_document(did_web(base_url()), keyring))
    response.headers.update(PUBLIC_CORS)
    response.headers["Cache-Control"] = KEYS_CACHE
    return response


@bp.route(f"{STATUS_PATH}/<int:number>")
@writes_on_get("stores the status list signed again after a revocation or reinstatement (once per change)")
def status_list(number: int):
    """A signed BitstringStatusListCredential: bit n is 1 when the certificate holding it is revoked."""
    try:
        document = status_list_document(number)
    except KeysMissing:
        return _unavailable()
    if document is None:
        abort(404)
    db.session.commit()
    return _json(document, STATUS_CACHE)


@bp.route(f"{BADGE_PATH}/<slug>.png")
def badge_image(slug: str):
    """The course's badge, unbaked: the image every credential of the course names."""
    course = db.session.scalar(db.select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    response = Response(badge_png(course.title, current_app.config["CERTIFICATE_ISSUER"]), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _holder_credential(public_id: str):
    certificate = get_by_public_id(public_id)
    if certificate is None or not can_download(current_user, certificate):
        abort(404)
    try:
        credential = ensure_credential(certificate)
    except KeysMissing:
        current_app.logger.exception("credential of %s cannot be signed", public_id)
        abort(503)
    if is_reduced(credential):  # the holder's account was erased: only the proof value is kept
        abort(404)
    db.session.commit()
    return certificate, credential


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/sertifikat/<public_id>/kredensial.json")
@login_required
@writes_on_get("stores the credential signed on the first download (a certificate has one credential)")
def download_json(public_id: str):
    """The Open Badges 3.0 credential, for its holder (or an admin); anyone else gets 404."""
    certificate, credential = _holder_credential(public_id)
    return _download(credential.document.encode("utf-8"), "application/json",
                     f"kredensial-{certificate.public_id}.json")


@bp.route("/sertifikat/<public_id>/lencana.png")
@login_required
@writes_on_get("stores the credential signed on the first download (a certificate has one credential)")
def download_badge(public_id: str):
    """The badge image with the credential baked in (Open Badges 3.0 baking)."""
    certificate, credential = _holder_credential(public_id)
    image = badge_png(certificate.course_title, certificate.issuer)
    return _download(bake(image, credential.document), "image/png", f"lencana-{certificate.public_id}.png")


def linkedin_url(certificate) -> str:
    """LinkedIn's "Add licence or certification" form, filled in with the certificate."""
    issued = certificate.completed_on
    fields = {"startTask": "CERTIFICATION_NAME", "name": certificate.course_title,
              "organizationName": certificate.issuer, "issueYear": issued.year, "issueMonth": issued.month,
              "certUrl": credential_id(certificate.public_id), "certId": certificate.public_id}
    if certificate.valid_until is not None:
        fields.update(expirationYear=certificate.valid_until.year, expirationMonth=certificate.valid_until.month)
    return "https://www.linkedin.com/profile/add?" + urlencode(fields)


def share_text(certificate) -> str:
    return _("I earned the certificate \"%(course)s\" from %(issuer)s. Check it here: %(url)s",
             course=certificate.course_title, issuer=certificate.issuer, url=credential_id(certificate.public_id))


def credential_links(certificate) -> Markup:
    """For the certificate links (dashboard, course page): badge, credential file and sharing, while valid."""
    if certificate is None or not current_user.is_authenticated or certificate.user_id != current_user.id \
            or certificate_status(certificate) != "valid":
        return Markup("")
    text = share_text(certificate)
    return Markup(render_template("credentials/_links.html", certificate=certificate, share_text=text,
                                  whatsapp_url="https://wa.me/?text=" + quote(text, safe=""),
                                  linkedin_url=linkedin_url(certificate)))


@template_helpers(bp)
def credential_helpers():
    return {"credential_links": credential_links}
