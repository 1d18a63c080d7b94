"""Writing the regions: the import from a dataset. The caller (the command) commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import Level, Region, level_of, parent_of


@dataclass
class LevelCounts:
    """What one import did at one level."""

    in_dataset: int = 0
    added: int = 0
    renamed: int = 0
    #: in the database, no longer in the dataset: kept, marked retired
    retired: int = 0
    #: retired earlier, back in this dataset
    restored: int = 0
    unchanged: int = 0


def import_regions(names: dict[str, str], *, now: datetime | None = None) -> dict[Level, LevelCounts]:
    """Bring the table in line with a dataset (code → name): add new codes, rename, retire and restore.

    Idempotent: a second import of the same dataset changes nothing. No row is ever deleted, so users
    and groups keep their code when it leaves the list; a code that comes back is current again.
    One read of the whole table (about 92,000 short rows), the differences worked out here, then a
    few set-based statements: an executemany INSERT in level order (parents first, for the foreign
    key), executemany UPDATEs by primary key for names and restorations, one UPDATE per batch of
    codes to retire.
    """
    now = now or utcnow()
    counts = {level: LevelCounts() for level in Level}
    stored = {code: (name, retired_at) for code, name, retired_at in
              db.session.execute(select(Region.code, Region.name, Region.retired_at))}
    new_rows, changed, retire = [], [], []
    for code, name in names.items():
        level_counts = counts[Level(level_of(code))]
        level_counts.in_dataset += 1
        if code not in stored:
            new_rows.append({"code": code, "name": name, "level": level_of(code), "parent_code": parent_of(code)})
            level_counts.added += 1
            continue
        old_name, retired_at = stored[code]
        if old_name == name and retired_at is None:
            level_counts.unchanged += 1
            continue
        level_counts.renamed += old_name != name
        level_counts.restored += retired_at is not None
        changed.append({"code": code, "name": name, "retired_at": None})
    for code, (_name, retired_at) in stored.items():
        if code not in names and retired_at is None:
            retire.append(code)
            counts[Level(level_of(code))].retired += 1
    if new_rows:
        new_rows.sort(key=lambda row: row["level"])
        db.session.execute(Region.__table__.insert(), new_rows)
    if changed:
        db.session.execute(update(Region), changed)  # ORM bulk UPDATE by primary key (executemany)
    for start in range(0, len(retire), 500):
        batch = retire[start:start + 500]
        db.session.execute(update(Region).where(Region.code.in_(batch)).values(retired_at=now)
                           .execution_options(synchronize_session=False))
    return counts
