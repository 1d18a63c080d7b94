"""Account forms; labels and messages are translated lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from .identifiers import InvalidIdentifier, normalize_email, normalize_identifier, normalize_phone
from .passwords import MAX_LENGTH, password_problem

PHONE_ERROR = _l(
    "Enter an Indonesian mobile number, for example 0812-3456-7890 or +62 812 3456 7890."
)
ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer / care manager"),
    "admin": _l("Administrator"),
}

EMAIL_ERROR = _l("Enter a valid e-mail address, for example nama@contoh.id.")


def identifier_error(kind: str):
    return EMAIL_ERROR if kind == "email" else PHONE_ERROR


def _choose_password(label, missing) -> PasswordField:
    """A field for a password being chosen now (the policy is checked by the form's validator)."""
    return PasswordField(label, validators=[DataRequired(missing), Length(max=MAX_LENGTH)],
                         description=_l("At least 8 characters. A short sentence is easy to remember."))


def _repeat_password(label, missing, of: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(missing),
                                            EqualTo(of, _l("The two passwords are not the same."))])


class RegisterForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), Length(max=120)],
        description=_l("As it should appear on your certificate."),
    )
    contact = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter a mobile number or an e-mail address.")), Length(max=254)],
        description=_l("You will use it to sign in. A mobile number is enough."),
    )
    password = _choose_password(_l("Password"), _l("Choose a password."))
    confirm = _repeat_password(_l("Repeat password"), _l("Repeat your password."), of="password")
    submit = SubmitField(_l("Create account"))

    contact_kind: str = ""
    contact_value: str = ""

    def validate_full_name(self, field):
        field.data = " ".join((field.data or "").split())
        if len(field.data) < 2 or any(ord(ch) < 32 for ch in field.data):
            raise ValidationError(_l("Enter your full name."))

    def validate_contact(self, field):
        try:
            self.contact_kind, self.contact_value = normalize_identifier(field.data)
        except InvalidIdentifier as exc:
            raise ValidationError(identifier_error(str(exc))) from exc

    def validate_password(self, field):
        problem = password_problem(field.data or "", identifiers=(self.contact.data or "", self.full_name.data or ""))
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)]
    )
    remember = BooleanField(_l("Keep me signed in on this phone"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password."))]
    )
    new_password = _choose_password(_l("New password"), _l("Choose a new password."))
    confirm = _repeat_password(_l("Repeat new password"), _l("Repeat your new password."), of="new_password")
    submit = SubmitField(_l("Change password"))

    def __init__(self, *args, user_identifiers: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self._identifiers = user_identifiers

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", identifiers=self._identifiers)
        if problem:
            raise ValidationError(problem)


class ProfileForm(FlaskForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), Length(max=120)],
        description=_l("As it should appear on your certificate."),
    )
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    locale = SelectField(_l("Language"), choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")])
    submit = SubmitField(_l("Save profile"))

    def validate_full_name(self, field):
        field.data = " ".join((field.data or "").split())
        if len(field.data) < 2 or any(ord(ch) < 32 for ch in field.data):
            raise ValidationError(_l("Enter your full name."))

    def validate_phone(self, field):
        if field.data:
            try:
                field.data = normalize_phone(field.data)
            except InvalidIdentifier as exc:
                raise ValidationError(PHONE_ERROR) from exc

    def validate_email(self, field):
        if field.data:
            try:
                field.data = normalize_email(field.data)
            except InvalidIdentifier as exc:
                raise ValidationError(EMAIL_ERROR) from exc

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not (self.phone.data or self.email.data):
            self.phone.errors.append(_l("Keep at least a mobile number or an e-mail."))
            return False
        return ok


class ForgotPasswordForm(FlaskForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
                        description=_l("Only for accounts that have an e-mail address."))
    submit = SubmitField(_l("Send me a code"))

    def validate_email(self, field):
        try:
            field.data = normalize_email(field.data or "")
        except InvalidIdentifier as exc:
            raise ValidationError(EMAIL_ERROR) from exc


class ResetPasswordForm(FlaskForm):
    code = StringField(_l("Reset code"), validators=[DataRequired(_l("Enter the code you received.")),
                                                     Length(max=40)],
                       description=_l("From your care manager, an administrator or the e-mail we sent."))
    new_password = _choose_password(_l("New password"), _l("Choose a new password."))
    confirm = _repeat_password(_l("Repeat new password"), _l("Repeat your new password."), of="new_password")
    submit = SubmitField(_l("Set new password"))

    def validate_new_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)
