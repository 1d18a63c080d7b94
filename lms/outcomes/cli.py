"""`flask --app wsgi lms outcomes refresh`: rebuild the programme roll-ups (daily, or at any time)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

outcomes_cli = AppGroup("outcomes", help="Programme outcome roll-ups.")


@outcomes_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild every roll-up from the learning records, in one transaction. Safe to run at any time."""
    from ..extensions import db
    from .services import refresh_outcomes

    refreshed = refresh_outcomes()
    db.session.commit()
    rows = ", ".join(f"{name} {count:,}" for name, count in refreshed.rows.items())
    click.echo(f"Refreshed as of {refreshed.as_of.isoformat()} in {refreshed.took_ms / 1000:.1f} s: {rows}")
