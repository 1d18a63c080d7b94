"""The village a form receives: one rule for every form that takes one (registration, profile, later groups)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField
from wtforms.validators import ValidationError

from ..forms import AppForm
from .chooser import LEVEL_NOUNS
from .models import Level, Region
from .queries import get_region, well_formed

NOT_A_CODE = _l("This is not a village code. Choose your village from the list.")
UNKNOWN = _l("This village is not in the list of villages. Choose your village from the list.")
RETIRED = _l("This village code is no longer used. Choose your village again from the list.")


def check_village_code(value: str | None) -> Region | None:
    """The current village a submitted code names, None for no code; ValidationError saying what is wrong
    with anything else (garbage, an unknown code, a district's code, a retired one)."""
    code = (value or "").strip()
    if not code:
        return None
    if not well_formed(code):
        raise ValidationError(NOT_A_CODE)
    region = get_region(code)
    if region is None:
        raise ValidationError(UNKNOWN)
    if region.level != Level.VILLAGE:
        raise ValidationError(_("“%(name)s” is %(level)s, not a village. Open it and choose your village.",
                                name=region.name, level=LEVEL_NOUNS[Level(region.level)]))
    if region.retired_at is not None:
        raise ValidationError(RETIRED)
    return region


class VillageField(HiddenField):
    """A village code carried by a form (filled by the chooser); `region` is the village once validated."""

    region: Region | None = None

    def pre_validate(self, form) -> None:
        self.region = None
        self.region = check_village_code(self.data)
        self.data = self.region.code if self.region else None


class VillageForm(AppForm):
    """The chooser's last step on a page that saves the choice at once (the profile)."""

    village_code = VillageField()
    submit = SubmitField(_l("Save this village"))

    def validate_village_code(self, field):
        if field.region is None and not field.errors:  # no code at all: the page was not the last step
            raise ValidationError(NOT_A_CODE)


class ClearVillageForm(AppForm):
    submit = SubmitField(_l("Remove my village"))
