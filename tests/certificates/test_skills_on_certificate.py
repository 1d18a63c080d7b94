"""Observed skills on the certificate: snapshotted when it is issued, signed (payload version 2), printed on the PDF."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates.keys import load_keyring
from lms.certificates.queries import payload_of
from lms.certificates.services import ensure_document, renew_if_eligible
from lms.certificates.signing import canonical_payload, verify_payload
from lms.courses.models import Skill, SkillCompetence
from lms.extensions import db
from lms.quizzes.models import Quiz
from lms.quizzes.services import start_attempt, submit_attempt
from lms.certificates.urls import qr_url
from tests.certificates.fixtures import QUESTION, ZBARIMG_QR_ONLY, run_tool, tool, years_ago


def skill(slug: str, title: str, *, unit: str | None = None) -> dict:
    data = {"id": slug, "title": title, "why": "Supaya perawatan aman.",
            "steps": [{"text": "Mencuci tangan dengan sabun", "critical": True}, "Menjelaskan apa yang dilakukan",
                      "Merapikan alat"]}
    if unit:
        data["competency_unit"] = unit
    return data


def skill_modules(*, quiz: bool = False, first=None, second=None) -> list[dict]:
    """Two modules; the first with two skills, the second with one (module and skill positions give the order)."""
    first = first if first is not None else [skill("mencuci-tangan", "Mencuci tangan dengan benar", unit="UJI.001"),
                                             skill("memindahkan", "Memindahkan dari tempat tidur ke kursi roda")]
    second = second if second is not None else [skill("memiringkan", "Memiringkan badan untuk mencegah luka tekan")]
    modules = [
        {"slug": "modul-satu", "title": "Modul Satu", "practice_minutes": 60, "skills": first,
         "lessons": [{"slug": "pelajaran-a", "title": "A", "body": "Isi A.\n"}]},
        {"slug": "modul-dua", "title": "Modul Dua", "practice_minutes": 60, "skills": second,
         "lessons": [{"slug": "pelajaran-b", "title": "B", "body": "Isi B.\n"}]},
    ]
    for module in modules:
        if not module["skills"]:
            del module["skills"]  # no skills.yaml
    if quiz:
        for number, module in enumerate(modules, start=1):
            module["quiz"] = {"title": f"Kuis {number}", "questions": [QUESTION]}
    return modules


@pytest.fixture
def skills_course(make_course):
    """A course whose practice is optional: a certificate lists whatever skills were seen done competently."""
    return make_course("kursus-keterampilan", modules=skill_modules(),
                       course={"practice": "optional", "title": "Perawatan Dasar Lansia"})


def skill_of(course, slug: str) -> Skill:
    return db.session.scalar(select(Skill).where(Skill.course_id == course.id, Skill.slug == slug))


def competent(user, course, slug: str, observer, observed_at: datetime, *, on_paper: bool = False,
              name: str | None = None) -> SkillCompetence:
    """What practice records once an observation counts (the learner confirmed it, or signed the sheet)."""
    row = SkillCompetence(user_id=user.id, skill_id=skill_of(course, slug).id, observed_at=observed_at,
                          confirmed_at=observed_at, observer_id=observer.id, observer_name=name or observer.full_name,
                          observer_role=observer.role, confirmed_on_paper=on_paper)
    db.session.add(row)
    db.session.commit()
    return row


def test_the_certificate_lists_the_competent_skills_in_course_order(certify, skills_course, make_user):
    learner = make_user(full_name="Siti Aminah")
    other = make_user()
    trainer = make_user(Role.TRAINER, full_name="Ani Wulandari")
    admin = make_user(Role.ADMIN, full_name="Budi Santoso")
    # Seen in another order than the course's: the certificate follows module and skill positions.
    competent(learner, skills_course, "memiringkan", admin, datetime(2026, 11, 2, 3, 0))
    # 20:00 UTC is the next morning in Jakarta: the date printed is the issuer's day.
    competent(learner, skills_course, "mencuci-tangan", trainer, datetime(2026, 11, 3, 20, 0), on_paper=True)
    competent(other, skills_course, "memindahkan", trainer, datetime(2026, 11, 5, 3, 0))  # someone else's
    certificate = certify(user=learner, course=skills_course)
    assert certificate.skills == [
        {"id": "mencuci-tangan", "title": "Mencuci tangan dengan benar", "observed": "2026-11-04",
         "observer": "Ani Wulandari", "observer_role": "trainer", "confirmed_on_paper": True,
         "competency_unit": "UJI.001"},
        {"id": "memiringkan", "title": "Memiringkan badan untuk mencegah luka tekan", "observed": "2026-11-02",
         "observer": "Budi Santoso", "observer_role": "admin", "confirmed_on_paper": False,
         "competency_unit": None},
    ]
    shown = certificate.observed_skills
    assert [(s.title, s.observed.isoformat(), s.observer, s.observer_role, s.confirmed_on_paper) for s in shown] == [
        ("Mencuci tangan dengan benar", "2026-11-04", "Ani Wulandari", "trainer", True),
        ("Memiringkan badan untuk mencegah luka tekan", "2026-11-02", "Budi Santoso", "admin", False)]


def test_a_required_practice_course_certifies_every_skill(certify, make_course, make_user):
    course = make_course("kursus-wajib", modules=skill_modules(), course={"practice": "required"})
    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    for day, slug in enumerate(("memindahkan", "memiringkan", "mencuci-tangan"), start=1):
        competent(learner, course, slug, trainer, datetime(2026, 11, day, 3, 0))
    certificate = certify(user=learner, course=course)
    assert [s["id"] for s in certificate.skills] == ["mencuci-tangan", "memindahkan", "memiringkan"]
    assert [s["observed"] for s in certificate.skills] == ["2026-11-03", "2026-11-01", "2026-11-02"]


def test_the_signed_payload_is_version_2_with_the_skills(certify, skills_course, make_user):
    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    competent(learner, skills_course, "memindahkan", trainer, datetime(2026, 11, 3, 3, 0))
    certificate = certify(user=learner, course=skills_course)
    fields = payload_of(certificate)
    assert fields["v"] == 2 and fields["skills"] == certificate.skills
    text = canonical_payload(fields).decode("utf-8")
    assert list(json.loads(text)) == ["completed", "course", "course_version", "holder", "hours", "id", "issuer",
                                      "kid", "skills", "v", "valid_until"]
    assert ('"skills":[{"competency_unit":null,"confirmed_on_paper":false,"id":"memindahkan",'
            '"observed":"2026-11-03","observer":"Ani Wulandari","observer_role":"trainer",'
            '"title":"Memindahkan dari tempat tidur ke kursi roda"}]' in text)
    keyring = load_keyring()
    assert verify_payload(keyring, fields, certificate.signature, issued_at=certificate.issued_at)
    for changed in ({"observer": "Orang Lain"}, {"observed": "2026-01-01"}, {"title": "Keterampilan lain"},
                    {"observer_role": "admin"}, {"confirmed_on_paper": True}):
        forged = {**fields, "skills": [{**fields["skills"][0], **changed}]}
        assert not verify_payload(keyring, forged, certificate.signature), changed
    assert not verify_payload(keyring, {**fields, "skills": []}, certificate.signature)
    assert not verify_payload(keyring, {**fields, "v": 1}, certificate.signature)


def test_without_observed_skills_the_payload_stays_version_1(certify, skills_course, make_user):
    plain = certify()  # a course without skills
    none_seen = certify(user=make_user(), course=skills_course)  # skills, none observed
    for certificate in (plain, none_seen):
        assert certificate.skills == [] and certificate.observed_skills == []
        fields = payload_of(certificate)
        assert fields["v"] == 1 and "skills" not in fields
        assert verify_payload(load_keyring(), fields, certificate.signature, issued_at=certificate.issued_at)


def test_the_snapshot_stays_as_issued(certify, skills_course, make_user, make_course):
    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    row = competent(learner, skills_course, "memindahkan", trainer, datetime(2026, 11, 3, 3, 0))
    certificate = certify(user=learner, course=skills_course)
    signature, snapshot = certificate.signature, list(certificate.skills)
    trainer.full_name = "Ani W."
    row.observer_name = "Ani W."
    # The course renames the skill in a new version: the certificate keeps what was certified.
    renamed = skill_modules(first=[skill("mencuci-tangan", "Mencuci tangan dengan benar"),
                                   skill("memindahkan", "Memindahkan ke kursi roda (baru)")])
    make_course("kursus-keterampilan", modules=renamed, course={"practice": "optional", "version": 2})
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.skills == snapshot and certificate.signature == signature
    assert certificate.skills[0]["title"] == "Memindahkan dari tempat tidur ke kursi roda"
    assert verify_payload(load_keyring(), payload_of(certificate), signature, issued_at=certificate.issued_at)


def test_a_retired_skill_is_not_certified(certify, make_course, make_user, tmp_path):
    learner, trainer = make_user(), make_user(Role.TRAINER)
    course = make_course("kursus-keterampilan", modules=skill_modules(), course={"practice": "optional"})
    competent(learner, course, "memindahkan", trainer, datetime(2026, 11, 3, 3, 0))
    competent(learner, course, "memiringkan", trainer, datetime(2026, 11, 3, 3, 0))
    (tmp_path / "content" / "kursus-keterampilan" / "02-modul-dua" / "skills.yaml").unlink()  # the skill is gone
    make_course("kursus-keterampilan", modules=skill_modules(second=[]), course={"practice": "optional", "version": 2})
    certificate = certify(user=learner, course=course)
    assert [s["id"] for s in certificate.skills] == ["memindahkan"]


def pass_quiz(user, quiz: Quiz) -> None:
    attempt = start_attempt(user.id, quiz)
    answers = {item.id: [o.id for o in item.question.options if o.is_correct][:1] for item in attempt.items}
    assert submit_attempt(attempt, answers)
    db.session.commit()


def test_a_renewal_snapshots_the_skills_again(certify, make_course, make_user):
    from lms.courses.models import Module

    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    course = make_course("kursus-keterampilan", modules=skill_modules(quiz=True), course={"practice": "optional"})
    competent(learner, course, "memindahkan", trainer, datetime(2026, 11, 3, 3, 0))
    old = certify(user=learner, course=course, completed_at=years_ago(3))
    assert [s["id"] for s in old.skills] == ["memindahkan"]
    competent(learner, course, "memiringkan", trainer, datetime(2026, 11, 4, 3, 0))
    for quiz in db.session.scalars(select(Quiz).join(Module).where(Module.course_id == course.id)):
        pass_quiz(learner, quiz)
    renewed = renew_if_eligible(learner, course)
    db.session.commit()
    assert renewed is not None and renewed.cycle == 2
    assert [s["id"] for s in renewed.skills] == ["memindahkan", "memiringkan"]
    assert [s["id"] for s in old.skills] == ["memindahkan"]  # the expired one keeps its own
    assert verify_payload(load_keyring(), payload_of(renewed), renewed.signature, issued_at=renewed.issued_at)


# --- the PDF -------------------------------------------------------------------------------

def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    result = run_tool(tool("pdftotext"), "-layout", str(path), "-")
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.decode("utf-8").split())


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    info = run_tool(tool("pdfinfo"), str(path)).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


LONG_TITLE = "Menolong orang dewasa yang tersedak dengan tepukan punggung dan hentakan perut sampai benda keluar"
LONG_OBSERVER = "Raden Ayu Siti Nurhaliza Kusumawardhani binti Haji Muhammad Sÿlviá O'Brien-Đặng"


def test_the_pdf_lists_the_observed_skills_on_one_page(certify, make_course, make_user, tmp_path):
    skills = [skill("mencuci-tangan", "Mencuci tangan dengan benar"), skill("tersedak", LONG_TITLE),
              skill("memindahkan", "Memindahkan dari tempat tidur ke kursi roda"),
              skill("memberi-makan", "Memberi makan dalam posisi duduk tegak")]
    course = make_course("kursus-keterampilan", modules=skill_modules(first=skills), course={"practice": "optional"})
    learner = make_user(full_name="Siti Aminah", locale="en")
    trainer = make_user(Role.TRAINER, full_name=LONG_OBSERVER)
    admin = make_user(Role.ADMIN, full_name="Budi Santoso")
    for day, slug in enumerate(("mencuci-tangan", "tersedak", "memindahkan", "memberi-makan"), start=1):
        competent(learner, course, slug, trainer, datetime(2026, 11, day, 3, 0), on_paper=slug == "tersedak")
    competent(learner, course, "memiringkan", admin, datetime(2026, 11, 9, 3, 0))
    certificate = certify(user=learner, course=course)
    pdf = ensure_document(certificate).data
    db.session.commit()
    text = pdf_text(pdf, tmp_path)
    assert "Observed skills" in text
    for title in ("Mencuci tangan dengan benar", "Memindahkan dari tempat tidur ke kursi roda",
                  "Memiringkan badan untuk mencegah luka tekan"):
        assert title in text, title
    assert all(word in text for word in LONG_TITLE.split())
    assert all(word in text for word in LONG_OBSERVER.split())
    assert "November 1, 2026" in text and "November 9, 2026" in text
    assert "Budi Santoso (administrator)" in text and "(care manager)" in text
    assert text.count("confirmed on paper") == 1
    assert text.index("Mencuci tangan") < text.index("Memindahkan dari") < text.index("Memiringkan badan")
    assert pdf_pages(pdf, tmp_path) == 1
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    checked = run_tool(tool("pdfsig"), str(path))
    out = checked.stdout.decode() + checked.stderr.decode()
    assert "Signature is Valid." in out and "Total document signed" in out, out
    rendered = run_tool(tool("pdftoppm"), "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page"))
    assert rendered.returncode == 0, rendered.stderr
    scanned = run_tool(tool("zbarimg"), "--quiet", "--raw", *ZBARIMG_QR_ONLY, str(tmp_path / "page.png"))
    assert scanned.stdout.decode().strip() == qr_url(certificate)  # the table leaves the QR code readable


def test_the_pdf_is_in_the_learner_language(certify, skills_course, make_user, tmp_path):
    learner, trainer = make_user(locale="id"), make_user(Role.TRAINER, full_name="Ani Wulandari")
    competent(learner, skills_course, "memindahkan", trainer, datetime(2026, 12, 3, 3, 0), on_paper=True)
    certificate = certify(user=learner, course=skills_course)
    text = pdf_text(ensure_document(certificate).data, tmp_path)
    assert "3 Desember 2026" in text and "Ani Wulandari" in text


def test_a_pdf_without_skills_says_nothing_about_them(issued_pdf, tmp_path):
    _certificate, pdf = issued_pdf(user=None, locale="en")
    text = pdf_text(pdf, tmp_path)
    assert "Observed skills" not in text and "care manager" not in text


def test_the_admin_page_of_a_certificate_lists_its_skills(certify, skills_course, make_user, sign_in):
    learner, trainer = make_user(), make_user(Role.TRAINER, full_name="Ani Wulandari")
    competent(learner, skills_course, "memiringkan", trainer, datetime(2026, 11, 3, 3, 0), on_paper=True)
    with_skills = certify(user=learner, course=skills_course)
    without = certify()
    admin = sign_in(Role.ADMIN, lang="en")
    html = admin.get(f"/admin/sertifikat/{with_skills.public_id}").get_data(as_text=True)
    assert "<h2>Observed skills</h2>" in html and "Memiringkan badan untuk mencegah luka tekan" in html
    assert "November 3, 2026 · Ani Wulandari (care manager) · confirmed on paper" in html
    assert "Observed skills" not in admin.get(f"/admin/sertifikat/{without.public_id}").get_data(as_text=True)
