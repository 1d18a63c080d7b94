"""The two ways to check on the verification page: type the ID, or upload the PDF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import AppForm


class VerifyForm(AppForm):
    certificate_id = StringField(
        _l("Certificate ID"),
        validators=[DataRequired(_l("Enter the certificate ID.")), Length(max=64)],
        description=_l("For example RWT-2026-7K3M-9QXH-F. Spaces, small letters and missing dashes are fine."),
    )
    submit = SubmitField(_l("Check the ID"))


class UploadForm(AppForm):
    document = FileField(
        _l("Certificate file: PDF, badge (PNG) or credential (JSON)"),
        validators=[FileRequired(_l("Choose the certificate's file."))],
        description=_l("The file exactly as it was downloaded from Rawat."),
    )
    submit = SubmitField(_l("Check the file"))
