"""How a certificate's observed skills read, the same on the PDF and on the verification page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: the observer's role as printed after their name; roles are stored as they were when observing
OBSERVER_ROLES = {"trainer": _l("care manager"), "admin": _l("administrator")}


def observer_role_label(role: str) -> str:
    """"care manager" for a trainer, "administrator" for an admin (in the current language)."""
    label = OBSERVER_ROLES.get(role)
    return str(label) if label is not None else role


def observed_by(name: str, role: str) -> str:
    """"Ani Wulandari (care manager)"."""
    return f"{name} ({observer_role_label(role)})"
