"""Helpers for credential tests: the stored credential, uploads to the verification page and the API."""
from __future__ import annotations

import io
import json
import re

from lms.credentials.models import CertificateCredential
from lms.extensions import db
from tests.conftest import csrf_token_from


def credential_text(certificate) -> str:
    return db.session.get(CertificateCredential, certificate.id).document


def credential_of(certificate) -> dict:
    return json.loads(credential_text(certificate))


def upload(client, data: bytes, filename="kredensial.json", content_type="application/json"):
    """Through the verification page's upload form, with its CSRF token."""
    token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
    return client.post("/verifikasi/berkas", content_type="multipart/form-data",
                       data={"csrf_token": token, "document": (io.BytesIO(data), filename, content_type)})


def outcome_of(response) -> str:
    match = re.search(r'data-outcome="([a-z_]+)"', response.get_data(as_text=True))
    return match.group(1) if match else ""


def api_check(client, document: dict | bytes):
    """POST /api/v1/credentials/verify with the JSON (a dict) or a PNG (bytes)."""
    if isinstance(document, dict):
        return client.post("/api/v1/credentials/verify", json=document)
    return client.post("/api/v1/credentials/verify", data=document, content_type="image/png")
