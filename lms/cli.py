"""The `flask --app wsgi lms …` command group."""
from __future__ import annotations

from flask.cli import AppGroup

from .accounts.cli import create_admin, rescue_code
from .certificates.cli import register_commands as register_certificate_commands
from .content_checker.cli import check_content_command, import_content_command
from .backup import backup_command, restore_command
from .demo import demo_command

lms_cli = AppGroup("lms", help="Rawat administration commands.")
lms_cli.add_command(create_admin)
lms_cli.add_command(rescue_code)
lms_cli.add_command(import_content_command)
lms_cli.add_command(check_content_command)
lms_cli.add_command(demo_command)
lms_cli.add_command(backup_command)
lms_cli.add_command(restore_command)
register_certificate_commands(lms_cli)
