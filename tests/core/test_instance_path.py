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
        _invoke(app, "lms", "backup", str(tmp_path / "backup"))
        db.engine.dispose()

    secret = instance / "secret_key"
    assert secret.read_text().strip() == app.config["SECRET_KEY"] and _mode(secret) == 0o600
    private_keys = sorted((instance / "keys").rglob("*-key.pem"))
    assert {p.name for p in private_keys} == {"root-key.pem", "ed25519-key.pem", "signing-key.pem"}
    assert all(_mode(p) == 0o600 for p in private_keys)
    assert (instance / "rawat.db").is_file()
    backed_up = {p.relative_to(tmp_path / "backup" / "keys") for p in (tmp_path / "backup" / "keys").rglob("*")}
    assert backed_up == {p.relative_to(instance / "keys") for p in (instance / "keys").rglob("*")}

    # A restore puts the keys into the instance folder of the app restoring, and reads the same secret key again.
    other = tmp_path / "other"
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(other))
    restored = create_app()
    with restored.app_context():
        upgrade()
        _invoke(restored, "lms", "restore", str(tmp_path / "backup"))
        db.engine.dispose()
    assert sorted(p.name for p in (other / "keys").rglob("*-key.pem")) == sorted(p.name for p in private_keys)
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
