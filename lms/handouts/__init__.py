"""Printable handouts: a module's lessons as an A4 PDF, for families without a phone of their own."""
from flask import Blueprint

bp = Blueprint("handouts", __name__)

from . import views  # noqa: E402,F401
