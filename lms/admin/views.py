"""User administration: list, search, change roles."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role, User
from ..accounts.permissions import role_required
from ..accounts.privacy import ADULT_AGE, current_notice
from ..accounts.queries import consent_history
from ..accounts import sessions
from ..accounts.services import search_users, set_role
from ..accounts.views import rescue_code_page
from ..audit import services as audit
from ..audit.access import note_view
from ..database import writes_on_get
from ..extensions import db
from ..pagination import keyset_page, searched_page
from ..word_search import searchable_inside
from . import bp
from .forms import ROLE_LABELS, ConfirmForm, RoleForm


@bp.route("/")
@role_required(Role.ADMIN)
def index():
    """The administration start page."""
    return redirect(url_for("admin.users"))


@bp.route("/pengguna")
@role_required(Role.ADMIN)
def users():
    """Every account, newest first, searchable; keyset pages (older / newer)."""
    query = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    per_page = current_app.config["USERS_PER_PAGE"]
    anywhere = searched_inside = False
    if query:
        page, anywhere, searched_inside = searched_page(lambda inside: search_users(query, anywhere=inside),
                                                        User.created_at, User.id, per_page,
                                                        inside=searchable_inside(query))
    else:
        page = keyset_page(search_users(query), User.created_at, User.id, per_page=per_page)
    filters = {"q": query, "anywhere": "1" if anywhere else None} if query else {}
    return render_template("admin/users.html", page=page, query=query, anywhere=anywhere, filters=filters,
                           searched_inside=searched_inside,
                           # translated once for the page: every row lists them all
                           role_labels={role: str(label) for role, label in ROLE_LABELS.items()})


@bp.route("/pengguna/<int:user_id>/peran", methods=["POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int):
    """Give an account another role."""
    user = db.session.get(User, user_id) or abort(404)
    form = RoleForm()
    form.keep_scope = user.scope_region_code
    if not form.validate_on_submit():
        if form.scope.errors and not form.role.errors:
            for error in form.scope.errors:
                flash(error, "error")
        else:
            flash(_("Choose a valid role."), "error")
    elif user.id == current_user.id and form.role.data != Role.ADMIN:
        flash(_("You cannot remove your own administrator role."), "error")
    else:
        previous, previous_scope = user.role, user.scope_region_code
        set_role(user, form.role.data, scope_region_code=form.scope.data or None)
        scope = {"scope": user.scope_region_code or "*"} if user.role == Role.PROGRAMME else {}
        if previous != user.role:
            audit.record("user.role_changed", actor_id=current_user.id, target_type="user", target_id=user.id,
                         target_label=user.full_name, old=previous, new=user.role, **scope)
        elif previous_scope != user.scope_region_code:
            audit.record("user.scope_changed", actor_id=current_user.id, target_type="user", target_id=user.id,
                         target_label=user.full_name, old=previous_scope or "*", new=user.scope_region_code or "*")
        if (previous, previous_scope) != (user.role, user.scope_region_code):
            # New powers (or fewer) start with a fresh sign-in on every device.
            sessions.end_all_sessions(user)
        db.session.commit()
        flash(_("%(name)s is now: %(role)s.", name=user.full_name, role=ROLE_LABELS[form.role.data]), "success")
    return redirect(url_for("admin.users", q=request.args.get("q") or None,
                            anywhere="1" if request.args.get("anywhere") == "1" else None,
                            older=request.args.get("older") or None, newer=request.args.get("newer") or None))


@bp.route("/pengguna/<int:user_id>/privasi")
@role_required(Role.ADMIN)
@writes_on_get("records in the audit log that an admin opened a person's consents (their personal data)")
def user_consents(user_id: int):
    """The privacy notice versions an account agreed to, when, and on what basis of age (read-only)."""
    user = db.session.get(User, user_id) or abort(404)
    note_view(current_user, user.id, user.full_name, page="admin_consents")
    return render_template("admin/user_consents.html", user=user, consents=consent_history(user.id),
                           current=current_notice(), adult_age=ADULT_AGE)


@bp.route("/pengguna/<int:user_id>/kode-reset", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def issue_reset_code(user_id: int):
    """Give a learner or a care manager a one-time code to set a new password (never an admin)."""
    user = db.session.get(User, user_id) or abort(404)
    return rescue_code_page(user, back_url=url_for("admin.users"), accompanies=False)


@bp.route("/pengguna/<int:user_id>/keluar-semua", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of an account (a stolen phone, a staff member leaving), after confirmation."""
    user = db.session.get(User, user_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        ended = sessions.end_all_sessions(user)
        audit.record("user.signed_out_everywhere", actor_id=current_user.id, target_type="user", target_id=user.id,
                     target_label=user.full_name, sessions=ended)
        db.session.commit()
        flash(_("%(name)s is signed out on every device.", name=user.full_name), "success")
        return redirect(url_for("admin.users"))
    return render_template("confirm.html", form=form, button=_("Sign out everywhere"), back=url_for("admin.users"),
                           message=_("Sign %(name)s out on every device? They can sign in again with their "
                                     "password.", name=user.full_name))
