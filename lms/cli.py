"""The `flask --app wsgi lms …` command group."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .accounts.cli import create_admin, rescue_code
from .certificates.cli import register_commands as register_certificate_commands
from .content_checker.cli import check_content_command, import_content_command
from .backup import backup_command, restore_command
from .demo import demo_command
from .outcomes.cli import outcomes_cli
from .regions.cli import regions_cli

lms_cli = AppGroup("lms", help="Rawat administration commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(rescue_code)
lms_cli.add_command(import_content_command)
lms_cli.add_command(check_content_command)
lms_cli.add_command(demo_command)
lms_cli.add_command(backup_command)
lms_cli.add_command(restore_command)
lms_cli.add_command(regions_cli)
lms_cli.add_command(outcomes_cli)
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
