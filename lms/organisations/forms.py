"""The organisation form, and the one rule for a region code typed into a form (organisations, groups)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import AppForm
from ..regions.models import CODE_LENGTH, Region
from ..regions.queries import get_region, well_formed
from .models import NAME_LENGTH

KIND_LABELS = {
    "sentra": _l("Sentra of the Ministry of Social Affairs"),
    "lks": _l("Social welfare institution (LKS)"),
    "puskesmas": _l("Puskesmas partner"),
    "village": _l("Village or kelurahan office"),
    "other": _l("Other organisation"),
}
NOT_A_REGION_CODE = _l("Enter a region code such as 32, 32.76, 32.76.06 or 32.76.06.1004, or leave it empty.")
UNKNOWN_REGION = _l("No region has this code. Find the code under Places and their codes.")
RETIRED_REGION = _l("This region code is no longer used. Choose the current one.")


def check_region_code(value: str | None, *, keep: str | None = None) -> Region | None:
    """The region of a typed code (spaces removed), None for an empty one; ValidationError for a malformed,
    unknown or retired code. `keep`: the code the record has already, accepted even once retired."""
    code = "".join((value or "").split())
    if not code:
        return None
    if len(code) > CODE_LENGTH or not well_formed(code):
        raise ValidationError(NOT_A_REGION_CODE)
    region = get_region(code)
    if region is None:
        raise ValidationError(UNKNOWN_REGION)
    if region.retired_at is not None and code != keep:
        raise ValidationError(RETIRED_REGION)
    return region


class RegionCodeField(StringField):
    """A typed Kemendagri code of any level; `region` is the region found (None when left empty).

    Set `keep` to the record's present code before validating, so a code retired since stays accepted."""

    region: Region | None = None
    keep: str | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = "".join((self.data or "").split())[:200]

    def pre_validate(self, form):
        self.region = check_region_code(self.data, keep=self.keep)


class OrganisationForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the organisation's name.")),
                                               Length(max=NAME_LENGTH)],
                       description=_l("As people know it, for example Sentra Terpadu Inten Soeweno."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()])
    region_code = RegionCodeField(_l("Region it serves (code, optional)"),
                                  description=_l("A province, regency or city, district or village code, "
                                                 "for example 32.76 for Kota Depok."))
    submit = SubmitField(_l("Save organisation"))

    def validate_name(self, field):
        field.data = " ".join((field.data or "").split())
        if not field.data or any(ord(ch) < 32 for ch in field.data):
            raise ValidationError(_l("Enter the organisation's name."))


class ConfirmForm(AppForm):
    submit = SubmitField(_l("Confirm"))
