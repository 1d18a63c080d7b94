"""Courses: course files, catalog, lessons and learners' progress, offline reading."""
from flask import Blueprint

bp = Blueprint("courses", __name__, template_folder="templates")

from . import views, views_narrations, views_offline  # noqa: E402,F401
