"""The whole practice journey in a real browser: a care manager saves her group for a home visit, goes
offline, records an observation, comes back online and it is sent once; the learner confirms it from her
own phone; the certificate of a course whose practice is required appears, with the skill on it."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.accounts.privacy import ADULT_CONSENT
from lms.accounts.services import register_user
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort, CohortCourse, CohortMember
from lms.courses.importer import import_content
from lms.courses.models import Course, Lesson, Skill
from lms.courses.services import mark_lesson_done
from lms.extensions import db
from lms.practice.models import Observation
from lms.timeutil import utcnow
from tests.factories import write_course
from tests.e2e.browser import sign_in_through_form

pytestmark = pytest.mark.e2e

PASSWORD = "kata sandi aman 1"
TRAINER_PHONE, LEARNER_PHONE = "+6281299990011", "+6281299990012"
SKILL = {"id": "pindah-ke-kursi", "title": "Memindahkan ke kursi roda", "why": "Banyak lansia jatuh saat pindah.",
         "steps": [{"text": "Mengunci kedua roda", "critical": True}, "Menjelaskan apa yang dilakukan",
                   {"text": "Menahan lutut saat berdiri", "critical": True}, "Menanyakan apakah nyaman"]}


def _set_up(live_server, tmp_path) -> dict:
    """A course whose practice is required (one lesson, one skill); the learner has read the lesson."""
    with live_server.app.app_context():
        import_content(write_course(tmp_path / "content", "kursus-praktik", course={"practice": "required"}, modules=[
            {"slug": "modul-satu", "title": "Modul Satu", "skills": [SKILL],
             "lessons": [{"slug": "pelajaran-a", "title": "Pelajaran A", "body": "Isi.\n"}]}]))
        course = db.session.scalar(select(Course).where(Course.slug == "kursus-praktik"))
        trainer = register_user("Ibu Ani Pendamping", "phone", TRAINER_PHONE, PASSWORD, role=Role.TRAINER,
                                locale="en", consent=ADULT_CONSENT)
        learner = register_user("Siti Aminah", "phone", LEARNER_PHONE, PASSWORD, locale="en", consent=ADULT_CONSENT)
        db.session.flush()
        cohort = Cohort(name="Posyandu Melati", owner_id=trainer.id, join_code="MELATI77")
        db.session.add(cohort)
        db.session.flush()
        db.session.add_all([CohortCourse(cohort_id=cohort.id, course_id=course.id),
                            CohortMember(cohort_id=cohort.id, user_id=learner.id, joined_via="code")])
        mark_lesson_done(learner.id, db.session.scalar(select(Lesson).where(Lesson.course_id == course.id)))
        db.session.commit()
        ids = {"cohort": cohort.id, "learner": learner.id, "course": course.slug,
               "skill": db.session.scalar(select(Skill.slug).where(Skill.course_id == course.id))}
        db.session.remove()
    return ids


def _observations(live_server) -> list[Observation]:
    with live_server.app.app_context():
        rows = db.session.scalars(select(Observation)).all()
        db.session.expunge_all()
        db.session.remove()
    return rows


def _certificate(live_server, learner_id: int) -> Certificate | None:
    with live_server.app.app_context():
        certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner_id))
        db.session.expunge_all()
        db.session.remove()
    return certificate


def sign_in(page, live_server, phone: str) -> None:
    sign_in_through_form(page, live_server, phone, PASSWORD, lang="en")


def observe_offline(page, live_server, ids: dict, shots) -> float:
    """The care manager's part: save the group, record offline, send online. Returns when it was recorded."""
    sign_in(page, live_server, TRAINER_PHONE)
    group_url = live_server(f"/kelompok/{ids['cohort']}/pengamatan")
    record_url = live_server(f"/kelompok/{ids['cohort']}/peserta/{ids['learner']}/amati/{ids['course']}/{ids['skill']}")
    page.goto(group_url)
    page.get_by_role("button", name="Save for offline use").click()
    page.get_by_text("Saved on this phone. You can open this page and record observations without signal.").wait_for()
    shots(page, "group-saved")

    page.context.set_offline(True)
    page.goto(record_url)  # from the phone
    assert page.locator("h1").inner_text() == SKILL["title"]
    for radio in page.locator('input[type=radio][value="done"]').all():
        radio.check()
    page.locator('input[name=result][value="competent"]').check()
    page.locator('input[name=place][value="home"]').check()
    page.locator("textarea[name=note]").fill("Roda dikunci sebelum berdiri. Bagus.")
    shots(page, "form-offline")
    made = time.time()
    page.get_by_role("button", name="Save the observation").click()
    page.get_by_text("No signal: the observation is kept on this phone").wait_for()
    page.wait_for_url(group_url)
    page.locator("[data-observe-waiting] .badge.waiting").first.wait_for()
    assert page.locator("[data-observe-waiting] li").count() == 1
    shots(page, "group-waiting")
    assert _observations(live_server) == []  # nothing reached the server yet

    time.sleep(1.5)  # the observation keeps the time it was made, not the time it arrives
    page.context.set_offline(False)
    page.get_by_text("The observations made without signal were sent.").wait_for()
    deadline = time.monotonic() + 10
    while not _observations(live_server) and time.monotonic() < deadline:
        time.sleep(0.2)
    page.reload()  # a second page load finds nothing left to send
    assert page.locator("[data-observe-waiting]").is_hidden()
    return made


def test_observed_offline_sent_once_confirmed_and_on_the_certificate(live_server, new_page, shots, tmp_path):
    ids = _set_up(live_server, tmp_path)
    trainer_page = new_page(locale="en-US")
    made = observe_offline(trainer_page, live_server, ids, shots)
    [observation] = _observations(live_server)
    assert observation.status == "pending" and observation.result == "competent"
    assert abs((observation.observed_at - (utcnow() - timedelta(seconds=time.time() - made))).total_seconds()) < 1.5
    assert observation.recorded_at > observation.observed_at
    assert _certificate(live_server, ids["learner"]) is None  # it does not count before she confirms

    learner_page = new_page(locale="en-US")
    sign_in(learner_page, live_server, LEARNER_PHONE)
    learner_page.goto(live_server("/dasbor"))
    learner_page.get_by_role("link", name="Read and answer").click()
    assert "Ibu Ani Pendamping noted that you performed Memindahkan ke kursi roda" in learner_page.content()
    shots(learner_page, "learner-confirms")
    learner_page.get_by_role("button", name="Yes, that is right").click()
    learner_page.get_by_text("Thank you. You confirmed the record.").wait_for()

    certificate = _certificate(live_server, ids["learner"])
    assert certificate is not None
    learner_page.goto(live_server(f"/verifikasi/{certificate.public_id}"))
    text = learner_page.locator("main").inner_text()
    assert "Observed skills" in text and SKILL["title"] in text and "Ibu Ani Pendamping" in text
    shots(learner_page, "verification-with-skill")
