"""`lms demo`: realistic data for every role, idempotent, never in production."""
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.authoring.models import CourseAuthor
from lms.cohorts.models import Cohort, CohortMember
from lms.courses.models import Enrollment, SkillCompetence
from lms.extensions import db
from lms.practice.models import Observation
from lms.quizzes.models import Attempt


def test_demo_creates_varied_data_once_and_prints_logins(runner):
    result = runner.invoke(args=["lms", "demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data created." in result.output and "rawat demo 2026" in result.output
    assert "081100000002" in result.output  # the care manager's login
    counts = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (User, Cohort, CohortMember, Enrollment, Attempt)}
    assert counts["User"] == 14 and counts["Cohort"] == 1 and counts["CohortMember"] == 12
    finished = db.session.scalar(
        select(func.count()).select_from(Enrollment).where(Enrollment.completed_at.is_not(None)))
    failed = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.passed.is_(False)))
    assert finished >= 3 and failed >= 1
    # The care manager owns one course in the browser editor, so her authoring pages are not empty.
    trainer = db.session.scalar(select(User).where(User.phone == "+6281100000002"))
    owned = db.session.scalars(select(CourseAuthor).where(CourseAuthor.user_id == trainer.id)).all()
    assert [(a.role, a.draft.slug) for a in owned] == [("owner", "mendampingi-penyandang-disabilitas")]
    # Home visits: skills confirmed, waiting for the learner, not yet, and one rejected for the admin.
    statuses = dict(db.session.execute(select(Observation.status, func.count()).group_by(Observation.status)).all())
    assert statuses["confirmed"] >= 10 and statuses["pending"] >= 2 and statuses["rejected"] == 1
    assert db.session.scalar(select(func.count()).select_from(SkillCompetence)) >= 10
    again = runner.invoke(args=["lms", "demo"])
    assert "already present" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 14


def test_demo_is_refused_in_production(app, runner):
    app.config["ENV_NAME"] = "production"
    try:
        result = runner.invoke(args=["lms", "demo"])
    finally:
        app.config["ENV_NAME"] = "test"
    assert result.exit_code != 0 and "refused" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
