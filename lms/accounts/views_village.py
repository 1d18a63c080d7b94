"""A learner's village: chosen step by step before registering, or later on the profile (lms/regions/chooser.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..regions.chooser import chooser_step
from ..regions.forms import ClearVillageForm, VillageForm
from ..regions.models import Level
from ..regions.queries import get_region, lineage, place_label
from . import bp
from .services import set_village


def village_summary(code: str | None) -> dict | None:
    """What the profile and the registration page say of a village code: its place, and whether it was
    retired since (it stays the person's until they choose again). One query; None for no code."""
    if not code:
        return None
    trail = lineage(code)
    if not trail:
        return None
    return {"code": code, "label": place_label(trail), "retired": trail[-1].retired_at is not None,
            "district_code": trail[-1].parent_code}


@bp.route("/daftar/wilayah")
def register_village():
    """Choose a village before creating an account; its last step carries the code into the registration form."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile_village"))
    step = chooser_step("accounts.register_village", args={"next": request.args.get("next", "")})
    return render_template("accounts/register_village.html", step=step)


@bp.route("/profil/wilayah", methods=["GET", "POST"])
@login_required
def profile_village():
    """Choose one's village step by step (GET); the last step saves it (POST)."""
    form = VillageForm()
    if form.validate_on_submit():
        set_village(current_user, form.village_code.data)
        db.session.commit()
        flash(_("Your village has been saved."), "success")
        return redirect(url_for("accounts.profile"))
    code = None
    if form.errors:
        # A district's code sent as a village: show that district's villages; anything else starts again.
        region = get_region(request.form.get("village_code", "").strip())
        usable = region is not None and region.level < Level.VILLAGE and region.retired_at is None
        code = region.code if usable else ""
    step = chooser_step("accounts.profile_village", code=code)
    if step.chosen is not None:
        form.village_code.data = step.chosen.code
    return render_template("accounts/profile_village.html", step=step, form=form, clear_form=ClearVillageForm(),
                           village=village_summary(current_user.village_code)), 400 if form.errors else 200


@bp.route("/profil/wilayah/hapus", methods=["POST"])
@login_required
def clear_village():
    """Remove one's village from the profile."""
    if ClearVillageForm().validate_on_submit():
        set_village(current_user, None)
        db.session.commit()
        flash(_("Your village has been removed from your profile."), "success")
    return redirect(url_for("accounts.profile"))
