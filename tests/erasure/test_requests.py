"""Requests that need a person go to the administrators' queue: the legal deadline (received + 3 × 24 hours)
shown and overdue ones highlighted, keyset pages oldest first, every step in the audit log, the status for the
learner."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.erasure.models import PrivacyRequest
from lms.erasure.privacy import file_request
from lms.extensions import db
from lms.timeutil import frozen_at, utcnow

MESSAGE = "Saya ibunya. Anak saya berumur 15 tahun; tolong hapus akunnya."


def steps_logged(request_id: int) -> list[str]:
    return [entry.action for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "privacy_request", AuditEntry.target_id == str(request_id))
        .order_by(AuditEntry.id))]


def test_a_learner_files_a_request_and_follows_it_to_its_answer(sign_in):
    learner = sign_in(lang="en")
    response = learner.post_form("/profil/permintaan", {"kind": "guardian", "message": MESSAGE})
    assert response.status_code == 302
    request = db.session.scalar(select(PrivacyRequest))
    assert (request.user_id, request.filed_by_id, request.status) == (learner.user.id, learner.user.id, "received")
    page = learner.get("/profil/permintaan").get_data(as_text=True)
    assert f"Request number {request.id}" in page and "Received" in page and "Answer by" in page

    admin = sign_in(Role.ADMIN, lang="en")
    detail = f"/admin/permintaan/{request.id}"
    assert admin.post_form(f"{detail}/ambil", form_url=detail).status_code == 302
    assert "Being handled" in learner.get("/profil/permintaan").get_data(as_text=True)
    assert admin.post_form(f"{detail}/jawab", {"answer": "Akun anak Ibu sudah kami hapus."},
                           form_url=detail).status_code == 302
    mine = learner.get("/profil/permintaan").get_data(as_text=True)
    assert "Answered" in mine and "Akun anak Ibu sudah kami hapus." in mine
    assert admin.post_form(f"{detail}/tutup", form_url=detail).status_code == 302
    assert f"Request number {request.id}" not in admin.get("/admin/permintaan").get_data(as_text=True)
    assert steps_logged(request.id) == ["privacy_request.received", "privacy_request.taken",
                                        "privacy_request.answered", "privacy_request.closed"]
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == "privacy_request")):
        assert "ibunya" not in f"{entry.target_label} {entry.details}"  # the log holds no words of the request
    # a step out of order is refused, and said so
    again = admin.post_form(f"{detail}/jawab", {"answer": "Lagi."}, form_url=detail, follow_redirects=True)
    assert "Someone else moved this request on" in again.get_data(as_text=True)
    assert steps_logged(request.id)[-1] == "privacy_request.closed"


def test_the_queue_shows_the_deadline_and_highlights_overdue_requests(sign_in, make_user):
    learner = make_user()
    now = utcnow().replace(microsecond=0)
    with frozen_at(now - timedelta(hours=72, minutes=1)):
        late = file_request("dispute", MESSAGE, about=learner, filed_by=learner)
    with frozen_at(now - timedelta(hours=71, minutes=59)):
        fresh = file_request("correction", MESSAGE, about=learner, filed_by=learner)
    db.session.commit()
    admin = sign_in(Role.ADMIN, lang="en")
    page = admin.get("/admin/permintaan").get_data(as_text=True)
    cards = re.findall(r'<li class="card( overdue)?">(.*?)</li>', page, re.S)
    assert [(f"Request number {late.id}" in card, f"Request number {fresh.id}" in card)
            for _mark, card in cards] == [(True, False), (False, True)]  # oldest first
    (late_mark, late_card), (fresh_mark, fresh_card) = cards
    assert late_mark and "Overdue" in late_card and "Answer was due" in late_card
    assert not fresh_mark and "Overdue" not in fresh_card and "Answer by" in fresh_card
    # the deadline is three days of 24 hours after it was received
    assert late.deadline == late.received_at + timedelta(hours=72)
    detail = admin.get(f"/admin/permintaan/{late.id}").get_data(as_text=True)
    assert "Overdue" in detail and MESSAGE in detail
    # answered in time or late, it is no longer overdue
    admin.post_form(f"/admin/permintaan/{late.id}/jawab", {"answer": "Sudah kami periksa dan betulkan."},
                    form_url=f"/admin/permintaan/{late.id}")
    assert "Overdue" not in admin.get("/admin/permintaan").get_data(as_text=True)


def test_the_queue_is_read_in_keyset_pages_oldest_first(app, sign_in, make_user):
    learner = make_user()
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    made = []
    for n in range(12):
        with frozen_at(start + timedelta(minutes=n // 2)):  # pairs at the same moment: the id breaks the tie
            made.append(file_request("other", f"{MESSAGE} {n}", about=learner, filed_by=learner).id)
    db.session.commit()
    admin = sign_in(Role.ADMIN, lang="en")
    previous, app.config["PRIVACY_REQUESTS_PER_PAGE"] = app.config["PRIVACY_REQUESTS_PER_PAGE"], 5
    try:
        seen, url = [], "/admin/permintaan"
        while url:
            body = admin.get(url).get_data(as_text=True)
            seen += [int(number) for number in re.findall(r"<strong>Request number (\d+)</strong>", body)]
            following = re.search(r'<a rel="next" href="([^"]+)"', body)
            url = html.unescape(following.group(1)) if following else None
        assert seen == made
        back = re.search(r'<a rel="prev" href="([^"]+)"', body)
        earlier = admin.get(html.unescape(back.group(1))).get_data(as_text=True)
        assert [int(n) for n in re.findall(r"<strong>Request number (\d+)</strong>", earlier)] == made[5:10]
    finally:
        app.config["PRIVACY_REQUESTS_PER_PAGE"] = previous


def test_an_admin_records_a_request_on_someones_behalf(sign_in, make_user):
    minor = make_user(phone="+6281366655544")
    admin = sign_in(Role.ADMIN, lang="en")
    unknown = admin.post_form("/admin/permintaan/baru", {"kind": "guardian", "account": "0813-9999-0000",
                                                          "message": MESSAGE})
    assert unknown.status_code == 400 and "No account uses this" in unknown.get_data(as_text=True)
    response = admin.post_form("/admin/permintaan/baru", {"kind": "guardian", "account": "0813-6665-5544",
                                                           "contact": "0812 1111 2222 (ibu)", "message": MESSAGE})
    assert response.status_code == 302
    request = db.session.scalar(select(PrivacyRequest))
    assert (request.user_id, request.filed_by_id) == (minor.id, admin.user.id) and request.contact
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy_request.received"))
    assert entry.details.get("on_behalf") is True and entry.actor_id == admin.user.id


@pytest.mark.parametrize("data, message", [
    ({"kind": "guardian", "message": ""}, "Write your request."),
    ({"kind": "guardian", "message": "pendek"}, "Write between 10 and 2000 characters."),
    ({"kind": "warna", "message": MESSAGE}, "Not a valid choice."),
])
def test_bad_input_re_renders_with_a_message(sign_in, data, message):
    learner = sign_in(lang="en")
    response = learner.post_form("/profil/permintaan", data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(PrivacyRequest)) is None


def test_only_administrators_see_the_queue_and_learners_only_their_own_requests(sign_in, make_user):
    other = make_user(full_name="Orang Lain")
    file_request("dispute", "Data saya salah, tolong periksa.", about=other, filed_by=other)
    db.session.commit()
    for role in (Role.LEARNER, Role.TRAINER, Role.PROGRAMME):
        browser = sign_in(role, lang="en")
        assert browser.get("/admin/permintaan").status_code == 403, role
        assert browser.get("/admin/permintaan/1").status_code == 403, role
    learner = sign_in(lang="en")
    assert "Data saya salah" not in learner.get("/profil/permintaan").get_data(as_text=True)
