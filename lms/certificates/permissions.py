"""Who may do what with a certificate.

Admins manage every certificate. Courses have no owners yet; when they do, a trainer
who owns the course can be allowed here, and every view and command follows.
"""
from __future__ import annotations

from .models import Certificate


def can_manage_certificates(user) -> bool:
    """May open the certificate administration (list, search)."""
    return bool(user is not None and user.is_authenticated and user.is_admin)


def can_manage(user, certificate: Certificate) -> bool:
    """May revoke or reinstate this certificate and download it for someone else."""
    return can_manage_certificates(user)


def can_download(user, certificate: Certificate) -> bool:
    """The holder (while it is not revoked), or someone who manages it; nobody once it was withdrawn at the
    holder's request (its PDF is gone and the register no longer holds the name)."""
    if user is None or not user.is_authenticated or certificate.withdrawn_at is not None:
        return False
    if user.id == certificate.user_id and certificate.revoked_at is None:
        return True
    return can_manage(user, certificate)
