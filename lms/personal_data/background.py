"""Building the large copies outside requests: `lms personal-data build` (cron), or right after the response.

Like a command, this commits: the purge, each claim, each copy (a copy that fails is marked failed and the
person may ask again). Safe to run often and side by side: a copy is built by the builder whose conditional
UPDATE claimed it, and a claim older than services.STALE_BUILD is taken again.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from ..extensions import db
from ..timeutil import utcnow
from .services import build_claimed, claim, mark_failed, purge_expired, waiting_ids

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    built: int = 0
    failed: int = 0
    purged: int = 0


def _build_one(export_id: int, report: BuildReport) -> None:
    claimed_at = utcnow()
    if not claim(export_id, claimed_at):
        db.session.rollback()
        return
    db.session.commit()
    try:
        done = build_claimed(export_id, claimed_at)
        db.session.commit()
    except Exception:  # noqa: BLE001 - one copy failing must not stop the others; the person may ask again
        db.session.rollback()
        log.exception("copy of personal data %s could not be built", export_id)
        mark_failed(export_id)
        db.session.commit()
        report.failed += 1
    else:
        report.built += done is not None


def build_waiting() -> BuildReport:
    """Purge the expired copies, then build every waiting one (oldest first, 100 per pass, passes until none)."""
    report = BuildReport(purged=purge_expired(utcnow()))
    db.session.commit()
    tried: set[int] = set()
    while batch := [export_id for export_id in waiting_ids(utcnow()) if export_id not in tried]:
        for export_id in batch:
            tried.add(export_id)
            _build_one(export_id, report)
    return report


def build_after_response(app: Flask, export_id: int):
    """A callable for Response.call_on_close: builds this one copy once the answer has been sent (small sites
    without cron); anything it leaves, the command builds."""
    def run() -> None:
        with app.app_context():
            try:
                _build_one(export_id, BuildReport())
            finally:
                db.session.remove()

    return run
