"""Rebuilding the roll-ups (`lms outcomes refresh`): set-based statements, no Python loop per person.

A refresh deletes every roll-up row and writes them again from the feature tables in the caller's one
transaction, so readers see the old figures until it commits (PostgreSQL) or wait a moment for it (SQLite),
and running it twice, or at any time, gives the same rows. It first locks the single outcome_refreshes row,
so two refreshes queue instead of interleaving.

Each figure is written once at the lowest level a person is placed at (their village's district, or "-" for
learners who gave no village), then summed up the region tree: a person lives in one place, so sums of
people are exact. Care managers' reach is counted per level directly, because a family can be in groups
of several places.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import String, and_, case, cast, delete, exists, func, insert, literal, null, or_, select, update

from ..accounts.models import Role, User
from ..caches import PUBLIC_RESULTS
from ..certificates.models import Certificate
from ..cohorts.models import Cohort, CohortCourse, CohortMember
from ..cohorts.reach import REACH
from ..courses.models import Module, Enrollment, Skill, SkillCompetence
from ..database import insert_ignoring_conflict
from ..extensions import db
from ..organisations.models import Organisation
from ..practice.models import Observation
from ..practice.reports import COUNTED
from ..quizzes.models import Attempt, AttemptQuestion, Pretest, PretestModuleScore, Quiz
from ..timeutil import utcnow
from .models import (
    ACTIVE_30D, CERTIFIED_VALID, DAYS_CAP, NO_VILLAGE, OutcomeCount, OutcomeDuration, OutcomeModuleScore,
    OutcomeQuestion, OutcomeRefresh, OutcomeSnapshot,
)
from .sql import local_days_between, month_start

#: code length of a province, a regency or city, a district
PREFIX = {1: 2, 2: 5, 3: 8}
ROLL_UPS = (OutcomeCount, OutcomeDuration, OutcomeModuleScore, OutcomeQuestion, OutcomeSnapshot)


@dataclass(frozen=True)
class Refreshed:
    as_of: date
    took_ms: int
    rows: dict[str, int]


def reporting_offset_hours(now: datetime) -> int:
    """Hours the reporting time zone is ahead of UTC (7 for Asia/Jakarta)."""
    zone = ZoneInfo(current_app.config.get("LMS_TIMEZONE", "Asia/Jakarta"))
    return round(zone.utcoffset(now).total_seconds() / 3600)


def refresh_outcomes(now: datetime | None = None) -> Refreshed:
    """Rebuild every roll-up from the feature tables. Writes, flushes, does not commit."""
    started = time.perf_counter()
    now = now or utcnow()
    offset = reporting_offset_hours(now)
    insert_ignoring_conflict(OutcomeRefresh, {"id": 1}, ["id"])
    # the row lock (PostgreSQL) or the write lock (SQLite) makes a second refresh wait for this one
    db.session.execute(update(OutcomeRefresh).where(OutcomeRefresh.id == 1).values(took_ms=OutcomeRefresh.took_ms))
    for model in ROLL_UPS:
        db.session.execute(delete(model))
    builder = _Builder(now, offset)
    builder.build()
    for model in ROLL_UPS:
        _roll_up(model)
    builder.reach()  # counted at every level itself, after the sums
    as_of = (now + timedelta(hours=offset)).date()
    took_ms = round((time.perf_counter() - started) * 1000)
    db.session.execute(update(OutcomeRefresh).where(OutcomeRefresh.id == 1)
                       .values(refreshed_at=now, as_of=as_of, took_ms=took_ms))
    # other workers see the new refreshed_at in the cache key; this one also forgets a refresh at the same `now`
    PUBLIC_RESULTS.clear()
    rows = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in ROLL_UPS}
    return Refreshed(as_of=as_of, took_ms=took_ms, rows=rows)


def _learners():
    return select(User.id, User.village_code).where(User.role == Role.LEARNER.value).subquery("learners")


def _organisation_members():
    """(user, organisation) for every organisation whose groups the user is in."""
    return (select(CohortMember.user_id, Cohort.organisation_id).join(Cohort, Cohort.id == CohortMember.cohort_id)
            .where(Cohort.organisation_id.is_not(None)).distinct().subquery("organisation_members"))


class _Builder:
    """Writes the lowest-level rows of each roll-up; _roll_up sums them up the region tree."""

    def __init__(self, now: datetime, offset_hours: int):
        self.now = now
        self.offset = offset_hours
        self.since = now - REACH

    def build(self) -> None:
        for measure, facts, per_course in self._funnel():
            self._counts(measure, facts, per_course)
        self._durations()
        self._module_scores()
        self._questions()
        self._snapshots()

    # -- where a person is counted -------------------------------------------------------------------
    def _placed(self, facts, each_organisation: bool):
        """The FROM of a lowest-level insert, and its region, parent, level and organisation columns."""
        learners = _learners()
        source = facts.join(learners, learners.c.id == facts.c.user_id)
        if each_organisation:
            members = _organisation_members()
            source = source.join(members, members.c.user_id == facts.c.user_id)
            organisation = members.c.organisation_id
        else:
            organisation = literal(0)
        village = learners.c.village_code
        unplaced = village.is_(None)
        region = case((unplaced, NO_VILLAGE), else_=func.substr(village, 1, PREFIX[3]))
        parent = case((unplaced, ""), else_=func.substr(village, 1, PREFIX[2]))
        level = case((unplaced, 1), else_=3)
        return source, [region.label("region_code"), parent.label("parent_code"), level.label("level"),
                        organisation.label("organisation_id")]

    def _insert(self, model, facts, columns: dict, aggregates: dict) -> None:
        """One insert per organisation breakdown (any, each) of facts grouped by place and `columns`."""
        for each_organisation in (False, True):
            source, place = self._placed(facts, each_organisation)
            keys = place + [value.label(name) for name, value in columns.items()]
            statement = (select(*keys, *[value.label(name) for name, value in aggregates.items()])
                         .select_from(source).group_by(*[key.element for key in keys]))
            db.session.execute(insert(model).from_select([key.name for key in keys] + list(aggregates), statement))

    # -- the funnel --------------------------------------------------------------------------------
    def _funnel(self):
        """(measure, facts of user_id, course_id, at: the first time per person and course, per course?)"""
        registered = select(User.id.label("user_id"), literal(0).label("course_id"), User.created_at.label("at"))
        started = select(Enrollment.user_id, Enrollment.course_id, Enrollment.enrolled_at.label("at"))
        completed = (select(Enrollment.user_id, Enrollment.course_id, Enrollment.completed_at.label("at"))
                     .where(Enrollment.completed_at.is_not(None)))
        yield "registered", registered.subquery("facts"), False
        yield "started", started.subquery("facts"), True
        yield "completed", completed.subquery("facts"), True
        yield "certified", _first_certificates().subquery("facts"), True
        yield "competent", _competences().subquery("facts"), True

    def _counts(self, measure: str, facts, per_course: bool) -> None:
        if per_course:
            self._insert(OutcomeCount, facts, {"course_id": facts.c.course_id, "measure": literal(measure),
                                               "period": month_start(facts.c.at, self.offset)},
                         {"people": func.count()})
            first = (select(facts.c.user_id, func.min(facts.c.at).label("at"))
                     .group_by(facts.c.user_id).subquery("first_facts"))
        else:
            first = facts
        self._insert(OutcomeCount, first, {"course_id": literal(0), "measure": literal(measure),
                                           "period": month_start(first.c.at, self.offset)},
                     {"people": func.count()})

    def _durations(self) -> None:
        certificates = _first_certificates().subquery("first_certificates")
        days = local_days_between(Enrollment.enrolled_at, certificates.c.at, self.offset)
        facts = (select(certificates.c.user_id, certificates.c.course_id, certificates.c.at,
                        case((days < 0, 0), (days > DAYS_CAP, DAYS_CAP), else_=days).label("days"))
                 .join(Enrollment, and_(Enrollment.user_id == certificates.c.user_id,
                                        Enrollment.course_id == certificates.c.course_id))
                 .subquery("facts"))
        period = month_start(facts.c.at, self.offset)
        # "any course" counts every (person, course) certificate: a median over certificates
        for course in (facts.c.course_id, literal(0)):
            self._insert(OutcomeDuration, facts, {"course_id": course, "period": period, "days": facts.c.days},
                         {"people": func.count()})

    def _module_scores(self) -> None:
        first_attempts = (
            select(Attempt.user_id, Module.course_id, Quiz.module_id, Attempt.score,
                   case((Attempt.passed.is_(True), 1), else_=0).label("passed"), Attempt.submitted_at.label("at"),
                   literal("first").label("measure"))
            .join(Quiz, Quiz.id == Attempt.quiz_id).join(Module, Module.id == Quiz.module_id)
            .where(Attempt.number == 1, Attempt.submitted_at.is_not(None), Attempt.score.is_not(None)))
        pretests = (
            select(Pretest.user_id, Pretest.course_id, PretestModuleScore.module_id, PretestModuleScore.score,
                   literal(0).label("passed"), Pretest.submitted_at.label("at"), literal("pretest").label("measure"))
            .join(PretestModuleScore, PretestModuleScore.pretest_id == Pretest.id)
            .where(Pretest.submitted_at.is_not(None)))
        for facts in (first_attempts.subquery("facts"), pretests.subquery("facts")):
            self._insert(OutcomeModuleScore, facts,
                         {"course_id": facts.c.course_id, "module_id": facts.c.module_id,
                          "measure": facts.c.measure, "period": month_start(facts.c.at, self.offset)},
                         {"people": func.count(), "score_sum": func.sum(facts.c.score),
                          "passed": func.sum(facts.c.passed)})

    def _questions(self) -> None:
        facts = (
            select(Attempt.user_id, Module.course_id, AttemptQuestion.question_id,
                   case((AttemptQuestion.is_correct.is_(True), 0), else_=1).label("wrong"),
                   Attempt.submitted_at.label("at"))
            .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
            .join(Quiz, Quiz.id == Attempt.quiz_id).join(Module, Module.id == Quiz.module_id)
            .where(Attempt.number == 1, Attempt.submitted_at.is_not(None))).subquery("facts")
        self._insert(OutcomeQuestion, facts,
                     {"course_id": facts.c.course_id, "question_id": facts.c.question_id,
                      "period": month_start(facts.c.at, self.offset)},
                     {"people": func.count(), "wrong": func.sum(facts.c.wrong)})

    # -- how things stand today --------------------------------------------------------------------
    def _snapshots(self) -> None:
        active = (select(Enrollment.user_id, Enrollment.course_id)
                  .where(Enrollment.last_activity_at >= self.since).subquery("facts"))
        today = (self.now + timedelta(hours=self.offset)).date()
        valid = (select(Certificate.user_id, Certificate.course_id).distinct()
                 .where(Certificate.revoked_at.is_(None),
                        or_(Certificate.valid_until.is_(None), Certificate.valid_until >= today))
                 .subquery("facts"))
        for measure, facts in ((ACTIVE_30D, active), (CERTIFIED_VALID, valid)):
            self._insert(OutcomeSnapshot, facts, {"course_id": facts.c.course_id, "measure": literal(measure)},
                         {"value": func.count()})
            people = select(facts.c.user_id).distinct().subquery("people")
            self._insert(OutcomeSnapshot, people, {"course_id": literal(0), "measure": literal(measure)},
                         {"value": func.count()})

    def reach(self) -> None:
        """Care managers, the families in their groups, and those reached lately, by the groups' region.

        "Reached" is the group page's rule (lms/cohorts/reach.py): learning in one of the group's courses, or
        an observation that counts (pending or confirmed), at most REACH_DAYS before now. A family in several
        groups of a place is counted once, reached when it is reached in any of them."""
        learned = (select(Enrollment.user_id)
                   .join(CohortCourse, and_(CohortCourse.course_id == Enrollment.course_id,
                                            CohortCourse.cohort_id == CohortMember.cohort_id))
                   .where(Enrollment.user_id == CohortMember.user_id, Enrollment.last_activity_at >= self.since)
                   .correlate(CohortMember).exists())
        visited = exists().where(Observation.learner_id == CohortMember.user_id, Observation.status.in_(COUNTED),
                                 Observation.observed_at >= self.since)
        reached = or_(learned, visited)
        code = func.coalesce(Cohort.region_code, Organisation.region_code)
        measures = {
            "care_managers": func.count(Cohort.owner_id.distinct()),
            "families": func.count(CohortMember.user_id.distinct()),
            "families_reached": func.count(case((reached, CohortMember.user_id)).distinct()),
        }
        for level in range(4):
            region, parent, where = _reach_place(code, level)
            for each_organisation in (False, True):
                organisation = Cohort.organisation_id if each_organisation else literal(0)
                filters = [where] + ([Cohort.organisation_id.is_not(None)] if each_organisation else [])
                for measure, value in measures.items():
                    keys = [region.label("region_code"), parent.label("parent_code"), literal(level).label("level"),
                            literal(0).label("course_id"), organisation.label("organisation_id"),
                            literal(measure).label("measure")]
                    statement = (select(*keys, value.label("value"))
                                 .select_from(CohortMember).join(Cohort, Cohort.id == CohortMember.cohort_id)
                                 .outerjoin(Organisation, Organisation.id == Cohort.organisation_id)
                                 .where(*filters).group_by(*[key.element for key in keys]))
                    db.session.execute(insert(OutcomeSnapshot).from_select([key.name for key in keys] + ["value"],
                                                                            statement))

def _reach_place(code, level: int):
    """Region, parent and filter of a group placed at `level` by its region code (any level, or none)."""
    if level == 0:
        return literal(""), cast(null(), String), literal(True)
    if level == 1:
        unplaced = code.is_(None)
        return (case((unplaced, NO_VILLAGE), else_=func.substr(code, 1, PREFIX[1])), literal(""), literal(True))
    parent_length = PREFIX[level - 1]
    return (func.substr(code, 1, PREFIX[level]), func.substr(code, 1, parent_length),
            func.length(code) >= PREFIX[level])


def _first_certificates():
    """(user_id, course_id, at): the first certificate of each person and course still standing."""
    return (select(Certificate.user_id, Certificate.course_id, func.min(Certificate.issued_at).label("at"))
            .where(Certificate.revoked_at.is_(None)).group_by(Certificate.user_id, Certificate.course_id))


def _competences():
    """(user_id, course_id, at): when a person had been seen doing every current skill of a course."""
    skills = (select(Skill.course_id, func.count().label("skills")).where(Skill.retired_at.is_(None))
              .group_by(Skill.course_id).subquery("course_skills"))
    return (select(SkillCompetence.user_id, Skill.course_id, func.max(SkillCompetence.confirmed_at).label("at"))
            .join(Skill, Skill.id == SkillCompetence.skill_id).join(skills, skills.c.course_id == Skill.course_id)
            .where(Skill.retired_at.is_(None))
            .group_by(SkillCompetence.user_id, Skill.course_id, skills.c.skills)
            .having(func.count(SkillCompetence.skill_id.distinct()) == skills.c.skills))


def _roll_up(model) -> None:
    """Sum each level's rows into the level above: districts into regencies, regencies (and "-") upwards."""
    columns = [column.name for column in model.__table__.columns]
    keys = [column.name for column in model.__table__.primary_key.columns if column.name != "region_code"]
    sums = [name for name in columns if name not in keys and name not in ("region_code", "parent_code", "level")]
    table = model.__table__
    for level in (3, 2, 1):
        if level == 3:
            region, parent = table.c.parent_code, func.substr(table.c.parent_code, 1, PREFIX[1])
        elif level == 2:
            region, parent = table.c.parent_code, literal("")
        else:
            region, parent = literal(""), cast(null(), String)
        group = [table.c[name] for name in keys]
        statement = (select(region.label("region_code"), parent.label("parent_code"),
                            literal(level - 1).label("level"), *group, *[func.sum(table.c[name]).label(name)
                                                                        for name in sums])
                     .where(table.c.level == level)
                     .group_by(*([table.c.parent_code] if level > 1 else []), *group))
        db.session.execute(insert(model).from_select(["region_code", "parent_code", "level", *keys, *sums],
                                                     statement))
