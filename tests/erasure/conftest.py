"""Erasure fixtures: certificates (tests/certificates/fixtures.py), and asking for and carrying out a deletion."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.erasure.services import ask, carry_out, pending_request
from lms.extensions import db
from lms.timeutil import frozen_at, utcnow
from tests.certificates.fixtures import certify, fresh_keys, issued_pdf  # noqa: F401
from tests.factories import DEFAULT_PASSWORD


def after_grace(app, days: int = 1):
    """A moment past the grace period of a request asked now."""
    return utcnow() + timedelta(days=app.config["ERASURE_GRACE_DAYS"] + days)


@pytest.fixture
def erase(app):
    """erase(user, certificates="keep") asks (with the password) and carries out the deletion as
    `lms erasure run` would after the grace period; returns what it did."""
    def _erase(user, certificates: str = "keep"):
        request = ask(user, DEFAULT_PASSWORD, certificates)
        db.session.commit()
        with frozen_at(after_grace(app)):
            erased = carry_out(pending_request(user.id), utcnow())
        db.session.commit()
        db.session.expire_all()
        assert erased is not None, request
        return erased

    return _erase


@pytest.fixture
def run_command(app):
    """run_command("erasure", "run", "--dry-run", at=moment) -> the click result of `flask lms …`."""
    def _run(*args, at=None):
        runner = app.test_cli_runner()
        if at is None:
            result = runner.invoke(args=["lms", *args])
        else:
            with frozen_at(at):
                result = runner.invoke(args=["lms", *args])
        db.session.expire_all()
        assert result.exit_code == 0, result.output
        return result

    return _run
