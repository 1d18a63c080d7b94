"""Erasing accounts leaves the programme figures as they were: `lms outcomes refresh` after the erasure writes the
same roll-up rows, at every level, as before it (the de-identified facts the roll-ups count are kept)."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.certificates.models import Certificate
from lms.cohorts.models import CohortMember
from lms.erasure.models import ErasureRequest
from lms.erasure.services import carry_out
from lms.extensions import db
from lms.outcomes.services import ROLL_UPS, refresh_outcomes
from lms.practice.models import Observation
from lms.quizzes.models import Attempt, Pretest
from lms.timeutil import utcnow
from tests.outcomes.conftest import NOW, activity, two_courses  # noqa: F401
from tests.regions.conftest import import_regions, regions, regions_file  # noqa: F401


def roll_ups() -> dict[str, list[tuple]]:
    """Every row of every roll-up table, as plain tuples in a fixed order."""
    tables = {}
    for model in ROLL_UPS:
        columns = list(model.__table__.columns)
        tables[model.__tablename__] = sorted(tuple(row) for row in db.session.execute(select(*columns)))
    return tables


def erase_some(every: int) -> list[int]:
    """Erase every `every`-th learner, half keeping their certificates, half withdrawing them."""
    learners = db.session.scalars(select(User.id).where(User.role == Role.LEARNER.value).order_by(User.id)).all()
    chosen = learners[::every]
    now = utcnow()
    for n, user_id in enumerate(chosen):
        db.session.add(ErasureRequest(user_id=user_id, certificates="withdraw" if n % 2 else "keep",
                                      requested_at=now, execute_after=now))
    db.session.commit()
    for request in db.session.scalars(select(ErasureRequest).where(ErasureRequest.executed_at.is_(None))).all():
        assert carry_out(request, now) is not None
        db.session.commit()
    return chosen


def count(model, column, ids) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(column.in_(ids)))


def test_the_programme_figures_are_the_same_after_erasure(activity):  # noqa: F811 - the fixture imported above
    activity(11, learners=60)
    refresh_outcomes(NOW)
    db.session.commit()
    before = roll_ups()
    assert sum(len(rows) for rows in before.values()) > 500

    erased = erase_some(3)
    # the erased people had every kind of fact the roll-ups count
    assert count(Certificate, Certificate.user_id, erased) and count(Attempt, Attempt.user_id, erased)
    assert count(CohortMember, CohortMember.user_id, erased) and count(Pretest, Pretest.user_id, erased)
    assert count(Observation, Observation.learner_id, erased)
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.user_id.in_(erased), Certificate.withdrawn_at.is_not(None))) > 0
    people = db.session.scalars(select(User).where(User.id.in_(erased))).all()
    assert all(user.erased_at is not None and user.full_name == "Akun dihapus" and user.phone is None
               for user in people)
    assert all(user.village_code is None or user.village_code.count(".") == 2 for user in people)

    refresh_outcomes(NOW)
    db.session.commit()
    after = roll_ups()
    for table, rows in before.items():
        assert after[table] == rows, table
