"""Authoring: trainers write, preview and publish courses in the browser.

A draft is kept as the course's files in the content/ format (course.yaml, module
folders, lessons, quiz.yaml, skills.yaml, images) and published through the real importer, so
the rules for what a valid course is, and for keeping learners' progress, live in
one place (lms.courses.importer and the module file handlers).
"""
from flask import Blueprint

bp = Blueprint("authoring", __name__, template_folder="templates")

from . import views, views_files, views_lessons, views_narrations, views_quiz, views_skills  # noqa: E402,F401
