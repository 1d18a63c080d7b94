"""Staff opening a learner's data is in the audit log, and the learner sees who, what and when (90 days)."""
from __future__ import annotations

import html as html_text
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from lms.accounts.models import Role
from lms.audit.access import record_access
from lms.audit.models import AuditEntry
from lms.cohorts.services import add_member, remove_member
from lms.extensions import db
from lms.timeutil import utcnow

PAGE = "/profil/data-saya"


def access_list(browser) -> list[str]:
    """The entries of "Who opened your data", as text, newest first."""
    html = browser.get(PAGE).get_data(as_text=True)
    section = html.split('id="access-h"')[1]
    return [html_text.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip())
            for item in re.findall(r'<li class="card audit-entry">(.*?)</li>', section, re.S)]


def entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_an_admin_opening_a_learners_page_is_listed_for_that_learner_only(world, sign_in, make_user):
    me, other = world.learners
    admin = sign_in(Role.ADMIN, full_name="Pak Admin Budi", phone="+6281199990001")
    assert admin.get(f"/kelompok/{world.cohort.id}/peserta/{me.id}").status_code == 200
    assert admin.get(f"/kelompok/{world.cohort.id}/peserta/{me.id}").status_code == 200  # a reload: one entry
    [entry] = entries("user.data_viewed")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.user.id, "user", str(me.id))
    assert entry.details == {"page": "group_learner", "cohort": "Posyandu Melati"}
    [shown] = access_list(sign_in(me, lang="en"))
    assert "Pak Admin Budi" in shown and "Administrator" in shown
    assert "Your page in the group Posyandu Melati" in shown
    assert "+6281199990001" not in shown and "08119999" not in shown
    assert access_list(sign_in(other, lang="en")) == []


def test_the_care_managers_own_views_and_other_pages_with_one_persons_data(world, sign_in):
    me, _other = world.learners
    trainer = sign_in(world.trainer)
    assert trainer.get(f"/kelompok/{world.cohort.id}/peserta/{me.id}").status_code == 200
    assert trainer.get(f"/kelompok/{world.cohort.id}/peserta/{me.id}/pengamatan/{world.course.slug}").status_code == 200
    admin = sign_in(Role.ADMIN, full_name="Pak Admin Budi")
    certificate = world.certificates[0].public_id
    assert admin.get(f"/admin/sertifikat/{certificate}").status_code == 200
    assert admin.get(f"/sertifikat/{certificate}/unduh").status_code == 200
    assert admin.get(f"/admin/audit?target_type=user&target_id={me.id}").status_code == 200
    assert admin.get(f"/admin/audit?actor={me.id}").status_code == 200
    pages = [entry.details["page"] for entry in entries("user.data_viewed")]
    assert pages == ["group_learner", "group_observations", "certificate", "certificate_pdf", "audit_about",
                     "audit_by"]
    shown = access_list(sign_in(me, lang="en"))
    assert len(shown) == 6
    assert "Ibu Pendamping Ani" in shown[-1] and "Trainer / care manager" in shown[-1]
    assert f"Your certificate {certificate}, on the administrators' page" in " ".join(shown)
    # the learner's own certificate download is no access by someone else
    sign_in(me).get(f"/sertifikat/{certificate}/unduh")
    assert len(entries("user.data_viewed")) == 6


def test_a_group_report_is_one_entry_listed_for_every_member_at_the_time(world, sign_in, make_user):
    me, other = world.learners
    trainer = sign_in(world.trainer)
    csv = trainer.get(f"/kelompok/{world.cohort.id}/laporan.csv")
    assert csv.status_code == 200 and "Siti Aminah" in csv.get_data(as_text=True)
    [entry] = entries("cohort.report_exported")
    assert (entry.target_type, entry.target_id, entry.details) == ("cohort", str(world.cohort.id), {"members": 2})
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "user.data_viewed")) == 0  # no row per member
    for learner in (me, other):
        [shown] = access_list(sign_in(learner, lang="en"))
        assert "Ibu Pendamping Ani" in shown and "The report of the group Posyandu Melati" in shown
    # someone who joins later was in no report made before
    late = make_user(full_name="Dewi Baru")
    add_member(world.cohort, late, actor=late)
    db.session.commit()
    assert access_list(sign_in(late, lang="en")) == []
    # someone who leaves keeps seeing the reports made while they were in the group, and no later one
    remove_member(world.cohort, other, actor=world.trainer)
    db.session.commit()
    trainer.get(f"/kelompok/{world.cohort.id}/laporan.csv")
    assert len(entries("cohort.report_exported")) == 2
    assert len(access_list(sign_in(other, lang="en"))) == 1
    assert len(access_list(sign_in(me, lang="en"))) == 2
    assert len(access_list(sign_in(late, lang="en"))) == 1


def test_a_deleted_group_still_lists_its_reports_for_its_former_members(world, sign_in):
    me, _other = world.learners
    trainer = sign_in(world.trainer)
    trainer.get(f"/kelompok/{world.cohort.id}/laporan.csv")
    trainer.post_form(f"/kelompok/{world.cohort.id}/hapus")
    [shown] = access_list(sign_in(me, lang="en"))
    assert "Posyandu Melati" in shown


def test_only_the_last_90_days_newest_first_in_keyset_pages(world, sign_in, make_user):
    me, _other = world.learners
    staff = make_user(Role.ADMIN, full_name="Admin Lama")
    now = utcnow()
    for days in (95, 91, 89, *range(1, 25)):
        entry = record_access(staff.id, me.id, me.full_name, page="certificate", certificate=f"RWT-{days:02d}")
        db.session.flush()
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry.id)
                           .values(created_at=now - timedelta(days=days)))
    db.session.commit()
    browser = sign_in(me, lang="en")
    first = access_list(browser)
    assert len(first) == 20 and "RWT-01" in first[0] and "RWT-20" in first[-1]
    html = browser.get(PAGE).get_data(as_text=True)
    older = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    second_html = browser.get(older).get_data(as_text=True).split('id="access-h"')[1]
    second = re.findall(r"RWT-\d+", second_html)
    assert second == ["RWT-21", "RWT-22", "RWT-23", "RWT-24", "RWT-89"]  # not 91 nor 95 days ago
