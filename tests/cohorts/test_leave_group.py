"""A learner leaves a group themselves (withdrawing consent to its care manager's view): from that moment the
care manager's group page, the learner's page, the CSV and the observation pages show nothing of them."""
from __future__ import annotations

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.extensions import db
from tests.practice.answering import observe, practice_setting


def trainer_views(setting) -> dict[str, str]:
    cohort, learner, course, skill = setting.cohort, setting.learner, setting.course, setting.skills[0]
    return {
        "group": f"/kelompok/{cohort.id}",
        "csv": f"/kelompok/{cohort.id}/laporan.csv",
        "learner": f"/kelompok/{cohort.id}/peserta/{learner.id}",
        "observations": f"/kelompok/{cohort.id}/pengamatan",
        "learner observations": f"/kelompok/{cohort.id}/peserta/{learner.id}/pengamatan/{course.slug}",
        "record": f"/kelompok/{cohort.id}/peserta/{learner.id}/amati/{course.slug}/{skill.slug}",
        "reset code": f"/kelompok/{cohort.id}/anggota/{learner.id}/kode-reset",
    }


def test_leaving_ends_the_care_managers_view_at_once(make_course, make_user, sign_in):
    setting = practice_setting(make_course, make_user)
    observe(setting, setting.skills[0], note="Roda dikunci.")
    trainer = sign_in(setting.trainer, lang="en")
    views = trainer_views(setting)
    for name, url in views.items():
        response = trainer.get(url)
        assert response.status_code == 200, name
        if name != "reset code":
            assert "Siti Aminah" in response.get_data(as_text=True), name

    learner = sign_in(setting.learner, lang="en")
    groups = learner.get("/profil").get_data(as_text=True)
    assert setting.cohort.name in groups and f"/kelompok-saya/{setting.cohort.id}/keluar" in groups
    confirm = learner.get(f"/kelompok-saya/{setting.cohort.id}/keluar").get_data(as_text=True)
    assert "Ibu Ani" in confirm and "Leave the group" in confirm and 'name="csrf_token"' in confirm
    response = learner.post_form(f"/kelompok-saya/{setting.cohort.id}/keluar")
    assert response.status_code == 302
    assert "You have left" in learner.get("/kelompok-saya").get_data(as_text=True)

    for name in ("group", "csv", "observations"):
        body = trainer.get(views[name]).get_data(as_text=True)
        assert "Siti Aminah" not in body, name
    for name in ("learner", "learner observations", "record"):
        assert trainer.get(views[name]).status_code == 404, name
    assert trainer.get(views["reset code"]).status_code == 403
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cohort.member_left"))
    assert entry.actor_id == setting.learner.id and entry.target_id == str(setting.cohort.id)


def test_leaving_needs_a_post_with_its_csrf_token_and_a_group_of_ones_own(make_course, make_user, sign_in):
    setting = practice_setting(make_course, make_user)
    learner = sign_in(setting.learner, lang="en")
    learner.client.post(f"/kelompok-saya/{setting.cohort.id}/keluar", data={})
    trainer = sign_in(setting.trainer, lang="en")
    assert "Siti Aminah" in trainer.get(f"/kelompok/{setting.cohort.id}").get_data(as_text=True)
    stranger = sign_in(lang="en")
    assert stranger.get(f"/kelompok-saya/{setting.cohort.id}/keluar").status_code == 404
    assert stranger.client.get("/kelompok-saya/999999/keluar").status_code == 404
