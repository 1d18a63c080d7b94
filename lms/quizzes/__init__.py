"""Quizzes: module tests graded on the server."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__, template_folder="templates")

from . import views, views_pretest  # noqa: E402,F401
