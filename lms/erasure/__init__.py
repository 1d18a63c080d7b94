"""Erasure: deleting an account at its holder's request, erasing accounts unused for years, and requests about
personal data that need an administrator (UU No. 27 Tahun 2022 on personal data protection).

On top of every feature; nothing imports it. What erasing keeps, empties or deletes, table by table, is in
catalogue.py.
"""
from flask import Blueprint, Flask

bp = Blueprint("erasure", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the pages (the listeners are connected by create_app, see listeners.py)."""
    from . import views, views_admin  # noqa: F401 (register the routes on bp)

    app.register_blueprint(bp)
