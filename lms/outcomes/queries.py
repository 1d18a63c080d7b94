"""Reading the roll-ups for a programme page, its downloads and the public results page.

Every read goes through a primary key or the children index of a roll-up table and touches at most a few
thousand rows (regions × months × measures), whatever the number of learners.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..caches import PUBLIC_RESULTS
from ..courses.models import Course, Module
from ..extensions import db
from ..organisations.models import Organisation
from ..quizzes.models import Question
from ..regions.models import Region
from .figures import Column, DataValue, Figure, Filters, Report, Row, Table
from .models import (
    ACTIVE_30D, CERTIFIED_VALID, FUNNEL, NO_VILLAGE, REACH, OutcomeCount, OutcomeDuration, OutcomeModuleScore,
    OutcomeQuestion, OutcomeRefresh, OutcomeSnapshot,
)

STEP_LABELS = {
    "registered": _l("Registered"),
    "started": _l("Started a course"),
    "completed": _l("Completed a course"),
    "certified": _l("Certified"),
    "competent": _l("Practically competent"),
}
STEP_DESCRIPTIONS = {
    "registered": _l("Learners who made an account in the period."),
    "started": _l("Learners who began a course in the period (the first time they began one, for every course)."),
    "completed": _l("Learners who finished every lesson and quiz of a course in the period, the first time."),
    "certified": _l("Learners who received their first certificate of a course in the period; revoked ones "
                    "are not counted."),
    "competent": _l("Learners seen by a care manager doing every practical skill of a course, in the period."),
}
HARDEST_QUESTIONS = 10
DATA_ELEMENT_PREFIX = "RAWAT_"


@dataclass(frozen=True)
class Choice:
    """What a programme page shows, once checked against the officer's area."""
    region_code: str
    course_id: int
    organisation_id: int
    first_month: date
    last_month: date


def months_between(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def refreshed() -> OutcomeRefresh | None:
    return db.session.get(OutcomeRefresh, 1)


def region_names(codes) -> dict[str, str]:
    wanted = [code for code in codes if code and code != NO_VILLAGE]
    names = dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(wanted))).all()) \
        if wanted else {}
    names[""] = str(_l("Indonesia"))
    names[NO_VILLAGE] = str(_l("No village given"))
    return names


def _counts(choice: Choice, *, children: bool):
    """{(region, measure, month): people} of the region (or its children) in the period."""
    table = OutcomeCount
    where = table.parent_code == choice.region_code if children else table.region_code == choice.region_code
    rows = db.session.execute(
        select(table.region_code, table.measure, table.period, table.people)
        .where(where, table.course_id == choice.course_id, table.organisation_id == choice.organisation_id,
               table.period >= choice.first_month, table.period <= choice.last_month))
    return {(region, measure, period): people for region, measure, period, people in rows}


def _snapshots(choice: Choice, *, children: bool) -> dict[tuple[str, str], int]:
    table = OutcomeSnapshot
    where = table.parent_code == choice.region_code if children else table.region_code == choice.region_code
    rows = db.session.execute(select(table.region_code, table.measure, table.value)
                              .where(where, table.course_id == choice.course_id,
                                     table.organisation_id == choice.organisation_id))
    return {(region, measure): value for region, measure, value in rows}


def _steps(choice: Choice) -> tuple[str, ...]:
    # a course chosen: "registered" is not a step of that course
    return FUNNEL[1:] if choice.course_id else FUNNEL


def funnel_table(choice: Choice, counts) -> Table:
    totals = defaultdict(int)
    for (_region, measure, _period), people in counts.items():
        totals[measure] += people
    rows = [Row(str(STEP_LABELS[step]), step, [Figure.count(totals[step])]) for step in _steps(choice)]
    return Table("funnel", _l("From registration to certificate"),
                 _l("People who reached each step in the period."), _l("Step"),
                 [Column("people", _l("People"), _l("People who reached the step in the period."))], rows)


def months_table(choice: Choice, counts) -> Table:
    steps = _steps(choice)
    by_month = defaultdict(int)
    for (_region, measure, period), people in counts.items():
        by_month[period, measure] += people
    rows = [Row(month.strftime("%Y-%m"), month.strftime("%Y-%m"),
                [Figure.count(by_month[month, step]) for step in steps])
            for month in months_between(choice.first_month, choice.last_month)]
    return Table("months", _l("Month by month"), _l("People who reached each step, by calendar month (WIB)."),
                 _l("Month"), [Column(step, STEP_LABELS[step], STEP_DESCRIPTIONS[step]) for step in steps], rows)


def regions_table(choice: Choice, link) -> Table:
    counts = _counts(choice, children=True)
    snapshots = _snapshots(choice, children=True)
    steps = _steps(choice)
    totals = defaultdict(int)
    codes = set(snapshots_key[0] for snapshots_key in snapshots)
    for (region, measure, _period), people in counts.items():
        totals[region, measure] += people
        codes.add(region)
    names = region_names(codes)
    rows = [Row(names.get(code, code), code,
                [Figure.count(totals[code, step]) for step in steps] + [Figure.count(snapshots.get((code, ACTIVE_30D),
                                                                                                   0))],
                None if code == NO_VILLAGE else link(code))
            for code in sorted(codes, key=lambda code: (code == NO_VILLAGE, names.get(code, code)))]
    columns = [Column(step, STEP_LABELS[step], STEP_DESCRIPTIONS[step]) for step in steps]
    columns.append(Column(ACTIVE_30D, _l("Active in the last 30 days"),
                          _l("Learners who did something in a course in the 30 days before the refresh.")))
    return Table("regions", _l("By region"), _l("The same figures for each region one level down."),
                 _l("Region"), columns, rows)


def median_days(choice: Choice) -> Figure:
    table = OutcomeDuration
    rows = db.session.execute(
        select(table.days, func.sum(table.people)).where(
            table.region_code == choice.region_code, table.course_id == choice.course_id,
            table.organisation_id == choice.organisation_id, table.period >= choice.first_month,
            table.period <= choice.last_month).group_by(table.days).order_by(table.days)).all()
    total = sum(people for _days, people in rows)
    if not total:
        return Figure(None, 0, "days")
    seen = 0
    for days, people in rows:
        seen += people
        if seen * 2 >= total:
            return Figure(days, total, "days")
    return Figure(rows[-1][0], total, "days")  # pragma: no cover - the loop always returns


def _monthly_filters(table, choice: Choice) -> list:
    """The choice's region, organisation, months and (when chosen) course, on a roll-up kept per month."""
    where = [table.region_code == choice.region_code, table.organisation_id == choice.organisation_id,
             table.period >= choice.first_month, table.period <= choice.last_month]
    if choice.course_id:
        where.append(table.course_id == choice.course_id)
    return where


def modules_table(choice: Choice) -> Table:
    table = OutcomeModuleScore
    where = _monthly_filters(table, choice)
    sums = db.session.execute(
        select(table.module_id, table.measure, func.sum(table.people), func.sum(table.score_sum),
               func.sum(table.passed)).where(*where).group_by(table.module_id, table.measure)).all()
    by_module = defaultdict(dict)
    for module_id, measure, people, score_sum, passed in sums:
        by_module[module_id][measure] = (people, score_sum, passed)
    modules = db.session.execute(
        select(Module.id, Module.title, Course.title).join(Course, Course.id == Module.course_id)
        .where(Module.id.in_(list(by_module))).order_by(Course.title, Module.position)).all() if by_module else []
    rows = []
    for module_id, title, course_title in modules:
        first = by_module[module_id].get("first", (0, 0, 0))
        pre = by_module[module_id].get("pretest", (0, 0, 0))
        rows.append(Row(title if choice.course_id else f"{course_title}: {title}", str(module_id), [
            Figure.count(first[0]), Figure.share(first[2], first[0]),
            Figure(first[1] / first[0] if first[0] else None, first[0], "score"),
            Figure.count(pre[0]), Figure(pre[1] / pre[0] if pre[0] else None, pre[0], "score")]))
    return Table("modules", _l("Modules: first attempts and knowledge gain"),
                 _l("First quiz attempts of each module, and the pre-test score on the same module's questions "
                    "before the first lesson."), _l("Module"), [
                     Column("first_attempts", _l("First attempts"), _l("Learners who took the module quiz for "
                                                                       "the first time in the period.")),
                     Column("first_pass_rate", _l("Passed at first attempt"),
                            _l("Share of first attempts that passed."), "percent"),
                     Column("first_mean", _l("Mean first-attempt score"),
                            _l("Mean score (0–100) of first attempts."), "score"),
                     Column("pretests", _l("Pre-tests"), _l("Learners whose pre-test had questions of this module, "
                                                            "in the period.")),
                     Column("pretest_mean", _l("Mean pre-test score"),
                            _l("Mean score (0–100) on this module's questions in the pre-test."), "score"),
                 ], rows)


def questions_table(choice: Choice) -> Table:
    table = OutcomeQuestion
    where = _monthly_filters(table, choice)
    sums = db.session.execute(select(table.question_id, func.sum(table.people), func.sum(table.wrong))
                              .where(*where).group_by(table.question_id)).all()
    ranked = sorted((row for row in sums if Figure.count(row[1]).suppressed is False),
                    key=lambda row: (-row[2] / row[1], row[0]))[:HARDEST_QUESTIONS]
    texts = dict(db.session.execute(select(Question.id, Question.text)
                                    .where(Question.id.in_([row[0] for row in ranked]))).all()) if ranked else {}
    rows = [Row(texts.get(question_id, ""), str(question_id), [Figure.count(people), Figure.share(wrong, people)])
            for question_id, people, wrong in ranked]
    return Table("questions", _l("Questions answered wrong most often"),
                 _l("In first quiz attempts; only questions answered by at least 5 learners."), _l("Question"), [
                     Column("answered", _l("Answered"), _l("First attempts in which the question was asked.")),
                     Column("wrong_share", _l("Answered wrong"), _l("Share of those answers that were wrong."),
                            "percent")], rows)


def reach_table(choice: Choice, link) -> Table:
    table = OutcomeSnapshot
    where = [table.region_code == choice.region_code, table.course_id == 0, table.measure.in_(REACH)]
    if choice.organisation_id:
        where.append(table.organisation_id == choice.organisation_id)
    values = defaultdict(dict)
    for organisation_id, measure, value in db.session.execute(
            select(table.organisation_id, table.measure, table.value).where(*where)):
        values[organisation_id][measure] = value
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                    .where(Organisation.id.in_([key for key in values if key]))).all())
    names[0] = str(_l("All organisations"))
    rows = []
    for organisation_id in sorted(values, key=lambda key: (key != 0, names.get(key, ""))):
        got = values[organisation_id]
        managers, families, reached = (got.get(measure, 0) for measure in REACH)
        rows.append(Row(names.get(organisation_id, str(organisation_id)), str(organisation_id), [
            Figure.count(managers), Figure.count(families),
            Figure(round(families / managers, 1) if managers else None, min(managers, families), "ratio"),
            Figure.share(reached, families), Figure.count(families - reached)],
            link(organisation_id) if organisation_id else None))
    return Table("reach", _l("Care managers' reach"),
                 _l("Families in groups of this region, and those with learning activity or a recorded visit in the "
                    "30 days before the refresh."), _l("Organisation"), [
                     Column("care_managers", _l("Care managers"), _l("Trainers who own a group with members.")),
                     Column("families", _l("Families"), _l("Members of their groups.")),
                     Column("families_per_care_manager", _l("Families per care manager"),
                            _l("Families divided by care managers."), "ratio"),
                     Column("reached_share", _l("Reached in 30 days"),
                            _l("Share of families with learning activity or a recorded visit in the last 30 days."),
                            "percent"),
                     Column("need_visit", _l("Need a visit"),
                            _l("Families with neither learning activity nor a recorded visit in 30 days.")),
                 ], rows)


def data_values(choice: Choice, course_slug: str | None) -> list[DataValue]:
    """Funnel counts of the region and its children by month: never a value from fewer than 5 people."""
    combo = f"{DATA_ELEMENT_PREFIX}COURSE_{course_slug.upper().replace('-', '_')}" if course_slug \
        else f"{DATA_ELEMENT_PREFIX}ALL_COURSES"
    everyone = Choice(choice.region_code, choice.course_id, 0, choice.first_month, choice.last_month)
    values = []
    for counts in (_counts(everyone, children=False), _counts(everyone, children=True)):
        for (region, measure, period), people in sorted(counts.items()):
            if region == NO_VILLAGE or Figure.count(people).suppressed:
                continue
            values.append(DataValue(f"{DATA_ELEMENT_PREFIX}{measure.upper()}", period.strftime("%Y%m"),
                                    region or "ID", people, combo))
    return values


def programme_report(choice: Choice, *, link_region, link_organisation) -> Report:
    course = db.session.get(Course, choice.course_id) if choice.course_id else None
    organisation = db.session.get(Organisation, choice.organisation_id) if choice.organisation_id else None
    done = refreshed()
    filters = Filters(
        region_code=choice.region_code, region_name=region_names([choice.region_code]).get(choice.region_code, ""),
        course_id=choice.course_id, course_title=course.title if course else str(_l("All courses")),
        organisation_id=choice.organisation_id,
        organisation_name=organisation.name if organisation else str(_l("All organisations")),
        period_from=choice.first_month.strftime("%Y-%m"), period_to=choice.last_month.strftime("%Y-%m"),
        refreshed_at=done.refreshed_at.isoformat() + "Z" if done and done.refreshed_at else "")
    counts = _counts(choice, children=False)
    snapshot = _snapshots(choice, children=False)
    tables = [funnel_table(choice, counts), months_table(choice, counts)]
    summary = Table("summary", _l("Today and on average"), _l("How things stand on the day of the refresh."),
                    _l("Figure"), [Column("value", _l("Value"), _l("The figure."))], [
                        Row(str(_l("Active in the last 30 days")), ACTIVE_30D,
                            [Figure.count(snapshot.get((choice.region_code, ACTIVE_30D), 0))]),
                        Row(str(_l("Holding a valid certificate today")), CERTIFIED_VALID,
                            [Figure.count(snapshot.get((choice.region_code, CERTIFIED_VALID), 0))]),
                        Row(str(_l("Median days from starting a course to its certificate")), "median_days",
                            [median_days(choice)])])
    tables.insert(1, summary)
    if not choice.region_code or len(choice.region_code) < 8:
        tables.append(regions_table(choice, link_region))
    tables += [modules_table(choice), questions_table(choice), reach_table(choice, link_organisation)]
    elements = {f"{DATA_ELEMENT_PREFIX}{step.upper()}": (str(STEP_LABELS[step]), str(STEP_DESCRIPTIONS[step]))
                for step in FUNNEL}
    return Report(filters, tables, elements, data_values(choice, course.slug if course else None))


@dataclass(frozen=True)
class _PublicFigures:
    """The all-time sums behind the public results, as numbers: the same for every visitor until a refresh."""
    counts: dict[tuple[str, str], int]
    valid: dict[str, int]
    hours: dict[str, int]
    completions: dict[str, int]


def _public_figures() -> _PublicFigures:
    counts = defaultdict(int)
    for region, measure, people in db.session.execute(
            select(OutcomeCount.region_code, OutcomeCount.measure, func.sum(OutcomeCount.people))
            .where(OutcomeCount.level <= 1, OutcomeCount.course_id == 0, OutcomeCount.organisation_id == 0,
                   OutcomeCount.measure.in_(("completed", "certified")))
            .group_by(OutcomeCount.region_code, OutcomeCount.measure)):
        counts[region, measure] = people
    valid = dict(db.session.execute(
        select(OutcomeSnapshot.region_code, OutcomeSnapshot.value)
        .where(OutcomeSnapshot.level <= 1, OutcomeSnapshot.course_id == 0, OutcomeSnapshot.organisation_id == 0,
               OutcomeSnapshot.measure == CERTIFIED_VALID)).all())
    hours = defaultdict(int)
    completions = defaultdict(int)
    for region, course_hours, people in db.session.execute(
            select(OutcomeCount.region_code, Course.hours, func.sum(OutcomeCount.people))
            .join(Course, Course.id == OutcomeCount.course_id)
            .where(OutcomeCount.level <= 1, OutcomeCount.organisation_id == 0, OutcomeCount.measure == "completed")
            .group_by(OutcomeCount.region_code, Course.hours)):
        hours[region] += course_hours * people
        completions[region] += people
    return _PublicFigures(dict(counts), valid, dict(hours), dict(completions))


def public_results() -> tuple[Table, OutcomeRefresh | None]:
    """The figures safe to publish, for the country and each province: all time, all courses.

    The sums read every month's rows of the country and its provinces, which grow with the months Rawat has
    run; they change only with a refresh or a course's hours, so they are kept per process under both
    (PUBLIC_RESULTS in lms/caches.py). Region names and the labels are read for each request.
    """
    done = refreshed()
    courses, last_change = db.session.execute(select(func.count(), func.max(Course.updated_at))).one()
    key = (db.engine.url.render_as_string(), done.refreshed_at if done else None, done.as_of if done else None,
           courses, last_change)
    figures = PUBLIC_RESULTS.get_or_load(key, _public_figures)
    counts, valid, hours, completions = figures.counts, figures.valid, figures.hours, figures.completions
    codes = sorted({region for region, _measure in counts} | set(valid))
    names = region_names(codes)
    rows = [Row(names.get(code, code), code or "ID", [
        Figure.count(counts.get((code, "completed"), 0)), Figure.count(counts.get((code, "certified"), 0)),
        Figure.count(valid.get(code, 0)), Figure(hours.get(code, 0), completions.get(code, 0), "count")])
        for code in sorted(codes, key=lambda code: (code != "", code == NO_VILLAGE, names.get(code, code)))]
    table = Table("results", _l("Results by province"), _l("Since Rawat began, every course."), _l("Region"), [
        Column("trained", _l("Trained"), _l("People who completed at least one course.")),
        Column("certified", _l("Certified"), _l("People who received at least one certificate (revoked ones are "
                                                 "not counted).")),
        Column("valid_today", _l("Certificate valid today"), _l("People holding a certificate that is neither "
                                                                "revoked nor expired.")),
        Column("hours", _l("Hours of training completed"), _l("The study hours of every completed course, "
                                                              "added up.")),
    ], rows)
    return table, refreshed()


def published_courses() -> tuple[int, int]:
    """(courses offered, their hours of study in all)."""
    count, hours = db.session.execute(select(func.count(), func.coalesce(func.sum(Course.hours), 0))
                                      .where(Course.is_published.is_(True))).one()
    return count, hours
