"""Where each skill stands for a learner, on the course page and the dashboard: competent, tried and not yet
(with the steps to practise and the note), waiting for the learner's answer, or not observed. Rejected and
withdrawn observations never count."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from lms.accounts.models import Role
from lms.cohorts.models import CohortMember
from lms.extensions import db
from lms.practice.services import ObservationInput, record_observation, withdraw
from lms.practice.states import COMPETENT, NOT_OBSERVED, NOT_YET, PENDING, course_skill_states, skill_summaries
from lms.timeutil import utcnow
from tests.ops.test_query_counts import counted_statements
from tests.practice.answering import evening_days_ago, jakarta_day_in_english, observe, practice_setting


@pytest.fixture
def setting(make_course, make_user):
    return practice_setting(make_course, make_user)


def kinds(setting) -> list[str]:
    states = course_skill_states(setting.learner.id, setting.course.id)
    return [states[skill.id].kind if skill.id in states else NOT_OBSERVED for skill in setting.skills]


def skill_block(html: str, title: str) -> str:
    """The course page's article of one skill."""
    start = html.index(f">{title}</h3>")
    end = html.find('<article class="skill"', start)
    return html[start:end if end != -1 else len(html)]


def test_each_state_from_the_observations_that_count(setting):
    wheel, hands, turning = setting.skills
    assert kinds(setting) == [NOT_OBSERVED] * 3
    observe(setting, wheel)
    observe(setting, hands, result="not_yet", not_done=[0], answer_with=True)
    assert kinds(setting) == [PENDING, NOT_YET, NOT_OBSERVED]
    observe(setting, wheel, answer_with=True)
    observe(setting, turning, result="not_yet", not_done=[0], answer_with=False)  # rejected: does not count
    assert kinds(setting) == [COMPETENT, NOT_YET, NOT_OBSERVED]


def test_rejected_and_withdrawn_observations_do_not_count(setting):
    wheel, hands, turning = setting.skills
    observe(setting, wheel, answer_with=False)
    withdrawn = observe(setting, hands)
    withdraw(withdrawn, setting.trainer)
    db.session.commit()
    # a rejected competent one does not beat a confirmed not-yet
    observe(setting, turning, answer_with=False)
    observe(setting, turning, result="not_yet", not_done=[0], answer_with=True)
    assert kinds(setting) == [NOT_OBSERVED, NOT_OBSERVED, NOT_YET]


def test_competent_once_is_competent_and_the_latest_confirmed_decides_otherwise(setting):
    wheel, hands, _turning = setting.skills
    observe(setting, wheel, observed_at=evening_days_ago(10), answer_with=True)
    observe(setting, wheel, result="not_yet", not_done=[0], observed_at=evening_days_ago(2), answer_with=True)
    # not yet, then not yet again with other steps: the latest one tells what to practise
    observe(setting, hands, result="not_yet", not_done=[0, 1], observed_at=evening_days_ago(9), answer_with=True)
    latest = observe(setting, hands, result="not_yet", not_done=[0], observed_at=evening_days_ago(3),
                     note="Basahi dulu.", answer_with=True)
    observe(setting, hands)  # a new one waits: the state stays "not yet" until it is confirmed
    states = course_skill_states(setting.learner.id, setting.course.id)
    assert states[wheel.id].kind == COMPETENT
    assert states[hands.id].kind == NOT_YET and states[hands.id].shown.id == latest.id
    assert [step.text for step in states[hands.id].to_practise] == ["Membasahi tangan"]
    assert states[hands.id].waiting == 1


def test_the_course_page_shows_each_state(setting, sign_in):
    wheel, hands, turning = setting.skills
    moment = evening_days_ago(5)
    observe(setting, wheel, observed_at=moment, answer_with=True)
    observe(setting, hands, result="not_yet", not_done=[0], not_seen=[2], note="Sabun habis.", answer_with=True)
    observe(setting, turning)
    browser = sign_in(setting.learner, lang="en")
    html = browser.get(f"/kursus/{setting.course.slug}").get_data(as_text=True)
    competent = skill_block(html, wheel.title)
    assert "Competent" in competent and f"Seen by Ibu Ani on {jakarta_day_in_english(moment)}." in competent
    not_yet = skill_block(html, hands.title)
    assert "Tried, not yet competent" in not_yet and "Practise these steps:" in not_yet
    practise = not_yet[not_yet.index("Practise these steps:"):not_yet.index("</ul>")]
    assert "Membasahi tangan" in practise and "Mengeringkan tangan" in practise and "not seen" in practise
    assert "Memakai sabun" not in practise  # done
    assert "Note from your care manager: Sabun habis." in not_yet
    waiting = skill_block(html, turning.title)
    assert "Waiting for your answer" in waiting and 'href="/pengamatan"' in waiting


def test_a_skill_nobody_observed_says_so_but_not_to_a_care_manager(setting, sign_in):
    html = sign_in(setting.learner, lang="en").get(f"/kursus/{setting.course.slug}").get_data(as_text=True)
    assert html.count("Not observed yet") == 3
    html = sign_in(Role.TRAINER, lang="en").get(f"/kursus/{setting.course.slug}").get_data(as_text=True)
    assert "Not observed yet" not in html and "Practical skills" in html


def test_paper_confirmation_is_said_where_the_state_is_shown(setting, make_user, sign_in):
    family = make_user(full_name="Keluarga Tanpa HP")
    db.session.add(CohortMember(cohort_id=setting.cohort.id, user_id=family.id, joined_via="created"))
    db.session.commit()
    skill = setting.skills[0]
    record_observation(setting.trainer, family, skill, ObservationInput(
        client_id=str(uuid.uuid4()), steps={step.id: "done" for step in skill.steps}, result="competent",
        place="home", observed_at=utcnow() - timedelta(days=1), confirmed_on_paper=True))
    db.session.commit()
    states = course_skill_states(family.id, setting.course.id)
    assert states[skill.id].kind == COMPETENT and states[skill.id].shown.confirmed_on_paper
    html = sign_in(family, lang="en").get(f"/kursus/{setting.course.slug}").get_data(as_text=True)
    assert "Confirmed by signing the paper sheet." in skill_block(html, skill.title)


def test_the_dashboard_sums_up_each_practice_course(setting, sign_in, make_course):
    wheel, hands, turning = setting.skills
    observe(setting, wheel, answer_with=True)
    observe(setting, hands, result="not_yet", not_done=[0], answer_with=True)
    observe(setting, turning)
    plain = make_course("kursus-tanpa-praktik")
    browser = sign_in(setting.learner, lang="en")
    browser.post_form(f"/kursus/{plain.slug}/mulai", form_url=f"/kursus/{plain.slug}")
    html = browser.get("/dasbor").get_data(as_text=True)
    assert html.count("Skills: ") == 1  # none for the course without practice
    assert "Skills: 1 of 3 competent · 1 to practise again · " in html and "1 waiting for your answer" in html
    summary = skill_summaries(setting.learner.id)[setting.course.id]
    assert (summary.total, summary.competent, summary.not_yet, summary.waiting) == (3, 1, 1, 1)


def test_the_summary_counts_only_current_skills_of_enrolled_courses(setting, make_course, make_user):
    wheel = setting.skills[0]
    observe(setting, wheel, answer_with=True)
    wheel.retired_at = utcnow()
    db.session.commit()
    assert skill_summaries(setting.learner.id)[setting.course.id].total == 2
    assert skill_summaries(setting.learner.id)[setting.course.id].competent == 0
    not_enrolled = practice_setting(make_course, make_user, slug="kursus-lain", enrolled=False)
    assert not_enrolled.course.id not in skill_summaries(not_enrolled.learner.id)


def observation_statements(statements) -> list[str]:
    return [s for s in statements if "skill_observation" in s]


def test_the_course_page_reads_states_in_two_queries_however_many_skills_and_records(setting, sign_in):
    browser = sign_in(setting.learner, lang="en")
    url = f"/kursus/{setting.course.slug}"

    def measure() -> tuple[int, int]:
        with counted_statements() as statements:
            html = browser.get(url).get_data(as_text=True)
        return len(statements), len(observation_statements(statements)), html

    observe(setting, setting.skills[0], result="not_yet", not_done=[1], answer_with=True)
    measure()  # the first visit fills the process caches
    few_total, few, _html = measure()
    for skill in setting.skills:
        for _ in range(3):
            observe(setting, skill, result="not_yet", not_done=[1], answer_with=True)
            observe(setting, skill)
    many_total, many, html = measure()
    assert (few_total, few) == (many_total, many) and few == 2
    assert len(re.findall("Tried, not yet competent", html)) == 3
