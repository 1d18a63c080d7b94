"""Forms of the deletion page and of requests to an administrator; labels translated lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts.identifiers import InvalidIdentifier, normalize_identifier
from ..accounts.passwords import MAX_LENGTH
from ..forms import AppForm
from .models import KEEP, WITHDRAW
from .privacy import MAX_MESSAGE

CERTIFICATE_CHOICES = [
    SelectChoice(KEEP, _l("Keep them verifiable: Rawat keeps only the name, course and dates a verifier needs")),
    SelectChoice(WITHDRAW, _l("Withdraw them: a verifier is told they were withdrawn at your request, without your "
                              "name")),
]
KIND_LABELS = {
    "guardian": _l("A parent or guardian asks for a child"),
    "dispute": _l("I disagree with my data"),
    "correction": _l("Correct data I cannot change myself"),
    "deletion": _l("Delete an account that cannot be deleted from its profile"),
    "other": _l("Something else about my data"),
}
KIND_CHOICES = [SelectChoice(kind, label) for kind, label in KIND_LABELS.items()]


class DeleteAccountForm(AppForm):
    certificates = RadioField(_l("Your certificates"), choices=CERTIFICATE_CHOICES,
                              validators=[DataRequired(_l("Choose what happens to your certificates."))])
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password.")),
                                                              Length(max=MAX_LENGTH)],
                             description=_l("To be sure it is you."))
    submit = SubmitField(_l("Delete my account"))


class CancelDeletionForm(AppForm):
    submit = SubmitField(_l("Cancel the deletion"))


def _message_field(label):
    return TextAreaField(label, validators=[DataRequired(_l("Write your request.")), Length(min=10, max=MAX_MESSAGE,
                         message=_l("Write between 10 and %(max)d characters.", max=MAX_MESSAGE))])


class PrivacyRequestForm(AppForm):
    kind = SelectField(_l("What is it about?"), choices=KIND_CHOICES,
                       validators=[DataRequired(_l("Choose what the request is about."))])
    message = _message_field(_l("Your request"))
    submit = SubmitField(_l("Send the request"))


class AdminRequestForm(AppForm):
    """An administrator takes down a request for someone: a guardian on the phone, a letter."""

    kind = SelectField(_l("What is it about?"), choices=KIND_CHOICES,
                       validators=[DataRequired(_l("Choose what the request is about."))])
    account = StringField(_l("The account it is about (optional)"), validators=[Optional(), Length(max=254)],
                          description=_l("Its mobile number, e-mail or sign-in ID. Leave empty for someone without "
                                         "an account."))
    contact = StringField(_l("How to answer (optional)"), validators=[Optional(), Length(max=254)],
                          description=_l("For example the guardian's mobile number."))
    message = _message_field(_l("The request"))
    submit = SubmitField(_l("Record the request"))

    account_identifier: tuple[str, str] | None = None

    def validate_account(self, field):
        self.account_identifier = None
        if field.data:
            try:
                self.account_identifier = normalize_identifier(field.data)
            except InvalidIdentifier as exc:
                raise ValidationError(_l("Enter a mobile number, an e-mail or a sign-in ID.")) from exc


class AnswerForm(AppForm):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(_l("Write the answer.")),
                                                     Length(max=MAX_MESSAGE)],
                           description=_l("The person reads it with their request. Say what was done."))
    submit = SubmitField(_l("Send the answer"))


class StepForm(AppForm):
    submit = SubmitField(_l("Confirm"))
