"""What the certificates feature does when other features' signals fire (see the README,
"How features talk"). Each receiver is a thin call into services; none commits."""
from __future__ import annotations

from datetime import datetime

from flask import Flask

from ..courses.models import Course, Enrollment
from ..courses.signals import completed_courses_shown, course_completed
from ..observability import readiness_asked
from ..quizzes.signals import attempt_allowance_asked
from .keys import readiness_problem
from .queries import latest_certificates_in_request
from .services import issue_first_certificate, issue_owed_certificates, renewal_attempt_window


def on_course_completed(course: Course, *, user_id: int, enrollment: Enrollment, **_kwargs) -> None:
    """courses.signals.course_completed: the first certificate, in the completing transaction."""
    issue_first_certificate(user_id, course, enrollment)


def on_completed_courses_shown(_sender, *, user_id: int, finished: list, **_kwargs) -> bool:
    """courses.signals.completed_courses_shown (the learner's dashboard): issue a certificate still
    owed for a finished course. True when one was issued, so the dashboard commits."""
    return issue_owed_certificates(user_id, finished, latest_certificates_in_request(user_id))


def on_attempt_allowance_asked(quiz, *, user_id: int, **_kwargs) -> datetime | None:
    """quizzes.signals.attempt_allowance_asked: after a certificate expired, the quizzes' attempts
    count again from the expiry (renewing needs them passed again)."""
    return renewal_attempt_window(user_id, quiz)


def on_readiness_asked(_app: Flask, **_kwargs) -> dict[str, str | None]:
    """observability.readiness_asked (/readyz): the signing keys can be loaded."""
    return {"signing_keys": readiness_problem()}


def connect() -> None:
    course_completed.connect(on_course_completed)
    completed_courses_shown.connect(on_completed_courses_shown)
    attempt_allowance_asked.connect(on_attempt_allowance_asked)
    readiness_asked.connect(on_readiness_asked)
