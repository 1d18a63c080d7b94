"""Credentials: every certificate also an Open Badges 3.0 verifiable credential (W3C VC 2.0, eddsa-rdfc-2022),
its issuer a did:web, its revocation a signed Bitstring Status List; baked PNG badges."""
from flask import Blueprint, Flask

bp = Blueprint("credentials", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the routes (the listeners are connected by create_app, see listeners.py)."""
    from . import views  # noqa: F401 (registers the routes on bp)

    app.register_blueprint(bp)
