"""Journey 5: joining a group takes the learner's consent; a family without a phone gets an account.

A care manager invites a mobile number; the group page shows the number, not the person. The
owner of the number signs in on a phone, is told of the invitation, opens it and accepts; only
then does the care manager see her. The care manager then makes an account for a family without
a phone; the family chooses its password with the one-time code and signs in with the sign-in ID.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import check_accessibility
from tests.e2e.test_trainer_journey import sign_in
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.e2e

TRAINER_PHONE, LEARNER_PHONE = "+6281355500001", "+6281455500002"
GROUP, LEARNER = "Dusun Krajan", "Siti Rohmah"


@pytest.fixture
def people(live_server):
    from sqlalchemy import select

    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.cohorts.services import create_cohort
    from lms.courses.models import Course
    from lms.extensions import db

    with live_server.app.app_context():
        trainer = register_user("Bu Ratna", "phone", TRAINER_PHONE, DEFAULT_PASSWORD, role=Role.TRAINER,
                                consent=ADULT_CONSENT)
        register_user(LEARNER, "phone", LEARNER_PHONE, DEFAULT_PASSWORD, consent=ADULT_CONSENT)
        course = db.session.scalars(select(Course).order_by(Course.id)).first()
        cohort_id = create_cohort(trainer, GROUP, "", [course.id]).id
        db.session.commit()
        db.session.remove()
    return cohort_id


def test_an_invitation_is_accepted_before_the_care_manager_sees_anything(live_server, new_page, people, shots):
    cohort_id = people
    trainer = new_page()
    trainer.goto(live_server("/masuk"))
    sign_in(trainer, "081355500001")
    trainer.goto(live_server(f"/kelompok/{cohort_id}"))
    trainer.get_by_label("Nomor HP peserta").fill("0814-5550-0002")
    trainer.get_by_role("button", name="Kirim undangan").click()
    trainer.wait_for_load_state()
    body = trainer.content()
    assert "Undangan dikirim ke 0814-5550-0002" in body and LEARNER not in body
    assert "Undangan yang belum dijawab" in body
    shots(trainer, "trainer-invitation-sent")

    learner = new_page()
    learner.goto(live_server("/masuk"))
    sign_in(learner, "081455500002")
    assert f"Anda diundang bergabung: {GROUP}." in learner.content()
    learner.get_by_role("link", name="Lihat undangan").click()
    learner.wait_for_load_state()
    assert "Bu Ratna" in learner.content()
    shots(learner, "learner-invitations")
    check_accessibility(learner, "invitations")
    learner.get_by_role("button", name="Terima dan bergabung").click()
    learner.wait_for_load_state()
    assert f"Anda sudah bergabung ke {GROUP}" in learner.content()

    trainer.reload()
    assert LEARNER in trainer.content() and "Undangan yang belum dijawab" not in trainer.content()


def test_a_family_without_a_phone_gets_an_account_from_its_care_manager(live_server, new_page, people, shots):
    cohort_id = people
    trainer = new_page()
    trainer.goto(live_server("/masuk"))
    sign_in(trainer, "081355500001")
    trainer.goto(live_server(f"/kelompok/{cohort_id}"))
    trainer.get_by_role("link", name="Buat akun untuk keluarga tanpa HP").click()
    trainer.wait_for_load_state()
    check_accessibility(trainer, "family account form")
    trainer.get_by_label("Nama lengkap anggota keluarga yang merawat").fill("Mbah Surti")
    trainer.get_by_role("button", name="Buat akun").click()
    trainer.wait_for_load_state()
    shots(trainer, "family-account-ready")
    check_accessibility(trainer, "family account ready")
    login_id, code = re.findall(r'<dd class="join-code">([A-Z0-9-]+)</dd>', trainer.content())

    family = new_page()
    family.goto(live_server(f"/atur-ulang-sandi?kode={code}"))
    family.get_by_label("Kata sandi baru", exact=True).fill("sandi keluarga surti 3")
    family.get_by_label("Ulangi kata sandi baru").fill("sandi keluarga surti 3")
    family.get_by_role("button", name="Simpan kata sandi baru").click()
    family.wait_for_load_state()
    family.get_by_label("Nomor HP atau e-mail").fill(login_id)
    family.get_by_label("Kata sandi", exact=True).fill("sandi keluarga surti 3")
    family.get_by_role("button", name="Masuk", exact=True).click()
    family.wait_for_load_state()
    # An account someone else made has agreed to nothing yet: the privacy notice comes first.
    assert "/privasi/setuju?next=" in family.url
    check_accessibility(family, "consent page")
    family.get_by_label("Saya berumur 17 tahun atau lebih").check()
    family.get_by_label("Saya sudah membaca pemberitahuan privasi dan setuju.").check()
    family.get_by_role("button", name="Setuju dan lanjutkan").click()
    family.wait_for_load_state()
    assert family.url.endswith("/dasbor")
    family.goto(live_server("/profil"))
    assert login_id in family.content()
    shots(family, "family-profile")
    check_accessibility(family, "profile")
