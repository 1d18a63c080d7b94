"""Audit log: who did what sensitive thing, when; written by every feature, read by admins."""
from flask import Blueprint

from ..web import template_helpers

bp = Blueprint("audit", __name__, template_folder="templates")


@template_helpers(bp)
def audit_helpers():
    from .describe import actor_name, describe
    from .services import ACTION_LABELS

    return {"action_label": lambda name: str(ACTION_LABELS.get(name, name)), "describe_entry": describe,
            "audit_actor": actor_name}


from . import views  # noqa: E402,F401
