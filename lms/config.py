"""Settings read from the environment, with safe defaults for a laptop."""
from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_ROOT = Path(__file__).resolve().parent


def bundled_folder(name: str) -> Path:
    """translations/ or migrations/: inside the package in a built wheel (see setup.py), else the repository's."""
    packaged = PACKAGE_ROOT / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


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


def instance_folder(explicit: str | None = None) -> Path | None:
    """The instance folder: `explicit` (create_app's argument), else LMS_INSTANCE_PATH, else None (Flask's).

    A missing folder is created readable by its owner only: it holds the secret key and the signing keys.
    """
    raw = explicit or os.environ.get("LMS_INSTANCE_PATH")
    if not raw:
        return None
    folder = Path(raw).expanduser().resolve()  # Flask wants an absolute path; a relative one is the working folder's
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def load_secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY from the environment, else one kept (0600) in instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def replace_secret_key(instance_path: Path) -> Path:
    """Write a new secret key into instance/secret_key (0600), atomically; the file it replaces is gone.

    Processes already running keep the old key until they restart; from then on every session cookie,
    remember cookie and form token signed with the old one is refused.
    """
    key_file = instance_path / "secret_key"
    fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=".secret_key-")  # mkstemp: 0600
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    os.replace(temporary, key_file)
    return key_file


class Config:
    """Production-safe defaults; values come from the environment."""

    TESTING = False
    ENV_NAME = os.environ.get("LMS_ENV", "development")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL: a pooled connection unused for longer than this is pinged before use, so a
    # restarted server is noticed without a round trip on every request (lms/database.py).
    DATABASE_PING_AFTER_IDLE = float(os.environ.get("LMS_DATABASE_PING_AFTER_IDLE", "1.0"))
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    LANGUAGES = ("id", "en")
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("LMS_TIMEZONE", "Asia/Jakarta")
    BABEL_TRANSLATION_DIRECTORIES = str(bundled_folder("translations"))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_flag("LMS_HTTPS")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _env_flag("LMS_HTTPS")
    #: "keep me signed in" lasts this long; a plain sign-in ends after SESSION_LIFETIME at the latest
    #: (sessions are kept on the server: lms/accounts/sessions.py)
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("LMS_REMEMBER_DAYS", "90")))
    SESSION_LIFETIME = timedelta(hours=int(os.environ.get("LMS_SESSION_HOURS", "24")))
    PREFERRED_URL_SCHEME = "https" if _env_flag("LMS_HTTPS") else "http"
    WTF_CSRF_TIME_LIMIT = None  # tie the token to the session, not the clock: learners read slowly
    #: werkzeug method for new password hashes (lms/accounts/services.py); only the tests use a cheaper one
    PASSWORD_HASH_METHOD = "scrypt"

    RATELIMIT_ENABLED = _env_flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: failed sign-ins per account, whatever the address (guessing one person's password)
    LOGIN_RATE_LIMIT = os.environ.get("LMS_LOGIN_RATE_LIMIT", "5 per minute; 20 per hour")
    #: failed sign-ins per address: generous, because a mobile carrier's NAT or a Posyandu's Wi-Fi puts a
    #: whole village behind one address
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LMS_LOGIN_ADDRESS_RATE_LIMIT", "60 per minute; 600 per hour")
    #: new accounts per address (a taken number says so: this also slows looking up who has an account)
    REGISTER_RATE_LIMIT = os.environ.get("LMS_REGISTER_RATE_LIMIT", "60 per hour")

    CONTENT_DIR = os.environ.get("LMS_CONTENT_DIR", str(PROJECT_ROOT / "content"))
    #: number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    TRUSTED_PROXIES = int(os.environ.get("LMS_TRUSTED_PROXIES", "0"))
    #: outgoing mail (password reset by e-mail); without MAIL_SERVER messages are only logged
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _env_flag("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "Rawat <no-reply@rawat.local>")
    #: module handouts drawn (not served from the stored copy) per address
    HANDOUT_RENDER_RATE_LIMIT = os.environ.get("LMS_HANDOUT_RENDER_RATE_LIMIT", "10 per minute")
    PRACTICE_SHEET_RATE_LIMIT = os.environ.get("LMS_PRACTICE_SHEET_RATE_LIMIT", "30 per minute")
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("LMS_PASSWORD_RESET_RATE_LIMIT", "5 per hour")
    #: the largest request body of all, in bytes: a course zip (authoring, 20 MB) and its form
    MAX_CONTENT_LENGTH = int(os.environ.get("LMS_MAX_CONTENT_LENGTH", 21 * 1024 * 1024))
    #: the largest body of a route that declares nothing larger (forms; see lms/request_body.py)
    FORM_MAX_CONTENT_LENGTH = int(os.environ.get("LMS_FORM_MAX_CONTENT_LENGTH", 1024 * 1024))
    #: one JSON line per request on the "lms.requests" logger
    REQUEST_LOG = _env_flag("LMS_REQUEST_LOG", True)
    #: how people reach an administrator about their data (an e-mail, a phone number), shown under the notice
    PRIVACY_CONTACT = os.environ.get("LMS_PRIVACY_CONTACT") or None
    USERS_PER_PAGE = 25
    ORGANISATIONS_PER_PAGE = 25
    #: the key file `lms backup` encrypts with and `lms restore` opens with, readable by its owner only (lms/backup.py)
    BACKUP_KEY_FILE = os.environ.get("LMS_BACKUP_KEY_FILE") or None
    # --- personal data (lms/personal_data) ---
    #: a copy of someone's data with at most this many rows is built in the request; a larger one in the
    #: background (`lms personal-data build`)
    PERSONAL_DATA_INLINE_ROWS = int(os.environ.get("LMS_PERSONAL_DATA_INLINE_ROWS", "2000"))
    #: a copy built in the background can be downloaded for this many days, then its file is purged
    PERSONAL_DATA_EXPORT_DAYS = int(os.environ.get("LMS_PERSONAL_DATA_EXPORT_DAYS", "7"))
    #: copies a person may ask for
    PERSONAL_DATA_EXPORT_RATE_LIMIT = os.environ.get("LMS_PERSONAL_DATA_EXPORT_RATE_LIMIT", "3 per day")
    #: build a queued copy right after the answer is sent (small sites without cron); 0 leaves it to the command
    PERSONAL_DATA_BUILD_AFTER_RESPONSE = _env_flag("LMS_PERSONAL_DATA_BUILD_AFTER_RESPONSE", True)

    # --- personal data (UU No. 27 Tahun 2022, lms/erasure) ---
    #: days between a learner's request to delete their account and `lms erasure run` carrying it out; until
    #: then the account works and the request can be cancelled
    ERASURE_GRACE_DAYS = int(os.environ.get("LMS_ERASURE_GRACE_DAYS", "14"))
    #: a learner account without any activity (sign-in, learning) for this long is warned, then erased; the privacy
    #: notice (/privasi) says so
    RETENTION_INACTIVE_DAYS = int(os.environ.get("LMS_RETENTION_INACTIVE_DAYS", str(3 * 365)))
    #: days from that warning to the erasure, unless the account is used again meanwhile
    RETENTION_WARNING_DAYS = int(os.environ.get("LMS_RETENTION_WARNING_DAYS", "30"))
    #: offline-sync receipts (a log of what phones sent, kept so that sending twice is harmless) older than this
    #: are deleted by `lms retention run`
    RETENTION_REQUEST_LOG_DAYS = int(os.environ.get("LMS_RETENTION_REQUEST_LOG_DAYS", "90"))
    #: closed requests to an administrator are deleted this long after closing (the audit log keeps their steps)
    RETENTION_CLOSED_REQUEST_DAYS = int(os.environ.get("LMS_RETENTION_CLOSED_REQUEST_DAYS", str(2 * 365)))
    #: password checks on the deletion page per account (each costs a password hash)
    ERASURE_RATE_LIMIT = os.environ.get("LMS_ERASURE_RATE_LIMIT", "5 per 15 minutes")
    #: requests to an administrator filed per account
    PRIVACY_REQUEST_RATE_LIMIT = os.environ.get("LMS_PRIVACY_REQUEST_RATE_LIMIT", "5 per hour")
    PRIVACY_REQUESTS_PER_PAGE = 25

    @classmethod
    def finalize(cls, config: dict, instance_path: Path) -> None:
        """Fill in the values that depend on the instance folder."""
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = load_secret_key(instance_path)
        if not config.get("SQLALCHEMY_DATABASE_URI"):
            config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ.get("DATABASE_URL"), instance_path)

    # --- lesson narrations (lms/courses/audio.py) ---
    #: the largest narration upload, in bytes (a phone's recording of a long lesson, in any common format)
    NARRATION_MAX_BYTES = int(os.environ.get("LMS_NARRATION_MAX_BYTES", 20 * 1024 * 1024))
    #: the longest narration accepted, in minutes
    NARRATION_MAX_MINUTES = float(os.environ.get("LMS_NARRATION_MAX_MINUTES", "20"))
    #: seconds ffmpeg may take to convert one upload before it is stopped
    NARRATION_CONVERT_SECONDS = int(os.environ.get("LMS_NARRATION_CONVERT_SECONDS", "120"))
    #: the system's ffmpeg and ffprobe (Debian package ffmpeg, installed by `make run` and `make test`)
    FFMPEG = os.environ.get("LMS_FFMPEG", "ffmpeg")
    FFPROBE = os.environ.get("LMS_FFPROBE", "ffprobe")

    # --- certificates ---
    #: organisation named as the issuer on every certificate
    CERTIFICATE_ISSUER = os.environ.get("LMS_CERTIFICATE_ISSUER", "Rawat")
    #: who signs the certificates (printed under the signature) and their position
    CERTIFICATE_SIGNATORY_NAME = os.environ.get("LMS_CERTIFICATE_SIGNATORY_NAME", "Tim Pelatihan Rawat")
    CERTIFICATE_SIGNATORY_POSITION = os.environ.get("LMS_CERTIFICATE_SIGNATORY_POSITION", "Koordinator Pelatihan")
    #: PNG or JPEG of the handwritten signature; printed above the signatory's name when set
    CERTIFICATE_SIGNATURE_IMAGE = os.environ.get("LMS_CERTIFICATE_SIGNATURE_IMAGE") or None
    #: folder of the signing keys, relative to instance/ unless absolute (see lms/certificates/keys.py)
    CERTIFICATE_KEY_DIR = os.environ.get("LMS_CERTIFICATE_KEY_DIR", "keys")
    #: create the keys on first use when none exist; never in production, where `lms keys init` does it
    CERTIFICATE_KEYS_AUTO_INIT = _env_flag("LMS_CERTIFICATE_KEYS_AUTO_INIT", ENV_NAME != "production")
    #: a key and certificate chain issued by a real CA instead of our own issuer CA (PEM files)
    CERTIFICATE_SIGNING_KEY_FILE = os.environ.get("LMS_CERTIFICATE_SIGNING_KEY_FILE") or None
    CERTIFICATE_SIGNING_CERT_FILE = os.environ.get("LMS_CERTIFICATE_SIGNING_CERT_FILE") or None
    #: extra trust roots (PEM) for checking uploaded PDFs, e.g. the real CA's root
    CERTIFICATE_TRUST_ROOTS_FILE = os.environ.get("LMS_CERTIFICATE_TRUST_ROOTS_FILE") or None
    #: public address printed on certificates and encoded in their QR codes (no trailing slash)
    VERIFICATION_BASE_URL = os.environ.get("LMS_VERIFICATION_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    #: checks per address (page, upload and API together)
    VERIFICATION_RATE_LIMIT = os.environ.get("LMS_VERIFICATION_RATE_LIMIT", "30 per minute")
    #: largest PDF accepted by the upload check, in bytes
    VERIFICATION_UPLOAD_MAX_BYTES = int(os.environ.get("LMS_VERIFICATION_UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
    CERTIFICATES_PER_PAGE = 25
    #: the issuing organisation's website, named in every Open Badges credential; the Rawat site when unset
    CERTIFICATE_ISSUER_URL = os.environ.get("LMS_CERTIFICATE_ISSUER_URL") or None
    # --- end certificates ---


class TestConfig(Config):
    """Settings for the test suite: a database chosen by LMS_TEST_DATABASE_URL."""

    TESTING = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    SERVER_NAME = None
    # scrypt costs ~0.1 s per hash or check, and every test makes users and signs in; a weak
    # hash is fine for throw-away test accounts (tests/accounts/test_password_hash.py checks the real one)
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
