"""Regions: province → regency/city → district → village, keyed by their Kemendagri code."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: the longest code: a village, "11.01.01.2001"
CODE_LENGTH = 13


class Level(enum.IntEnum):
    PROVINCE = 1
    REGENCY = 2  # kabupaten or kota
    DISTRICT = 3  # kecamatan (distrik in Papua)
    VILLAGE = 4  # desa or kelurahan


def level_of(code: str) -> int:
    """The level a well-formed code names: one more for each dot."""
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    """The code of the region one level up ("11.01.01" for "11.01.01.2001"), None for a province."""
    return code.rpartition(".")[0] or None


class Region(db.Model):
    """One region of the Ministry of Home Affairs' list. Rows are never deleted: a code that leaves the
    dataset is retired, so users and groups that refer to it keep a valid reference."""

    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="known_level"),
        # a step of the chooser: the children of one region, by name (the largest list is 108 villages)
        Index("ix_regions_parent_code_name", "parent_code", "name"),
    )

    #: dotted Kemendagri code: "32", "32.76", "32.76.06", "32.76.06.1004"
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), primary_key=True)
    #: as the dataset writes it: "Jawa Barat", "Kota Depok", "Beji", "Kemiri Muka"
    name: Mapped[str] = mapped_column(String(100))
    #: 1 province, 2 regency or city, 3 district, 4 village (Level)
    level: Mapped[int] = mapped_column(SmallInteger)
    #: the region one level up; None for a province. A code encodes its parent, so this never changes
    parent_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH), ForeignKey("regions.code"))
    #: when the code left the dataset (split, merged, renumbered); None while it is current
    retired_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"
