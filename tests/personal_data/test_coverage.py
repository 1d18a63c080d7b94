"""Every reference to users.id in the database is in a person's copy or left out for a stated reason."""
from __future__ import annotations

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from lms.extensions import db
from lms.personal_data import coverage


def check_classified(metadata: MetaData) -> None:
    """What the suite demands of the real schema: nothing unclassified, nothing classified that is not there."""
    unclassified, stale = coverage.unclassified(metadata), coverage.stale(metadata)
    assert not unclassified, f"add these to a section of personal_data/export.py or to coverage.EXCLUDED: " \
                             f"{sorted(unclassified)}"
    assert not stale, f"classified, but no foreign key to users.id (any more): {sorted(stale)}"


def test_every_reference_to_a_person_is_exported_or_excluded_with_a_reason(app):
    references = coverage.user_references(db.metadata)
    assert ("enrollments", "user_id") in references and ("audit_entries", "actor_id") in references
    assert len(references) >= 20
    check_classified(db.metadata)
    assert all(len(reason) > 20 for reason in coverage.EXCLUDED.values())


def _copy_of_the_schema() -> MetaData:
    scratch = MetaData()
    for found in db.metadata.tables.values():
        found.to_metadata(scratch)
    return scratch


def test_a_new_table_naming_a_person_fails_until_it_is_classified(app):
    scratch = _copy_of_the_schema()
    check_classified(scratch)  # the copy as it is passes
    Table("caregiver_notes", scratch, Column("id", Integer, primary_key=True),
          Column("written_about_id", ForeignKey("users.id")), Column("written_by_id", ForeignKey("users.id")))
    with pytest.raises(AssertionError, match="caregiver_notes"):
        check_classified(scratch)
    assert coverage.unclassified(scratch) == {("caregiver_notes", "written_about_id"),
                                              ("caregiver_notes", "written_by_id")}


def test_an_exclusion_taken_away_or_left_behind_fails(app, monkeypatch):
    trimmed = dict(coverage.EXCLUDED)
    trimmed.pop(("skill_observations", "observer_id"))
    monkeypatch.setattr(coverage, "EXCLUDED", trimmed)
    with pytest.raises(AssertionError, match="skill_observations"):
        check_classified(db.metadata)
    monkeypatch.setattr(coverage, "EXCLUDED", {**coverage.EXCLUDED, ("skill_observations", "observer_id"): "x" * 30,
                                               ("gone_table", "user_id"): "a table that was dropped long ago"})
    with pytest.raises(AssertionError, match="gone_table"):
        check_classified(db.metadata)
