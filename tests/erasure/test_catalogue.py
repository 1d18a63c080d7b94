"""Every column that refers to an account is classified (delete, anonymise or keep, with a reason), read from
the models' own metadata; a new one that is not fails here, and `lms erasure run` refuses to run."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from lms.erasure.anonymise import action_of
from lms.erasure.catalogue import ANONYMISE, DELETE, KEEP, REFERENCES, stale, unclassified, user_references
from lms.extensions import db


def test_every_reference_to_an_account_is_classified_with_a_reason():
    found = user_references(db.metadata)
    assert len(found) >= 29  # the list is read from the models, not written down again here
    assert unclassified(db.metadata) == []
    assert stale(db.metadata) == []
    for reference in REFERENCES:
        assert reference.handling in (DELETE, ANONYMISE, KEEP)
        assert len(reference.reason) > 20, reference
        assert (action_of(reference) is None) == (reference.handling == KEEP), reference


def test_a_new_table_that_refers_to_accounts_is_reported_until_it_is_classified():
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    Table("consent_records", metadata, Column("id", Integer, primary_key=True),
          Column("user_id", Integer, ForeignKey("users.id")), Column("given_by_id", Integer, ForeignKey("users.id")))
    assert unclassified(metadata) == [("consent_records", "given_by_id"), ("consent_records", "user_id")]


def test_the_command_refuses_to_run_while_a_reference_is_not_classified(app, monkeypatch):
    from lms.erasure import catalogue

    monkeypatch.setattr(catalogue, "BY_COLUMN", {key: value for key, value in catalogue.BY_COLUMN.items()
                                                 if key != ("lesson_completions", "user_id")})
    result = app.test_cli_runner().invoke(args=["lms", "erasure", "run"])
    assert result.exit_code != 0 and "lesson_completions.user_id" in result.output
    result = app.test_cli_runner().invoke(args=["lms", "retention", "run", "--dry-run"])
    assert result.exit_code != 0 and "lesson_completions.user_id" in result.output
