"""Verification: anyone checks a certificate by ID, QR code or PDF file; JSON API and OpenAPI."""
from flask import Blueprint, Flask

bp = Blueprint("verification", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the public pages, the API and the published keys."""
    from . import api, views  # noqa: F401  (register the routes on bp)

    app.register_blueprint(bp)
