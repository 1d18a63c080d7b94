"""Roll-ups of what programmes report: counts of people per region, course, organisation and month.

Rebuilt as a whole by `lms outcomes refresh` (services.refresh_outcomes) from the feature tables, so a page
reads a few hundred of these rows and never the learners' own rows. Every table is keyed by region at four
levels, each row with its level and its parent so a drill-down reads one region's children by index:

    level 0   region_code ""            the whole country (parent None)
    level 1   a province "32", or "-"   learners who gave no village (parent "")
    level 2   a regency or city "32.76" (parent "32")
    level 3   a district "32.76.06"     (parent "32.76")

course_id 0 and organisation_id 0 mean "any": a person counts once in the row of any course however many
courses they took, and once in the row of any organisation; in an organisation's row when they belong to
one of its groups. The month is the calendar month, in the reporting time zone, of the first time the person
reached the step, so months add up. No foreign keys: a refresh rewrites every row, and a removed course or
organisation disappears with it.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..regions.models import CODE_LENGTH

#: the funnel, in order: an account, a course begun, finished, certified, every required skill observed
FUNNEL = ("registered", "started", "completed", "certified", "competent")
#: "how it stands today" figures of outcome_snapshots
#: learners active in the last 30 days; people holding a certificate valid today
ACTIVE_30D, CERTIFIED_VALID = "active_30d", "certified_valid"
REACH = ("care_managers", "families", "families_reached")
NO_VILLAGE = "-"
#: durations longer than this are counted at this many days
DAYS_CAP = 999


class OutcomeCount(db.Model):
    """People who first reached a step of the funnel in a month."""

    __tablename__ = "outcome_counts"
    __table_args__ = (
        Index("ix_outcome_counts_children", "parent_code", "course_id", "organisation_id", "period"),
        # the public results (/capaian): the country and its provinces, every month, read from the index alone
        Index("ix_outcome_counts_top", "level", "organisation_id", "measure", "course_id", "region_code", "people"),
    )

    region_code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: first day of the month
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    people: Mapped[int]


class OutcomeDuration(db.Model):
    """Certificates first earned in a month, by whole days from beginning the course: the median's histogram."""

    __tablename__ = "outcome_durations"

    region_code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    people: Mapped[int]


class OutcomeModuleScore(db.Model):
    """Module scores: a learner's pre-test score on the module ("pretest") or first quiz attempt ("first")."""

    __tablename__ = "outcome_module_scores"

    region_code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    module_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(String(8), primary_key=True)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    people: Mapped[int]
    score_sum: Mapped[int]
    #: first attempts that passed (0 for the pre-test, which passes nothing)
    passed: Mapped[int]


class OutcomeQuestion(db.Model):
    """Questions answered in first quiz attempts, and how many of those answers were wrong."""

    __tablename__ = "outcome_questions"

    region_code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    question_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    period: Mapped[date] = mapped_column(Date, primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    #: each answer is one person's: a question appears once in an attempt, and one first attempt per quiz
    people: Mapped[int]
    wrong: Mapped[int]


class OutcomeSnapshot(db.Model):
    """How things stand on the day of the refresh: active learners, valid certificates, care managers' reach."""

    __tablename__ = "outcome_snapshots"
    __table_args__ = (
        Index("ix_outcome_snapshots_children", "parent_code", "course_id", "organisation_id"),
        Index("ix_outcome_snapshots_top", "level", "organisation_id", "measure", "course_id", "region_code"),
    )

    region_code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    measure: Mapped[str] = mapped_column(String(20), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    value: Mapped[int]


class OutcomeRefresh(db.Model):
    """The one row that says when the roll-ups were last rebuilt; a refresh locks it first, so two never overlap."""

    __tablename__ = "outcome_refreshes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    refreshed_at: Mapped[datetime | None]
    #: the reporting day the snapshots describe (in the reporting time zone)
    as_of: Mapped[date | None] = mapped_column(Date)
    took_ms: Mapped[int | None]
