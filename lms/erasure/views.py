"""The learner's pages: deleting their account (with its grace period and banner) and requests to an
administrator; the deletion panel other pages show."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ..accounts.models import Role
from ..extensions import db, rate_limits
from ..web import safe_next_url, template_helpers
from . import bp
from .forms import KIND_LABELS, CancelDeletionForm, DeleteAccountForm, PrivacyRequestForm
from .privacy import file_request
from .queries import certificate_count, request_in_request, requests_of
from .services import ErasureRefused, ask, cancel, may_ask


def _account_key() -> str:
    return f"account:{current_user.id}" if current_user.is_authenticated else f"addr:{request.remote_addr}"


def _failed(response) -> bool:
    """Only refused attempts count (a wrong password): asking once and cancelling is not guessing."""
    return response.status_code != 302


def _erasure_limit() -> str:
    return current_app.config["ERASURE_RATE_LIMIT"]


def _request_limit() -> str:
    return current_app.config["PRIVACY_REQUEST_RATE_LIMIT"]


def erasure_panel(user) -> Markup:
    """For the profile and the "Data saya" page: deleting the account, or the request waiting and its date."""
    if user is None or not user.is_authenticated:
        return Markup("")
    pending = request_in_request(user) if user.role == Role.LEARNER else None
    return Markup(render_template("erasure/_panel.html", pending=pending, may_ask=may_ask(user),
                                  cancel_form=CancelDeletionForm()))


def erasure_banner() -> Markup:
    """For every page (base.html): the date the signed-in learner's account will be deleted, with a way to
    cancel. One query per page, for learners only."""
    if not current_user.is_authenticated or current_user.role != Role.LEARNER:
        return Markup("")
    pending = request_in_request(current_user)
    if pending is None or pending.cause != "request" or request.endpoint == "erasure.delete_account":
        return Markup("")
    return Markup(render_template("erasure/_banner.html", pending=pending, cancel_form=CancelDeletionForm()))


@template_helpers(bp)
def erasure_helpers():
    return {"erasure_panel": erasure_panel, "erasure_banner": erasure_banner}


@bp.route("/profil/hapus-akun", methods=["GET", "POST"])
@login_required
@rate_limits.limit(_erasure_limit, methods=["POST"], key=_account_key, deduct_when=_failed)
def delete_account():
    """Ask for one's account to be deleted: the choice for the certificates, the password, then a grace period
    in which the account works and the request can be cancelled. Staff are sent to an administrator."""
    pending = request_in_request(current_user)
    form = DeleteAccountForm()
    certificates = certificate_count(current_user.id)
    if not certificates and request.method == "POST":
        form.certificates.data = form.certificates.data or "keep"  # nothing to choose: the field is not shown
    if pending is None and may_ask(current_user) and form.validate_on_submit():
        try:
            made = ask(current_user, form.password.data, form.certificates.data)
        except ErasureRefused as refused:
            if refused.reason != "password":
                return redirect(url_for("erasure.delete_account"))
            form.password.errors.append(_("The password is not right."))
        else:
            db.session.commit()
            flash(_("Your account will be deleted on %(date)s. Until then you can cancel.",
                    date=format_date(made.execute_after, "long")), "info")
            return redirect(url_for("erasure.delete_account"))
    return render_template("erasure/delete_account.html", form=form, pending=pending, may_ask=may_ask(current_user),
                           certificates=certificates, cancel_form=CancelDeletionForm(),
                           grace_days=current_app.config["ERASURE_GRACE_DAYS"]), 400 if form.errors else 200


@bp.route("/profil/hapus-akun/batal", methods=["POST"])
@login_required
def cancel_deletion():
    """Cancel the deletion during the grace period; back to the page it was asked from."""
    back = safe_next_url(request.form.get("next"), url_for("erasure.delete_account"))
    if not CancelDeletionForm().validate_on_submit():
        flash(_("The page was too old. Try again."), "error")
        return redirect(back)
    if cancel(current_user):
        db.session.commit()
        flash(_("The deletion is cancelled. Your account stays."), "success")
    return redirect(back)


@bp.route("/profil/permintaan", methods=["GET", "POST"])
@login_required
@rate_limits.limit(_request_limit, methods=["POST"], key=_account_key)
def my_requests():
    """Ask an administrator for what one cannot do oneself (a guardian's request, a dispute, a correction), and
    follow each request's status and answer."""
    form = PrivacyRequestForm()
    if form.validate_on_submit():
        made = file_request(form.kind.data, form.message.data, about=current_user, filed_by=current_user)
        db.session.commit()
        flash(_("Your request number %(number)d is received. An administrator answers within 3 days.",
                number=made.id), "success")
        return redirect(url_for("erasure.my_requests"))
    return render_template("erasure/my_requests.html", form=form, requests=requests_of(current_user.id),
                           kind_labels=KIND_LABELS), 400 if form.errors else 200
