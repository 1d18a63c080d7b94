"""Personal data (UU No. 27 Tahun 2022, Pelindungan Data Pribadi): the "Data saya" page, a person's copy of
everything Rawat holds about them (a ZIP: summary, JSON, certificates), who among staff opened their data,
and certificates issued again after a corrected name.

Reads accounts, courses, quizzes, certificates, credentials, cohorts, practice, authoring, audit and regions;
nothing imports it. The profile (accounts) shows its link and its offer through the template helpers below;
the audit log entries of staff opening someone's data are written by the features that show it
(lms/audit/access.py). Commands: `flask --app wsgi lms personal-data build` (cli.py).
"""
from flask import Blueprint, render_template
from markupsafe import Markup

from ..web import template_helpers
from .queries import certificates_with_old_name

bp = Blueprint("personal_data", __name__, template_folder="templates")


@template_helpers(bp)
def personal_data_helpers():
    return {"personal_data_link": personal_data_link, "name_correction_offer": name_correction_offer}


def personal_data_link(user) -> Markup:
    """For the profile: the way to "Data saya"."""
    return Markup(render_template("personal_data/_profile_link.html"))


def name_correction_offer(user) -> Markup:
    """For the profile: certificates that still print an old name, with the offer to issue them again."""
    certificates = certificates_with_old_name(user) if user.is_authenticated else []
    if not certificates:
        return Markup("")
    return Markup(render_template("personal_data/_name_offer.html", certificates=certificates))


from . import views  # noqa: E402,F401  (registers the routes on bp)
