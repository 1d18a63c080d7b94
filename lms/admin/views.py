"""User administration: list, search, change roles."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role, User
from ..accounts.permissions import role_required
from ..accounts import rescue
from ..accounts.services import search_users, set_role
from ..accounts.views import render_issued_code
from ..audit import services as audit
from ..extensions import db
from . import bp
from .forms import ROLE_LABELS, RoleForm


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    """The administration start page."""
    return redirect(url_for("admin.users"))


@bp.route("/pengguna")
@role_required(Role.ADMIN)
def users():
    """Searchable, paginated list of every account."""
    query = request.args.get("q", "").strip()[:100]
    page = db.paginate(
        search_users(query), per_page=current_app.config["USERS_PER_PAGE"], error_out=False, max_per_page=100
    )
    return render_template("admin/users.html", page=page, query=query, role_labels=ROLE_LABELS,
                           role_form=RoleForm())


@bp.route("/pengguna/<int:user_id>/peran", methods=["POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int):
    """Give an account another role."""
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "error")
    elif user.id == current_user.id and form.role.data != Role.ADMIN:
        flash(_("You cannot remove your own administrator role."), "error")
    else:
        previous = user.role
        set_role(user, form.role.data)
        if previous != user.role:
            audit.record("user.role_changed", actor_id=current_user.id, target_type="user", target_id=user.id,
                         target_label=user.full_name, old=previous, new=user.role)
        db.session.commit()
        flash(_("%(name)s is now: %(role)s.", name=user.full_name, role=ROLE_LABELS[form.role.data]), "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None, page=request.args.get("page") or None))


@bp.route("/pengguna/<int:user_id>/kode-reset", methods=["POST"])
@role_required(Role.ADMIN)
def issue_reset_code(user_id: int):
    """Give a learner a one-time code to set a new password."""
    user = db.session.get(User, user_id) or abort(404)
    code = rescue.issue_code(user, channel="helper", issued_by=current_user)
    audit.record("user.password_reset_issued", actor_id=current_user.id, target_type="user", target_id=user.id,
                 target_label=user.full_name)
    db.session.commit()
    return render_issued_code(user, code, url_for("admin.users"))
