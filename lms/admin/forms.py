from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..accounts.forms import ROLE_LABELS
from ..forms import AppForm


class RoleForm(AppForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()])
    submit = SubmitField(_l("Change role"))


class ConfirmForm(AppForm):
    submit = SubmitField(_l("Confirm"))
