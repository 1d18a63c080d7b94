"""Public addresses printed on certificates; the verification blueprint serves them."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

#: the verification page (endpoint verification.verify)
VERIFY_PATH = "/verifikasi"
#: the machine-readable public keys
KEYS_PATH = "/.well-known/rawat-keys.json"


def base_url() -> str:
    return current_app.config["VERIFICATION_BASE_URL"].rstrip("/")


def verify_address() -> str:
    """Printed on the certificate: where to check it."""
    return base_url() + VERIFY_PATH


def qr_url(certificate) -> str:
    """What the QR code opens: the certificate's verification page with its key id and signature."""
    query = urlencode({"k": certificate.key_id, "s": certificate.signature})
    return f"{base_url()}{VERIFY_PATH}/{certificate.public_id}?{query}"
