from flask import Blueprint, url_for

from ..web import template_helpers

bp = Blueprint("accounts", __name__, template_folder="templates")


@template_helpers(bp)
def account_helpers():
    from .forms import ROLE_LABELS
    from .identifiers import format_login_id

    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role)), "format_login_id": format_login_id,
            # the places page (lms/regions) offers a village's registration link
            "village_registration_url": _village_registration_url}


def _village_registration_url(code: str) -> str:
    return url_for("accounts.register", desa=code, _external=True)


from . import views, views_privacy  # noqa: E402,F401  (registers the routes and the consent check on bp)
