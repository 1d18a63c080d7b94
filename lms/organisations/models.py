"""An organisation that runs groups, and the place it serves."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..regions.models import CODE_LENGTH, Region
from ..timeutil import utcnow

#: sentra: a Sentra of the ministry; lks: lembaga kesejahteraan sosial (a social-welfare institution);
#: puskesmas: a Puskesmas partner; village: a desa or kelurahan office; other: anything else
KINDS = ("sentra", "lks", "puskesmas", "village", "other")
NAME_LENGTH = 120


class Organisation(db.Model):
    """Who runs groups on the ground. Never deleted: a retired organisation keeps its groups and its history,
    and is no longer offered for new ones."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('sentra', 'lks', 'puskesmas', 'village', 'other')", name="known_kind"),
        # the admin list, newest first in keyset pages
        Index("ix_organisations_created_at_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: as people know it: "Sentra Terpadu Inten Soeweno", "Puskesmas Beji"
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    #: one of KINDS
    kind: Mapped[str] = mapped_column(String(16))
    #: the place it serves, at any level (a province for a Sentra, a village for a village office); None when
    #: not said. A retired code stays valid
    region_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey(Region.code), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when an admin retired it; None while it is active (offered for groups)
    retired_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name!r}>"
