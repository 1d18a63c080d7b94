"""What the credentials feature does when the certificates feature's signals fire (README, "How features talk").
Each receiver is a thin call into services; none commits."""
from __future__ import annotations

from ..certificates.models import Certificate
from ..certificates.signals import certificate_issued, certificate_status_changed, certificates_reconciled
from . import services


def on_certificate_issued(certificate: Certificate, **_kwargs) -> None:
    """certificates.signals.certificate_issued: sign the credential in the issuing transaction."""
    services.ensure_credential(certificate)


def on_certificate_status_changed(certificate: Certificate, kind: str | None = None, **_kwargs) -> None:
    """certificates.signals.certificate_status_changed: the certificate's status list is signed again (and a
    withdrawn certificate's stored credential forgets its holder)."""
    services.certificate_status_changed(certificate, kind)


def on_certificates_reconciled(_sender, **_kwargs):
    """certificates.signals.certificates_reconciled: the credentials still missing, batch by batch."""
    return ("credential(s) signed", services.build_missing())


def connect() -> None:
    certificate_issued.connect(on_certificate_issued)
    certificate_status_changed.connect(on_certificate_status_changed)
    certificates_reconciled.connect(on_certificates_reconciled)
