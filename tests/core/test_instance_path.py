"""LMS_INSTANCE_PATH is the instance folder for everything: secret key, SQLite database, signing keys, restores."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask_migrate import upgrade

from lms import create_app
from lms.config import PROJECT_ROOT, Config
from lms.extensions import db

pytestmark = pytest.mark.own_app
REPOSITORY_INSTANCE = PROJECT_ROOT / "instance"
WATCHED = ("secret_key", "rawat.db", "keys")


def _state(folder: Path) -> dict[str, int | None]:
    """What the repository's instance/ holds that the app would write (modification times)."""
    return {name: (folder / name).stat().st_mtime_ns if (folder / name).exists() else None for name in WATCHED}


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def plain_environment(monkeypatch):
    """The settings a laptop has: no SECRET_KEY or DATABASE_URL, so both come from the instance folder."""
    for name in ("SECRET_KEY", "DATABASE_URL", "LMS_CERTIFICATE_KEY_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Config, "CERTIFICATE_KEY_DIR", "keys")


def _invoke(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def test_everything_the_app_writes_lands_in_lms_instance_path(tmp_path, monkeypatch, plain_environment):
    instance = tmp_path / "data" / "rawat"  # missing: created, readable by its owner only
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(instance))
    before = _state(REPOSITORY_INSTANCE)

    app = create_app()
    assert Path(app.instance_path) == instance
    assert _mode(instance) == 0o700
    with app.app_context():
        assert db.engine.url.database == str(instance / "rawat.db")
        upgrade()
        _invoke(app, "lms", "keys", "init")
        _invoke(app, "lms", "backup-keygen", str(tmp_path / "backup.key"))
        _invoke(app, "lms", "backup", str(tmp_path / "backup"), "--key-file", str(tmp_path / "backup.key"))
        db.engine.dispose()

    secret = instance / "secret_key"
    assert secret.read_text().strip() == app.config["SECRET_KEY"] and _mode(secret) == 0o600
    private_keys = sorted((instance / "keys").rglob("*-key.pem"))
    assert {p.name for p in private_keys} == {"root-key.pem", "ed25519-key.pem", "signing-key.pem"}
    assert all(_mode(p) == 0o600 for p in private_keys)
    assert (instance / "rawat.db").is_file()
    assert _mode(tmp_path / "backup.key") == 0o600
    assert (tmp_path / "backup" / "keys.tar.enc").is_file()  # the keys travel sealed, with the data

    # A restore puts the keys into the instance folder of the app restoring, and reads the same secret key again.
    other = tmp_path / "other"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(other))
    restored = create_app()
    with restored.app_context():
        upgrade()
        _invoke(restored, "lms", "restore", str(tmp_path / "backup"), "--key-file", str(tmp_path / "backup.key"))
        db.engine.dispose()
    assert sorted(p.name for p in (other / "keys").rglob("*-key.pem")) == sorted(p.name for p in private_keys)
    assert {p.relative_to(other / "keys") for p in (other / "keys").rglob("*")} == \
        {p.relative_to(instance / "keys") for p in (instance / "keys").rglob("*")}
    assert all(_mode(p) == 0o600 for p in (other / "keys").rglob("*-key.pem"))
    assert create_app().config["SECRET_KEY"] == restored.config["SECRET_KEY"] != app.config["SECRET_KEY"]

    assert _state(REPOSITORY_INSTANCE) == before  # nothing written to the repository's instance/


def test_a_relative_lms_instance_path_is_taken_from_the_working_folder_and_an_argument_wins(
        tmp_path, monkeypatch, plain_environment):
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o750)
    existing.chmod(0o750)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LMS_INSTANCE_PATH", "shared")
    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    assert Path(app.instance_path) == existing and (existing / "secret_key").is_file()
    assert _mode(existing) == 0o750  # a folder that exists keeps the permissions its owner gave it

    explicit = create_app(instance_path=str(tmp_path / "explicit"), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert Path(explicit.instance_path) == tmp_path / "explicit"


def test_rotating_the_secret_key_writes_a_0600_file_and_signs_everyone_out_once_the_app_restarts(
        tmp_path, plain_environment):
    from sqlalchemy import select

    from lms.accounts.services import register_user
    from lms.audit.models import AuditEntry
    from tests.conftest import Browser

    instance, uri = tmp_path / "instance", f"sqlite:///{tmp_path / 'r.db'}"
    app = create_app(instance_path=str(instance), SQLALCHEMY_DATABASE_URI=uri,
                     PASSWORD_HASH_METHOD="pbkdf2:sha256:1000")
    with app.app_context():
        upgrade()
        register_user("Sari Wulandari", "phone", "+6281200000001", "kata sandi aman 1")
        db.session.commit()
        db.engine.dispose()
    browser = Browser(app.test_client())
    browser.login("081200000001")
    cookies = {name: browser.client.get_cookie(name).value for name in ("session",)}
    old_key = (instance / "secret_key").read_text()

    asked = _invoke(app, "lms", "secret-key", "rotate", "--yes")
    assert "Restart every app process" in asked.output
    assert _mode(instance / "secret_key") == 0o600 and (instance / "secret_key").read_text() != old_key
    assert not list(instance.glob(".secret_key-*"))
    assert browser.get("/profil").status_code == 200  # a running process keeps the key it read
    restarted = create_app(instance_path=str(instance), SQLALCHEMY_DATABASE_URI=uri)
    assert restarted.config["SECRET_KEY"] == (instance / "secret_key").read_text() != app.config["SECRET_KEY"]
    copied = restarted.test_client()
    for name, value in cookies.items():
        copied.set_cookie(name, value)
    response = copied.get("/profil")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    with restarted.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "secret_key.rotated")).one()
        assert entry.details["by"].startswith("command line")
        db.engine.dispose()


def test_a_secret_key_from_the_environment_is_not_rotated_on_disk(tmp_path, monkeypatch, plain_environment):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = create_app(instance_path=str(tmp_path / "i"), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["lms", "secret-key", "rotate", "--yes"])
        db.engine.dispose()
    assert result.exit_code != 0 and "SECRET_KEY is set in the environment" in result.output
    assert not (tmp_path / "i" / "secret_key").exists()
