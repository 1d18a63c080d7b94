"""The care manager's observation pages: the group's list, the record form (once per client id, the
competent rule, paper confirmation only for family accounts), the learner's past observations and
withdrawal, and who may open them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Role
from lms.cohorts.models import CohortMember
from lms.extensions import db
from lms.practice.models import Observation
from tests.practice.answering import observe, practice_setting

CLIENT_ID_RE = re.compile(r'name="client_id" type="hidden" value="([^"]+)"|name="client_id" value="([^"]+)"')


@pytest.fixture
def setting(make_course, make_user):
    return practice_setting(make_course, make_user)


def record_url(setting, skill=None, learner=None) -> str:
    skill = skill or setting.skills[0]
    learner = learner or setting.learner
    return (f"/kelompok/{setting.cohort.id}/peserta/{learner.id}/amati/{setting.course.slug}/{skill.slug}")


def filled(setting, skill=None, *, result="competent", missing=None, **extra) -> dict:
    """Every step done (but `missing`, a 0-based position, not done), at home, today."""
    skill = skill or setting.skills[0]
    data = {f"step_{step.id}": "not_done" if index == missing else "done" for index, step in enumerate(skill.steps)}
    data.update({"result": result, "place": "home", "note": "Roda dikunci dengan baik."})
    data.update(extra)
    return data


def observations() -> int:
    return db.session.scalar(select(func.count()).select_from(Observation))


def test_the_trainer_records_an_observation_and_a_double_submit_records_it_once(setting, sign_in):
    browser = sign_in(setting.trainer)
    page = browser.get(record_url(setting))
    assert page.status_code == 200 and "Mengunci kedua roda" in page.text and "langkah kritis" in page.text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client_id = next(g for g in CLIENT_ID_RE.search(page.text).groups() if g)
    data = {"csrf_token": token, "client_id": client_id, **filled(setting)}
    first = browser.client.post(record_url(setting), data=data)
    again = browser.client.post(record_url(setting), data=data)  # the same form sent twice
    assert first.status_code == 302 and again.status_code == 302
    assert observations() == 1
    observation = db.session.scalars(select(Observation)).one()
    assert (observation.status, observation.result, observation.learner_id) == ("pending", "competent",
                                                                                  setting.learner.id)
    learner_page = browser.get(first.headers["Location"])
    assert "Memindahkan ke kursi roda" in learner_page.text and "Menunggu" in learner_page.text


def test_competent_without_a_critical_step_is_refused_and_keeps_what_was_entered(setting, sign_in):
    browser = sign_in(setting.trainer)
    response = browser.post_form(record_url(setting), filled(setting, missing=0, note="Catatan saya"))
    assert response.status_code == 400 and observations() == 0
    assert "Catatan saya" in response.text  # nothing lost
    assert re.search(r'value="not_done"\s+data-critical="1"\s+checked', response.text)
    assert "kritis" in response.text.lower()
    # "not yet" with the critical step missed is what happened: recorded
    assert browser.post_form(record_url(setting), filled(setting, missing=0, result="not_yet")).status_code == 302
    assert observations() == 1


def test_a_missing_step_or_a_bad_date_is_shown_next_to_its_field(setting, sign_in):
    browser = sign_in(setting.trainer)
    data = filled(setting)
    data.pop(f"step_{setting.skills[0].steps[1].id}")
    assert browser.post_form(record_url(setting), data).status_code == 400
    for day in ("2001-01-01", "kemarin", "2999-12-31"):
        response = browser.post_form(record_url(setting), filled(setting, observed_on=day))
        assert response.status_code == 400, day
    assert observations() == 0


def test_paper_confirmation_is_only_for_a_family_account(setting, sign_in):
    browser = sign_in(setting.trainer)
    page = browser.get(record_url(setting))
    assert 'name="confirmed_on_paper"' not in page.text  # the learner has a phone of their own
    response = browser.post_form(record_url(setting), filled(setting, confirmed_on_paper="y"))
    assert response.status_code == 400 and observations() == 0
    member = db.session.scalars(select(CohortMember).where(CohortMember.user_id == setting.learner.id)).one()
    member.joined_via = "created"
    db.session.commit()
    assert 'name="confirmed_on_paper"' in browser.get(record_url(setting)).text
    assert browser.post_form(record_url(setting), filled(setting, confirmed_on_paper="y")).status_code == 302
    observation = db.session.scalars(select(Observation)).one()
    assert observation.status == "confirmed" and observation.confirmed_on_paper and observation.from_paper


def test_strangers_see_nothing(setting, sign_in, make_user):
    outsider = sign_in(make_user(Role.TRAINER))
    learner = sign_in(setting.learner)
    for browser in (outsider, learner):
        assert browser.get(record_url(setting)).status_code == 404
        assert browser.get(f"/kelompok/{setting.cohort.id}/pengamatan").status_code == 404
    anonymous = sign_in(make_user()).client
    anonymous.post("/keluar")
    assert outsider.post_form(record_url(setting), filled(setting), form_url="/").status_code in (400, 404)
    # a learner who is not in the group, and an unknown skill
    stranger = make_user()
    trainer = sign_in(setting.trainer)
    assert trainer.get(record_url(setting, learner=stranger)).status_code == 404
    assert trainer.get(record_url(setting).rsplit("/", 1)[0] + "/tidak-ada").status_code == 404
    assert observations() == 0


def test_an_admin_looks_but_does_not_record_in_a_group_they_do_not_lead(setting, sign_in):
    admin = sign_in(Role.ADMIN)
    assert admin.get(f"/kelompok/{setting.cohort.id}/pengamatan").status_code == 200
    assert admin.get(f"/kelompok/{setting.cohort.id}/peserta/{setting.learner.id}/pengamatan/"
                     f"{setting.course.slug}").status_code == 200
    assert admin.get(record_url(setting)).status_code == 404


def test_posting_without_the_csrf_token_is_refused(setting, sign_in):
    browser = sign_in(setting.trainer)
    response = browser.client.post(record_url(setting), data={"csrf_token": "forged", **filled(setting)})
    assert response.status_code == 400 and observations() == 0


def test_the_group_page_lists_learners_and_skills_with_their_state(setting, sign_in):
    observe(setting, setting.skills[1], answer_with=True)
    page = sign_in(setting.trainer).get(f"/kelompok/{setting.cohort.id}/pengamatan")
    assert page.status_code == 200
    assert "Siti Aminah" in page.text and record_url(setting) in page.text
    assert "1 dari 3" in page.text
    cohort_learner_page = sign_in(setting.trainer).get(f"/kelompok/{setting.cohort.id}/peserta/{setting.learner.id}")
    assert f"/pengamatan/{setting.course.slug}" in cohort_learner_page.text


def test_the_observer_withdraws_a_pending_observation_once(setting, sign_in):
    observation = observe(setting, setting.skills[0])
    browser = sign_in(setting.trainer)
    learner_url = f"/kelompok/{setting.cohort.id}/peserta/{setting.learner.id}/pengamatan/{setting.course.slug}"
    withdraw_url = f"/kelompok/{setting.cohort.id}/pengamatan/{observation.id}/tarik"
    assert browser.post_form(withdraw_url, form_url=learner_url).status_code == 302
    db.session.refresh(observation)
    assert observation.status == "withdrawn"
    answered = observe(setting, setting.skills[1], answer_with=True)
    page = browser.get(learner_url)
    assert f"/pengamatan/{answered.id}/tarik" not in page.text  # answered: no button
    response = browser.post_form(f"/kelompok/{setting.cohort.id}/pengamatan/{answered.id}/tarik",
                                 form_url=learner_url, follow_redirects=True)
    db.session.refresh(answered)
    assert answered.status == "confirmed" and response.status_code == 200
