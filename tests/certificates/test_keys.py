"""Keys: `lms keys init` (idempotent, 0600, a real little CA), rotation that keeps old certificates valid."""
from __future__ import annotations

import io
import re
import stat

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from lms.certificates.keygen import init_keys, rotate_keys
from lms.certificates.keys import KeysMissing, load_keyring
from lms.certificates.queries import payload_of
from lms.certificates.signing import verify_payload
from lms.certificates.urls import qr_url
from tests.conftest import csrf_token_from


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_keys_init_creates_a_small_ca_and_a_signing_key(app, runner, fresh_keys):
    result = runner.invoke(args=["lms", "keys", "init"])
    assert result.exit_code == 0, result.output
    assert "Keys created" in result.output
    keyring = load_keyring(app)
    kid = keyring.current_kid
    for private in (fresh_keys / "ca" / "root-key.pem", fresh_keys / kid / "ed25519-key.pem",
                    fresh_keys / kid / "signing-key.pem"):
        assert mode(private) == 0o600, private
    assert mode(fresh_keys) == 0o700
    root = x509.load_pem_x509_certificate((fresh_keys / "ca" / "root-cert.pem").read_bytes())
    assert root.subject == root.issuer
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    leaf = keyring.current.signing_cert
    assert leaf.issuer == root.subject
    leaf.verify_directly_issued_by(root)  # raises if the root did not sign it
    assert leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature


def test_keys_init_is_idempotent(app, runner, fresh_keys):
    assert init_keys(app) is True
    before = {p: p.read_bytes() for p in fresh_keys.rglob("*") if p.is_file()}
    result = runner.invoke(args=["lms", "keys", "init"])
    assert result.exit_code == 0 and "nothing changed" in result.output
    assert {p: p.read_bytes() for p in fresh_keys.rglob("*") if p.is_file()} == before


def test_no_keys_and_no_auto_init_is_a_clear_error(app, fresh_keys):
    app.config["CERTIFICATE_KEYS_AUTO_INIT"] = False
    try:
        try:
            load_keyring(app)
        except KeysMissing as exc:
            assert "lms keys init" in str(exc)
        else:
            raise AssertionError("expected KeysMissing")
    finally:
        app.config["CERTIFICATE_KEYS_AUTO_INIT"] = True


def test_rotation_keeps_old_certificates_valid(app, client, runner, fresh_keys, issued_pdf):
    client.set_cookie("lang", "en")
    init_keys(app)
    old_certificate, old_pdf = issued_pdf()
    old_kid = old_certificate.key_id
    result = runner.invoke(args=["lms", "keys", "rotate"])
    assert result.exit_code == 0, result.output
    keyring = load_keyring(app)
    assert keyring.current_kid != old_kid and keyring.keys[old_kid].retired_at is not None
    assert not (fresh_keys / old_kid / "ed25519-key.pem").exists()  # the retired private halves are gone
    assert not (fresh_keys / old_kid / "signing-key.pem").exists()
    assert (fresh_keys / old_kid / "signing-chain.pem").exists()

    for private in (fresh_keys / keyring.current_kid / "ed25519-key.pem",
                    fresh_keys / keyring.current_kid / "signing-key.pem"):
        assert mode(private) == 0o600, private  # the new key's private halves too
    assert mode(fresh_keys / keyring.current_kid) == 0o700

    new_certificate, new_pdf = issued_pdf(slug="kursus-baru")
    assert new_certificate.key_id == keyring.current_kid
    # The old certificate still verifies: its Ed25519 signature, its QR address, its PDF.
    assert verify_payload(keyring, payload_of(old_certificate), old_certificate.signature,
                          issued_at=old_certificate.issued_at)
    qr = qr_url(old_certificate).split("5000", 1)[1]
    html = client.get(qr).get_data(as_text=True)
    assert 'data-status="valid"' in html and "signature matches" in html
    for pdf in (old_pdf, new_pdf):
        token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
        response = client.post("/verifikasi/pdf", data={"csrf_token": token, "document": (io.BytesIO(pdf), "c.pdf")},
                               content_type="multipart/form-data")
        assert 'data-outcome="genuine"' in response.get_data(as_text=True)
    # Both keys are published, the retired one with the end of its validity.
    published = client.get("/.well-known/rawat-keys.json").get_json()
    by_kid = {k["kid"]: k for k in published["keys"]}
    assert by_kid[old_kid]["status"] == "retired" and by_kid[old_kid]["valid_until"]
    assert by_kid[keyring.current_kid]["valid_until"] is None


def test_a_retired_key_cannot_vouch_for_a_certificate_issued_after_it_retired(app, fresh_keys, certify):
    init_keys(app)
    certificate = certify()
    keyring = load_keyring(app)
    rotate_keys(app)
    keyring = load_keyring(app)
    later = certificate.issued_at.replace(year=certificate.issued_at.year + 1)
    assert not verify_payload(keyring, payload_of(certificate), certificate.signature, issued_at=later)
    assert verify_payload(keyring, payload_of(certificate), certificate.signature, issued_at=certificate.issued_at)


def test_an_operator_can_use_a_key_and_chain_from_another_ca(app, fresh_keys, tmp_path, issued_pdf, client):
    """CERTIFICATE_SIGNING_KEY_FILE / _CERT_FILE / TRUST_ROOTS_FILE instead of our own CA."""
    import datetime as dt

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Real CA for tests")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=900))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Rawat document signing")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=800))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    (tmp_path / "key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    (tmp_path / "chain.pem").write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    (tmp_path / "roots.pem").write_bytes(ca.public_bytes(pem))
    settings = {"CERTIFICATE_SIGNING_KEY_FILE": str(tmp_path / "key.pem"),
                "CERTIFICATE_SIGNING_CERT_FILE": str(tmp_path / "chain.pem"),
                "CERTIFICATE_TRUST_ROOTS_FILE": str(tmp_path / "roots.pem")}
    app.config.update(settings)
    try:
        assert init_keys(app) is True
        assert not (fresh_keys / "ca").exists()  # no CA of our own
        keyring = load_keyring(app)
        assert keyring.current.signing_cert == leaf
        _certificate, pdf = issued_pdf()
        client.set_cookie("lang", "en")
        token = csrf_token_from(client.get("/verifikasi").get_data(as_text=True))
        response = client.post("/verifikasi/pdf", data={"csrf_token": token, "document": (io.BytesIO(pdf), "c.pdf")},
                               content_type="multipart/form-data")
        assert 'data-outcome="genuine"' in response.get_data(as_text=True)
    finally:
        app.config.update({name: None for name in settings})


def test_keys_list_shows_current_and_retired(app, runner, fresh_keys):
    init_keys(app)
    rotate_keys(app)
    result = runner.invoke(args=["lms", "keys", "list"])
    assert result.exit_code == 0
    assert len(re.findall(r"^rk-\d{8}-[0-9a-f]{4}", result.output, re.M)) == 2
    assert "current" in result.output and "retired" in result.output


def test_readiness_reports_missing_keys(app, fresh_keys):
    from lms.certificates.keys import readiness_problem

    app.config["CERTIFICATE_KEYS_AUTO_INIT"] = False
    try:
        with app.test_request_context():
            assert "lms keys init" in readiness_problem()
            init_keys(app)
            assert readiness_problem() is None
            (fresh_keys / load_keyring(app).current_kid / "ed25519-key.pem").unlink()
            load_keyring(app)._cache.clear()
            assert "missing" in readiness_problem()
        # /readyz asks every feature (observability.readiness_asked): certificates answers for its keys
        response = app.test_client().get("/readyz")
        assert response.status_code == 503 and "missing" in response.get_json()["checks"]["signing_keys"]
    finally:
        app.config["CERTIFICATE_KEYS_AUTO_INIT"] = True
