"""Writing organisations: create, edit, retire; each change in the audit log. Callers commit; nothing is deleted."""
from __future__ import annotations

from ..accounts.models import User
from ..audit import services as audit
from ..extensions import db
from ..timeutil import utcnow
from .models import KINDS, Organisation


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(kind)


def create_organisation(actor: User, *, name: str, kind: str, region_code: str | None) -> Organisation:
    """A new active organisation (`region_code` checked by the form), audited as organisation.created."""
    _check(kind)
    organisation = Organisation(name=name, kind=kind, region_code=region_code or None)
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", actor_id=actor.id, target_type="organisation", target_id=organisation.id,
                 target_label=name, kind=kind, region=organisation.region_code)
    return organisation


def update_organisation(actor: User, organisation: Organisation, *, name: str, kind: str,
                        region_code: str | None) -> bool:
    """Change its name, kind or region; audited (old → new of what changed) when anything changed."""
    _check(kind)
    new = {"name": name, "kind": kind, "region": region_code or None}
    old = {"name": organisation.name, "kind": organisation.kind, "region": organisation.region_code}
    changes = {key: [old[key], value] for key, value in new.items() if old[key] != value}
    if not changes:
        return False
    organisation.name, organisation.kind, organisation.region_code = name, kind, region_code or None
    audit.record("organisation.updated", actor_id=actor.id, target_type="organisation", target_id=organisation.id,
                 target_label=name, changes=changes)
    return True


def retire_organisation(actor: User, organisation: Organisation) -> bool:
    """No longer offered for groups; its groups keep it. False when it was retired already."""
    if organisation.retired_at is not None:
        return False
    organisation.retired_at = utcnow()
    audit.record("organisation.retired", actor_id=actor.id, target_type="organisation", target_id=organisation.id,
                 target_label=organisation.name)
    return True


def restore_organisation(actor: User, organisation: Organisation) -> bool:
    """Offered for groups again. False when it was active."""
    if organisation.retired_at is None:
        return False
    organisation.retired_at = None
    audit.record("organisation.restored", actor_id=actor.id, target_type="organisation", target_id=organisation.id,
                 target_label=organisation.name)
    return True
