"""Admins manage organisations at /admin/organisasi: create, edit, retire (never delete), each change audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.audit.models import AuditEntry
from lms.extensions import db
from lms.organisations.models import Organisation


def audit_actions(organisation_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "organisation", AuditEntry.target_id == str(organisation_id))
        .order_by(AuditEntry.id)))


def only_organisation() -> Organisation:
    return db.session.scalars(select(Organisation)).one()


def test_admin_creates_edits_retires_and_restores_an_organisation(sign_in, regions):
    admin = sign_in(Role.ADMIN, lang="en")
    response = admin.post_form("/admin/organisasi/baru", {"name": "  Sentra   Inten Soeweno ", "kind": "sentra",
                                                          "region_code": " 32.76 "}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The organisation Sentra Inten Soeweno has been added." in page
    assert "Kota Depok (32.76)" in page
    organisation = only_organisation()
    assert (organisation.name, organisation.kind, organisation.region_code) == ("Sentra Inten Soeweno", "sentra",
                                                                               "32.76")
    assert organisation.retired_at is None

    edit_url = f"/admin/organisasi/{organisation.id}/ubah"
    form = admin.get(edit_url).get_data(as_text=True)
    assert 'value="Sentra Inten Soeweno"' in form and "Now: Kota Depok, Jawa Barat" in form
    response = admin.post_form(edit_url, {"name": "Puskesmas Beji", "kind": "puskesmas", "region_code": "32.76.06"},
                               follow_redirects=True)
    assert "The organisation has been saved." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (organisation.name, organisation.kind, organisation.region_code) == ("Puskesmas Beji", "puskesmas",
                                                                               "32.76.06")

    response = admin.post_form(f"/admin/organisasi/{organisation.id}/pensiun", follow_redirects=True)
    assert "Puskesmas Beji is retired. Its groups keep it." in response.get_data(as_text=True)
    db.session.expire_all()
    assert organisation.retired_at is not None
    assert db.session.get(Organisation, organisation.id) is not None  # never deleted
    assert "(retired)" in admin.get("/admin/organisasi").get_data(as_text=True)

    admin.post_form(f"/admin/organisasi/{organisation.id}/aktifkan", form_url="/admin/organisasi")
    db.session.expire_all()
    assert organisation.retired_at is None
    assert audit_actions(organisation.id) == ["organisation.created", "organisation.updated", "organisation.retired",
                                              "organisation.restored"]
    changes = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "organisation.updated"))
    assert changes["changes"] == {"name": ["Sentra Inten Soeweno", "Puskesmas Beji"], "kind": ["sentra", "puskesmas"],
                                  "region": ["32.76", "32.76.06"]}
    log = admin.get("/admin/audit?target_type=organisation&target_id=%d" % organisation.id).get_data(as_text=True)
    assert "Organisation added" in log and "Organisation retired" in log


def test_saving_unchanged_writes_no_audit_entry(sign_in):
    admin = sign_in(Role.ADMIN, lang="en")
    admin.post_form("/admin/organisasi/baru", {"name": "Desa Sukamaju", "kind": "village", "region_code": ""})
    organisation = only_organisation()
    assert organisation.region_code is None
    response = admin.post_form(f"/admin/organisasi/{organisation.id}/ubah", {"name": "Desa Sukamaju",
                                                                            "kind": "village", "region_code": ""},
                               follow_redirects=True)
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert audit_actions(organisation.id) == ["organisation.created"]


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "   ", "kind": "lks"}, "Enter the organisation"),
    ({"name": "LKS Harapan", "kind": "bank"}, "Not a valid choice."),
    ({"name": "LKS Harapan", "kind": "lks", "region_code": "99.99"}, "No region has this code."),
    ({"name": "LKS Harapan", "kind": "lks", "region_code": "Depok"}, "Enter a region code such as 32"),
    ({"name": "LKS Harapan", "kind": "lks", "region_code": "3" * 3000}, "Enter a region code such as 32"),
    ({"name": "x" * 121, "kind": "lks"}, "Field cannot be longer than 120 characters."),
    ({"name": "LKS\x07Harapan", "kind": "lks"}, "Enter the organisation"),
])
def test_bad_input_re_renders_with_its_error(sign_in, regions, data, message):
    admin = sign_in(Role.ADMIN, lang="en")
    response = admin.post_form("/admin/organisasi/baru", {"region_code": "", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Organisation.id)) is None


def test_a_retired_region_is_refused_for_a_new_code_but_kept_when_unchanged(sign_in, regions, import_regions):
    from tests.regions.conftest import BASE, VILLAGES

    admin = sign_in(Role.ADMIN, lang="en")
    admin.post_form("/admin/organisasi/baru", {"name": "Sentra Aceh", "kind": "sentra", "region_code": "11.01"})
    organisation = only_organisation()
    import_regions({code: name for code, name in BASE.items() if not code.startswith("11.")},
                   {code: name for code, name in VILLAGES.items() if not code.startswith("11.")})
    response = admin.post_form(f"/admin/organisasi/{organisation.id}/ubah",
                               {"name": "Sentra Aceh Selatan", "kind": "sentra", "region_code": "11.01"})
    assert response.status_code == 302  # its own code, retired since, stays valid
    response = admin.post_form("/admin/organisasi/baru", {"name": "LKS", "kind": "lks", "region_code": "11.01.01"})
    assert response.status_code == 400 and "This region code is no longer used." in response.get_data(as_text=True)


def test_the_list_searches_and_pages_by_keyset(app, sign_in, regions):
    from lms.organisations.services import create_organisation

    admin = sign_in(Role.ADMIN, lang="en")
    for n in range(30):
        create_organisation(admin.user, name=f"Posyandu {n:02d}", kind="other", region_code="11.01" if n else "32.76")
    db.session.commit()
    first = admin.get("/admin/organisasi").get_data(as_text=True)
    assert "30 organisations" in first and "Posyandu 29" in first and "Posyandu 00" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    older = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = admin.get(older).get_data(as_text=True)
    assert "Posyandu 00" in second and "Posyandu 29" not in second and 'rel="prev"' in second
    found = admin.get("/admin/organisasi?q=posyandu 1").get_data(as_text=True)
    assert "10 organisations" in found and "Posyandu 12" in found
    by_region = admin.get("/admin/organisasi?q=32").get_data(as_text=True)
    assert "1 organisation" in by_region and "Posyandu 00" in by_region


PAGES = ["/admin/organisasi", "/admin/organisasi/baru", "/admin/organisasi/{id}/ubah", "/admin/organisasi/{id}/pensiun"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.PROGRAMME])
def test_only_admins_manage_organisations(sign_in, make_user, role):
    from lms.organisations.services import create_organisation

    organisation = create_organisation(make_user(Role.ADMIN), name="Sentra", kind="sentra", region_code=None)
    db.session.commit()
    browser = sign_in(role, lang="en")
    for url in PAGES:
        assert browser.get(url.format(id=organisation.id)).status_code == 403, url
    token_page = browser.get("/profil").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(token_page)
    for url in PAGES[1:]:
        response = browser.client.post(url.format(id=organisation.id),
                                       data={"csrf_token": token, "name": "Diambil", "kind": "other"})
        assert response.status_code == 403, url
    response = browser.client.post(f"/admin/organisasi/{organisation.id}/aktifkan", data={"csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert organisation.name == "Sentra" and organisation.retired_at is None


def test_visitors_go_to_sign_in_and_unknown_ids_are_404(client, sign_in):
    assert client.get("/admin/organisasi").status_code == 302
    admin = sign_in(Role.ADMIN, lang="en")
    assert admin.get("/admin/organisasi/999999/ubah").status_code == 404
    assert admin.get("/admin/organisasi/99999999999999999999/ubah").status_code == 404


def test_a_post_without_its_csrf_token_changes_nothing(sign_in):
    admin = sign_in(Role.ADMIN, lang="en")
    response = admin.client.post("/admin/organisasi/baru", data={"name": "Tanpa Token", "kind": "other"})
    assert response.status_code in (400, 403)
    assert db.session.scalar(select(Organisation.id)) is None
