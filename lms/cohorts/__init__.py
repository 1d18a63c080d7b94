"""Cohorts: groups of families accompanied by one care manager, and their progress reports."""
from flask import Blueprint

bp = Blueprint("cohorts", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
