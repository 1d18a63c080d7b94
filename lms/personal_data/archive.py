"""The ZIP a person downloads: a summary to read on a phone, the same data as JSON, and their certificates.

    ringkasan-data-saya.html   the summary (the person's language, Indonesian by default; no outside files)
    data-saya.json             everything, for software (export.py; "format": export.FORMAT)
    sertifikat/<ID>.pdf        each certificate's signed PDF, as the certificate's own download gives it
    kredensial/<ID>.json       each certificate's Open Badges 3.0 credential
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, render_template
from types import SimpleNamespace

from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from ..accounts.models import User
from ..audit.describe import describe
from ..certificates.keys import KeysMissing
from ..certificates.models import Certificate, CertificateDocument
from ..certificates.services import NameNotPrintable, ensure_document
from ..certificates.urls import base_url
from ..credentials.models import CertificateCredential
from ..credentials.services import ensure_credential
from ..extensions import db
from ..timeutil import utcnow
from .export import SECTIONS, certificates_of, collect, iso

log = logging.getLogger(__name__)

SUMMARY = "ringkasan-data-saya.html"
DATA = "data-saya.json"


@dataclass
class Archive:
    data: bytes
    sha256: str
    #: rows of the person's data it holds (the lists of data-saya.json)
    rows: int


def _files_of(certificate: Certificate) -> tuple[bytes | None, str | None]:
    """The certificate's PDF and credential: made now for a certificate that is not revoked (as its holder's
    download would), only the stored ones for a revoked one. None where they cannot be made (no keys)."""
    revoked = certificate.revoked_at is not None
    pdf = credential = None
    try:
        document = (db.session.get(CertificateDocument, certificate.id) if revoked
                    else ensure_document(certificate))
        pdf = document.data if document is not None else None
    except (KeysMissing, NameNotPrintable):
        log.warning("copy of personal data: no PDF for certificate %s", certificate.public_id)
    try:
        stored = (db.session.get(CertificateCredential, certificate.id) if revoked
                  else ensure_credential(certificate))
        credential = stored.document if stored is not None else None
    except KeysMissing:
        log.warning("copy of personal data: no credential for certificate %s", certificate.public_id)
    return pdf, credential


def _moment(value: str | None):
    return datetime.fromisoformat(value.removesuffix("Z")) if value else None


def moment_label(moment: datetime) -> str:
    """A moment as people read it, in the site's time zone: "5 Desember 2026 14.05"."""
    return f"{format_date(moment, 'long')} {format_time(moment, 'short')}"


def _helpers() -> dict:
    """Dates of data-saya.json (ISO text) as the summary shows them, in the site's time zone; audit entries in
    words, as the audit log tells them."""
    def when(value):
        moment = _moment(value)
        return moment_label(moment) if moment else "–"

    def sentences(record: dict) -> list[str]:
        return describe(SimpleNamespace(action=record["action"], details=record.get("details") or {}))

    def day(value):
        if not value:
            return "–"
        return format_date(datetime.fromisoformat(value.removesuffix("Z")) if "T" in value
                           else datetime.fromisoformat(value).date(), "long")

    return {"when": when, "day": day, "sentences": sentences}


def labels() -> dict[str, dict[str, str]]:
    """The words the summary uses for stored values, in the language being drawn."""
    return {
        "place": {"home": _("a home visit"), "posyandu": _("the Posyandu"), "sentra": _("the Sentra"),
                  "other": _("another place")},
        "result": {"competent": _("competent"), "not_yet": _("not yet competent")},
        "seen": {"done": _("was done"), "not_done": _("was not done"), "not_seen": _("was not seen")},
        "observation": {"pending": _("waiting for your answer"), "confirmed": _("confirmed"),
                        "rejected": _("you said it did not happen"), "withdrawn": _("taken back by the care manager")},
        "joined": {"code": _("with the group code"), "invitation": _("by accepting an invitation"),
                   "created": _("the care manager made your account")},
        "status": {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked")},
        "channel": {"email": _("sent by e-mail, as you asked"), "helper": _("made by a care manager or an admin")},
        "copies": {"pending": _("being prepared"), "building": _("being prepared"), "ready": _("ready"),
                 "delivered": _("downloaded at once"), "expired": _("expired"), "failed": _("could not be made")},
        "author": {"owner": _("owner"), "co_author": _("co-author")},
    }


def build(user: User) -> Archive:
    """The person's whole copy as a ZIP, in memory. May store certificates' PDFs and credentials made on the
    way (as their downloads do): the caller commits."""
    data = collect(user)
    files: dict[str, bytes] = {}
    by_public_id = {c.public_id: c for c in certificates_of(user.id)}
    for record in data["certificates"]:
        pdf, credential = _files_of(by_public_id[record["public_id"]])
        if pdf is not None:
            record["files"]["pdf"] = f"sertifikat/{record['public_id']}.pdf"
            files[record["files"]["pdf"]] = pdf
        if credential is not None:
            record["files"]["credential"] = f"kredensial/{record['public_id']}.json"
            files[record["files"]["credential"]] = credential.encode("utf-8")
    now = utcnow()
    data["made_at"] = iso(now)
    rows = sum(len(data[section.key]) for section in SECTIONS)
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        summary = render_template("personal_data/summary.html", data=data, sections=SECTIONS, made_at=now,
                                  site=base_url(), words=labels(), **_helpers())
    buffer = io.BytesIO()
    stamp = now.replace(tzinfo=UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in ((SUMMARY, summary.encode("utf-8")),
                              (DATA, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")),
                              *sorted(files.items())):
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp), content, compress_type=zipfile.ZIP_DEFLATED)
    content = buffer.getvalue()
    return Archive(data=content, sha256=hashlib.sha256(content).hexdigest(), rows=rows)


def filename(moment: datetime) -> str:
    return f"rawat-data-saya-{moment:%Y%m%d}.zip"
