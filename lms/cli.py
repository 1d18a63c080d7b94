"""The `flask --app wsgi lms …` command group."""
from __future__ import annotations

from flask.cli import AppGroup

from .accounts.cli import create_admin
from .courses.cli import import_content_command

lms_cli = AppGroup("lms", help="Rawat administration commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(import_content_command)
