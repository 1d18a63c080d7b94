"""The public verification page: by typed ID and by the QR code's address."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.certificates.public_id import ALPHABET
from lms.certificates.services import revoke
from lms.certificates.urls import qr_url
from lms.extensions import db
from tests.certificates.fixtures import years_ago


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def check(browser, text):
    return browser.post_form("/verifikasi", {"certificate_id": text}).get_data(as_text=True)


def verdict_of(html: str) -> str:
    match = re.search(r'data-status="([a-z_]+)"', html)
    return match.group(1) if match else ""


def swap_symbol(public_id: str, index: int) -> str:
    """Replace the symbol at `index` by another Crockford symbol."""
    current = public_id[index]
    other = ALPHABET[(ALPHABET.index(current) + 7) % 32]
    return public_id[:index] + other + public_id[index + 1:]


def test_the_menu_links_to_verification(english):
    page = english.get("/").get_data(as_text=True)
    assert 'href="/verifikasi"' in page and "Verify a certificate" in page


def test_valid_certificate_by_id(english, browser, certify, make_user):
    user = make_user(full_name="Siti Aminah", phone="+6281211112222", email="siti@contoh.id")
    certificate = certify(user=user)
    html = check(browser, certificate.public_id)
    assert verdict_of(html) == "valid" and "Valid certificate" in html
    for text in ("Siti Aminah", "Perawatan Dasar Lansia", "16", "Rawat", certificate.public_id):
        assert text in html
    # Public pages never show a phone number or an e-mail address.
    assert "81211112222" not in html and "siti@contoh.id" not in html


@pytest.mark.parametrize("typed", [
    "{lower}", "{spaced}", "{compact}", "{without_prefix}", "  {lower}  ",
])
def test_typing_is_forgiven(english, browser, certify, typed):
    certificate = certify()
    public_id = certificate.public_id
    variants = {
        "lower": public_id.lower(),
        "spaced": public_id.replace("-", " "),
        "compact": public_id.replace("-", ""),
        "without_prefix": public_id[4:],
    }
    assert verdict_of(check(browser, typed.format(**variants))) == "valid"


def test_look_alike_letters_are_forgiven(english, browser, certify):
    certificate = None
    for _ in range(60):  # find an ID with a 0 or a 1 in its random part
        candidate = certify(user=None)
        if set(candidate.public_id[9:]) & {"0", "1"}:
            certificate = candidate
            break
    assert certificate is not None
    body = certificate.public_id[9:].replace("0", "O").replace("1", "l")
    typed = certificate.public_id[:9] + body
    assert verdict_of(check(browser, typed)) == "valid"


def test_typo_says_check_the_id_again(english, browser, certify):
    certificate = certify()
    wrong = swap_symbol(certificate.public_id, 11)
    html = check(browser, wrong)
    assert verdict_of(html) == "typo" and "Check the ID again" in html
    # A wrong check symbol proves a mistake somewhere, not how many characters are wrong.
    assert f'The ID <span class="certificate-id">{wrong}</span> does not check out' in html
    assert "character by character" in html
    assert "one character is wrong" not in html and "two are swapped" not in html
    swapped = list(certificate.public_id)
    i = next(i for i in range(9, 18) if swapped[i] != swapped[i + 1] and "-" not in swapped[i:i + 2])
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    assert verdict_of(check(browser, "".join(swapped))) == "typo"


def test_unknown_and_malformed_ids(english, browser, certify):
    from lms.certificates.public_id import new_public_id

    certify()
    html = check(browser, new_public_id(2026))
    assert verdict_of(html) == "not_found" and "No certificate has this ID" in html
    assert verdict_of(check(browser, "hello world")) == "malformed"


def test_revoked_certificate_shows_date_and_reason(english, browser, certify):
    certificate = certify()
    revoke(certificate, "Data peserta ternyata palsu.")
    db.session.commit()
    html = check(browser, certificate.public_id)
    assert verdict_of(html) == "revoked" and "This certificate was revoked" in html
    assert "Data peserta ternyata palsu." in html


def test_expired_certificate(english, browser, certify):
    certificate = certify(completed_at=years_ago(3), validity=24)
    html = check(browser, certificate.public_id)
    assert verdict_of(html) == "expired" and "This certificate has expired" in html


def test_a_tampered_register_entry_is_not_confirmed(english, browser, certify):
    certificate = certify()
    certificate.holder_name = "Nama Palsu"  # changed behind the application's back
    db.session.commit()
    html = check(browser, certificate.public_id)
    assert verdict_of(html) == "invalid" and "Nama Palsu" not in html


def test_the_qr_address_shows_the_same_and_checks_its_signature(english, certify):
    certificate = certify()
    parts = urlsplit(qr_url(certificate))
    response = english.get(f"{parts.path}?{parts.query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and verdict_of(html) == "valid"
    assert "The QR code's digital signature matches this certificate." in html
    plain = english.get(parts.path).get_data(as_text=True)
    assert verdict_of(plain) == "valid" and "QR code" not in result_panel(plain)


def result_panel(html: str) -> str:
    start = html.index('<section class="panel verdict')
    return html[start:html.index("</section>", start)]


def forged_signature(signature: str) -> str:
    return signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]


@pytest.mark.parametrize("status", ["valid", "revoked", "expired"])
def test_a_qr_code_whose_signature_does_not_match_gets_a_warning_of_its_own(english, certify, status):
    """Never inside the green "valid" panel: the QR was not made by Rawat (or was changed)."""
    certificate = certify(completed_at=years_ago(3) if status == "expired" else None)
    if status == "revoked":
        revoke(certificate, "Dicabut.")
        db.session.commit()
    parts = urlsplit(qr_url(certificate))
    query = parse_qs(parts.query)
    for kid, signature in ((query["k"][0], forged_signature(query["s"][0])), ("rk-00000000-0000", query["s"][0]),
                           (query["k"][0], "")):
        response = english.get(parts.path, query_string={"k": kid, "s": signature})
        html = response.get_data(as_text=True)
        panel = result_panel(html)
        assert response.status_code == 200 and verdict_of(html) == "qr_mismatch"
        assert 'class="panel verdict verdict-qr_mismatch"' in panel and f'data-register-status="{status}"' in panel
        assert "✓" not in panel and "Valid certificate" not in panel
        assert "This QR code was not made by Rawat" in panel and "or it was changed" in panel
        named = f'<span class="certificate-id">{certificate.public_id}</span>'
        assert f"Check that the ID printed on the paper is {named}" in panel
        # What the register says about that ID, set apart, so the name can be compared with the paper.
        assert f"What the register says about {named}" in panel and certificate.holder_name in panel


def test_the_developer_section_is_a_link_to_the_api_document(english):
    html = english.get("/verifikasi").get_data(as_text=True)
    assert "<h2>For developers</h2>" not in html and "GET /api/v1/certificates" not in html
    assert 'href="/.well-known/rawat-keys.json"' not in html  # the API document links the keys
    assert re.search(r'<a href="/api/openapi.json">[^<]*API[^<]*</a>', html)


def test_the_qr_page_for_every_status(english, certify):
    from lms.certificates.public_id import new_public_id

    valid = certify()
    revoked = certify(slug="kursus-dua")
    revoke(revoked, "Dicabut.")
    expired = certify(completed_at=years_ago(3), slug="kursus-tiga")
    db.session.commit()
    cases = [(valid.public_id, 200, "valid"), (revoked.public_id, 200, "revoked"),
             (expired.public_id, 200, "expired"), (swap_symbol(valid.public_id, 12), 404, "typo"),
             (new_public_id(2026), 404, "not_found")]
    for public_id, code, status in cases:
        response = english.get(f"/verifikasi/{public_id}")
        assert (response.status_code, verdict_of(response.get_data(as_text=True))) == (code, status), public_id


def test_a_sloppy_qr_address_redirects_to_the_canonical_one(english, certify):
    certificate = certify()
    response = english.get(f"/verifikasi/{certificate.public_id.lower()}", query_string={"k": "x", "s": "y"})
    assert response.status_code == 301
    assert response.headers["Location"].startswith(f"/verifikasi/{certificate.public_id}?")


def test_the_form_needs_its_csrf_token(english, certify):
    certificate = certify()
    response = english.post("/verifikasi", data={"certificate_id": certificate.public_id})
    assert response.status_code == 400 and "This form has expired" in response.get_data(as_text=True)


def test_verification_is_rate_limited_per_address(app, english, browser, certify):
    certificate = certify()
    app.config["VERIFICATION_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [english.get(f"/verifikasi/{certificate.public_id}").status_code for _ in range(2)]
        codes.append(browser.post_form("/verifikasi", {"certificate_id": certificate.public_id}).status_code)
        limited = english.get(f"/api/v1/certificates/{certificate.public_id}")
        page = browser.post_form("/verifikasi", {"certificate_id": certificate.public_id})
    finally:
        app.config["VERIFICATION_RATE_LIMIT"] = "30 per minute"
    assert codes == [200, 200, 200]
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == 429
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)
    # Another address is not affected.
    other = english.get(f"/verifikasi/{certificate.public_id}", environ_base={"REMOTE_ADDR": "127.0.0.2"})
    assert other.status_code == 200


@pytest.mark.parametrize("typed", ["\x00", "RWT-2026-\x00", "%", "' OR 1=1 --", "ä" * 70])
def test_odd_input_is_malformed_not_an_error(english, browser, typed):
    assert verdict_of(check(browser, typed[:64])) in ("malformed", "")
    response = english.get("/api/v1/certificates/" + typed.replace("%", "%25"))
    assert response.status_code in (400, 404) and response.get_json()["error"]["code"] in (400, 404)
