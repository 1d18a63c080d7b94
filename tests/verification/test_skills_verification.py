"""Observed skills where a certificate is checked: the page, the QR page, the PDF upload, the API and its
OpenAPI document; and certificates issued before skills were signed still verify, unchanged."""
from __future__ import annotations

import io
import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.keys import b64url, b64url_decode, load_keyring
from lms.certificates.services import ensure_document
from lms.certificates.urls import qr_url
from lms.courses.models import Skill, SkillCompetence
from lms.extensions import db
from tests.conftest import csrf_token_from
from tests.verification.test_api import assert_matches, openapi, validator  # noqa: F401  (openapi is a fixture)

API = "/api/v1/certificates/{id}"


def skill(slug: str, title: str, **extra) -> dict:
    return {"id": slug, "title": title, "why": "Supaya perawatan aman.", **extra,
            "steps": [{"text": "Mencuci tangan dengan sabun", "critical": True}, "Menjelaskan apa yang dilakukan",
                      "Merapikan alat"]}


MODULES = [
    {"slug": "modul-satu", "title": "Modul Satu", "practice_minutes": 60,
     "skills": [skill("mencuci-tangan", "Mencuci tangan dengan benar", competency_unit="UJI.001"),
                skill("memindahkan", "Memindahkan dari tempat tidur ke kursi roda")],
     "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "Isi A.\n"}]},
    {"slug": "modul-dua", "title": "Modul Dua", "practice_minutes": 60,
     "skills": [skill("memiringkan", "Memiringkan badan untuk mencegah luka tekan")],
     "lessons": [{"slug": "pelajaran-b", "title": "B", "body": "Isi B.\n"}]},
]


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


@pytest.fixture
def skilled(certify, make_course, make_user):
    """A certificate with two observed skills: one by a care manager (confirmed on paper), one by an admin."""
    course = make_course("kursus-keterampilan", modules=MODULES, course={"practice": "required"})
    learner = make_user(full_name="Siti Aminah")
    trainer = make_user(Role.TRAINER, full_name="Ani Wulandari")
    admin = make_user(Role.ADMIN, full_name="Budi Santoso")
    seen = [("memiringkan", admin, datetime(2026, 11, 2, 3, 0), False),
            ("mencuci-tangan", trainer, datetime(2026, 11, 3, 3, 0), True),
            ("memindahkan", trainer, datetime(2026, 11, 4, 3, 0), False)]
    for slug, observer, moment, on_paper in seen:
        target = db.session.scalar(select(Skill).where(Skill.course_id == course.id, Skill.slug == slug))
        db.session.add(SkillCompetence(user_id=learner.id, skill_id=target.id, observed_at=moment, confirmed_at=moment,
                                       observer_id=observer.id, observer_name=observer.full_name,
                                       observer_role=observer.role, confirmed_on_paper=on_paper))
    db.session.commit()
    return certify(user=learner, course=course)


def skills_section(html: str) -> str:
    match = re.search(r'<section class="observed-skills".*?</section>', html, re.S)
    assert match, html
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_the_verification_page_lists_the_observed_skills(client, browser, skilled):
    html = browser.post_form("/verifikasi", {"certificate_id": skilled.public_id}).get_data(as_text=True)
    assert 'data-status="valid"' in html
    text = skills_section(html)
    assert text.startswith("Observed skills")
    assert text.index("Mencuci tangan dengan benar") < text.index("Memindahkan dari tempat tidur") < text.index(
        "Memiringkan badan")
    for expected in ("November 3, 2026", "Ani Wulandari (care manager)", "Budi Santoso (administrator)",
                     "November 2, 2026", "UJI.001"):
        assert expected in text, expected
    assert text.count("confirmed on paper") == 1


def test_the_qr_page_shows_the_skills_and_its_signature_matches(client, skilled):
    response = client.get(qr_url(skilled).split("127.0.0.1:5000", 1)[1])
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "digital signature matches this certificate" in html
    assert "Memiringkan badan" in skills_section(html)


def test_the_genuine_pdf_upload_shows_the_skills(client, skilled):
    pdf = ensure_document(skilled).data
    db.session.commit()
    token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
    response = client.post("/verifikasi/pdf", content_type="multipart/form-data",
                           data={"document": (io.BytesIO(pdf), "s.pdf", "application/pdf"), "csrf_token": token})
    html = response.get_data(as_text=True)
    assert 'data-outcome="genuine"' in html and "Ani Wulandari (care manager)" in skills_section(html)


def test_the_api_gives_the_skills_in_the_signed_payload(client, skilled, openapi):  # noqa: F811
    response = client.get(f"/api/v1/certificates/{skilled.public_id}")
    assert_matches(openapi, API, 200, response)
    body = response.get_json()
    skills = body["certificate"]["skills"]
    assert [s["id"] for s in skills] == ["mencuci-tangan", "memindahkan", "memiringkan"]
    assert skills[0] == {"id": "mencuci-tangan", "title": "Mencuci tangan dengan benar", "observed": "2026-11-03",
                         "observer": "Ani Wulandari", "observer_role": "trainer", "confirmed_on_paper": True,
                         "competency_unit": "UJI.001"}
    assert skills[2]["observer_role"] == "admin" and skills[2]["competency_unit"] is None
    # The signed text carries the same skills, and checks with the published key alone.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    keys = client.get("/.well-known/rawat-keys.json").get_json()
    key = next(k for k in keys["keys"] if k["kid"] == body["signature"]["kid"])
    payload = body["signature"]["payload"]
    Ed25519PublicKey.from_public_bytes(b64url_decode(key["public_key"])).verify(
        b64url_decode(body["signature"]["value"]), payload.encode("utf-8"))
    fields = json.loads(payload)
    assert fields["v"] == 2 and fields["skills"] == skills


def test_a_changed_skill_in_the_register_makes_the_certificate_invalid(client, browser, skilled):
    skilled.skills = [{**skilled.skills[0], "observer": "Orang Lain"}, *skilled.skills[1:]]
    db.session.commit()
    body = client.get(f"/api/v1/certificates/{skilled.public_id}").get_json()
    assert body["status"] == "invalid" and body["certificate"] is None
    html = browser.post_form("/verifikasi", {"certificate_id": skilled.public_id}).get_data(as_text=True)
    assert 'data-status="invalid"' in html and "observed-skills" not in html


def test_the_openapi_document_describes_the_skills(openapi):  # noqa: F811
    result = openapi["components"]["schemas"]["CertificateResult"]
    assert result["properties"]["certificate"]["oneOf"][1] == {"$ref": "#/components/schemas/CertificateFields"}
    certificate = openapi["components"]["schemas"]["CertificateFields"]
    assert "skills" in certificate["required"]
    item = openapi["components"]["schemas"]["ObservedSkill"]
    assert set(item["required"]) == {"id", "title", "observed", "observer", "observer_role", "confirmed_on_paper",
                                     "competency_unit"}
    Draft202012Validator.check_schema(item)
    description = openapi["info"]["description"]
    assert "version 2" in description and "skills" in description
    # The documented example is a valid answer, with skills.
    example = openapi["paths"][API]["get"]["responses"]["200"]["content"]["application/json"]["example"]
    assert not list(validator(openapi, "CertificateResult").iter_errors(example))
    assert example["certificate"]["skills"] and json.loads(example["signature"]["payload"])["v"] == 2
    assert json.loads(example["signature"]["payload"])["skills"] == example["certificate"]["skills"]


# --- certificates issued before skills were signed ----------------------------------------------

def version_1_payload(certificate) -> bytes:
    """The signed bytes exactly as Rawat built them before payload version 2 (written out, not imported)."""
    fields = {
        "v": 1, "id": certificate.public_id, "holder": certificate.holder_name, "course": certificate.course_title,
        "course_version": certificate.course_version, "hours": certificate.hours,
        "completed": certificate.completed_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "issuer": certificate.issuer, "kid": certificate.key_id,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_a_certificate_without_skills_is_signed_exactly_as_before(client, browser, certify, openapi):  # noqa: F811
    certificate = certify()
    # Ed25519 is deterministic: the same key over the same bytes gives the same signature.
    assert certificate.signature == b64url(load_keyring().ed25519_private().sign(version_1_payload(certificate)))
    response = client.get(f"/api/v1/certificates/{certificate.public_id}")
    assert_matches(openapi, API, 200, response)
    body = response.get_json()
    assert body["status"] == "valid" and body["certificate"]["skills"] == []
    assert body["signature"]["payload"].encode("utf-8") == version_1_payload(certificate)
    html = browser.post_form("/verifikasi", {"certificate_id": certificate.public_id}).get_data(as_text=True)
    assert 'data-status="valid"' in html and "observed-skills" not in html and "Observed skills" not in html


@pytest.mark.own_app
def test_a_certificate_issued_before_the_migration_still_verifies(tmp_path):
    """A register from before migration 0016, with a certificate signed then, upgraded and checked."""
    from flask_migrate import upgrade
    from sqlalchemy import Date, DateTime, bindparam, text

    from lms import create_app
    from lms.certificates.public_id import new_public_id
    from lms.config import TestConfig
    from lms.timeutil import utcnow
    from tests.ops.helpers import empty_databases

    def sql(statement: str):
        types = {"now": DateTime(), "today": Date()}
        return text(statement).bindparams(*(bindparam(name, type_=kind) for name, kind in types.items()
                                            if f":{name}" in statement))

    with empty_databases(1, tmp_path) as [uri]:
        app = create_app(TestConfig, instance_path=str(tmp_path / "instance"), SQLALCHEMY_DATABASE_URI=uri)
        with app.app_context():
            upgrade(revision="0015")
            keyring = load_keyring()
            now = utcnow()
            old = type("Old", (), dict(
                public_id=new_public_id(now.year), holder_name="Siti Aminah", course_title="Perawatan Dasar Lansia",
                course_version=1, hours=16, completed_on=now.date(), valid_until=None, issuer="Rawat",
                key_id=keyring.current_kid))
            signature = b64url(keyring.ed25519_private().sign(version_1_payload(old)))
            moments = {"now": now, "today": now.date()}
            db.session.execute(sql(
                "INSERT INTO users (id, full_name, phone, password_hash, role, is_active_account, created_at) "
                "VALUES (1, 'Siti Aminah', '+6281200000001', 'x', 'learner', true, :now)"), moments)
            db.session.execute(sql(
                "INSERT INTO courses (id, slug, title, summary, audience, language, hours, version, pass_mark, "
                "authors, sources, is_published, created_at, updated_at) VALUES (1, 'kursus-lama', "
                "'Perawatan Dasar Lansia', '', '', 'id', 16, 1, 70, '[]', '[]', true, :now, :now)"), moments)
            db.session.execute(sql(
                "INSERT INTO certificates (id, public_id, user_id, course_id, cycle, holder_name, course_title, "
                "course_version, hours, completed_on, issuer, signatory_name, signatory_position, locale, "
                "issued_at, key_id, signature) VALUES (1, :public_id, 1, 1, 1, 'Siti Aminah', "
                "'Perawatan Dasar Lansia', 1, 16, :today, 'Rawat', 'Ketua', 'Ketua', 'en', :now, :kid, :signature)"),
                {**moments, "public_id": old.public_id, "kid": old.key_id, "signature": signature})
            db.session.commit()
            upgrade()
            db.session.remove()
        client = app.test_client()
        client.set_cookie("lang", "en")
        body = client.get(f"/api/v1/certificates/{old.public_id}").get_json()
        assert body["status"] == "valid", body
        assert body["certificate"]["skills"] == []
        assert body["signature"]["value"] == signature
        assert body["signature"]["payload"].encode("utf-8") == version_1_payload(old)
        html = client.get(f"/verifikasi/{old.public_id}").get_data(as_text=True)
        assert 'data-status="valid"' in html and "Siti Aminah" in html and "observed-skills" not in html
        with app.app_context():
            db.engine.dispose()


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


@pytest.mark.parametrize("forged", [False, True])
def test_headings_never_skip_a_level_with_skills_shown(client, skilled, forged):
    """Screen-reader users move by headings: the skills' heading sits one level under the panel it is in, on the
    plain QR page (h2 > h3) and inside the register's record of a forged QR code's warning (h2 > h3 > h4)."""
    parts = urlsplit(qr_url(skilled))
    query = parse_qs(parts.query)
    signature = query["s"][0]
    if forged:
        signature = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    html = client.get(parts.path, query_string={"k": query["k"][0], "s": signature}).get_data(as_text=True)
    assert ('data-status="qr_mismatch"' in html) is forged
    assert "Memiringkan badan" in skills_section(html)
    levels = heading_levels(html)
    assert levels[0] == 1 and all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False)), \
        levels
    # the skills belong to what they are listed under: the certificate's panel, or the register's record
    skills_level = heading_levels(html[:html.index('<section class="observed-skills"') + 60])[-1]
    assert skills_level == (4 if forged else 3)
