from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..accounts.forms import ROLE_LABELS
from ..accounts.models import Role
from ..forms import AppForm
from ..organisations.forms import check_region_code
from ..regions.models import Level

SCOPE_LEVEL = _l("A programme officer's area is the whole country (leave the code empty), a province or a regency "
                 "or city. %(code)s is a district or a village: enter its regency's or province's code.")


class RoleForm(AppForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    scope = StringField(_l("Area (programme officers only)"),
                            description=_l("A province (32) or regency or city (32.76) code; empty for the whole "
                                           "country."))
    submit = SubmitField(_l("Change role"))

    #: the account's present area, accepted even if its code was retired since
    keep_scope: str | None = None

    def validate_scope(self, field):
        if self.role.data != Role.PROGRAMME:
            field.data = ""  # only a programme officer has an area
            return
        region = check_region_code(field.data, keep=self.keep_scope)
        field.data = region.code if region else ""
        if region is not None and region.level > Level.REGENCY:
            raise ValidationError(SCOPE_LEVEL % {"code": region.code})


class ConfirmForm(AppForm):
    submit = SubmitField(_l("Confirm"))
