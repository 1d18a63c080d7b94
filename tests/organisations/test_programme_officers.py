"""The programme officer role: assigned by an admin with an area (the whole country, a province or a regency),
and kept away from learner lists, group pages, trainer pages and administration."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role, User
from lms.accounts.queries import NoScope, scope_of
from lms.audit.models import AuditEntry
from lms.cohorts.services import create_cohort
from lms.extensions import db


def assign(admin, user, role, scope=""):
    return admin.post_form(f"/admin/pengguna/{user.id}/peran", {"role": role, "scope": scope},
                           form_url="/admin/pengguna", follow_redirects=True)


def reloaded(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.mark.parametrize(("scope", "stored"), [("", None), ("32", "32"), (" 32.76 ", "32.76")])
def test_admin_makes_a_programme_officer_for_the_country_a_province_or_a_regency(sign_in, make_user, regions,
                                                                                scope, stored):
    admin = sign_in(Role.ADMIN, lang="en")
    officer = make_user(full_name="Pak Program")
    page = assign(admin, officer, "programme", scope).get_data(as_text=True)
    assert "Pak Program is now: Programme officer." in page
    officer = reloaded(officer)
    assert (officer.role, officer.scope_region_code) == ("programme", stored)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.role_changed")).one()
    assert entry.details == {"old": "learner", "new": "programme", "scope": stored or "*"}
    assert f"({stored or 'whole country'})" in admin.get("/admin/pengguna").get_data(as_text=True)


@pytest.mark.parametrize(("scope", "message"), [
    ("32.76.06", "32.76.06 is a district or a village"),
    ("32.76.06.1004", "32.76.06.1004 is a district or a village"),
    ("99", "No region has this code."),
    ("Jawa Barat", "Enter a region code such as 32"),
    ("3" * 3000, "Enter a region code such as 32"),
])
def test_a_district_village_or_unknown_area_is_refused_with_a_message(sign_in, make_user, regions, scope, message):
    admin = sign_in(Role.ADMIN, lang="en")
    officer = make_user()
    response = assign(admin, officer, "programme", scope)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    officer = reloaded(officer)
    assert (officer.role, officer.scope_region_code) == ("learner", None)
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "user.role_changed")) is None


def test_changing_only_the_area_is_audited_and_another_role_drops_it(sign_in, make_user, regions):
    admin = sign_in(Role.ADMIN, lang="en")
    officer = make_user()
    assign(admin, officer, "programme", "32")
    officer_phone = sign_in(reloaded(officer))
    assign(admin, officer, "programme", "11.01")
    assert reloaded(officer).scope_region_code == "11.01"
    scoped = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.scope_changed")).one()
    assert scoped.details == {"old": "32", "new": "11.01"}
    assert officer_phone.get("/profil").status_code == 302  # fewer (or other) powers: signed out everywhere
    assign(admin, officer, "trainer", "32")
    officer = reloaded(officer)
    assert (officer.role, officer.scope_region_code) == ("trainer", None)  # only a programme officer has an area


def test_a_scope_typed_for_another_role_is_ignored(sign_in, make_user, regions):
    admin = sign_in(Role.ADMIN, lang="en")
    trainer = make_user()
    assert "is now: Trainer / care manager." in assign(admin, trainer, "trainer", "32.76.06").get_data(as_text=True)
    trainer = reloaded(trainer)
    assert (trainer.role, trainer.scope_region_code) == ("trainer", None)


def test_only_admins_assign_the_role(sign_in, make_user):
    learner = make_user()
    officer = sign_in(Role.PROGRAMME, lang="en")
    response = officer.post_form(f"/admin/pengguna/{learner.id}/peran", {"role": "programme"}, form_url="/profil")
    assert response.status_code == 403 and reloaded(learner).role == "learner"


def test_the_programme_officer_sees_no_learners_groups_trainer_or_admin_pages(sign_in, make_user, make_course):
    trainer = make_user(Role.TRAINER)
    learner = make_user(Role.LEARNER)
    course = make_course()
    cohort = create_cohort(trainer, "Desa Sukamaju", "", [course.id])
    from lms.cohorts.services import add_member

    add_member(cohort, learner, actor=None)
    db.session.commit()
    officer = sign_in(Role.PROGRAMME, lang="en")
    denied = ["/kelompok", "/kelompok/baru", f"/kelompok/{cohort.id}", f"/kelompok/{cohort.id}/laporan.csv",
              f"/kelompok/{cohort.id}/peserta/{learner.id}", f"/kelompok/{cohort.id}/wilayah",
              "/admin/", "/admin/pengguna", "/admin/audit", "/admin/organisasi", "/admin/organisasi/baru",
              "/tulis", f"/admin/pengguna/{learner.id}/kode-reset"]
    for url in denied:
        response = officer.get(url)
        assert response.status_code in (403, 404), (url, response.status_code)
        assert learner.full_name not in response.get_data(as_text=True), url
    home = officer.get("/dasbor")
    assert home.status_code == 200
    menu = home.get_data(as_text=True)
    assert "My groups" not in menu and "Administration" not in menu and "Organisations" not in menu


def test_sign_in_lands_on_the_officers_own_learning(sign_in, browser, make_user):
    officer = make_user(Role.PROGRAMME, phone="+6281500000001")
    response = browser.login("081500000001")
    assert response.headers["Location"].endswith("/dasbor")
    assert officer.role == "programme"


def test_scope_of(make_user, regions):
    from lms.accounts.services import set_role

    country, province = make_user(Role.PROGRAMME), make_user()
    set_role(province, Role.PROGRAMME, scope_region_code="32")
    db.session.commit()
    assert scope_of(country) is None
    assert scope_of(province) == "32"
    assert scope_of(make_user(Role.ADMIN)) is None
    for role in (Role.LEARNER, Role.TRAINER):
        with pytest.raises(NoScope):
            scope_of(make_user(role))

