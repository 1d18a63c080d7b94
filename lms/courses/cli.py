"""`flask --app wsgi lms import-content [PATH]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..extensions import db
from .importer import ContentError, import_content


@click.command("import-content")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def import_content_command(path: Path | None) -> None:
    """Load or update every course in PATH (default: the content folder), all or nothing."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    try:
        reports = import_content(root)
    except ContentError as exc:
        db.session.rollback()
        click.echo(f"Nothing was changed: {len(exc.problems)} problem(s) found.", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for report in reports:
        state = "created" if report.created else ("updated" if report.changes else "unchanged")
        click.echo(f"{report.slug}: {state} ({report.changes} change(s))")
