"""Certificates: issued when a course is completed, signed PDF, revocation and renewal."""
from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the routes (the listeners are connected by create_app, see listeners.py)."""
    from . import views  # noqa: F401 (registers the routes on bp)

    app.register_blueprint(bp)
