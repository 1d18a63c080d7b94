"""`flask --app wsgi lms import-content [PATH]`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..extensions import db
from .importer import ContentError, import_content


@click.command("import-content")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--replace-newer", is_flag=True,
              help="Also load courses whose published version is newer than their files (undoes browser edits).")
def import_content_command(path: Path | None, replace_newer: bool) -> None:
    """Load or update every course in PATH (default: the content folder), all or nothing."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    try:
        reports = import_content(root, replace_newer=replace_newer)
    except ContentError as exc:
        db.session.rollback()
        click.echo(f"Nothing was changed: {len(exc.problems)} problem(s) found.", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    for report in reports:
        if report.kept_newer_version is not None:
            click.echo(f"{report.slug}: kept the published version {report.kept_newer_version}, newer than the files "
                       "(published from the browser editor?). Download it as a zip from the authoring page to "
                       "update the folder, or pass --replace-newer to load the files anyway.")
            continue
        state = "created" if report.created else ("updated" if report.changes else "unchanged")
        click.echo(f"{report.slug}: {state} ({report.changes} change(s))")
