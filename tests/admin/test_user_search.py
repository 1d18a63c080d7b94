"""Admin search: whole phone numbers, e-mails and certificate IDs are exact, indexed lookups; names are found
by the beginnings of their words (full-text indexes on PostgreSQL), or inside words when nothing begins so;
fragments of e-mails and phones use trigram indexes on PostgreSQL and still work where there are none."""
from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import quote

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


@pytest.mark.parametrize("fragment", ["amin", "siti@contoh", "0000-77", "Aminah Siti", "siti am"])
def test_fragments_are_searched_in_names_phones_and_emails(sign_in, make_user, fragment):
    make_user(full_name="Siti Aminah", email="siti@contoh.id", phone="+6281200000077")
    make_user(full_name="Budi Santoso", email="budi@contoh.id", phone="+6281200000088")
    found = sign_in(Role.ADMIN).get("/admin/pengguna", query_string={"q": fragment}).get_data(as_text=True)
    assert "<strong>Siti Aminah</strong>" in found and "Budi Santoso" not in found


@pytest.mark.parametrize("typed, found", [
    ("siti am", {"Siti Aminah", "Aminah Siti Rahma"}),  # whole words and a beginning, in any order
    ("SIT", {"Siti Aminah", "Aminah Siti Rahma"}),
    ("ayu", {"Ni Luh Putu-Ayu"}), ("putu ayu", {"Ni Luh Putu-Ayu"}),  # a hyphen, an apostrophe, a slash part words
    ("ruf", {"Pak Ma'ruf"}), ("ma ruf", {"Pak Ma'ruf"}), ("agus", {"Rina/Agus"}),
    ("rahma siti", {"Aminah Siti Rahma"}),
    ("si aminah", set()),  # a word before the last is whole: "si" is no word of these names
])
def test_names_are_found_by_how_their_words_begin(sign_in, make_user, typed, found):
    names = {"Siti Aminah", "Aminah Siti Rahma", "Ni Luh Putu-Ayu", "Pak Ma'ruf", "Rina/Agus"}
    for name in names:
        make_user(full_name=name)
    body = sign_in(Role.ADMIN).get("/admin/pengguna", query_string={"q": typed}).get_data(as_text=True)
    assert {name for name in names if f"<strong>{name}</strong>".replace("'", "&#39;") in body} == found


def test_a_name_with_no_word_so_begun_is_searched_inside_words(app, sign_in, make_user):
    """"minah" begins no word, so the page looks inside words, says so, and keeps looking there on its later
    pages; asked for, it looks inside at once and has nothing to explain."""
    for number in range(3):
        make_user(full_name=f"Siti Aminah {number}")
    make_user(full_name="Minah Sari")
    browser = sign_in(Role.ADMIN)
    minah = browser.get("/admin/pengguna?q=minah").get_data(as_text=True)
    assert "Minah Sari" in minah and "<strong>Siti Aminah" not in minah and "Tidak ada kata yang" not in minah
    app.config["USERS_PER_PAGE"], per_page = 2, app.config["USERS_PER_PAGE"]
    try:
        inside = browser.get("/admin/pengguna?q=iti+aminah").get_data(as_text=True)
        assert "Tidak ada kata yang diawali “iti aminah”" in inside and inside.count("<strong>Siti Aminah ") == 2
        older = re.search(r'href="([^"]*older=[^"]*)"', inside).group(1).replace("&amp;", "&")
        assert "anywhere=1" in older
        assert browser.get(older).get_data(as_text=True).count("<strong>Siti Aminah ") == 1
        asked = browser.get("/admin/pengguna?q=iti+aminah&anywhere=1").get_data(as_text=True)
        assert asked.count("<strong>Siti Aminah ") == 2 and "Tidak ada kata yang diawali" not in asked
        assert 'name="anywhere" value="1" checked' in asked
    finally:
        app.config["USERS_PER_PAGE"] = per_page


@pytest.mark.parametrize("typed, found", [
    ("agus rina", {"Agus Rina", "Agus Rinawati"}),  # a whole word, then a beginning
    ("rina agus", {"Agus Rina", "Rina Agustina"}),  # in any order; "rina" is no whole word of "Agus Rinawati"
    ("rina", {"Agus Rina", "Agus Rinawati", "Rina Agustina"}), ("agus r", {"Agus Rina", "Agus Rinawati"}),
    ("putu ayu", {"Ni Luh Putu-Ayu"}), ("ayu", {"Ni Luh Putu-Ayu"}),  # a hyphen parts words
    ("agustina perawatan", {"Rina Agustina"}), ("agus lans", {"Agus Rina", "Agus Rinawati"}),  # with the course
    ("rinaw", {"Agus Rinawati"}), ("gus", set()),  # beginnings only
])
def test_certificates_are_found_by_how_the_words_of_holder_and_course_begin(certify, typed, found):  # noqa: F811
    """On PostgreSQL through the index of every word's beginnings (migration 0031), on SQLite by LIKE: the same
    matches."""
    from lms.certificates.models import Certificate
    from lms.certificates.queries import search_certificates
    course = certify(full_name="Agus Rina").course
    for holder in ("Agus Rinawati", "Rina Agustina", "Ni Luh Putu-Ayu"):
        certify(course=course, full_name=holder)
    matched = db.session.scalars(search_certificates(typed).with_only_columns(Certificate.holder_name))
    assert set(matched) == found


def test_word_search_is_read_from_its_index_on_postgresql(make_user, certify):  # noqa: F811
    """The match must be the expression migrations 0030 (users) and 0031 (certificates) indexed, or PostgreSQL
    reads every name. SQLite, with no full-text index, reads the table."""
    from lms.certificates.queries import search_certificates
    postgresql = db.engine.dialect.name == "postgresql"
    if postgresql:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
    for statement, index in ((search_users("wayan dewi 12"), "ix_users_full_name_words"),
                             (search_certificates("agus rina"), "ix_certificates_holder_course_prefixes")):
        compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        if postgresql:
            plan = "\n".join(db.session.execute(text(f"EXPLAIN {compiled}")).scalars())
            assert index in plan, plan
        else:
            plan = " ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
            assert plan.startswith("SCAN"), plan


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
    """Inside words the pattern is written into the SQL (search_pattern), by words the words are (word_search):
    escaped, or letters and digits only, they can never change the query."""
    make_user(full_name="Ibu 100% Sehat")
    make_user(full_name="Ibu 1000 Sehat")
    make_user(full_name="Pak O'Brien")
    browser = sign_in(Role.ADMIN)

    def found(query: str, anywhere: bool = True) -> str:
        return browser.get("/admin/pengguna", query_string={"q": query, "anywhere": "1" if anywhere else ""}
                           ).get_data(as_text=True)

    assert "Ibu 100% Sehat" in found("100%") and "Ibu 1000 Sehat" not in found("100%")
    assert "Ibu 1000 Sehat" not in found("1_00") and "Ibu 1000 Sehat" not in found("1_00", anywhere=False)
    assert "Ibu 1000 Sehat" in found("100%", anywhere=False)  # by words, "100" begins "1000"
    assert "O&#39;Brien" in found("o'b") and "O&#39;Brien" in found("o'b", anywhere=False)
    for anywhere in (True, False):
        injected = found("' OR 1=1 --", anywhere)
        assert "Ibu 100% Sehat" not in injected and "0 akun" in injected
        assert "0 akun" in found("') @@ to_tsquery('x') OR ('", anywhere)


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


@pytest.mark.parametrize("typed, found", [
    ("003333", {"Nomor Tepat"}),  # the digits as typed: "3333" alone is in a stranger's number too
    ("0813 0033", {"Nomor Tepat"}),  # a local number's beginning, stored after the country code: +62813 0033…
    ("+62813", {"Nomor Tepat", "Nomor Lain"}), ("9333", {"Nomor Lain"}), ("0000", set()),
])
def test_a_phone_fragment_is_found_as_typed_or_as_the_beginning_of_a_local_number(sign_in, make_user, typed,
                                                                                   found):
    make_user(full_name="Nomor Tepat", phone="+6281300333333")
    make_user(full_name="Nomor Lain", phone="+6281399333312")
    browser = sign_in(Role.ADMIN)
    with statements() as seen:
        page = browser.get("/admin/pengguna", query_string={"q": typed}).get_data(as_text=True)
    assert {name for name in ("Nomor Tepat", "Nomor Lain") if f"<strong>{name}</strong>" in page} == found
    # PostgreSQL finds each of name, e-mail and phone through its own index and rechecks only that on its
    # candidates (pagination._Matches): under one OR it computed every candidate's name words again
    matched = [statement for statement in seen if "MATERIALIZED" in statement]
    assert len(matched) == 1 and ("UNION" in matched[0]) == (db.engine.dialect.name == "postgresql")


@pytest.mark.parametrize("typed", ["000", "0" * 100, "+62", "+++ ---", "(0) 0.0", "0812 %_ \\", "62" * 50,
                                   "' OR 1=1 --", "😀 0812", "siti@", "@@@"])
@pytest.mark.parametrize("cursor", ["", "&older=2026-01-01T00:00:00_1", "&newer=nonsense", "&anywhere=1"])
def test_any_user_search_answers_a_page(sign_in, make_user, typed, cursor):
    """Whatever is typed, from wherever in the list (each alternative read on its own on PostgreSQL): a page."""
    make_user(full_name="Siti Aminah", email="siti@contoh.id", phone="+6281200000077")
    response = sign_in(Role.ADMIN).get("/admin/pengguna?q=" + quote(typed) + cursor)
    assert response.status_code == 200, (typed, cursor)


def test_a_piece_too_short_for_a_trigram_is_no_e_mail_fragment():
    """"s" is in every address: looking for it read a million of them (40 ms) and found everyone."""
    assert "users.email LIKE" not in where_of("s") and "users.email LIKE" not in where_of("si")
    assert "users.email LIKE" in where_of("sit") and "users.email LIKE" not in where_of("siti am")


@pytest.mark.parametrize("path", ["/admin/pengguna", "/admin/sertifikat"])
def test_a_piece_too_short_for_a_trigram_is_not_looked_for_inside_words(sign_in, make_user, certify, path):  # noqa: F811
    """"x" or "ab" is inside most names and no index finds it: 550 ms among a million users, reading them all.
    The page searches by beginnings only and, when inside words was asked for, says why it did not."""
    certify(full_name="Siti Aminah")
    make_user(full_name="Agus Baxter")
    browser = sign_in(Role.ADMIN)
    with statements() as seen:
        page = browser.get(path, query_string={"q": "x"}).get_data(as_text=True)
    assert not any("LIKE '%x%'" in statement or "LIKE '%%x%%'" in statement for statement in seen)
    assert "Baxter" not in listed(page) and "di dalam kata" not in listed(page)
    asked = browser.get(path, query_string={"q": "in", "anywhere": "1"}).get_data(as_text=True)
    assert "setiap kata yang diketik perlu paling sedikit 3 huruf" in asked
    assert 'name="anywhere" value="1" checked' not in asked and "Aminah" not in listed(asked)
    inside = browser.get(path, query_string={"q": "minah", "anywhere": "1"}).get_data(as_text=True)
    assert "perlu paling sedikit" not in inside and "Aminah" in listed(inside)


def listed(page: str) -> str:
    """What a list page shows below its search form."""
    return page.split('role="search"', 1)[1].split("</form>", 1)[1]
