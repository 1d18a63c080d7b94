"""Certificates: issued when a course is completed, signed PDF, revocation and renewal."""
from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the routes, issue certificates when a course is completed, report key readiness."""
    from ..courses.signals import completed_courses_shown, course_completed
    from . import views  # (registers the routes on bp)
    from .keys import readiness_problem
    from .services import on_course_completed, renewal_attempt_window

    app.register_blueprint(bp)
    course_completed.connect(on_course_completed)
    # The learner's dashboard issues a certificate still owed for a finished course.
    completed_courses_shown.connect(views.issue_owed_certificates)
    # A renewal after expiry starts a new allowance of quiz attempts (see quizzes.services).
    app.extensions.setdefault("quiz_attempt_windows", []).append(renewal_attempt_window)
    # /readyz runs every check registered here (see lms/observability.py).
    app.extensions.setdefault("readiness_checks", {})["signing_keys"] = readiness_problem
