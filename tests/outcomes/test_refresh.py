"""The roll-ups equal a from-scratch count in Python of the same records, at every level, after random
activity; a second refresh changes nothing; and new activity shows after the next refresh."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.cohorts.reach import is_reached
from lms.courses.models import Enrollment, Module
from lms.extensions import db
from lms.outcomes.models import OutcomeCount, OutcomeDuration, OutcomeModuleScore, OutcomeQuestion, OutcomeSnapshot
from lms.organisations.models import Organisation
from lms.outcomes.services import refresh_outcomes
from lms.practice.models import Observation
from lms.practice.reports import COUNTED
from lms.quizzes.models import Attempt, AttemptQuestion, Pretest, PretestModuleScore, Quiz
from tests.outcomes.conftest import NOW

OFFSET = timedelta(hours=7)  # Asia/Jakarta


def month(moment) -> date:
    return (moment + OFFSET).date().replace(day=1)


def places(village: str | None):
    """(region code, level, parent) of every level a person is counted at."""
    if village is None:
        return [("-", 1, ""), ("", 0, None)]
    district = village[:8]
    return [(district, 3, district[:5]), (district[:5], 2, district[:2]), (district[:2], 1, ""), ("", 0, None)]


class People:
    def __init__(self):
        learners = db.session.scalars(select(User).where(User.role == Role.LEARNER.value)).all()
        self.village = {user.id: user.village_code for user in learners}
        self.created = {user.id: user.created_at for user in learners}
        self.organisations = defaultdict(set)
        for user_id, organisation_id in db.session.execute(
                select(CohortMember.user_id, Cohort.organisation_id).join(Cohort)
                .where(Cohort.organisation_id.is_not(None))):
            self.organisations[user_id].add(organisation_id)

    def keys(self, user_id):
        for region, level, parent in places(self.village[user_id]):
            for organisation in (0, *sorted(self.organisations[user_id])):
                yield region, level, parent, organisation


def expected_counts(people: People) -> Counter:
    events = defaultdict(dict)  # measure -> (user, course) -> first moment
    for enrollment in db.session.scalars(select(Enrollment)):
        events["started"][enrollment.user_id, enrollment.course_id] = enrollment.enrolled_at
        if enrollment.completed_at:
            events["completed"][enrollment.user_id, enrollment.course_id] = enrollment.completed_at
    for certificate in db.session.scalars(select(Certificate).where(Certificate.revoked_at.is_(None))):
        key = certificate.user_id, certificate.course_id
        events["certified"][key] = min(events["certified"].get(key, certificate.issued_at), certificate.issued_at)
    counts = Counter()
    for user_id, created in people.created.items():
        for region, _level, _parent, organisation in people.keys(user_id):
            counts[region, 0, organisation, "registered", month(created)] += 1
    for measure, firsts in events.items():
        any_course = {}
        for (user_id, course_id), moment in firsts.items():
            any_course[user_id] = min(any_course.get(user_id, moment), moment)
            for region, _level, _parent, organisation in people.keys(user_id):
                counts[region, course_id, organisation, measure, month(moment)] += 1
        for user_id, moment in any_course.items():
            for region, _level, _parent, organisation in people.keys(user_id):
                counts[region, 0, organisation, measure, month(moment)] += 1
    return counts


def expected_module_scores(people: People) -> Counter:
    sums = Counter()
    module_course = dict(db.session.execute(select(Module.id, Module.course_id)).all())
    rows = [(a.user_id, quiz.module_id, "first", a.score, int(bool(a.passed)), a.submitted_at)
            for a, quiz in db.session.execute(select(Attempt, Quiz).join(Quiz).where(Attempt.number == 1))]
    rows += [(p.user_id, score.module_id, "pretest", score.score, 0, p.submitted_at)
             for p, score in db.session.execute(select(Pretest, PretestModuleScore).join(PretestModuleScore))]
    for user_id, module_id, measure, score, passed, moment in rows:
        for region, _level, _parent, organisation in people.keys(user_id):
            key = (region, organisation, module_course[module_id], module_id, measure, month(moment))
            sums[key + ("people",)] += 1
            sums[key + ("score_sum",)] += score
            sums[key + ("passed",)] += passed
    return sums


def actual_module_scores() -> Counter:
    sums = Counter()
    for row in db.session.scalars(select(OutcomeModuleScore)):
        key = (row.region_code, row.organisation_id, row.course_id, row.module_id, row.measure, row.period)
        sums[key + ("people",)], sums[key + ("score_sum",)], sums[key + ("passed",)] = (
            row.people, row.score_sum, row.passed)
    return +sums


def expected_questions(people: People) -> Counter:
    counts = Counter()
    for item, attempt, course_id in db.session.execute(
            select(AttemptQuestion, Attempt, Module.course_id).join(Attempt).join(Quiz).join(Module)
            .where(Attempt.number == 1)):
        for region, _level, _parent, organisation in people.keys(attempt.user_id):
            key = (region, organisation, course_id, item.question_id, month(attempt.submitted_at))
            counts[key + ("people",)] += 1
            counts[key + ("wrong",)] += 0 if item.is_correct else 1
    return +counts


def actual_counts() -> Counter:
    return Counter({(row.region_code, row.course_id, row.organisation_id, row.measure, row.period): row.people
                    for row in db.session.scalars(select(OutcomeCount))})


def test_roll_ups_equal_a_recount_after_random_activity(activity):
    activity(seed=7)
    refresh_outcomes(NOW)
    db.session.commit()
    people = People()
    expected = expected_counts(people)
    assert sum(1 for key in expected if key[3] == "certified") > 10  # the random data reaches every step
    assert actual_counts() == expected
    assert actual_module_scores() == +expected_module_scores(people)
    questions = Counter()
    for row in db.session.scalars(select(OutcomeQuestion)):
        key = (row.region_code, row.organisation_id, row.course_id, row.question_id, row.period)
        questions[key + ("people",)], questions[key + ("wrong",)] = row.people, row.wrong
    assert +questions == expected_questions(people)
    # every row names its level and parent as the region tree does
    for row in db.session.scalars(select(OutcomeCount)):
        assert (row.region_code, row.level, row.parent_code) in {
            place for user_id in people.village for place in places(people.village[user_id])}

    before = {table: sorted(map(tuple, db.session.execute(select(table.__table__)).all()))
              for table in (OutcomeCount, OutcomeDuration, OutcomeModuleScore, OutcomeQuestion, OutcomeSnapshot)}
    refresh_outcomes(NOW)
    db.session.commit()
    after = {table: sorted(map(tuple, db.session.execute(select(table.__table__)).all())) for table in before}
    assert after == before

    activity(seed=8, learners=15)
    refresh_outcomes(NOW)
    db.session.commit()
    assert actual_counts() == expected_counts(People())


def test_snapshots_and_durations(activity):
    activity(seed=3)
    refresh_outcomes(NOW)
    db.session.commit()
    people = People()
    since = NOW - timedelta(days=30)
    active = defaultdict(set)
    for enrollment in db.session.scalars(select(Enrollment).where(Enrollment.last_activity_at >= since)):
        active[enrollment.course_id].add(enrollment.user_id)
        active[0].add(enrollment.user_id)
    expected = Counter()
    for course_id, users in active.items():
        for user_id in users:
            for region, _level, _parent, organisation in people.keys(user_id):
                expected[region, course_id, organisation] += 1
    actual = Counter({(row.region_code, row.course_id, row.organisation_id): row.value
                      for row in db.session.scalars(select(OutcomeSnapshot)
                                                    .where(OutcomeSnapshot.measure == "active_30d"))})
    assert actual == expected

    enrolled = {(e.user_id, e.course_id): e.enrolled_at for e in db.session.scalars(select(Enrollment))}
    durations = Counter()
    for certificate in db.session.scalars(select(Certificate).where(Certificate.revoked_at.is_(None))):
        days = ((certificate.issued_at + OFFSET).date()
                - (enrolled[certificate.user_id, certificate.course_id] + OFFSET).date()).days
        for region, _level, _parent, organisation in people.keys(certificate.user_id):
            for course_id in (certificate.course_id, 0):
                durations[region, course_id, organisation, month(certificate.issued_at), days] += 1
    assert Counter({(r.region_code, r.course_id, r.organisation_id, r.period, r.days): r.people
                    for r in db.session.scalars(select(OutcomeDuration))}) == durations


@pytest.mark.parametrize("command", [["lms", "outcomes", "refresh"]])
def test_the_command_refreshes_and_says_so(activity, runner, command):
    activity(seed=1, learners=10)
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert "outcome_counts" in result.output
    assert db.session.scalar(select(OutcomeCount.people).where(OutcomeCount.region_code == "",
                                                               OutcomeCount.measure == "registered").limit(1))


def test_reach_follows_the_group_pages_rule(activity):
    """Care managers, families and families reached per place equal a recount with lms.cohorts.reach, the rule
    the group page lists who needs a visit by: learning in the group's courses or a visit that counts."""
    activity(seed=11)
    refresh_outcomes(NOW)
    db.session.commit()
    follows = defaultdict(set)
    for cohort_id, course_id in db.session.execute(select(CohortCourse.cohort_id, CohortCourse.course_id)):
        follows[cohort_id].add(course_id)
    activity_at = {(e.user_id, e.course_id): e.last_activity_at for e in db.session.scalars(select(Enrollment))}
    visits = defaultdict(list)
    for observation in db.session.scalars(select(Observation).where(Observation.status.in_(COUNTED))):
        visits[observation.learner_id].append(observation.observed_at)
    sets = defaultdict(set)
    statuses = Counter()
    for member, group, organisation_region in db.session.execute(
            select(CohortMember, Cohort, Organisation.region_code).join(Cohort, Cohort.id == CohortMember.cohort_id)
            .outerjoin(Organisation, Organisation.id == Cohort.organisation_id)):
        learned = max((activity_at[member.user_id, course] for course in follows[group.id]
                       if (member.user_id, course) in activity_at), default=None)
        reached = is_reached(learned, max(visits[member.user_id], default=None), NOW)
        statuses[reached] += 1
        code = group.region_code or organisation_region
        regions = [""] + ([code[:2]] if code else ["-"]) + [code[:n] for n in (5, 8) if code and len(code) >= n]
        for region in regions:
            for organisation in {0, group.organisation_id or 0}:
                sets[region, organisation, "care_managers"].add(group.owner_id)
                sets[region, organisation, "families"].add(member.user_id)
                if reached:
                    sets[region, organisation, "families_reached"].add(member.user_id)
    assert statuses[True] > 3 and statuses[False] > 3  # the random data has both
    expected = Counter({key: len(people) for key, people in sets.items()})
    actual = Counter({(row.region_code, row.organisation_id, row.measure): row.value
                      for row in db.session.scalars(select(OutcomeSnapshot).where(
                          OutcomeSnapshot.measure.in_(["care_managers", "families", "families_reached"])))})
    assert +actual == +expected
