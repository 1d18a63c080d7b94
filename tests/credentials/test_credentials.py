"""Every certificate's Open Badges 3.0 credential: what it says, its proof, revocation, expiry, keys, baking."""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certificates.keys import load_keyring
from lms.certificates.services import reinstate, revoke
from lms.credentials import status_list as bits
from lms.credentials.baking import NotBaked, bake, unbake
from lms.credentials.builder import identity_hash
from lms.credentials.data_integrity import add_proof
from lms.credentials.models import CertificateCredential, StatusList
from lms.credentials.services import ensure_credential
from lms.credentials.verifying import inspect_credential
from lms.extensions import db
from lms.timeutil import utcnow
from tests.certificates.fixtures import years_ago
from tests.credentials.helpers import api_check, credential_of, credential_text, outcome_of, upload


@pytest.fixture(autouse=True)
def english(client):
    client.set_cookie("lang", "en")


def test_a_certificate_is_issued_with_its_open_badges_credential(certify, make_user):
    user = make_user(full_name="Siti Aminah", phone="+6281234567890")
    certificate = certify(user=user)
    credential = credential_of(certificate)
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"http://127.0.0.1:5000/verifikasi/{certificate.public_id}"
    assert credential["issuer"]["id"] == "did:web:127.0.0.1%3A5000"
    assert credential["issuer"]["type"] == ["Profile"] and credential["issuer"]["name"] == "Rawat"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["name"] == "Siti Aminah"
    achievement = subject["achievement"]
    assert achievement["name"] == "Perawatan Dasar Lansia" and achievement["type"] == ["Achievement"]
    assert achievement["creditsAvailable"] == 16.0 and achievement["inLanguage"] == "id"
    assert "3" in achievement["criteria"]["narrative"]  # the three lessons
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] == f"did:web:127.0.0.1%3A5000#{certificate.key_id}"
    assert inspect_credential(load_keyring(), credential).state == "verified"


def test_the_holder_is_named_and_their_phone_only_as_a_salted_hash(certify, make_user):
    user = make_user(full_name="Siti Aminah", phone="+6281234567890")
    certificate = certify(user=user)
    text = credential_text(certificate)
    assert "6281234567890" not in text and "81234567890" not in text
    hashed = [item for item in credential_of(certificate)["credentialSubject"]["identifier"] if item["hashed"]]
    assert len(hashed) == 1 and hashed[0]["identityType"] == "ext:phoneNumber"
    assert hashed[0]["identityHash"] == "sha256$" + hashlib.sha256(
        ("+6281234567890" + hashed[0]["salt"]).encode()).hexdigest()
    other = certify(user=user, slug="kursus-lain")
    salts = {item["salt"] for cert in (certificate, other)
             for item in credential_of(cert)["credentialSubject"]["identifier"] if item["hashed"]}
    assert len(salts) == 2  # a salt per credential: two credentials of one person cannot be linked by it


def test_an_email_is_hashed_in_lower_case(certify, make_user):
    certificate = certify(user=make_user(email="Siti@Contoh.ID"))
    [hashed] = [item for item in credential_of(certificate)["credentialSubject"]["identifier"] if item["hashed"]]
    assert hashed["identityType"] == "emailAddress"
    assert hashed["identityHash"] == identity_hash("siti@contoh.id", hashed["salt"])


@pytest.mark.parametrize("change", ["name", "course", "date", "hours", "status index", "validUntil removed"])
def test_changing_any_field_breaks_the_proof(client, certify, change):
    certificate = certify()
    credential = credential_of(certificate)
    if change == "name":
        credential["credentialSubject"]["name"] = "Siti Aminah"
    elif change == "course":
        credential["credentialSubject"]["achievement"]["name"] = "Perawat Profesional"
    elif change == "date":
        credential["validFrom"] = "2020-01-01T00:00:00Z"
    elif change == "hours":
        credential["credentialSubject"]["achievement"]["creditsAvailable"] = 160.0
    elif change == "status index":
        credential["credentialStatus"]["statusListIndex"] = "7"
    else:
        del credential["validUntil"]
    assert inspect_credential(load_keyring(), credential).state == "altered"
    response = upload(client, json.dumps(credential).encode())
    assert outcome_of(response) == "altered" and "This credential was altered" in response.get_data(as_text=True)
    body = api_check(client, credential).get_json()
    assert body["outcome"] == "altered" and body["certificate"] is None and body["checks"]["proof"] == "altered"


def test_the_credential_itself_is_genuine_on_the_page_and_in_the_api(client, certify):
    certificate = certify()
    response = upload(client, credential_text(certificate).encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and outcome_of(response) == "genuine" and 'data-kind="credential"' in html
    assert "Genuine credential" in html and certificate.holder_name in html and certificate.public_id in html
    body = api_check(client, credential_of(certificate)).get_json()
    assert body["outcome"] == "genuine" and body["status"] == "valid" and body["id"] == certificate.public_id
    assert body["checks"] == {"proof": "verified", "issuer_key": certificate.key_id, "status_list": "not_revoked",
                              "dates": "valid"}
    assert body["certificate"]["holder"] == certificate.holder_name


def test_revoking_flips_the_status_bit_and_the_verifier_says_revoked(client, certify):
    certificate = certify()
    stored = db.session.get(CertificateCredential, certificate.id)
    listing = client.get(f"/api/v1/credentials/status/{stored.status_list}").get_json()
    assert not bits.bit_is_set(bits.decode(listing["credentialSubject"]["encodedList"]), stored.status_index)

    revoke(certificate, "Nama salah.")
    db.session.commit()
    listing = client.get(f"/api/v1/credentials/status/{stored.status_list}").get_json()
    assert bits.bit_is_set(bits.decode(listing["credentialSubject"]["encodedList"]), stored.status_index)
    assert inspect_credential(load_keyring(), listing).state == "verified"  # the list is signed too
    response = upload(client, credential_text(certificate).encode())
    assert outcome_of(response) == "revoked" and "Nama salah." in response.get_data(as_text=True)
    body = api_check(client, credential_of(certificate)).get_json()
    assert body["outcome"] == "revoked" and body["checks"]["status_list"] == "revoked"
    assert body["revocation"]["reason"] == "Nama salah."

    reinstate(certificate, "Sudah diperbaiki.")
    db.session.commit()
    listing = client.get(f"/api/v1/credentials/status/{stored.status_list}").get_json()
    assert not bits.bit_is_set(bits.decode(listing["credentialSubject"]["encodedList"]), stored.status_index)
    assert api_check(client, credential_of(certificate)).get_json()["outcome"] == "genuine"


def test_a_status_list_is_signed_once_per_change(client, certify):
    certificate = certify()
    number = db.session.get(CertificateCredential, certificate.id).status_list
    first = client.get(f"/api/v1/credentials/status/{number}").get_data()
    assert client.get(f"/api/v1/credentials/status/{number}").get_data() == first  # stored, not signed again
    revoke(certificate, "Uji.")
    db.session.commit()
    assert db.session.get(StatusList, number).document is None
    changed = client.get(f"/api/v1/credentials/status/{number}").get_data()
    assert changed != first and db.session.get(StatusList, number).document == changed.decode()
    assert client.get("/api/v1/credentials/status/999").status_code == 404


def test_an_expired_certificate_s_credential_says_expired(client, certify):
    certificate = certify(completed_at=years_ago(3), slug="kursus-lama")
    credential = credential_of(certificate)
    assert credential["validUntil"] < utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    response = upload(client, credential_text(certificate).encode())
    assert outcome_of(response) == "genuine" and "But the certificate has expired" in response.get_data(as_text=True)
    body = api_check(client, credential).get_json()
    assert body["outcome"] == "genuine" and body["status"] == "expired" and body["checks"]["dates"] == "expired"


def test_valid_until_is_the_end_of_the_last_valid_day_in_jakarta(certify):
    certificate = certify()
    credential = credential_of(certificate)
    last_day = certificate.valid_until
    # 23:59:59 in Jakarta (UTC+7) is 16:59:59 UTC of the same day
    assert credential["validUntil"] == f"{last_day.isoformat()}T16:59:59Z"
    assert credential["validFrom"] == f"{(certificate.completed_on - timedelta(days=1)).isoformat()}T17:00:00Z"


def test_a_credential_signed_by_another_key_is_not_ours(client, certify):
    certificate = certify()
    credential = credential_of(certificate)
    del credential["proof"]
    stranger = Ed25519PrivateKey.generate()
    foreign = add_proof(credential, stranger, created="2026-12-01T00:00:00Z",
                        verification_method="did:key:z6MkStranger#z6MkStranger")
    response = upload(client, json.dumps(foreign).encode())
    assert outcome_of(response) == "not_ours" and "Not a Rawat credential" in response.get_data(as_text=True)
    assert api_check(client, foreign).get_json()["outcome"] == "not_ours"
    # Claiming our key with someone else's signature is a credential changed after signing.
    claimed = add_proof(credential, stranger, created="2026-12-01T00:00:00Z",
                        verification_method=f"did:web:127.0.0.1%3A5000#{certificate.key_id}")
    assert api_check(client, claimed).get_json()["outcome"] == "altered"
    unsigned = dict(credential)
    assert api_check(client, unsigned).get_json()["outcome"] == "not_ours"


def test_a_rotated_key_still_verifies_old_credentials_and_is_in_the_did_document(app, client, fresh_keys, certify):
    from lms.certificates.keygen import init_keys, rotate_keys

    init_keys(app)
    before = certify()
    old_kid = before.key_id
    rotate_keys(app)
    after = certify(slug="kursus-sesudah-rotasi")
    assert after.key_id != old_kid
    for certificate in (before, after):
        assert api_check(client, credential_of(certificate)).get_json()["outcome"] == "genuine"
    did = client.get("/.well-known/did.json").get_json()
    assert did["id"] == "did:web:127.0.0.1%3A5000"
    methods = {method["id"]: method for method in did["verificationMethod"]}
    assert set(methods) == {f"{did['id']}#{old_kid}", f"{did['id']}#{after.key_id}"}
    assert set(did["assertionMethod"]) == set(methods)
    assert all(method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
               for method in methods.values())


def test_a_retired_key_s_proof_dated_after_its_retirement_is_refused(app, fresh_keys, certify):
    from lms.certificates.keygen import init_keys, rotate_keys

    init_keys(app)
    certificate = certify()
    keyring = load_keyring()
    private = keyring.ed25519_private()  # kept from before the rotation: as a thief would have it
    rotate_keys(app)
    credential = credential_of(certificate)
    del credential["proof"]
    late = add_proof(credential, private, created="2099-01-01T00:00:00Z",
                     verification_method=f"did:web:127.0.0.1%3A5000#{certificate.key_id}")
    assert inspect_credential(load_keyring(), late).state == "altered"


def test_baking_and_unbaking_a_png_returns_the_credential_byte_for_byte(certify):
    certificate = certify()
    text = credential_text(certificate)
    from lms.credentials.badge import badge_png

    image = badge_png(certificate.course_title, certificate.issuer)
    baked = bake(image, text)
    assert unbake(baked) == text and unbake(bake(baked, text)) == text  # baking again replaces, never adds
    assert baked.count(b"openbadgecredential") == 1
    from PIL import Image
    import io

    assert Image.open(io.BytesIO(baked)).size == (400, 400)  # still an image any viewer opens
    for broken in (image, b"not a png", baked[:len(baked) // 2]):
        with pytest.raises(NotBaked):
            unbake(broken)


def test_one_credential_per_certificate_and_one_certificate_per_status_bit(certify, monkeypatch):
    first = certify()
    index = db.session.get(CertificateCredential, first.id).status_index
    # The next draw lands on the bit already taken, then on a free one.
    draws = iter([index, (index + 1) % bits.LIST_BITS])
    monkeypatch.setattr("lms.credentials.services.random_index", lambda: next(draws))
    second = certify(slug="kursus-lain")
    stored = db.session.get(CertificateCredential, second.id)
    assert stored.status_index == (index + 1) % bits.LIST_BITS
    assert ensure_credential(second) is stored
    assert db.session.query(CertificateCredential).count() == 2


def test_status_list_bits_follow_the_recommendation(certify):
    encoded = bits.encode({0, 9, bits.LIST_BITS - 1})
    raw = bits.decode(encoded)
    assert len(raw) == bits.LIST_BITS // 8 and raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01
    assert encoded.startswith("u") and "=" not in encoded
    for bad in ("zabc", "u" + "A" * 10, 5):
        with pytest.raises(ValueError):
            bits.decode(bad)


def test_a_revocation_before_anyone_asked_for_the_list_is_in_it(client, certify):
    certificate = certify()
    stored = db.session.get(CertificateCredential, certificate.id)
    assert db.session.get(StatusList, stored.status_list) is None  # issuing never touches the list's row
    revoke(certificate, "Uji.")
    db.session.commit()
    listing = client.get(f"/api/v1/credentials/status/{stored.status_list}").get_json()
    assert bits.bit_is_set(bits.decode(listing["credentialSubject"]["encodedList"]), stored.status_index)


@pytest.mark.parametrize("shape", ["blank node ids", "many objects", "deep"])
def test_a_credential_shaped_unlike_ours_is_refused_before_canonicalization(client, certify, monkeypatch, shape):
    """RDFC-1.0 can take exponential time on crafted blank-node graphs: such a document, naming our key,
    is altered without being canonicalized at all."""
    certificate = certify()
    credential = credential_of(certificate)
    if shape == "blank node ids":  # a cycle of blank nodes pointing at each other
        credential["credentialSubject"]["knows"] = [{"id": f"_:b{n}", "knows": {"id": f"_:b{(n + 1) % 8}"}}
                                                    for n in range(8)]
    elif shape == "many objects":
        credential["credentialSubject"]["extra"] = [{"n": n} for n in range(300)]
    else:
        nested = {}
        for _ in range(20):
            nested = {"inner": nested}
        credential["credentialSubject"]["extra"] = nested
    canonicalized = []
    monkeypatch.setattr("lms.credentials.data_integrity.canonical_nquads",
                        lambda *args, **kwargs: canonicalized.append(1) or "")
    assert inspect_credential(load_keyring(), credential).state == "altered"
    assert api_check(client, credential).get_json()["outcome"] == "altered"
    assert canonicalized == []
