from flask import Blueprint, url_for

bp = Blueprint("accounts", __name__, template_folder="templates")



@bp.app_context_processor
def account_helpers():
    from .forms import ROLE_LABELS
    from .identifiers import format_login_id

    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role)), "format_login_id": format_login_id,
            # the places page (lms/regions) offers a village's registration link
            "village_registration_url": _village_registration_url}


def _village_registration_url(code: str) -> str:
    return url_for("accounts.register", desa=code, _external=True)


from . import views, views_privacy  # noqa: E402,F401  (registers the routes and the consent check on bp)
