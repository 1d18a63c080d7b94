"""Role checks for views: anonymous users go to sign in, others get 403."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def programme_officer_required(view):
    """For the programme pages (aggregates of an area, never a list of people): programme officers and admins;
    anonymous users go to sign in, others get 403. The view reads the area with queries.scope_of."""
    return role_required(Role.PROGRAMME, Role.ADMIN)(view)
