"""The audit log page: filterable, read-only."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import render_template, request

from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..pagination import paginate
from . import bp
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
    """Every sensitive action, newest first, filtered by action and dates."""
    action = request.args.get("action") if request.args.get("action") in ACTIONS else None
    since, until = _date_arg("from"), _date_arg("to")
    # 9999-12-31 has no day after: the filter then ends nowhere, as without a date.
    end = until + timedelta(days=1) if until and until.date() < date.max else None
    stmt = filtered_entries(action=action, since=since, until=end)
    page = paginate(stmt, per_page=50)
    return render_template("audit/log.html", page=page, actions=ACTIONS, action=action or "",
                           since=request.args.get("from", "") if since else "",
                           until=request.args.get("to", "") if until else "")
