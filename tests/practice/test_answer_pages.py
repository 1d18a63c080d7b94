"""The learner answers an observation from their own account: the page that asks, the two buttons, only
their own, once, and the dashboard notice that sends them there."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.cohorts.models import CohortMember
from lms.courses.services import enroll
from lms.extensions import db
from lms.practice.models import Observation
from lms.practice.services import withdraw
from tests.ops.test_query_counts import counted_statements
from tests.practice.answering import evening_days_ago, jakarta_day_in_english, observe, practice_setting


@pytest.fixture
def setting(make_course, make_user):
    return practice_setting(make_course, make_user)


def answer_url(observation, reply):
    return f"/pengamatan/{observation.id}/{reply}"


def status_of(observation) -> str:
    return db.session.scalar(select(Observation.status).where(Observation.id == observation.id))


def test_the_page_asks_whether_the_record_is_right(setting, sign_in):
    moment = evening_days_ago(4)
    observation = observe(setting, setting.skills[0], result="not_yet", not_done=[2], not_seen=[3],
                          note="Lutut belum ditahan.", observed_at=moment, place="posyandu")
    browser = sign_in(setting.learner, lang="en")
    html = browser.get("/pengamatan").get_data(as_text=True)
    assert (f"Ibu Ani noted that you performed Memindahkan ke kursi roda on {jakarta_day_in_english(moment)}. "
            "Is that right?") in html
    assert "Course: " in html and setting.course.title in html
    assert "the Posyandu" in html and "Not yet competent" in html and "Lutut belum ditahan." in html
    assert "Menahan lutut saat berdiri" in html and "not done" in html and "not seen" in html
    # two buttons, each a POST form with its CSRF token
    forms = re.findall(r'<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf_token" value="[^"]+">',
                       html)
    assert set(forms) >= {answer_url(observation, "benar"), answer_url(observation, "tidak")}


def test_confirming_through_the_page(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    response = browser.post_form(answer_url(observation, "benar"), form_url="/pengamatan")
    assert response.status_code == 302 and response.headers["Location"].endswith("/pengamatan")
    assert status_of(observation) == "confirmed"
    html = browser.get("/pengamatan").get_data(as_text=True)
    assert "You confirmed the record." in html and "No record is waiting for your answer." in html
    assert db.session.scalar(select(AuditEntry.actor_id).where(AuditEntry.action == "observation.confirmed")
                             ) == setting.learner.id


def test_rejecting_through_the_page_tells_that_an_admin_will_look(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    response = browser.post_form(answer_url(observation, "tidak"), form_url="/pengamatan", follow_redirects=True)
    assert "An administrator will look at this record." in response.get_data(as_text=True)
    assert status_of(observation) == "rejected"


@pytest.mark.parametrize("who", ["other learner", "observer", "admin"])
def test_only_the_observed_learner_may_answer(setting, sign_in, make_user, who):
    observation = observe(setting, setting.skills[0])
    account = {"other learner": lambda: make_user(), "observer": lambda: setting.trainer,
               "admin": lambda: make_user(Role.ADMIN)}[who]()
    browser = sign_in(account, lang="en")
    assert "Memindahkan ke kursi roda" not in browser.get("/pengamatan").get_data(as_text=True)
    for reply in ("benar", "tidak"):
        assert browser.post_form(answer_url(observation, reply), form_url="/pengamatan").status_code == 404
    assert status_of(observation) == "pending"


def test_an_unknown_observation_or_answer_is_a_404(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    assert browser.post_form(f"/pengamatan/{observation.id + 1000}/benar", form_url="/pengamatan").status_code == 404
    assert browser.post_form(answer_url(observation, "mungkin"), form_url="/pengamatan").status_code == 404
    assert browser.get(answer_url(observation, "benar")).status_code == 405
    assert status_of(observation) == "pending"


def test_answering_twice_says_it_was_answered(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    browser.post_form(answer_url(observation, "benar"), form_url="/pengamatan")
    response = browser.post_form(answer_url(observation, "tidak"), form_url="/pengamatan", follow_redirects=True)
    assert response.status_code == 200
    assert "You already answered this record." in response.get_data(as_text=True)
    assert status_of(observation) == "confirmed"
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ["observation.confirmed", "observation.rejected"]))).all()) == 1


def test_a_withdrawn_observation_cannot_be_answered(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    form_page = browser.get("/pengamatan")  # the page was open when the care manager took the record back
    assert withdraw(observation, setting.trainer) is True
    db.session.commit()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page.get_data(as_text=True)).group(1)
    response = browser.client.post(answer_url(observation, "benar"), data={"csrf_token": token},
                                   follow_redirects=True)
    assert response.status_code == 200
    assert "took this record back" in response.get_data(as_text=True)
    assert status_of(observation) == "withdrawn"


def test_answering_without_the_csrf_token_is_refused(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.learner, lang="en")
    assert browser.client.post(answer_url(observation, "benar")).status_code == 400
    assert browser.client.post(answer_url(observation, "benar"), data={"csrf_token": "forged"}).status_code == 400
    assert status_of(observation) == "pending"


def test_a_visitor_is_sent_to_sign_in(setting, client):
    response = client.get("/pengamatan")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_dashboard_tells_of_waiting_records_until_they_are_answered(setting, sign_in):
    first = observe(setting, setting.skills[0])
    observe(setting, setting.skills[1])
    browser = sign_in(setting.learner, lang="en")
    html = browser.get("/dasbor").get_data(as_text=True)
    assert "2 records from your care manager are waiting for your answer." in html
    assert 'href="/pengamatan"' in html
    browser.post_form(answer_url(first, "benar"), form_url="/pengamatan")
    assert "1 record from your care manager is waiting" in browser.get("/dasbor").get_data(as_text=True)


def test_no_notice_without_a_waiting_record(setting, sign_in):
    observe(setting, setting.skills[0], answer_with=True)
    observe(setting, setting.skills[1], answer_with=False)
    html = sign_in(setting.learner, lang="en").get("/dasbor").get_data(as_text=True)
    assert "waiting for your answer" not in html


def observation_statements(statements) -> list[str]:
    return [s for s in statements if "skill_observation" in s]


def test_the_dashboard_reads_observations_in_two_queries_however_many(setting, sign_in, make_course, make_user):
    """One count for the notice, one for every course's skill summary: not one per course, skill or record."""
    other = practice_setting(make_course, make_user, slug="kursus-kedua")  # a second practice course
    db.session.add(CohortMember(cohort_id=other.cohort.id, user_id=setting.learner.id, joined_via="code"))
    enroll(setting.learner.id, other.course)
    db.session.commit()
    other.learner = setting.learner
    browser = sign_in(setting.learner, lang="en")
    observe(setting, setting.skills[0])

    def measure() -> tuple[int, int]:
        with counted_statements() as statements:
            assert browser.get("/dasbor").status_code == 200
        return len(statements), len(observation_statements(statements))

    measure()  # the first visit fills the course outline cache (COURSE_OUTLINES)
    few = measure()
    for skill in setting.skills:
        observe(setting, skill, answer_with=True)
        observe(setting, skill)
    for skill in other.skills:
        observe(other, skill, result="not_yet", not_done=[1], answer_with=True)
    many = measure()
    assert few == many and few[1] == 2


def test_a_dashboard_without_practice_courses_counts_only_the_waiting_records(sign_in, make_course):
    course = make_course()
    browser = sign_in(lang="en")
    browser.post_form(f"/kursus/{course.slug}/mulai", form_url=f"/kursus/{course.slug}")
    with counted_statements() as statements:
        assert browser.get("/dasbor").status_code == 200
    assert len(observation_statements(statements)) == 1
