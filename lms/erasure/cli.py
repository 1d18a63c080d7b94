"""`flask --app wsgi lms erasure run` and `flask --app wsgi lms retention run`: safe at any time, and twice."""
from __future__ import annotations

import click
from flask.cli import AppGroup

erasure_cli = AppGroup("erasure", help="Deleting accounts whose holders asked for it.")
retention_cli = AppGroup("retention", help="Unused accounts and old logs.")


def _check_catalogue() -> None:
    from .services import CatalogueIncomplete, check_catalogue

    try:
        check_catalogue()
    except CatalogueIncomplete as missing:
        raise click.ClickException(f"not classified in lms/erasure/catalogue.py, erasing would leave them: "
                                   f"{missing}") from None


def _describe(erased) -> str:
    parts = [f"certificates kept {erased.certificates_kept}, withdrawn {erased.certificates_withdrawn}",
             f"audit entries redacted {erased.audit_entries}", f"invitations to the number {erased.invitations}"]
    parts += [f"{name} {handling} {rows}" for name, (handling, rows) in erased.rows.items() if rows]
    return "; ".join(parts)


@erasure_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be erased; write nothing.")
def erasure_run(dry_run: bool) -> None:
    """Erase every account whose deletion request is past its grace period, one transaction each."""
    from ..accounts.models import User
    from ..extensions import db
    from ..timeutil import utcnow
    from .anonymise import plan
    from .services import carry_out, due_requests

    _check_catalogue()
    now = utcnow()
    due = due_requests(now)
    done = 0
    for request in due:
        user = db.session.get(User, request.user_id)
        if dry_run:
            would = plan(user, certificates=request.certificates)
            click.echo(f"would erase account {request.user_id} (request {request.id}, {request.cause}, "
                       f"certificates {request.certificates}): {_describe(would)}")
            continue
        erased = carry_out(request, now)
        db.session.commit()
        if erased is None:
            click.echo(f"skipped request {request.id}: already carried out, or the account is no longer a learner's")
        else:
            done += 1
            click.echo(f"erased account {request.user_id} (request {request.id}): {_describe(erased)}")
    if dry_run:
        click.echo(f"Dry run: {len(due)} account(s) would be erased; nothing was written.")
    else:
        click.echo(f"{done} account(s) erased.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would happen; write nothing and send nothing.")
def retention_run(dry_run: bool) -> None:
    """Warn unused accounts, erase those warned long enough ago, purge expired codes and old logs."""
    from ..extensions import db
    from ..timeutil import utcnow
    from . import retention

    _check_catalogue()
    now = utcnow()
    # the plan only reads; the run commits after each account
    done = retention.plan(now) if dry_run else retention.run(now, commit=db.session.commit)
    verb = "would be" if dry_run else "were"
    click.echo(f"{len(done.reset)} warning(s) {verb} dropped (the account was used again): {done.reset}")
    click.echo(f"{len(done.erase)} unused account(s) {verb} erased: {done.erase}")
    by_mail = [user_id for user_id, channel in done.warn if channel == "email"]
    at_sign_in = [user_id for user_id, channel in done.warn if channel == "sign_in"]
    click.echo(f"{len(done.warn)} account(s) {verb} warned: by e-mail {by_mail}, at the next sign-in {at_sign_in}")
    for kind, rows in done.purge.items():
        click.echo(f"{kind}: {rows} {verb} deleted")
    if dry_run:
        click.echo("Dry run: nothing was written.")
