"""A person's copy: every row Rawat holds about them, nothing of anyone else, readable on a phone."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.extensions import db
from lms.personal_data import archive
from lms.personal_data.export import SECTIONS
from tests.personal_data.conftest import read_zip


def rows_of(table_name: str, column_name: str, user_id: int) -> set[int]:
    """The primary keys of the table's rows where the column is the person (what the copy's records call "id")."""
    found = db.metadata.tables[table_name]
    key = list(found.primary_key.columns)[0]
    return set(db.session.scalars(select(key).where(found.c[column_name] == user_id)))


def test_the_copy_holds_every_row_about_the_learner_and_none_of_the_other(world):
    me, other = world.learners
    data, summary, files = read_zip(archive.build(me).data)
    theirs, _summary, _files = read_zip(archive.build(other).data)
    checked = 0
    for section in SECTIONS:
        exported = {record["id"] for record in data[section.key] if "id" in record}
        for column_name in section.columns:
            mine = rows_of(section.table, column_name, me.id)
            assert mine <= exported, (section.key, column_name, mine - exported)
            assert not rows_of(section.table, column_name, other.id) & exported, (section.key, column_name)
            checked += bool(mine)
    # the world leaves data in every table a learner can have
    for key in ("group_memberships", "enrollments", "lesson_completions", "offline_lesson_marks", "quiz_passes",
                "quiz_attempts", "pretests", "skill_observations", "skills_seen_done", "certificates", "sessions",
                "password_reset_codes", "audit_log", "group_invitations"):
        assert data[key], key
    assert checked >= 12
    text = json.dumps(data, ensure_ascii=False) + summary
    for leaked in (other.full_name, other.phone, world.trainer.phone, me.password_hash, "token_hash", "code_hash"):
        assert leaked not in text, leaked
    assert me.full_name in text and me.phone in data["profile"]["phone"]
    assert theirs["profile"]["id"] == other.id and me.full_name not in json.dumps(theirs, ensure_ascii=False)


def test_answers_observations_groups_and_certificates_are_told_in_full(world):
    me, _other = world.learners
    data, summary, files = read_zip(archive.build(me).data)
    failed, passed = data["quiz_attempts"]
    assert (failed["passed"], passed["passed"]) == (False, True)
    assert failed["questions"][0]["question"] == "Apa yang benar?"
    assert failed["questions"][0]["answer"] == ["Jawaban salah"] and failed["questions"][0]["answered_right"] is False
    assert sorted(failed["questions"][0]["options_shown"]) == ["Jawaban benar", "Jawaban salah"]
    assert data["pretests"][0]["questions"][0]["question"] == "Apa yang benar?"
    [observation] = data["skill_observations"]
    assert observation["observer"] == "Ibu Pendamping Ani" and observation["status"] == "confirmed"
    assert [step["seen"] for step in observation["steps"]] == ["done"] * 3
    assert observation["steps"][0] == {"step": "Membasahi tangan", "critical": True, "seen": "done"}
    [group] = data["group_memberships"]
    assert group == {**group, "group": "Posyandu Melati", "care_manager": "Ibu Pendamping Ani"}
    [certificate] = data["certificates"]
    public_id = world.certificates[0].public_id
    assert certificate["public_id"] == public_id and certificate["status"] == "valid"
    assert files[f"sertifikat/{public_id}.pdf"].startswith(b"%PDF")
    credential = json.loads(files[f"kredensial/{public_id}.json"])
    assert "OpenBadgeCredential" in credential["type"] and credential["proof"]
    assert certificate["files"] == {"pdf": f"sertifikat/{public_id}.pdf", "credential": f"kredensial/{public_id}.json"}
    # the summary: Indonesian, one file with nothing from elsewhere, fit for a phone
    assert '<html lang="id">' in summary and "Data saya di Rawat" in summary
    assert 'name="viewport"' in summary
    for outside in ("<link", "<script", "src=", "url(", "@import"):
        assert outside not in summary, outside
    assert "Posyandu Melati" in summary and "Ibu Pendamping Ani" in summary and public_id in summary


def test_a_care_managers_copy_holds_their_groups_but_none_of_their_learners(world):
    data, summary, _files = read_zip(archive.build(world.trainer).data)
    assert {group["name"] for group in data["groups_you_accompany"]} == {"Posyandu Melati", "Posyandu Mawar"}
    text = json.dumps(data, ensure_ascii=False) + summary
    for learner in world.learners:
        assert learner.full_name not in text and learner.phone not in text
    # what they did to others is there as a fact, without whom it was about
    recorded = [entry for entry in data["audit_log"] if entry["action"] == "observation.recorded"]
    assert len(recorded) == 2 and all("label" not in entry and "details" not in entry for entry in recorded)


def test_every_read_of_a_copy_uses_an_index_that_leads_with_the_person(app):
    """Against a national database: each exported reference to users.id leads an index or a unique constraint."""
    from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint

    for section in SECTIONS:
        for column_name in section.columns:
            found = db.metadata.tables[section.table]
            leading = {list(index.columns)[0].name for index in found.indexes}
            leading |= {list(c.columns)[0].name for c in found.constraints
                        if isinstance(c, UniqueConstraint | PrimaryKeyConstraint) and c.columns}
            assert column_name in leading, (section.table, column_name)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TRAINER, Role.LEARNER])
def test_an_empty_account_gets_a_copy_too(make_user, role):
    data, summary, files = read_zip(archive.build(make_user(role)).data)
    assert set(files) == {"data-saya.json", "ringkasan-data-saya.html"}
    assert data["format"] == "rawat-personal-data/1" and data["certificates"] == []


def test_the_copy_holds_the_requests_about_the_person_from_the_erasure_feature(make_user):
    """Requests to delete the account and to an administrator (lms/erasure, read by name from the metadata)."""
    from lms.erasure import privacy, services

    me, other = make_user(full_name="Siti Meminta"), make_user(full_name="Budi Lain")
    services.ask(me, "kata sandi aman 1", "keep")
    mine = privacy.file_request("dispute", "Nilai kuis saya salah dicatat.", about=me, filed_by=me)
    privacy.file_request("dispute", "Punya Budi.", about=other, filed_by=other)
    db.session.commit()
    data, _summary, _files = read_zip(archive.build(me).data)
    assert [record["user_id"] for record in data["account_deletion"]] == [me.id]
    assert [record["id"] for record in data["requests_to_an_administrator"]] == [mine.id]
    assert data["requests_to_an_administrator"][0]["message"] == "Nilai kuis saya salah dicatat."
    theirs, _summary, _files = read_zip(archive.build(other).data)
    assert theirs["account_deletion"] == [] and "Nilai kuis saya" not in json.dumps(theirs, ensure_ascii=False)


def test_data_saya_and_the_copy_show_the_privacy_consents(make_user, sign_in):
    """The notices the person agreed to (accounts' privacy_consents): on the page (consent_summary) and in the copy."""
    learner = make_user(full_name="Siti Setuju")
    data, _summary, _files = read_zip(archive.build(learner).data)
    assert [record["notice_version"] for record in data["privacy_consents"]] == [1]
    html = sign_in(learner, lang="en").get("/profil/data-saya").get_data(as_text=True)
    assert "Your agreement to the privacy notice" in html and "Version 1, agreed on" in html
