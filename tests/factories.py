"""Factories returning callables that build data through the real services."""
from __future__ import annotations

import itertools

import pytest

from lms.accounts.models import Role
from lms.accounts.services import register_user
from lms.extensions import db

DEFAULT_PASSWORD = "kata sandi aman 1"
_counter = itertools.count(1)


@pytest.fixture
def make_user():
    def _make_user(role: str = Role.LEARNER, *, full_name: str | None = None, phone: str | None = None,
                   email: str | None = None, password: str = DEFAULT_PASSWORD, locale: str | None = None):
        n = next(_counter)
        if phone is None and email is None:
            phone = f"+62812{n:08d}"
        kind, value = ("email", email) if email else ("phone", phone)
        user = register_user(full_name or f"Peserta Uji {n}", kind, value, password, role=role, locale=locale)
        if email and phone:
            user.phone = phone
        db.session.commit()
        return user

    return _make_user
