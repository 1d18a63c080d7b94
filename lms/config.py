"""Settings read from the environment, with safe defaults for a laptop."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None, instance_path: Path) -> str:
    """Return an SQLAlchemy URL; PostgreSQL URLs are pointed at psycopg 3."""
    if not raw:
        return f"sqlite:///{instance_path / 'rawat.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def load_secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY from the environment, else one kept (0600) in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Config:
    """Production-safe defaults; values come from the environment."""

    TESTING = False
    ENV_NAME = os.environ.get("LMS_ENV", "development")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    LANGUAGES = ("id", "en")
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("LMS_TIMEZONE", "Asia/Jakarta")
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_flag("LMS_HTTPS")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_flag("LMS_HTTPS")
    PREFERRED_URL_SCHEME = "https" if _env_flag("LMS_HTTPS") else "http"
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not the clock: learners read slowly

    RATELIMIT_ENABLED = _env_flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LMS_LOGIN_RATE_LIMIT", "10 per minute")

    CONTENT_DIR = os.environ.get("LMS_CONTENT_DIR", str(PROJECT_ROOT / "content"))
    USERS_PER_PAGE = 25

    @classmethod
    def finalize(cls, config: dict, instance_path: Path) -> None:
        """Fill in the values that depend on the instance folder."""
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = load_secret_key(instance_path)
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ.get("DATABASE_URL"), instance_path)


class TestConfig(Config):
    """Settings for the test suite: a database chosen by LMS_TEST_DATABASE_URL."""

    TESTING = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
