"""Account forms; labels and messages are translated lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ..forms import AppForm
from ..regions.forms import VillageField
from .identifiers import InvalidIdentifier, normalize_email, normalize_identifier, normalize_phone
from .names import name_problem
from .passwords import MAX_LENGTH, password_problem
from .privacy import ADULT_AGE, AgeBasis, ConsentAnswer

PHONE_ERROR = _l(
    "Enter an Indonesian mobile number, for example 0812-3456-7890 or +62 812 3456 7890."
)
ROLE_LABELS = {
    "learner": _l("Learner"),
    "trainer": _l("Trainer / care manager"),
    "programme": _l("Programme officer"),
    "admin": _l("Administrator"),
}

EMAIL_ERROR = _l("Enter a valid e-mail address, for example nama@contoh.id.")


def check_full_name(field, missing) -> None:
    """The one rule for a person's name wherever it is typed (it is printed on certificates): spaces
    folded, at least two characters, no control characters."""
    field.data = " ".join((field.data or "").split())
    if len(field.data) < 2 or any(ord(ch) < 32 for ch in field.data):
        raise ValidationError(missing)
    problem = name_problem(field.data)  # emoji, Chinese characters…: the certificate cannot print them
    if problem:
        raise ValidationError(problem)


def identifier_error(kind: str):
    return EMAIL_ERROR if kind == "email" else PHONE_ERROR


def _choose_password(label, missing) -> PasswordField:
    """A field for a password being chosen now (the policy is checked by the form's validator)."""
    return PasswordField(label, validators=[DataRequired(missing), Length(max=MAX_LENGTH)],
                         description=_l("At least 8 characters. A short sentence is easy to remember."))


def _repeat_password(label, missing, of: str) -> PasswordField:
    return PasswordField(label, validators=[DataRequired(missing),
                                            EqualTo(of, _l("The two passwords are not the same."))])


class ConsentFields:
    """Agreeing to the privacy notice, and on what basis of age: at registration and on the consent page."""

    agree = BooleanField(_l("I have read the privacy notice and agree."), validators=[
        DataRequired(_l("Tick the box to agree to the privacy notice. Without it Rawat cannot keep your data."))])
    age_basis = RadioField(
        _l("Your age"),
        choices=[SelectChoice(AgeBasis.ADULT.value, _l("I am %(age)d or older", age=ADULT_AGE)),
                 SelectChoice(AgeBasis.GUARDIAN.value,
                              _l("I am under %(age)d and my parent or guardian agrees", age=ADULT_AGE))],
        invalid_choice_message=_l("Choose your age group."),
    )
    guardian_name = StringField(
        _l("Name of your parent or guardian"), validators=[Length(max=120)],
        description=_l("Only if you are under %(age)d. They agree that you use Rawat.", age=ADULT_AGE))

    def validate_guardian_name(self, field):
        field.data = " ".join((field.data or "").split())
        if self.age_basis.data != AgeBasis.GUARDIAN:
            field.data = ""  # an adult's answer names nobody
            return
        if len(field.data) < 2 or any(ord(ch) < 32 for ch in field.data):
            raise ValidationError(_l("Write the name of your parent or guardian who agrees."))

    def consent_answer(self) -> ConsentAnswer:
        return ConsentAnswer(self.age_basis.data, self.guardian_name.data or None)


class ConsentForm(ConsentFields, AppForm):
    next = HiddenField()
    submit = SubmitField(_l("Agree and continue"))


class RegisterForm(ConsentFields, AppForm):
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
    #: optional, chosen on /daftar/wilayah and carried here as ?desa=…; the page shows it above the fields
    village_code = VillageField()
    submit = SubmitField(_l("Create account"))

    contact_kind: str = ""
    contact_value: str = ""

    def validate_full_name(self, field):
        check_full_name(field, _l("Enter your full name."))

    def validate_contact(self, field):
        try:
            self.contact_kind, self.contact_value = normalize_identifier(field.data)
        except InvalidIdentifier as exc:
            raise ValidationError(identifier_error(str(exc))) from exc
        if self.contact_kind == "login_id":  # IDs are made by care managers, never chosen
            raise ValidationError(PHONE_ERROR)

    def validate_password(self, field):
        problem = password_problem(field.data or "", identifiers=(self.contact.data or "", self.full_name.data or ""))
        if problem:
            raise ValidationError(problem)


class LoginForm(AppForm):
    identifier = StringField(
        _l("Mobile number or e-mail"),
        validators=[DataRequired(_l("Enter your mobile number or e-mail.")), Length(max=254)],
        description=_l("Account made by your care manager? Type the sign-in ID you were given."),
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=MAX_LENGTH)]
    )
    remember = BooleanField(_l("Keep me signed in on this phone"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(AppForm):
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


class ProfileForm(AppForm):
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), Length(max=120)],
        description=_l("As it should appear on your certificate."),
    )
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=32)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)],
                        description=_l("Not needed if you have a mobile number. With an e-mail you can get a code "
                                       "by yourself when you forget your password."))
    locale = SelectField(_l("Language"),
                         choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")])
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An account made by a care manager signs in with its ID: a phone or e-mail is optional there.
        self._obj_login_id = getattr(kwargs.get("obj"), "login_id", None)

    def validate_full_name(self, field):
        check_full_name(field, _l("Enter your full name."))

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
        has_login_id = bool(getattr(self, "_obj_login_id", None))
        if ok and not (self.phone.data or self.email.data or has_login_id):
            self.phone.errors.append(_l("Keep at least a mobile number or an e-mail."))
            return False
        return ok


class ForgotPasswordForm(AppForm):
    email = StringField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail address.")), Length(max=254)],
                        description=_l("Only for accounts that have an e-mail address."))
    submit = SubmitField(_l("Send me a code"))

    def validate_email(self, field):
        try:
            field.data = normalize_email(field.data or "")
        except InvalidIdentifier as exc:
            raise ValidationError(EMAIL_ERROR) from exc


class ResetPasswordForm(AppForm):
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


class RescueCodeForm(AppForm):
    """Why a care manager or an admin makes a reset code: kept in the audit log."""

    reason = StringField(_l("Why is a code needed?"),
                         validators=[DataRequired(_l("Say briefly why, for the audit log.")), Length(max=200)],
                         description=_l("For example: forgot the password, new phone, account made at a home visit."))
    submit = SubmitField(_l("Make the code"))

    def validate_reason(self, field):
        field.data = " ".join((field.data or "").split())
        if len(field.data) < 3:
            raise ValidationError(_l("Say briefly why, for the audit log."))
