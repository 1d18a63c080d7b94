"""The audit log page: filterable, read-only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request
from flask_login import current_user

from ..accounts.models import Role, User
from ..accounts.permissions import role_required
from ..database import writes_on_get
from ..extensions import db
from ..pagination import keyset_page
from . import bp
from .access import note_view
from .models import AuditEntry
from .queries import filtered_entries
from .services import ACTIONS


def _date_arg(name: str) -> datetime | None:
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d")
    except ValueError:
        return None


def _note_person(actor_id: int | None, target_type: str | None, target_id: str | None) -> None:
    """The log narrowed to one person (what they did, or what happened to their account) is their data."""
    for page, user_id in (("audit_by", actor_id),
                          ("audit_about", int(target_id) if target_type == "user" and target_id
                           and target_id.isascii() and target_id.isdigit() and len(target_id) <= 9 else None)):
        person = db.session.get(User, user_id) if user_id else None
        if person is not None:
            note_view(current_user, person.id, person.full_name, page=page)


@bp.route("/admin/audit")
@role_required(Role.ADMIN)
@writes_on_get("records that an admin read the log of one person's account (their personal data)")
def log():
    """Every sensitive action, newest first, filtered by action and dates; keyset pages (older / newer)."""
    action = request.args.get("action") if request.args.get("action") in ACTIONS else None
    actor = request.args.get("actor", "")
    actor_id = int(actor) if actor.isdigit() and 0 < len(actor) <= 9 else None
    target_type = request.args.get("target_type", "")[:32] or None
    target_id = request.args.get("target_id", "")[:64] if target_type else None
    since, until = _date_arg("from"), _date_arg("to")
    # 9999-12-31 has no day after: the filter then ends nowhere, as without a date.
    end = until + timedelta(days=1) if until and until.date() < date.max else None
    _note_person(actor_id, target_type, target_id)
    stmt = filtered_entries(action=action, since=since, until=end, actor_id=actor_id, target_type=target_type,
                            target_id=target_id or None)
    page = keyset_page(stmt, AuditEntry.created_at, AuditEntry.id, per_page=50)
    since_text = request.args.get("from", "") if since else ""
    until_text = request.args.get("to", "") if until else ""
    narrowed = {"actor": actor_id, "target_type": target_type, "target_id": target_id or None}
    filters = {key: value for key, value in (("action", action), ("from", since_text), ("to", until_text),
                                             *narrowed.items()) if value}
    return render_template("audit/log.html", page=page, actions=ACTIONS, action=action or "", since=since_text,
                           until=until_text, filters=filters, narrowed={k: v for k, v in narrowed.items() if v})
