"""`flask --app wsgi lms personal-data build`: build the copies people asked for, purge the expired ones."""
from __future__ import annotations

import click
from flask.cli import AppGroup

personal_data_cli = AppGroup("personal-data", help="People's copies of their own data (UU PDP).")


@personal_data_cli.command("build")
def build_command() -> None:
    """Purge expired copies, then build every copy waiting. Safe to run often and side by side (e.g. cron,
    every 5 minutes): each copy is built once."""
    from .background import build_waiting

    report = build_waiting()
    click.echo(f"Built {report.built} cop{'y' if report.built == 1 else 'ies'}, {report.failed} failed, "
               f"{report.purged} expired purged.")
