"""Practice observations: a care manager watches a learner perform a course's skills against their checklist.

Uses courses only (its skills and steps); no other feature imports it. For now it prints the
observation sheet of a skill (sheet.py), for home visits without a phone.
"""
from flask import Blueprint

bp = Blueprint("practice", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
