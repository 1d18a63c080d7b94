"""Indonesia's administrative regions (Kemendagri codes): the dataset, its import and the chooser.

Imports no other feature; accounts (a learner's village) uses it, and groups will.
"""
from flask import Blueprint

bp = Blueprint("regions", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)
