"""Admin search: whole phone numbers, e-mails and certificate IDs are exact, indexed lookups; fragments use
trigram indexes on PostgreSQL and still work where there are none."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from lms.accounts.models import Role
from lms.accounts.services import search_users
from lms.database import TRIGRAM_INDEXES, create_search_indexes
from lms.extensions import db
from tests.certificates.fixtures import certify  # noqa: F401  (a fixture)


@contextmanager
def statements():
    seen: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def where_of(query: str) -> str:
    return str(search_users(query).compile(db.engine)).split("WHERE", 1)[-1]


@pytest.mark.parametrize("typed", ["0812-0000-0077", "+62 812 0000 0077", "6281200000077", "(0812) 0000 0077"])
def test_a_whole_phone_number_is_an_exact_lookup(sign_in, make_user, typed):
    make_user(full_name="Ibu Tujuh", phone="+6281200000077")
    make_user(full_name="Ibu Lain", phone="+6281200000770")  # contains the same digits
    assert "users.phone =" in where_of(typed) and "LIKE" not in where_of(typed).upper()
    body = sign_in(Role.ADMIN).get("/admin/pengguna", query_string={"q": typed}).get_data(as_text=True)
    assert "Ibu Tujuh" in body and "Ibu Lain" not in body


def test_a_whole_email_is_an_exact_lookup_in_lower_case(sign_in, make_user):
    make_user(full_name="Siti Aminah", email="siti@contoh.id")
    make_user(full_name="Siti Lain", email="xsiti@contoh.id")
    assert "users.email =" in where_of("Siti@Contoh.ID") and "LIKE" not in where_of("Siti@Contoh.ID").upper()
    body = sign_in(Role.ADMIN).get("/admin/pengguna?q=Siti@Contoh.ID").get_data(as_text=True)
    assert "Siti Aminah" in body and "Siti Lain" not in body


@pytest.mark.parametrize("fragment", ["amin", "siti@contoh", "0000-77", "Aminah Siti"])
def test_fragments_are_searched_in_names_phones_and_emails(sign_in, make_user, fragment):
    make_user(full_name="Siti Aminah", email="siti@contoh.id", phone="+6281200000077")
    assert "LIKE" in where_of(fragment).upper()
    found = sign_in(Role.ADMIN).get("/admin/pengguna", query_string={"q": fragment}).get_data(as_text=True)
    assert ("Siti Aminah" in found) == (fragment != "Aminah Siti")


def test_a_certificate_id_opens_the_certificate_without_a_list(sign_in, certify):  # noqa: F811
    certificate = certify()
    browser = sign_in(Role.ADMIN)
    with statements() as seen:
        response = browser.get("/admin/sertifikat", query_string={"q": certificate.public_id.lower().replace("-", " ")})
    assert response.status_code == 302 and response.headers["Location"].endswith(certificate.public_id)
    assert not any("LIKE" in statement.upper() for statement in seen)


def test_search_indexes_exist_on_postgresql_and_the_command_is_idempotent(runner):
    result = runner.invoke(args=["lms", "search-indexes"])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name != "postgresql":
        assert create_search_indexes() == [] and "Nothing to do." in result.output
        return
    names = set(db.session.execute(text("SELECT indexname FROM pg_indexes")).scalars())
    assert {name for name, _table, _expression in TRIGRAM_INDEXES} <= names
    assert create_search_indexes() == []


def test_without_trigram_indexes_fragment_search_still_works(sign_in, make_user):
    """SQLite has no pg_trgm, and a PostgreSQL database whose role could not create it has none: the same LIKE
    then reads the table; here the indexes are dropped for this test (rolled back after)."""
    make_user(full_name="Ni Luh Putu Ayu")
    if db.engine.dialect.name == "postgresql":
        for name, _table, _expression in TRIGRAM_INDEXES:
            db.session.execute(text(f"DROP INDEX IF EXISTS {name}"))
    assert "Ni Luh Putu Ayu" in sign_in(Role.ADMIN).get("/admin/pengguna?q=putu").get_data(as_text=True)


def test_percent_underscore_and_quotes_are_matched_as_typed(sign_in, make_user):
    """The pattern is written into the SQL (search_pattern): escaped by SQLAlchemy, never able to change the query."""
    make_user(full_name="Ibu 100% Sehat")
    make_user(full_name="Ibu 1000 Sehat")
    make_user(full_name="Pak O'Brien")
    browser = sign_in(Role.ADMIN)

    def found(query: str) -> str:
        return browser.get("/admin/pengguna", query_string={"q": query}).get_data(as_text=True)

    assert "Ibu 100% Sehat" in found("100%") and "Ibu 1000 Sehat" not in found("100%")
    assert "Ibu 1000 Sehat" not in found("1_00")
    assert "O&#39;Brien" in found("o'b")
    injected = found("' OR 1=1 --")
    assert "Ibu 100% Sehat" not in injected and "0 akun" in injected


@pytest.mark.parametrize("typed, phones_searched", [("0000-77", True), ("00 77", True), ("wayan 0077", False),
                                                    ("siti77", False)])
def test_only_a_query_without_letters_is_searched_in_phone_numbers(sign_in, make_user, typed, phones_searched):
    """Digits inside a name ("wayan 0077") are part of the name: matching them in every phone number would list
    strangers whose number happens to contain them."""
    make_user(full_name="Bapak Nomor", phone="+6281200000077")
    make_user(full_name="Wayan 0077", phone="+6281299990000")
    assert ("users.phone LIKE" in where_of(typed)) == phones_searched
    found = sign_in(Role.ADMIN).get("/admin/pengguna", query_string={"q": typed}).get_data(as_text=True)
    assert ("Bapak Nomor" in found) == phones_searched
    assert ("Wayan 0077" in found) == (typed == "wayan 0077")
