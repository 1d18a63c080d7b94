"""The PDF, the QR code, the register, the API and the credential agree on every field of one certificate."""
from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from pyhanko.pdf_utils.reader import PdfFileReader

from lms.accounts.models import Role
from lms.certificates.dates import local_date
from lms.certificates.keys import load_keyring
from lms.certificates.queries import payload_of
from lms.certificates.services import ensure_document
from lms.certificates.signing import verify_payload
from lms.credentials.verifying import inspect_credential
from lms.extensions import db
from tests.certificates.fixtures import ZBARIMG_QR_ONLY, run_tool, tool
from tests.certificates.test_skills_on_certificate import competent, skill_modules
from tests.credentials.helpers import api_check, credential_of


def from_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def test_pdf_qr_register_api_and_credential_tell_one_story(client, certify, make_course, make_user, tmp_path):
    course = make_course("kursus-keterampilan", modules=skill_modules(),
                         course={"practice": "optional", "title": "Perawatan Dasar Lansia",
                                 "certificate_validity_months": 24})
    learner, trainer = make_user(full_name="Siti Aminah"), make_user(Role.TRAINER, full_name="Ani Wulandari")
    competent(learner, course, "mencuci-tangan", trainer, datetime(2026, 11, 3, 3, 0))
    competent(learner, course, "memindahkan", trainer, datetime(2026, 11, 5, 3, 0), on_paper=True)
    certificate = certify(user=learner, course=course)
    register = payload_of(certificate)
    assert register["v"] == 2 and len(register["skills"]) == 2

    # The PDF carries the signed payload, which is the register's, byte for byte.
    pdf = ensure_document(certificate).data
    db.session.commit()
    info = PdfFileReader(io.BytesIO(pdf), strict=False).trailer["/Info"]
    assert json.loads(str(info["/RawatPayload"])) == register
    # The QR code (read by zbarimg from the rendered page) names the ID, the key and a signature of that payload.
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    rendered = run_tool(tool("pdftoppm"), "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "p"))
    assert rendered.returncode == 0
    qr = urlsplit(run_tool(tool("zbarimg"), "--quiet", "--raw", *ZBARIMG_QR_ONLY, str(tmp_path / "p.png"))
                  .stdout.decode().strip())
    query = {key: values[0] for key, values in parse_qs(qr.query).items()}
    assert qr.path == f"/verifikasi/{register['id']}" and query["k"] == register["kid"]
    assert verify_payload(load_keyring(), register, query["s"])

    # The API gives the register's fields and the same signed payload.
    api = client.get(f"/api/v1/certificates/{certificate.public_id}").get_json()
    assert json.loads(api["signature"]["payload"]) == register
    fields = api["certificate"]
    assert (fields["holder"], fields["course"], fields["course_version"], fields["hours"], fields["completed"],
            fields["valid_until"], fields["issuer"], fields["skills"]) == (
        register["holder"], register["course"], register["course_version"], register["hours"], register["completed"],
        register["valid_until"], register["issuer"], register["skills"])

    # The credential says the same, and its proof holds.
    credential = credential_of(certificate)
    assert inspect_credential(load_keyring(), credential).state == "verified"
    subject, achievement = credential["credentialSubject"], credential["credentialSubject"]["achievement"]
    assert credential["id"].endswith(f"/verifikasi/{register['id']}")
    assert subject["name"] == subject["identifier"][0]["identityHash"] == register["holder"]
    assert credential["name"] == achievement["name"] == register["course"]
    assert achievement["version"] == str(register["course_version"])
    assert achievement["creditsAvailable"] == subject["creditsEarned"] == float(register["hours"])
    assert local_date(from_utc(credential["validFrom"])) == date.fromisoformat(register["completed"])
    assert local_date(from_utc(credential["validUntil"])) == date.fromisoformat(register["valid_until"])
    assert local_date(from_utc(credential["validUntil"]) + timedelta(seconds=1)) == \
        date.fromisoformat(register["valid_until"]) + timedelta(days=1)
    assert credential["issuer"]["name"] == register["issuer"]
    assert credential["proof"]["verificationMethod"].endswith(f"#{register['kid']}")
    narrative = achievement["criteria"]["narrative"]
    for skill in register["skills"]:
        assert f"- {skill['title']} ({skill['observed']}, {skill['observer']})" in narrative
    aligned = [(item["targetName"], item["targetCode"]) for item in achievement.get("alignment", [])]
    assert aligned == [(skill["title"], skill["competency_unit"]) for skill in register["skills"]
                       if skill["competency_unit"]]
    assert achievement["achievementType"] == "Certificate"
    # Each alignment's address is the skill on the (public) course page.
    course_page = client.get(urlsplit(achievement["id"]).path).get_data(as_text=True)
    for item in achievement["alignment"]:
        assert f'id="{urlsplit(item["targetUrl"]).fragment}"' in course_page
    # And the verification API, given the credential, answers with the register's fields.
    checked = api_check(client, credential).get_json()
    assert checked["outcome"] == "genuine" and checked["certificate"] == fields
