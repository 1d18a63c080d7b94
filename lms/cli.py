"""The `flask --app wsgi lms …` command group."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .accounts.cli import create_admin

lms_cli = AppGroup("lms", help="Rawat administration commands.")
lms_cli.add_command(create_admin)
