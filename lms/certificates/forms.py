"""Admin forms: revoking and reinstating need a reason."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import AppForm
from .services import MAX_REASON


class RevokeForm(AppForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(_l("Give the reason: verifiers will see it.")), Length(max=MAX_REASON)],
        description=_l("Shown to everyone who checks this certificate."),
    )
    submit = SubmitField(_l("Revoke certificate"))


class ReinstateForm(AppForm):
    reason = TextAreaField(
        _l("Reason for reinstating"),
        validators=[DataRequired(_l("Give the reason for reinstating.")), Length(max=MAX_REASON)],
        description=_l("Kept in the certificate's history."),
    )
    submit = SubmitField(_l("Reinstate certificate"))
