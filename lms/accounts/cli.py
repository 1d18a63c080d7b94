"""Command-line account administration."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..audit import services as audit
from ..extensions import db
from . import rescue, sessions
from .identifiers import InvalidIdentifier, normalize_identifier
from .models import Role
from .passwords import password_problem
from .services import DuplicateAccount, find_by_identifier, register_user, set_role

sessions_cli = AppGroup("sessions", help="Signed-in sessions of every account.")


@click.command("create-admin")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.option("--contact", prompt="Mobile number or e-mail", help="What they sign in with.")
@click.password_option("--password", help="At least 8 characters.")
def create_admin(name: str, contact: str, password: str) -> None:
    """Create the first administrator (or promote an existing account)."""
    try:
        kind, value = normalize_identifier(contact)
    except InvalidIdentifier:
        raise click.BadParameter("not an Indonesian mobile number or a valid e-mail", param_hint="--contact") from None
    existing = find_by_identifier(kind, value)
    if existing is not None:
        previous = existing.role
        set_role(existing, Role.ADMIN)
        if previous != Role.ADMIN:
            audit.record("user.role_changed", actor_id=None, target_type="user", target_id=existing.id,
                         target_label=existing.full_name, old=previous, new=Role.ADMIN)
        db.session.commit()
        click.echo(f"{value} already had an account; it is now an administrator.")
        return
    problem = password_problem(password, identifiers=(contact, name))
    if problem:
        raise click.BadParameter(str(problem), param_hint="--password")
    try:
        register_user(" ".join(name.split()), kind, value, password, role=Role.ADMIN)
    except DuplicateAccount:
        raise click.ClickException("an account with this contact already exists") from None
    db.session.commit()
    click.echo(f"Administrator {value} created.")


@click.command("rescue-code")
@click.argument("contact")
@click.option("--reason", required=True, help="Why the code is needed (kept in the audit log).")
def rescue_code(contact: str, reason: str) -> None:
    """Print a one-time code to set a new password for any account, an administrator's included.

    The only way to rescue an administrator: nobody can do it from the web.
    """
    try:
        kind, value = normalize_identifier(contact)
    except InvalidIdentifier:
        raise click.BadParameter("not a mobile number, e-mail or sign-in ID", param_hint="CONTACT") from None
    user = find_by_identifier(kind, value)
    if user is None:
        raise click.ClickException("no account uses this contact")
    if len(reason.strip()) < 3:
        raise click.BadParameter("say briefly why", param_hint="--reason")
    try:
        code = rescue.issue_code(user, channel="helper", issued_by=None, reason=reason.strip(), via="command line")
    except rescue.TooManyCodes:
        raise click.ClickException(
            f"{rescue.MAX_CODES_PER_HOUR} codes were made for this account in the last hour") from None
    sessions.end_all_sessions(user)  # whoever holds the account now is signed out before the owner takes it back
    db.session.commit()
    hours = int(rescue.CODE_LIFETIMES["helper"].total_seconds() // 3600)
    click.echo(f"Code for {user.full_name} ({user.role}): {rescue.format_code(code)} "
               f"(works once, for {hours} hours, at /atur-ulang-sandi)")


@sessions_cli.command("end-all")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.confirmation_option(prompt="Sign every account out on every device, administrators included?")
def end_all_sessions(reason: str) -> None:
    """Sign every account out on every device, remember cookies included (after a breach); audited."""
    if len(reason.strip()) < 3:
        raise click.BadParameter("say briefly why", param_hint="--reason")
    ended, accounts = sessions.end_every_session()
    audit.record("sessions.ended_all", actor_id=None, target_type="site", target_id="sessions",
                 target_label="every account", sessions=ended, accounts=accounts, reason=reason.strip(),
                 by=audit.command_line_operator())
    db.session.commit()
    click.echo(f"{ended} session(s) of {accounts} account(s) ended: everyone signs in again with their password.")
