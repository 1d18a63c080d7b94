"""The `flask --app wsgi lms …` command group."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .accounts.cli import create_admin, rescue_code, sessions_cli
from .certificates.cli import register_commands as register_certificate_commands
from .content_checker.cli import check_content_command, import_content_command
from .backup import backup_command, backup_keygen_command, restore_command
from .demo import demo_command
from .erasure.cli import erasure_cli, retention_cli
from .outcomes.cli import outcomes_cli
from .personal_data.cli import personal_data_cli
from .regions.cli import regions_cli

lms_cli = AppGroup("lms", help="Rawat administration commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(rescue_code)
lms_cli.add_command(import_content_command)
lms_cli.add_command(check_content_command)
lms_cli.add_command(demo_command)
lms_cli.add_command(backup_command)
lms_cli.add_command(restore_command)
lms_cli.add_command(backup_keygen_command)
lms_cli.add_command(regions_cli)
lms_cli.add_command(outcomes_cli)
lms_cli.add_command(sessions_cli)
lms_cli.add_command(personal_data_cli)
lms_cli.add_command(erasure_cli)
lms_cli.add_command(retention_cli)
register_certificate_commands(lms_cli)


@lms_cli.command("search-indexes")
def search_indexes_command() -> None:
    """PostgreSQL: make the trigram indexes of name, phone and e-mail search if they are missing."""
    from .database import create_search_indexes
    from .extensions import db

    try:
        made = create_search_indexes()
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{len(made)} index(es) made: {', '.join(made)}" if made else "Nothing to do.")


secret_key_cli = AppGroup("secret-key", help="The secret key that signs session cookies and form tokens.")
lms_cli.add_command(secret_key_cli)


@secret_key_cli.command("rotate")
@click.confirmation_option(prompt="Replace the secret key? Once the app restarts, everyone is signed out.")
def rotate_secret_key_command() -> None:
    """Replace the secret key kept in the instance folder (after a leak); audited.

    Once the app processes restart, every session and remember cookie and every open form's token is
    refused: everyone signs in again. Certificates, credentials and links Rawat sends do not use it.
    """
    from .audit.services import command_line_operator, record
    from .config import replace_secret_key
    from .extensions import db

    key_file = Path(current_app.instance_path) / "secret_key"
    try:
        kept = key_file.read_text().strip()
    except OSError:
        kept = None
    if kept != current_app.config["SECRET_KEY"]:
        raise click.ClickException(
            f"this app does not take its secret key from {key_file} (SECRET_KEY is set in the environment or the "
            "configuration): set a new value there on every app server, e.g. the output of "
            "python3 -c 'import secrets; print(secrets.token_hex(32))', and restart them")
    replace_secret_key(key_file.parent)
    record("secret_key.rotated", actor_id=None, target_type="site", target_id="secret_key",
           target_label="secret key", by=command_line_operator())
    db.session.commit()
    click.echo(f"New secret key in {key_file} (0600). Restart every app process: until then they use the old one. "
               "Everyone is then signed out and must sign in again.")
