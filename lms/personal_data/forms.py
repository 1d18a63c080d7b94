"""The buttons of "Data saya": a form each, for its CSRF token."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from ..forms import AppForm


class ExportForm(AppForm):
    submit = SubmitField(_l("Download all my data"))


class ReissueForm(AppForm):
    submit = SubmitField(_l("Issue it again with my new name"))
