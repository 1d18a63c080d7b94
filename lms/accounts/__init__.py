from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")



@bp.app_context_processor
def account_helpers():
    from .forms import ROLE_LABELS
    from .identifiers import format_login_id

    return {"role_label": lambda role: str(ROLE_LABELS.get(role, role)), "format_login_id": format_login_id}


from . import views  # noqa: E402,F401  (registers the routes on bp)
