from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, ValidationError

from ..accounts.forms import PHONE_ERROR, check_full_name
from ..accounts.identifiers import InvalidIdentifier, normalize_phone
from ..forms import AppForm
from ..organisations.forms import RegionCodeField


class CheckboxListField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def optional_id(value) -> int | None:
    """A select's value as an id; "" (the "none" option) is None."""
    return None if value in ("", None) else int(value)


class CohortForm(AppForm):
    name = StringField(_l("Group name"), validators=[DataRequired(_l("Give the group a name.")), Length(max=120)],
                       description=_l("For example the village or the families' neighbourhood."))
    description = TextAreaField(_l("Notes (optional)"), validators=[Length(max=1000)])
    courses = CheckboxListField(_l("Courses the group follows"), coerce=int,
                                validators=[DataRequired(_l("Choose at least one course."))])
    #: choices set by the view: the active organisations (and the group's own, if retired since)
    organisation_id = SelectField(_l("Organisation (optional)"), coerce=optional_id,
                                  description=_l("The Sentra, institution, Puskesmas or village office that "
                                                 "runs the group."))
    region_code = RegionCodeField(_l("Region (code, optional)"),
                                  description=_l("Where the families live, for example 32.76.06 for Beji. Left "
                                                 "empty: the organisation's region."))
    submit = SubmitField(_l("Save group"))


class CohortRegionForm(AppForm):
    """The last step of the region chooser on a group's page: the code reached (any level)."""

    region_code = RegionCodeField(_l("Region code"))
    submit = SubmitField(_l("Use this region for the group"))


class AddMemberForm(AppForm):
    phone = StringField(_l("Learner's mobile number"), validators=[DataRequired(_l("Enter a mobile number.")),
                                                                   Length(max=32)],
                        description=_l("They see your invitation when they sign in, and join only if they accept."))
    submit = SubmitField(_l("Send an invitation"))

    normalized: str = ""

    def validate_phone(self, field):
        try:
            self.normalized = normalize_phone(field.data or "")
        except InvalidIdentifier as exc:
            raise ValidationError(PHONE_ERROR) from exc


class FamilyAccountForm(AppForm):
    full_name = StringField(_l("Full name of the carer"),
                            validators=[DataRequired(_l("Enter the full name.")), Length(max=120)],
                            description=_l("As it should appear on the certificate."))
    submit = SubmitField(_l("Make the account"))

    def validate_full_name(self, field):
        check_full_name(field, _l("Enter the full name."))


class JoinCodeForm(AppForm):
    code = StringField(_l("Group code"), validators=[DataRequired(_l("Enter the code you received.")),
                                                     Length(max=32)],
                       description=_l("Six letters and numbers, for example K7M3QX."))
    submit = SubmitField(_l("Find the group"))


class ConfirmForm(AppForm):
    submit = SubmitField(_l("Confirm"))
