"""Courses: course files, catalog, lessons and learners' progress, offline reading."""
from flask import Blueprint

bp = Blueprint("courses", __name__, template_folder="templates")

from . import lowdata, views, views_offline  # noqa: E402,F401

# Gzip and content-hashed static URLs serve every page, but exist for learners on prepaid data.
bp.record_once(lambda state: lowdata.init_app(state.app))
