"""Practice observations: a care manager watches a learner perform a course's skills against their checklist.

Uses courses (skills and steps) and cohorts (who accompanies whom); no other feature imports it.
It prints the observation sheet of a skill (sheet.py), for home visits without a phone, and
records observations and the learner's answer (services.py).
"""
from flask import Blueprint

bp = Blueprint("practice", __name__, template_folder="templates")

from . import models, views, views_answer, views_group, views_observe  # noqa: E402,F401
