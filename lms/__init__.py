"""Rawat: caregiver training and certification."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from .config import Config, bundled_folder, instance_folder


def create_app(config_class: type[Config] = Config, instance_path: str | None = None, **overrides) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands.

    The instance folder (secret key, SQLite database, signing keys) is `instance_path`, else
    LMS_INSTANCE_PATH, else the repository's instance/.
    """
    folder = instance_folder(instance_path)
    app = Flask(__name__, instance_relative_config=True, instance_path=str(folder) if folder else None)
    app.config.from_object(config_class)
    app.config.update(overrides)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    config_class.finalize(app.config, instance_path)

    from . import observability, web
    from .extensions import csrf, db, login_manager, migrate, rate_limits

    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled_folder("migrations")))
    csrf.init_app(app)
    rate_limits.init_app(app)
    login_manager.init_app(app)
    web.init_app(app)
    observability.init_app(app)

    from . import database

    database.init_app(app)

    from .accounts import bp as accounts_bp
    from .admin import bp as admin_bp
    from .audit import bp as audit_bp
    from .authoring import bp as authoring_bp
    from .cohorts import bp as cohorts_bp
    from .core import bp as core_bp
    from .courses import bp as courses_bp
    from .handouts import bp as handouts_bp
    from .practice import bp as practice_bp
    from .quizzes import bp as quizzes_bp
    from .organisations import bp as organisations_bp
    from .outcomes import bp as outcomes_bp
    from .personal_data import bp as personal_data_bp
    from .regions import bp as regions_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(handouts_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(quizzes_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(personal_data_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(authoring_bp)

    from . import certificates, credentials, erasure, verification

    certificates.init_app(app)
    credentials.init_app(app)
    verification.init_app(app)
    erasure.init_app(app)
    connect_listeners()

    from .cli import lms_cli

    app.cli.add_command(lms_cli)
    return app


def connect_listeners() -> None:
    """Every feature that listens to another's signals, in one place (README: "How features talk").

    Connecting is process-wide and idempotent: a second app in the same process changes nothing.
    """
    from .certificates import listeners as certificates
    from .cohorts import listeners as cohorts
    from .credentials import listeners as credentials
    from .personal_data import listeners as personal_data
    from .erasure import listeners as erasure
    from .practice import listeners as practice
    from .quizzes import listeners as quizzes

    quizzes.connect()  # the importer's reading_module_files: quiz.yaml
    certificates.connect()  # course_completed, completed_courses_shown, attempt_allowance_asked, readiness_asked
    credentials.connect()  # certificate_issued, certificate_status_changed, certificates_reconciled
    cohorts.connect()  # Flask-Login's user_logged_in: pending invitations
    practice.connect()  # report_columns_asked: the group CSV's skill columns; visits_asked: last visits
    personal_data.connect()  # members_leaving: when each was in a group, for the group reports made meanwhile
    erasure.connect()  # Flask-Login's user_logged_in: a retention warning shown at sign-in
