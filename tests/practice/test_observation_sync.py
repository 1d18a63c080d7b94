"""Observations a care manager's phone recorded without signal, sent later as JSON: each recorded once however
often it is sent, with the time it was made; anything malformed is a JSON 400, never a 500."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.extensions import db
from lms.practice.models import Observation
from lms.timeutil import utcnow
from tests.practice.answering import practice_setting

SYNC = "/api/v1/observations/sync"


@pytest.fixture
def setting(make_course, make_user):
    return practice_setting(make_course, make_user)


def token_of(browser) -> str:
    page = browser.get("/dasbor").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def item(setting, of=None, **changes) -> dict:
    skill = of or setting.skills[0]
    made = (utcnow() - timedelta(days=2)).replace(microsecond=0)
    value = {"id": str(uuid.uuid4()), "cohort": setting.cohort.id, "learner": setting.learner.id,
             "course": setting.course.slug, "skill": skill.slug,
             "steps": {str(step.id): "done" for step in skill.steps}, "result": "competent", "place": "posyandu",
             "observed_at": made.isoformat() + "Z", "note": "Di rumah Bu Siti.", "from_paper": False,
             "confirmed_on_paper": False}
    value.update(changes)
    return value


def send(browser, body, token=None):
    return browser.client.post(SYNC, json=body, headers={"X-CSRFToken": token or token_of(browser)})


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation))


def test_a_batch_sent_three_times_records_each_observation_once_at_the_time_it_was_made(setting, sign_in):
    browser = sign_in(setting.trainer)
    batch = {"observations": [item(setting), item(setting, setting.skills[1])]}
    answers = [send(browser, batch) for _ in range(3)]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert sorted(answers[0].get_json()["recorded"]) == sorted(o["id"] for o in batch["observations"])
    assert answers[2].get_json() == {"recorded": [], "already": [o["id"] for o in batch["observations"]]}
    assert count() == 2
    first = db.session.scalars(select(Observation).where(Observation.client_id == batch["observations"][0]["id"])).one()
    made = batch["observations"][0]["observed_at"].removesuffix("Z")
    assert first.observed_at.isoformat() == made and first.recorded_at > first.observed_at
    assert (first.place, first.status) == ("posyandu", "pending")


@pytest.mark.parametrize("body", [
    None, [], "x", {"observations": "x"}, {"observations": []}, {"observations": [1]},
    {"observations": [{"id": "x"}]}, {"other": []},
])
def test_malformed_batches_get_a_json_error(setting, sign_in, body):
    browser = sign_in(setting.trainer)
    response = send(browser, body)
    assert response.status_code == 400 and response.get_json()["error"]["message"]
    assert count() == 0


@pytest.mark.parametrize("change", [
    {"steps": {}}, {"steps": "done"}, {"steps": {"999999": "done"}}, {"result": "hebat"}, {"place": 3},
    {"note": "x" * 501}, {"observed_at": "kemarin"}, {"observed_at": "2999-01-01T00:00:00Z"}, {"id": "bukan-uuid"},
    {"cohort": "1"}, {"learner": 10**12}, {"skill": "tidak-ada"}, {"from_paper": "ya"}, {"extra": 1},
    {"confirmed_on_paper": True},
])
def test_a_wrong_observation_refuses_the_batch_and_says_which(setting, sign_in, change):
    browser = sign_in(setting.trainer)
    good, bad = item(setting, setting.skills[1]), item(setting, **change)
    response = send(browser, {"observations": [good, bad]})
    assert response.status_code == 400, response.get_data(as_text=True)
    problems = response.get_json()["error"]["observations"]
    assert problems and {p["index"] for p in problems} == {1}
    assert count() == 0  # all or nothing


def test_a_lone_surrogate_is_refused_before_anything_is_read(setting, sign_in):
    browser = sign_in(setting.trainer)
    body = '{"observations": [{"id": "\\ud800"}]}'
    response = browser.client.post(SYNC, data=body, content_type="application/json",
                                   headers={"X-CSRFToken": token_of(browser)})
    assert response.status_code == 400 and response.get_json()["error"]["message"]


def test_competent_without_the_critical_steps_is_refused(setting, sign_in):
    skill = setting.skills[0]
    steps = {str(step.id): "done" for step in skill.steps}
    steps[str(skill.steps[0].id)] = "not_seen"
    response = send(sign_in(setting.trainer), {"observations": [item(setting, steps=steps)]})
    assert response.status_code == 400
    assert response.get_json()["error"]["observations"][0]["code"] == "critical_step_missing"


def test_only_the_groups_own_trainer_may_send(setting, sign_in, make_user):
    for who in (make_user(Role.TRAINER), setting.learner):
        browser = sign_in(who)
        response = send(browser, {"observations": [item(setting)]})
        assert response.status_code in (400, 403) and response.get_json()["error"]
    assert count() == 0


def test_a_phone_that_sends_too_often_is_told_to_wait(setting, sign_in):
    browser = sign_in(setting.trainer)
    token = token_of(browser)
    statuses = [send(browser, {"observations": []}, token).status_code for _ in range(31)]
    assert statuses[:30] == [400] * 30 and statuses[30] == 429


def test_the_csrf_token_is_required(setting, sign_in):
    browser = sign_in(setting.trainer)
    token_of(browser)
    response = browser.client.post(SYNC, json={"observations": [item(setting)]}, headers={"X-CSRFToken": "forged"})
    assert response.status_code == 400 and count() == 0


def test_whatever_is_sent_the_answer_is_json_and_never_a_server_error(setting, sign_in):
    """Property-based: observation-shaped batches with wrong values anywhere (hypothesis)."""
    from hypothesis import given
    from hypothesis import strategies as st

    from lms.extensions import rate_limits
    from tests.ops.test_fuzz_json_api import ANY_JSON, FIELD, FUZZ

    browser = sign_in(setting.trainer)
    token = token_of(browser)
    real = item(setting)
    shaped = st.fixed_dictionaries({key: st.one_of(st.just(value), FIELD) for key, value in real.items()},
                                   optional={"extra": ANY_JSON})
    batches = st.one_of(ANY_JSON, st.fixed_dictionaries({"observations": st.lists(st.one_of(shaped, ANY_JSON),
                                                                                  max_size=4)}))

    @FUZZ
    @given(payload=batches)
    def check(payload):
        rate_limits.reset()  # the per-trainer limit is not what this test is about
        response = send(browser, payload, token)
        assert response.status_code in (200, 400, 413), (response.status_code, response.get_data(as_text=True)[:300])
        assert response.mimetype == "application/json"

    check()
