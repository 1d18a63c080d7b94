"""Programme outcomes: roll-ups of the funnel, knowledge gain and care managers' reach by region, course,
organisation and month (models, services.refresh_outcomes), the programme officers' page and the public
results page /capaian.

Reads accounts, courses, quizzes, certificates, practice, cohorts, organisations and regions; nothing
imports it. Its figures go through figures.Figure, where the "< 5" rule lives.
"""
from flask import Blueprint

bp = Blueprint("outcomes", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)
