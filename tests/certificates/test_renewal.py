"""Renewal: after expiry, passing every module quiz again (attempts started after the expiry) issues the next cycle."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.certificates.queries import certificate_status, latest_certificate
from lms.certificates.services import renew_if_eligible, renewal_state, revoke
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.quizzes.services import AttemptRefused, eligibility, start_attempt, submit_attempt
from tests.certificates.fixtures import QUIZ_MODULES, years_ago
from tests.conftest import Browser


def right_answers(attempt: Attempt) -> dict[int, list[int]]:
    answers = {}
    for item in attempt.items:
        correct = [o.id for o in item.question.options if o.is_correct]
        answers[item.id] = correct[:1]
    return answers


def pass_quiz(user, quiz: Quiz, *, now=None) -> Attempt:
    attempt = start_attempt(user.id, quiz, now=now)
    assert submit_attempt(attempt, right_answers(attempt), now=now)
    db.session.commit()
    return attempt


def quizzes_of(course) -> list[Quiz]:
    from lms.courses.models import Module

    return list(db.session.scalars(select(Quiz).join(Module).where(Module.course_id == course.id)
                                   .order_by(Module.position)))


@pytest.fixture
def expired(certify, make_user):
    """A learner whose certificate for a course with two module quizzes expired a year ago."""
    user = make_user(full_name="Siti Aminah", phone="+6281200000001")
    certificate = certify(user=user, completed_at=years_ago(3), validity=24, modules=QUIZ_MODULES)
    assert certificate_status(certificate) == "expired"
    return user, certificate


def test_renewal_needs_every_quiz_passed_again_after_the_expiry(expired):
    user, old = expired
    course = old.course
    first, second = quizzes_of(course)
    pass_quiz(user, first, now=years_ago(2).replace(month=2))  # before the expiry: does not count
    state = renewal_state(user.id, course)
    assert state is not None and [q.id for q in state.remaining] == [first.id, second.id]
    pass_quiz(user, first)
    state = renewal_state(user.id, course)
    assert [q.id for q in state.remaining] == [second.id] and not state.can_renew
    assert renew_if_eligible(user, course) is None
    pass_quiz(user, second)
    new = renew_if_eligible(user, course)
    db.session.commit()
    assert new is not None and new.cycle == 2 and new.renews_id == old.id and new.public_id != old.public_id
    assert certificate_status(new) == "valid" and latest_certificate(user.id, course.id).id == new.id
    assert renew_if_eligible(user, course) is None  # once per cycle


def test_the_learner_is_shown_how_to_renew_and_gets_the_new_certificate(app, expired):
    user, old = expired
    course = old.course
    browser = Browser(app.test_client())
    browser.client.set_cookie("lang", "en")
    browser.login("081200000001")
    page = browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert "To renew it, pass the module quizzes of this course again." in page
    assert "Passed since it expired: 0 of 2." in page and "Take the quiz: Modul Satu" in page
    for quiz in quizzes_of(course):
        pass_quiz(user, quiz)
    page = browser.get("/dasbor").get_data(as_text=True)
    assert "Get my renewed certificate" in page
    response = browser.post_form("/kursus/kursus-uji/sertifikat/perpanjang", form_url="/dasbor")
    assert response.status_code == 302
    new = latest_certificate(user.id, course.id)
    assert new.cycle == 2 and new.renews_id == old.id
    page = browser.get("/kursus/kursus-uji").get_data(as_text=True)
    assert f"/sertifikat/{new.public_id}/unduh" in page
    # The verifier of the old ID learns it was renewed.
    html = browser.get(f"/verifikasi/{old.public_id}").get_data(as_text=True)
    assert 'data-status="expired"' in html and new.public_id in html


def test_renewing_too_early_is_refused_kindly(app, expired):
    user, _old = expired
    browser = Browser(app.test_client())
    browser.client.set_cookie("lang", "en")
    browser.login("081200000001")
    response = browser.post_form("/kursus/kursus-uji/sertifikat/perpanjang", form_url="/kursus/kursus-uji",
                                 follow_redirects=True)
    assert "cannot be renewed yet" in response.get_data(as_text=True)


def test_valid_or_revoked_certificates_are_not_renewed(certify, make_user):
    user = make_user()
    certificate = certify(user=user, modules=QUIZ_MODULES, completed_at=years_ago(0))
    assert renewal_state(user.id, certificate.course) is None
    other = make_user()
    old = certify(user=other, modules=QUIZ_MODULES, completed_at=years_ago(3))
    revoke(old, "Dicabut.")
    assert renewal_state(other.id, old.course) is None and renew_if_eligible(other, old.course) is None


def test_an_attempt_limit_used_up_long_ago_does_not_block_renewal(expired):
    """max_attempts counts the attempts of the current allowance: after an expiry the quizzes open again."""
    user, old = expired
    first, second = quizzes_of(old.course)
    first.max_attempts = 2
    db.session.commit()
    long_ago = years_ago(3).replace(day=2)
    for _ in range(2):  # the original certification used up the allowance
        attempt = start_attempt(user.id, first, now=long_ago)
        submit_attempt(attempt, {item.id: [] for item in attempt.items}, now=long_ago)
    db.session.commit()
    assert eligibility(user.id, first).attempts_left == 2  # the certificate has expired since
    pass_quiz(user, first)
    pass_quiz(user, second)
    assert renew_if_eligible(user, old.course) is not None
    db.session.commit()
    # With a valid certificate again, the limit counts every attempt: none left.
    state = eligibility(user.id, first)
    assert state.attempts_left == 0 and state.refusal == "no_attempts_left"
    with pytest.raises(AttemptRefused):
        start_attempt(user.id, first)


def test_the_attempt_limit_still_holds_while_the_certificate_is_valid(certify, make_user):
    user = make_user()
    certificate = certify(user=user, modules=QUIZ_MODULES, completed_at=years_ago(0))
    quiz = quizzes_of(certificate.course)[0]
    quiz.max_attempts = 1
    db.session.commit()
    pass_quiz(user, quiz)
    assert eligibility(user.id, quiz).refusal == "no_attempts_left"
