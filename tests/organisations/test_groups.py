"""A group's organisation and region: chosen on the group form (the region by default the organisation's, a
code typed, or the regions chooser) and shown on the group page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.cohorts.models import Cohort
from lms.cohorts.services import create_cohort
from lms.extensions import db
from lms.organisations.services import create_organisation, retire_organisation


@pytest.fixture
def organisations(make_user, regions):
    admin = make_user(Role.ADMIN)
    made = {
        "sentra": create_organisation(admin, name="Sentra Depok", kind="sentra", region_code="32.76"),
        "village": create_organisation(admin, name="Kantor Desa Beji", kind="village", region_code="32.76.06.1001"),
        "old": create_organisation(admin, name="LKS Lama", kind="lks", region_code=None),
    }
    retire_organisation(admin, made["old"])
    db.session.commit()
    return made


@pytest.fixture
def course(make_course):
    return make_course()


def new_group(trainer, course, **fields):
    data = {"name": "Desa Beji", "description": "", "courses": [str(course.id)], "organisation_id": "",
            "region_code": "", **fields}
    return trainer.post_form("/kelompok/baru", data)


def test_a_group_takes_the_organisations_region_by_default(sign_in, organisations, course):
    trainer = sign_in(Role.TRAINER, lang="en")
    form = trainer.get("/kelompok/baru").get_data(as_text=True)
    assert "Sentra Depok" in form and "Kantor Desa Beji" in form and "LKS Lama" not in form  # retired: not offered
    response = new_group(trainer, course, organisation_id=str(organisations["sentra"].id))
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort = db.session.scalars(select(Cohort)).one()
    assert (cohort.organisation_id, cohort.region_code) == (organisations["sentra"].id, "32.76")
    page = trainer.get(f"/kelompok/{cohort.id}").get_data(as_text=True)
    assert "Organisation: Sentra Depok" in page and "Region: Kota Depok, Jawa Barat" in page


def test_a_typed_region_wins_and_edit_changes_both(sign_in, organisations, course):
    trainer = sign_in(Role.TRAINER, lang="en")
    new_group(trainer, course, organisation_id=str(organisations["sentra"].id), region_code="32.76.06")
    cohort = db.session.scalars(select(Cohort)).one()
    assert cohort.region_code == "32.76.06"
    response = trainer.post_form(f"/kelompok/{cohort.id}/ubah", {
        "name": "Desa Beji", "description": "", "courses": [str(course.id)],
        "organisation_id": str(organisations["village"].id), "region_code": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (cohort.organisation_id, cohort.region_code) == (organisations["village"].id, "32.76.06.1001")
    trainer.post_form(f"/kelompok/{cohort.id}/ubah", {"name": "Desa Beji", "description": "",
                                                      "courses": [str(course.id)], "organisation_id": "",
                                                      "region_code": ""})
    db.session.expire_all()
    assert (cohort.organisation_id, cohort.region_code) == (None, None)
    assert "No organisation" in trainer.get(f"/kelompok/{cohort.id}").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"organisation_id": "999999"}, "Not a valid choice."),
    ({"organisation_id": "99999999999999999999"}, "Not a valid choice."),
    ({"organisation_id": "sentra"}, "Invalid Choice"),
    ({"region_code": "99.99.99"}, "No region has this code."),
    ({"region_code": "1" * 500}, "Enter a region code such as 32"),
])
def test_bad_organisation_or_region_re_renders(sign_in, organisations, course, fields, message):
    trainer = sign_in(Role.TRAINER, lang="en")
    response = new_group(trainer, course, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Cohort.id)) is None


def test_a_retired_organisation_is_refused_for_a_group(sign_in, organisations, course):
    trainer = sign_in(Role.TRAINER, lang="en")
    response = new_group(trainer, course, organisation_id=str(organisations["old"].id))
    assert response.status_code == 400 and "Not a valid choice." in response.get_data(as_text=True)


def test_a_group_keeps_its_organisation_once_retired(sign_in, organisations, course, make_user):
    trainer = sign_in(Role.TRAINER, lang="en")
    new_group(trainer, course, organisation_id=str(organisations["sentra"].id))
    cohort = db.session.scalars(select(Cohort)).one()
    retire_organisation(make_user(Role.ADMIN), organisations["sentra"])
    db.session.commit()
    form = trainer.get(f"/kelompok/{cohort.id}/ubah").get_data(as_text=True)
    assert "Sentra Depok (retired)" in form
    response = trainer.post_form(f"/kelompok/{cohort.id}/ubah", {
        "name": "Desa Beji Baru", "description": "", "courses": [str(course.id)],
        "organisation_id": str(organisations["sentra"].id), "region_code": "32.76"})
    assert response.status_code == 302
    db.session.expire_all()
    assert cohort.name == "Desa Beji Baru" and cohort.organisation_id == organisations["sentra"].id


def test_the_region_chooser_saves_any_level(sign_in, organisations, course):
    trainer = sign_in(Role.TRAINER, lang="en")
    new_group(trainer, course)
    cohort = db.session.scalars(select(Cohort)).one()
    top = trainer.get(f"/kelompok/{cohort.id}/wilayah").get_data(as_text=True)
    assert "Jawa Barat" in top and "No region chosen yet." in top
    step = trainer.get(f"/kelompok/{cohort.id}/wilayah?wilayah=32.76").get_data(as_text=True)
    assert "Beji" in step and "Use this region for the group" in step
    response = trainer.post_form(f"/kelompok/{cohort.id}/wilayah", {"region_code": "32.76.06"},
                                 form_url=f"/kelompok/{cohort.id}/wilayah?wilayah=32.76.06", follow_redirects=True)
    assert "The group&#39;s region has been saved." in response.get_data(as_text=True) or \
        "region has been saved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert cohort.region_code == "32.76.06"
    village = trainer.get(f"/kelompok/{cohort.id}/wilayah?wilayah=32.76.06.1004").get_data(as_text=True)
    assert 'name="region_code" value="32.76.06.1004"' in village
    bad = trainer.post_form(f"/kelompok/{cohort.id}/wilayah", {"region_code": "77.77"})
    assert bad.status_code == 400 and "No region has this code." in bad.get_data(as_text=True)


def test_only_the_groups_care_manager_sets_its_region(sign_in, make_user, organisations, course):
    owner = make_user(Role.TRAINER)
    cohort = create_cohort(owner, "Milik Orang Lain", "", [course.id])
    db.session.commit()
    other = sign_in(Role.TRAINER, lang="en")
    assert other.get(f"/kelompok/{cohort.id}/wilayah").status_code == 403
    response = other.post_form(f"/kelompok/{cohort.id}/wilayah", {"region_code": "32"}, form_url="/profil")
    assert response.status_code == 403
    db.session.expire_all()
    assert cohort.region_code is None
