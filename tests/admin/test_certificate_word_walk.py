"""The certificates list's word search read along each word's newest certificates (CertificateWord, issue #21)."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from lms.accounts.models import Role
from lms.certificates import queries
from lms.certificates.models import CertificateWord
from lms.certificates.services import withdraw
from lms.extensions import db
from lms.word_search import indexed_words
from tests.admin.test_user_search import statements
from tests.certificates.fixtures import certify  # noqa: F401  (a fixture)

HOLDER = re.compile(r"<td>([^<]*)</td>")


@pytest.fixture(autouse=True)
def no_statistics(monkeypatch):
    """The walk plans without PostgreSQL's statistics, as on SQLite: the tests' rows are rolled back, and what
    a plan makes of statistics is tested on its own (test_the_walk_reads_the_rarest_word…)."""
    monkeypatch.setattr(queries, "_word_shares", lambda: None)


@pytest.fixture
def per_page(app):
    app.config["CERTIFICATES_PER_PAGE"], before = 3, app.config["CERTIFICATES_PER_PAGE"]
    yield 3
    app.config["CERTIFICATES_PER_PAGE"] = before


def holders(html: str) -> list[str]:
    """The holders listed, in the list's order (each row's second cell)."""
    return HOLDER.findall(html)[0::3]


def older_link(html: str) -> str | None:
    return _link(html, "older")


def newer_link(html: str) -> str | None:
    return _link(html, "newer")


def _link(html: str, cursor: str) -> str | None:
    found = re.search(rf'href="([^"]*{cursor}=[^"]*)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def every_holder(browser, first: str) -> list[str]:
    """The holders of the first page and of every older page after it, in the list's order."""
    listed, page = holders(first), first
    while (link := older_link(page)) is not None:
        page = browser.get(link).get_data(as_text=True)
        listed += holders(page)
    return listed


def back_from_the_second_page(browser, first: str) -> list[str]:
    """The holders of the page the second page's newer link leads to."""
    second = browser.get(older_link(first)).get_data(as_text=True)
    return holders(browser.get(newer_link(second)).get_data(as_text=True))


def reads_the_word_index(seen: list[str]) -> bool:
    """PostgreSQL's index of words' beginnings (0031), or SQLite's LIKE on the words, was read."""
    return any("word_prefixes(" in statement or "LIKE '% " in statement for statement in seen)


def test_a_common_word_is_read_along_its_newest_certificates_page_after_page(sign_in, certify, per_page):  # noqa: F811
    """Every match once, newest first, across pages; the word index is never read, and the count says only
    "more than" a page (a walk stops at its page)."""
    course = certify(full_name="Budi Santoso").course
    names = [f"Agus Nomor {number}" for number in range(7)]
    for name in names:
        certify(course=course, full_name=name)
    browser = sign_in(Role.ADMIN)
    with statements() as seen:
        first = browser.get("/admin/sertifikat?q=agus").get_data(as_text=True)
    assert holders(first) == names[::-1][:3]
    assert "Lebih dari 3 sertifikat" in first
    assert any("certificate_words" in statement for statement in seen) and not reads_the_word_index(seen)
    assert every_holder(browser, first) == names[::-1]
    assert back_from_the_second_page(browser, first) == names[::-1][:3]


def test_a_page_that_holds_every_match_counts_them(sign_in, certify, per_page):  # noqa: F811
    course = certify(full_name="Agus Rina").course
    certify(course=course, full_name="Agus Budi")
    page = sign_in(Role.ADMIN).get("/admin/sertifikat?q=agus+r").get_data(as_text=True)
    assert holders(page) == ["Agus Rina"] and "1 sertifikat" in page and "Lebih dari" not in page


def test_a_walk_that_finds_few_matches_gives_way_to_the_word_index(sign_in, certify, per_page,  # noqa: F811
                                                                     monkeypatch):
    """The oldest certificate is the only "agus rina": the newest "agus" rows hold no "rina…", so the walk
    gives up after its rows and the word index finds the match, counted exactly."""
    monkeypatch.setattr(queries, "WALK_ROWS", 3)
    course = certify(full_name="Agus Rina").course
    for number in range(4):
        certify(course=course, full_name=f"Agus Budi {number}")
    with statements() as seen:
        page = sign_in(Role.ADMIN).get("/admin/sertifikat?q=agus+rina").get_data(as_text=True)
    assert holders(page) == ["Agus Rina"] and "1 sertifikat" in page
    assert any("certificate_words" in statement for statement in seen) and reads_the_word_index(seen)


def test_a_certificate_holding_two_words_so_begun_is_listed_once(sign_in, certify, per_page):  # noqa: F811
    course = certify(full_name="Agus Agustina").course
    certify(course=course, full_name="Agustinus Lee")
    page = sign_in(Role.ADMIN).get("/admin/sertifikat?q=agus").get_data(as_text=True)
    assert holders(page) == ["Agustinus Lee", "Agus Agustina"] and "2 sertifikat" in page


def test_the_words_follow_the_register_when_a_certificate_is_withdrawn(sign_in, certify):  # noqa: F811
    certificate = certify(full_name="Wayan Sutrisno")
    words = set(db.session.scalars(select(CertificateWord.word).where(
        CertificateWord.certificate_id == certificate.id)))
    assert words == indexed_words("Wayan Sutrisno", certificate.course_title) == {
        "wayan", "sutrisno", "perawatan", "dasar", "lansia"}
    assert withdraw(certificate)
    db.session.commit()
    remaining = set(db.session.scalars(select(CertificateWord.word).where(
        CertificateWord.certificate_id == certificate.id)))
    assert remaining == {"perawatan", "dasar", "lansia"}
    browser = sign_in(Role.ADMIN)
    assert certificate.public_id not in browser.get("/admin/sertifikat?q=wayan").get_data(as_text=True)
    assert certificate.public_id in browser.get("/admin/sertifikat?q=perawatan+lans").get_data(as_text=True)


def test_a_status_or_no_word_is_searched_as_before(certify):  # noqa: F811
    """No walk where it cannot answer: a status filter, no word."""
    assert queries.walk_words("agus", "revoked") is None
    assert queries.walk_words("--", None) is None
    assert queries.walk_words("agus rina", None) is not None and queries.walk_words("7k3m", None) is not None


def test_a_part_of_an_id_too_short_to_mean_one_is_not_looked_for_in_the_ids(certify):  # noqa: F811
    """"ag" or a check letter alone is in most IDs, and no index finds it: only groups of 3 symbols or more are
    looked for there (the words still are)."""
    assert queries.id_groups("7k3m 9qxh f") == ["7k3m", "9qxh"]
    assert queries.id_groups("ag") == [] and queries.id_groups("agus") == []
    where = str(queries.search_certificates("7k").compile(db.engine))
    assert "public_id" not in where.split("WHERE", 1)[1]


def test_a_short_beginning_reads_the_newest_certificates_checking_every_word(sign_in, certify,  # noqa: F811
                                                                            per_page, monkeypatch):
    """"a" begins more words than the walk reads one by one: it reads the certificates newest first along their
    date index and checks the words on each, without the word index."""
    monkeypatch.setattr(queries, "MAX_BEGUN_WORDS", 2)
    course = certify(full_name="Budi Santoso").course
    for name in ("Ani Wati", "Agus Satu", "Asih Dua", "Budi Tiga", "Ayu Empat"):
        certify(course=course, full_name=name)
    with statements() as seen:
        page = sign_in(Role.ADMIN).get("/admin/sertifikat?q=a").get_data(as_text=True)
    assert holders(page) == ["Ayu Empat", "Asih Dua", "Agus Satu"] and "Lebih dari 3 sertifikat" in page
    assert not reads_the_word_index(seen)


def test_words_that_could_be_part_of_an_id_are_looked_for_in_the_ids_too(sign_in, certify):  # noqa: F811
    """"rina" reads r1na, so it is also looked for in the IDs, as the list always did: an ID holding it is
    listed beside the holders named Rina, newest first."""
    rina = certify(full_name="Rina Lestari")
    other = certify(course=rina.course, full_name="Budi Santoso")
    group = other.public_id.split("-")[2].lower()
    browser = sign_in(Role.ADMIN)
    by_name = browser.get("/admin/sertifikat?q=rina").get_data(as_text=True)
    assert rina.public_id in by_name and other.public_id not in by_name
    with statements() as seen:
        by_id = browser.get(f"/admin/sertifikat?q={group}").get_data(as_text=True)
    assert other.public_id in by_id and not reads_the_word_index(seen)


def test_the_walk_reads_the_rarest_word_and_only_when_its_page_is_near(monkeypatch):
    """With PostgreSQL's statistics: the rarest word is read; a page expected beyond WALK_ROWS rows is left to
    the word index; a walk taken may read as many rows as it expects matches (its page may lie further back
    than the words' shares say). Without statistics (SQLite) the longest whole word is read, always tried."""
    shares = queries.WordShares(words=("agus", "disabilitas", "rina", "rinawati"), shares=(0.06, 0.33, 0.09, 0.01),
                                rare=0.001, certificates=100_000)
    monkeypatch.setattr(queries, "_word_shares", lambda: shares)
    assert queries._walk_plan(["agus"], "disabilitas", 26) == ("agus", 1_986)  # 26 / 0.331 = 79 rows to a page
    assert queries._walk_plan(["disabilitas"], "agus", 26) == (None, 2_000)  # the words beginning "agus": rarer
    assert queries._walk_plan([], "agus", 26) == (None, 2_000)  # 26 / 1 = 26 rows
    assert queries._walk_plan(["agus"], "rina", 26) == ("agus", 0)  # 26 / 0.101: 257 rows
    assert queries._walk_plan(["agus"], "sutrisno", 26) == (None, 200)  # rare: at most 100 rows to read
    assert queries._walk_plan(["sutrisno", "budi"], "agus", 26) == ("sutrisno", 200)
    shares = queries.WordShares(words=shares.words, shares=shares.shares, rare=0.001, certificates=1_000_000)
    monkeypatch.setattr(queries, "_word_shares", lambda: shares)
    assert queries._walk_plan(["agus"], "sutrisno", 26) == (None, 0)  # 1,000 rows: few matches, the index
    monkeypatch.setattr(queries, "_word_shares", lambda: None)
    assert queries._walk_plan(["agus", "sutrisno"], "r", 26) == ("sutrisno", queries.WALK_ROWS)


def test_few_old_matches_are_paged_and_counted_after_the_walk_gives_way(sign_in, certify, per_page,  # noqa: F811
                                                                        monkeypatch):
    """PostgreSQL finds them through the word index with one statement built once (the query written into it),
    SQLite through the list's own statement: counted on the first page, every match once across pages, newest
    first. (A later page may be walked again from its cursor, where the matches are near.)"""
    monkeypatch.setattr(queries, "WALK_ROWS", 3)
    course = certify(full_name="Budi Santoso").course
    names = [f"Agus Rina {number}" for number in range(5)]
    for name in names:
        certify(course=course, full_name=name)
    for number in range(4):
        certify(course=course, full_name=f"Agus Budi {number}")
    browser = sign_in(Role.ADMIN)
    first = browser.get("/admin/sertifikat?q=agus+rin").get_data(as_text=True)
    assert "5 sertifikat" in first
    assert every_holder(browser, first) == names[::-1]
    assert back_from_the_second_page(browser, first) == holders(first)


def test_the_plan_reads_postgresql_s_statistics_of_the_words(certify, monkeypatch):  # noqa: F811
    """How common each word is comes from pg_stats (the commonest words) and pg_class (the rows in all)."""
    from sqlalchemy import text

    from lms.caches import WORD_SHARES
    if db.engine.dialect.name != "postgresql":
        assert queries._word_shares() is None  # SQLite keeps no statistics: the walk is always tried
        return
    monkeypatch.undo()  # the real statistics, not the module's fixture
    course = certify(full_name="Agus Satu").course
    for number in range(29):
        certify(course=course, full_name=f"{'Agus' if number < 9 else 'Budi'} Nomor {number}")
    db.session.execute(text("ANALYZE certificate_words"))
    db.session.execute(text("ANALYZE certificates"))
    WORD_SHARES.clear()
    shares = queries._word_shares()
    WORD_SHARES.clear()  # the rows are rolled back: no other test may read these figures
    assert shares.certificates == 30
    assert shares.of("perawatan") == pytest.approx(1.0)  # the course's words are on every certificate
    assert shares.of("agus") == pytest.approx(10 / 30) and shares.of("budi") == pytest.approx(20 / 30)
    assert shares.of_beginning("agu") == pytest.approx(10 / 30 + shares.rare)
    assert shares.rare < 0.1  # "nomor" and "satu"… are listed too; a word not listed is rarer
    assert queries._walk_plan(["budi"], "agus", 26)[0] is None  # the words beginning "agus" are rarer


@pytest.mark.parametrize("typed", [
    "'; DROP TABLE certificate_words; --", "% _ \\", "agus'rina", "ǅemal Ǆ", "😀 agus", "ﻋﻠﻲ", "a" * 100,
    "x" * 65 + " agus", "agus " * 20, "\u0130stanbul", "0 00 000", "rwt 2026", "- -- ---",
])
@pytest.mark.parametrize("cursor", ["", "&older=2026-01-01T00:00:00_1", "&newer=2026-01-01T00:00:00_1",
                                    "&older=nonsense", "&anywhere=1"])
def test_any_search_answers_a_page(sign_in, certify, typed, cursor):  # noqa: F811
    """Whatever is typed, from wherever in the list: a page, never a server error."""
    certify(full_name="Agus Rina")
    browser = sign_in(Role.ADMIN)
    response = browser.get("/admin/sertifikat?q=" + quote(typed) + cursor)
    assert response.status_code == 200, (typed, cursor)
