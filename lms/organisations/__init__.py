"""Organisations that run groups (a Sentra, a social-welfare institution, a Puskesmas partner, a village office):
admins manage them at /admin/organisasi; groups belong to one (cohorts.Cohort.organisation_id).

Imports regions and audit; cohorts and the programme pages read it.
"""
from flask import Blueprint

bp = Blueprint("organisations", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (registers the routes on bp)
