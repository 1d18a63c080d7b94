"""What the personal_data feature does when other features' signals fire."""
from __future__ import annotations

from .services import record_former_memberships


def on_members_leaving(cohort, members, **_extra) -> None:
    """cohorts' members_leaving: remember when each was in the group, for the reports made meanwhile."""
    record_former_memberships(cohort, members)


def connect() -> None:
    from ..cohorts.signals import members_leaving

    members_leaving.connect(on_members_leaving)
