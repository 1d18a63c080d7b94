"""Reading what an account may see."""
from __future__ import annotations

from .models import Role, User


class NoScope(Exception):
    """The account is no programme officer (nor admin): it has no area to read aggregates of."""


def scope_of(user: User) -> str | None:
    """The area whose aggregates the user may read, as a region code prefix: "32" (a province), "32.76" (a
    regency or city), or None for the whole country (an admin, or a programme officer without an area).

    A region is inside the scope when its code equals the prefix or starts with the prefix and a dot.
    Raises NoScope for any other role, so a caller that forgot programme_officer_required never reads "the
    whole country" for a learner. No query.
    """
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.PROGRAMME:
        return user.scope_region_code or None
    raise NoScope(user.role)
