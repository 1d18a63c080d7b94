"""The administrators' queue of requests about personal data: the deadline of each, taking, answering, closing."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..accounts.services import find_by_identifier
from ..extensions import db
from ..pagination import keyset_page
from ..timeutil import utcnow
from . import bp
from .forms import KIND_LABELS, AdminRequestForm, AnswerForm, StepForm
from .models import PrivacyRequest
from .privacy import StepRefused, answer, close, file_request, take
from .queries import get_request_or_404, open_requests


@bp.route("/admin/permintaan")
@role_required(Role.ADMIN)
def queue():
    """Requests not closed, oldest (nearest its deadline) first, in keyset pages; overdue ones stand out."""
    page = keyset_page(open_requests(), PrivacyRequest.received_at, PrivacyRequest.id,
                       per_page=current_app.config["PRIVACY_REQUESTS_PER_PAGE"], oldest_first=True)
    return render_template("erasure/queue.html", page=page, now=utcnow(), kind_labels=KIND_LABELS)


@bp.route("/admin/permintaan/baru", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_request():
    """Take down a request made by phone, by letter or at the office, for an account or for someone without."""
    form = AdminRequestForm()
    if form.validate_on_submit():
        about = find_by_identifier(*form.account_identifier) if form.account_identifier else None
        if form.account_identifier and about is None:
            form.account.errors.append(_("No account uses this. Leave the field empty for someone without one."))
        else:
            made = file_request(form.kind.data, form.message.data, about=about, filed_by=current_user,
                                contact=form.contact.data or "")
            db.session.commit()
            flash(_("Request number %(number)d is recorded.", number=made.id), "success")
            return redirect(url_for("erasure.request_detail", request_id=made.id))
    return render_template("erasure/new_request.html", form=form), 400 if form.errors else 200


def _detail(item: PrivacyRequest, answer_form: AnswerForm | None = None, status: int = 200):
    return render_template("erasure/request_detail.html", item=item, now=utcnow(), kind_labels=KIND_LABELS,
                           answer_form=answer_form or AnswerForm(formdata=None)), status


@bp.route("/admin/permintaan/<int:request_id>")
@role_required(Role.ADMIN)
def request_detail(request_id: int):
    """One request: what was asked, by whom, its deadline and steps; take, answer, close."""
    return _detail(get_request_or_404(request_id))


def _stepped(item: PrivacyRequest, done: str):
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("erasure.request_detail", request_id=item.id))


def _refused(item: PrivacyRequest):
    db.session.rollback()
    flash(_("Someone else moved this request on meanwhile: see where it stands now."), "error")
    return redirect(url_for("erasure.request_detail", request_id=item.id))


@bp.route("/admin/permintaan/<int:request_id>/ambil", methods=["POST"])
@role_required(Role.ADMIN)
def take_request(request_id: int):
    """Take the request: the others see who works on it."""
    item = get_request_or_404(request_id)
    if not StepForm().validate_on_submit():
        return redirect(url_for("erasure.request_detail", request_id=item.id))
    try:
        take(item, current_user)
    except StepRefused:
        return _refused(item)
    return _stepped(item, _("You have taken request %(number)d.", number=item.id))


@bp.route("/admin/permintaan/<int:request_id>/jawab", methods=["POST"])
@role_required(Role.ADMIN)
def answer_request(request_id: int):
    """Answer: the person reads it with their request."""
    item = get_request_or_404(request_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _detail(item, form, 400)
    try:
        answer(item, current_user, form.answer.data)
    except StepRefused:
        return _refused(item)
    return _stepped(item, _("Request %(number)d is answered.", number=item.id))


@bp.route("/admin/permintaan/<int:request_id>/tutup", methods=["POST"])
@role_required(Role.ADMIN)
def close_request(request_id: int):
    """Close: it leaves the queue."""
    item = get_request_or_404(request_id)
    if not StepForm().validate_on_submit():
        return redirect(url_for("erasure.request_detail", request_id=item.id))
    try:
        close(item, current_user)
    except StepRefused:
        return _refused(item)
    return _stepped(item, _("Request %(number)d is closed.", number=item.id))
