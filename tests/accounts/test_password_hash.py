"""The production config hashes passwords with scrypt; the test config's cheap hash is for tests only."""
from __future__ import annotations

from lms.accounts import services
from lms.config import Config, TestConfig


def test_the_production_config_hashes_with_scrypt_and_the_account_signs_in(app, sign_in, monkeypatch):
    assert Config.PASSWORD_HASH_METHOD == "scrypt"
    assert TestConfig.PASSWORD_HASH_METHOD != Config.PASSWORD_HASH_METHOD  # the rest of the suite stays fast
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", Config.PASSWORD_HASH_METHOD)
    browser = sign_in()
    assert browser.user.password_hash.startswith("scrypt:")
    assert browser.get("/profil").status_code == 200
    # An unknown account is checked against a hash of the same method, so it is refused as slowly.
    assert services._dummy_hash().startswith("scrypt:")
    assert services.authenticate("081299999999", "kata sandi aman 1") is None
