"""Command-line account administration."""
from __future__ import annotations

import click

from ..audit import services as audit
from ..extensions import db
from .identifiers import InvalidIdentifier, normalize_identifier
from .models import Role
from .passwords import password_problem
from .services import DuplicateAccount, find_by_identifier, register_user, set_role


@click.command("create-admin")
@click.option("--name", prompt="Full name", help="The administrator's full name.")
@click.option("--contact", prompt="Mobile number or e-mail", help="What they sign in with.")
@click.password_option("--password", help="At least 8 characters.")
def create_admin(name: str, contact: str, password: str) -> None:
    """Create the first administrator (or promote an existing account)."""
    try:
        kind, value = normalize_identifier(contact)
    except InvalidIdentifier:
        raise click.BadParameter("not an Indonesian mobile number or a valid e-mail", param_hint="--contact")
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
        raise click.ClickException("an account with this contact already exists")
    db.session.commit()
    click.echo(f"Administrator {value} created.")
