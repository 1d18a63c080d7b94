"""Admins manage organisations: list and search, create, edit, retire (never delete)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..extensions import db
from ..pagination import keyset_page
from ..regions.queries import lineage, place_label
from . import bp
from .forms import KIND_LABELS, ConfirmForm, OrganisationForm
from .models import Organisation
from .queries import get_organisation, search_organisations
from .services import create_organisation, restore_organisation, retire_organisation, update_organisation


def _organisation_or_404(organisation_id: int) -> Organisation:
    return get_organisation(organisation_id) or abort(404)


@bp.route("/admin/organisasi")
@role_required(Role.ADMIN)
def index():
    """Every organisation, newest first, searchable by name or region code; keyset pages (older / newer)."""
    query = "".join(ch for ch in request.args.get("q", "") if ch.isprintable()).strip()[:100]
    page = keyset_page(search_organisations(query), Organisation.created_at, Organisation.id,
                       per_page=current_app.config["ORGANISATIONS_PER_PAGE"], search=bool(query))
    return render_template("organisations/index.html", page=page, query=query, kind_labels=KIND_LABELS)


@bp.route("/admin/organisasi/baru", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def create():
    """Add an organisation that runs groups."""
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = create_organisation(current_user, name=form.name.data, kind=form.kind.data,
                                           region_code=form.region_code.data or None)
        db.session.commit()
        flash(_("The organisation %(name)s has been added.", name=organisation.name), "success")
        return redirect(url_for("organisations.index"))
    return render_template("organisations/form.html", form=form, organisation=None,
                           region_label=None), 400 if form.errors else 200


@bp.route("/admin/organisasi/<int:organisation_id>/ubah", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit(organisation_id: int):
    """Change an organisation's name, kind or region."""
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    form.region_code.keep = organisation.region_code
    if form.validate_on_submit():
        changed = update_organisation(current_user, organisation, name=form.name.data, kind=form.kind.data,
                                      region_code=form.region_code.data or None)
        db.session.commit()
        flash(_("The organisation has been saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("organisations.index"))
    region = lineage(organisation.region_code) if organisation.region_code else []
    return render_template("organisations/form.html", form=form, organisation=organisation,
                           region_label=place_label(region) or None), 400 if form.errors else 200


@bp.route("/admin/organisasi/<int:organisation_id>/pensiun", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def retire(organisation_id: int):
    """Retire an organisation after confirmation: no longer offered for groups; its groups keep it."""
    organisation = _organisation_or_404(organisation_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if retire_organisation(current_user, organisation):
            db.session.commit()
            flash(_("%(name)s is retired. Its groups keep it.", name=organisation.name), "success")
        return redirect(url_for("organisations.index"))
    return render_template("confirm.html", form=form, button=_("Retire this organisation"),
                           back=url_for("organisations.index"),
                           message=_("Retire %(name)s? It is no longer offered for new groups; the groups that have "
                                     "it keep it, and nothing is deleted.", name=organisation.name))


@bp.route("/admin/organisasi/<int:organisation_id>/aktifkan", methods=["POST"])
@role_required(Role.ADMIN)
def restore(organisation_id: int):
    """Make a retired organisation active again."""
    organisation = _organisation_or_404(organisation_id)
    if ConfirmForm().validate_on_submit() and restore_organisation(current_user, organisation):
        db.session.commit()
        flash(_("%(name)s is active again.", name=organisation.name), "success")
    return redirect(url_for("organisations.index"))
