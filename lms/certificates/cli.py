"""`flask --app wsgi lms keys …` and `flask --app wsgi lms certificates …`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..audit import services as audit
from ..extensions import db
from .keygen import init_keys, rotate_keys
from .keys import KeysMissing, describe, key_folder, load_keyring
from .models import Certificate
from .public_id import parse
from .queries import certificate_status, get_by_public_id
from .signals import certificates_reconciled
from .services import CertificateError, NameNotPrintable, ensure_document, reconcile, reinstate, revoke

keys_cli = AppGroup("keys", help="The issuer's signing keys (in instance/keys/).")
certificates_cli = AppGroup("certificates", help="Issued certificates.")


def register_commands(group: click.Group) -> None:
    """Add `keys` and `certificates` to the `lms` command group."""
    group.add_command(keys_cli)
    group.add_command(certificates_cli)


@keys_cli.command("init")
def keys_init() -> None:
    """Create the issuer CA and a first signing key, unless keys exist already."""
    try:
        created = init_keys(current_app)
    except KeysMissing as exc:
        raise click.ClickException(str(exc)) from None
    folder = key_folder(current_app)
    click.echo(f"Keys created in {folder}." if created else f"Keys already exist in {folder}; nothing changed.")
    for line in describe(load_keyring(current_app)):
        click.echo(f"  {line}")


@keys_cli.command("rotate")
def keys_rotate() -> None:
    """Start a new signing key; the old one is retired and stays valid for what it signed."""
    try:
        previous = load_keyring(current_app).current_kid
        kid = rotate_keys(current_app)
    except KeysMissing as exc:
        raise click.ClickException(str(exc)) from None
    audit.record("keys.rotated", actor_id=None, target_type="key", target_id=kid, target_label=kid,
                 retired=previous, by=audit.command_line_operator())
    db.session.commit()
    click.echo(f"New signing key {kid}. Copy {key_folder(current_app)} to every app server.")
    for line in describe(load_keyring(current_app)):
        click.echo(f"  {line}")


@keys_cli.command("list")
def keys_list() -> None:
    """Show every key, current and retired."""
    try:
        keyring = load_keyring(current_app)
    except KeysMissing as exc:
        raise click.ClickException(str(exc)) from None
    for line in describe(keyring):
        click.echo(line)


def _certificate(raw_id: str) -> Certificate:
    parsed = parse(raw_id)
    certificate = get_by_public_id(parsed.canonical) if parsed.ok else None
    if certificate is None:
        hint = " (check character wrong: a typing error?)" if parsed.state == "typo" else ""
        raise click.ClickException(f"no certificate {raw_id}{hint}")
    return certificate


@certificates_cli.command("list")
@click.option("--status", type=click.Choice(["valid", "revoked", "expired"]), help="Only this status.")
def certificates_list(status: str | None) -> None:
    """ID, holder, course, completion date and status of every certificate."""
    rows = db.session.scalars(select(Certificate).order_by(Certificate.issued_at, Certificate.id))
    for certificate in rows:
        state = certificate_status(certificate)
        if status and state != status:
            continue
        click.echo("\t".join([certificate.public_id, certificate.holder_name, certificate.course_title,
                              certificate.completed_on.isoformat(), state]))


@certificates_cli.command("pdf")
@click.argument("certificate_id")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def certificates_pdf(certificate_id: str, path: Path) -> None:
    """Write the signed PDF of CERTIFICATE_ID to PATH."""
    certificate = _certificate(certificate_id)
    try:
        document = ensure_document(certificate)
    except KeysMissing as exc:
        raise click.ClickException(str(exc)) from None
    except NameNotPrintable:
        raise click.ClickException("the holder's name has letters the certificate fonts cannot draw") from None
    db.session.commit()
    path.write_bytes(document.data)
    click.echo(f"{certificate.public_id} written to {path} ({len(document.data)} bytes, sha256 {document.sha256}).")


@certificates_cli.command("revoke")
@click.argument("certificate_id")
@click.option("--reason", required=True, help="Why; verifiers see it.")
def certificates_revoke(certificate_id: str, reason: str) -> None:
    """Revoke CERTIFICATE_ID; logged like a revocation from the admin page."""
    _change_revocation(certificate_id, reason, revoke, "revoked")


@certificates_cli.command("reinstate")
@click.argument("certificate_id")
@click.option("--reason", required=True, help="Why the revocation is lifted.")
def certificates_reinstate(certificate_id: str, reason: str) -> None:
    """Lift the revocation of CERTIFICATE_ID; logged."""
    _change_revocation(certificate_id, reason, reinstate, "reinstated")


def _change_revocation(certificate_id: str, reason: str, change, done: str) -> None:
    certificate = _certificate(certificate_id)
    try:
        change(certificate, reason, actor_label=audit.command_line_operator())
    except CertificateError as exc:
        raise click.ClickException(f"{certificate.public_id}: {exc}") from None
    db.session.commit()
    click.echo(f"{certificate.public_id} {done}.")


@certificates_cli.command("reconcile")
def certificates_reconcile() -> None:
    """Issue every certificate that is owed (courses completed without one); never one twice.

    Completes the enrolments whose every current step is done but were never marked complete
    (the course changed under the learner), then issues the first certificate of every
    completed course that has none (completed without signing keys, or a crash). Safe to run
    again at any time, also while the site serves: a second run issues nothing.
    """
    try:
        result = reconcile()
    except KeysMissing as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    for certificate in result.issued:
        click.echo(f"{certificate.public_id}\t{certificate.holder_name}\t{certificate.course_title}")
    click.echo(f"{len(result.completed)} completion(s) recorded, {len(result.issued)} certificate(s) issued.")
    for _receiver, answer in certificates_reconciled.send(None):
        if answer is None:
            continue
        label, batches = answer
        total = 0
        try:
            for made in batches:
                db.session.commit()
                total += made
        except KeysMissing as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{total} {label}.")


@certificates_cli.command("issue-missing", hidden=True)
@click.pass_context
def certificates_issue_missing(ctx: click.Context) -> None:
    """Former name of `reconcile`, kept for scripts that use it."""
    ctx.invoke(certificates_reconcile)
