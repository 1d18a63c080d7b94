"""Quizzes: module tests graded on the server."""
from flask import Blueprint

from ..courses.importer import register_module_file

bp = Blueprint("quizzes", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
from .loader import QuizFile  # noqa: E402

register_module_file(QuizFile())
