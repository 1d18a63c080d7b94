"""`flask --app wsgi lms check-content [PATH]` and `lms import-content [PATH]`.

Both print the checker's warnings with file and line; importing never stops for a warning,
only for the importer's errors (all or nothing). The import command lives here, not in
courses, because it shows what this package finds.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from ..courses.importer import ContentError, import_content
from ..extensions import db
from .checker import CourseCheck, check_content


def echo_check(check: CourseCheck) -> None:
    """Print one course's errors and warnings (in English, like the importer's messages)."""
    with force_locale("en"):
        for problem in check.errors:
            click.echo(f"  {problem.path}:{problem.line}: error: {problem.message}" if problem.line
                       else f"  {problem.path}: error: {problem.message}", err=True)
        for finding in check.warnings:
            click.echo(f"  {finding}", err=True)


@click.command("check-content")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_content_command(path: Path | None, strict: bool) -> None:
    """Check the courses in PATH (default: the content folder) for errors and teaching faults."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    checks = check_content(root)
    errors = sum(len(c.errors) for c in checks)
    warnings = sum(len(c.warnings) for c in checks)
    for check in checks:
        state = "ok" if not (check.errors or check.warnings) else f"{len(check.errors)} error(s), " \
            f"{len(check.warnings)} warning(s)"
        click.echo(f"{check.folder.name}: {state}")
        echo_check(check)
    click.echo(f"{len(checks)} course(s): {errors} error(s), {warnings} warning(s)")
    if errors or (strict and warnings):
        raise SystemExit(1)


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
    warned = [check for check in check_content(root) if check.warnings]
    for check in warned:
        click.echo(f"{check.folder.name}: {len(check.warnings)} warning(s) (loaded all the same):", err=True)
        echo_check(check)
