"""The audit log page: filterable, read-only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request

from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..pagination import keyset_page
from . import bp
from .models import AuditEntry
from .queries import filtered_entries
from .services import ACTIONS


def _date_arg(name: str) -> datetime | None:
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d")
    except ValueError:
        return None


@bp.route("/admin/audit")
@role_required(Role.ADMIN)
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
