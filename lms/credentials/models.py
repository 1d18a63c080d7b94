"""The signed credential of each certificate, and the status lists that say which are revoked."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class CertificateCredential(db.Model):
    """A certificate's OpenBadgeCredential exactly as signed; made once, the same bytes ever after."""

    __tablename__ = "certificate_credentials"
    # One certificate per bit: the database refuses a second credential on a status list position.
    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"),
                                                primary_key=True)
    #: the number of the status list (its URL ends in it) and the certificate's bit in it
    status_list: Mapped[int]
    status_index: Mapped[int]
    #: the signed credential, JSON in UTF-8 as downloaded (and baked into the PNG)
    document: Mapped[str] = mapped_column(Text)
    #: the key whose Ed25519 half made the proof
    key_id: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusList(db.Model):
    """One Bitstring Status List (revocation) and its signed credential, re-signed after each change."""

    __tablename__ = "credential_status_lists"

    #: 1, 2, … (the URL /api/v1/credentials/status/<number>)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: raised by every revocation or reinstatement of one of its certificates
    revision: Mapped[int] = mapped_column(default=0)
    #: the signed BitstringStatusListCredential of `revision`; None until signed again after a change
    document: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
