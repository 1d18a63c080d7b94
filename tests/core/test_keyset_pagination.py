"""Keyset pages (lms/pagination.py) through the admin lists: every row once, however the list grows meanwhile."""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from lms.accounts.models import Role, User
from lms.extensions import db
from tests.ops.test_query_counts import counted_statements

NAME = re.compile(r"<strong>(Anggota \d+)</strong>")


def link(body: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}" href="([^"]+)"', body)
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def small_pages(app):
    previous = app.config["USERS_PER_PAGE"]
    app.config["USERS_PER_PAGE"] = 5
    yield
    app.config["USERS_PER_PAGE"] = previous


def test_every_row_once_across_pages_while_rows_are_added(sign_in, make_user, small_pages):
    browser = sign_in(Role.ADMIN, full_name="Admin Daftar")
    originals = [make_user(full_name=f"Anggota {n}") for n in range(23)]
    # Many rows at the same moment: the id breaks the tie, so none is skipped or shown twice.
    same = datetime(2026, 11, 1, 8, 0)
    db.session.execute(update(User).where(User.id.in_([u.id for u in originals[5:15]])).values(created_at=same))
    db.session.commit()
    seen, url, added = [], "/admin/pengguna", 0
    while url:
        body = browser.get(url).get_data(as_text=True)
        seen += NAME.findall(body)
        make_user(full_name=f"Anggota {100 + added}")  # a newer account arrives between two pages
        added += 1
        url = link(body, "next")
    assert sorted(seen) == sorted(u.full_name for u in originals)  # each exactly once, none of the new ones
    # Back from the last page, newer page by newer page, up to the newest: everything, each once.
    back, url = [], link(body, "prev")
    while url:
        page = browser.get(url).get_data(as_text=True)
        back += NAME.findall(page)
        url = link(page, "prev")
    assert len(back) == len(set(back))
    everyone = {u.full_name for u in originals} | {f"Anggota {100 + n}" for n in range(added)}
    assert set(back) == everyone - set(NAME.findall(body))  # all but the last page's, where the walk began


def test_the_audit_log_pages_by_moment_with_its_actors_in_one_query(sign_in, app):
    from sqlalchemy import event

    from lms.audit import services as audit

    browser = sign_in(Role.ADMIN, full_name="Admin Audit")
    start = datetime(2026, 10, 1)
    for n in range(120):
        audit.record("user.role_changed", actor_id=browser.user.id, target_type="user", target_id=str(n),
                     target_label=f"Sasaran {n}")
    db.session.commit()
    from lms.audit.models import AuditEntry

    db.session.execute(update(AuditEntry).values(created_at=start))  # all at one moment: ids order them
    db.session.commit()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        first = browser.get("/admin/audit").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    audit_queries = [s for s in statements if "FROM audit_entries" in s or "FROM users" in s]
    assert len(audit_queries) <= 5, audit_queries  # count, page, actors (once), the signed-in user
    labels = re.findall(r"Sasaran \d+", first)
    assert len(labels) == 50 and labels[0] == "Sasaran 119"
    second = browser.get(link(first, "next")).get_data(as_text=True)
    third = browser.get(link(second, "next")).get_data(as_text=True)
    every = labels + re.findall(r"Sasaran \d+", second) + re.findall(r"Sasaran \d+", third)
    assert every == [f"Sasaran {n}" for n in range(119, -1, -1)] and link(third, "next") is None
    # Filtering by the actor or the record, from the links on an entry.
    only = browser.get("/admin/audit?target_type=user&target_id=7").get_data(as_text=True)
    assert re.findall(r"Sasaran \d+", only) == ["Sasaran 7"] and "Tampilkan semua" in only
    assert len(re.findall(r"Sasaran \d+", browser.get(f"/admin/audit?actor={browser.user.id}")
                          .get_data(as_text=True))) == 50


def test_a_long_list_is_counted_up_to_a_cap(app, sign_in, make_user, monkeypatch):
    monkeypatch.setattr("lms.pagination.COUNT_CAP", 3)
    browser = sign_in(Role.ADMIN)
    for n in range(4):
        make_user(full_name=f"Anggota {n}")
    body = browser.get("/admin/pengguna").get_data(as_text=True)
    assert "Lebih dari 3 akun" in body
    assert "1 akun" in browser.get("/admin/pengguna?q=Anggota 2").get_data(as_text=True)


def test_created_at_moments_far_apart_page_in_order(sign_in, make_user, small_pages):
    browser = sign_in(Role.ADMIN)
    users = [make_user(full_name=f"Anggota {n}") for n in range(12)]
    for n, user in enumerate(users):  # oldest first, a day apart
        user.created_at = datetime(2026, 1, 1) + timedelta(days=n)
    db.session.commit()
    seen, url = [], "/admin/pengguna"
    while url:
        body = browser.get(url).get_data(as_text=True)
        seen += NAME.findall(body)
        url = link(body, "next")
    assert seen == [f"Anggota {n}" for n in range(11, -1, -1)]


@pytest.mark.parametrize("count_cap, few_rows, search", [(0, 0, True), (10_000, 0, True), (10_000, 2_000, False)],
                         ids=["walking the order index", "a search's matches first", "a filter's few matches first"])
def test_a_search_pages_the_same_whichever_way_its_rows_are_read(sign_in, make_user, small_pages, monkeypatch,
                                                                  count_cap, few_rows, search):
    """A search at most COUNT_CAP rows pass is read among its matches (pagination._Matches), as is a filter of at
    most FEW_ROWS; anything else by walking the order index. Every way gives every match once, newest first,
    while matches and non-matches arrive between pages."""
    from lms import pagination

    from lms.admin import views as admin_views

    monkeypatch.setattr(pagination, "COUNT_CAP", count_cap)
    monkeypatch.setattr(pagination, "FEW_ROWS", few_rows)
    if not search:  # read as any other filter would be: counted first
        monkeypatch.setattr(admin_views, "keyset_page",
                            lambda *args, **kwargs: pagination.keyset_page(*args, **{**kwargs, "search": False}))
    browser = sign_in(Role.ADMIN, full_name="Admin Cari")
    matches = [make_user(full_name=f"Anggota {n}") for n in range(12)]
    for n in range(8):
        make_user(full_name=f"Tamu {n}")
    same = datetime(2026, 11, 1, 8, 0)  # ties on one moment, broken by the id
    db.session.execute(update(User).where(User.id.in_([u.id for u in matches[3:9]])).values(created_at=same))
    db.session.commit()
    expected = [u.full_name for u in sorted(matches, key=lambda u: (db.session.get(User, u.id).created_at, u.id),
                                            reverse=True)]
    seen, url, added = [], "/admin/pengguna?q=anggota", 0
    while url:
        body = browser.get(url).get_data(as_text=True)
        seen += NAME.findall(body)
        make_user(full_name=f"Anggota {100 + added}")  # a newer match arrives between two pages
        make_user(full_name=f"Tamu {100 + added}")
        added += 1
        url = link(body, "next")
    assert seen == expected
    back, url = [], link(body, "prev")
    while url:
        page = browser.get(url).get_data(as_text=True)
        back = NAME.findall(page) + back
        url = link(page, "prev")
    newest_first = [f"Anggota {100 + n}" for n in reversed(range(added))] + expected
    assert back + NAME.findall(body) == newest_first


def test_a_search_finds_its_matches_once_for_both_its_count_and_its_page(sign_in, make_user, small_pages):
    """The count, the page's order and its rows come from one statement over the matches (pagination._Matches):
    on a national database each reading of a trigram or full-text filter costs milliseconds, so it is read
    once, and the page's rows are joined to the matches by id, not filtered again."""
    browser = sign_in(Role.ADMIN, full_name="Admin Cari")
    for n in range(7):
        make_user(full_name=f"Anggota {n}")
    with counted_statements() as seen:
        body = browser.get("/admin/pengguna?q=anggota").get_data(as_text=True)
    statements = [" ".join(statement.split()) for statement in seen]
    assert "7 akun" in body and len(NAME.findall(body)) == 5  # small_pages: 5 a page
    filtered = [s for s in statements if "LIKE" in s]
    [statement] = filtered  # the matches: their count, the page's order and its rows
    assert "LIKE" not in statement.partition(") AS page")[2]  # the page's rows are not filtered again
    assert "count(*)" in statement and "ORDER BY" in statement and " JOIN (" in statement


def test_a_search_with_more_matches_than_the_cap_is_not_counted_twice(sign_in, make_user, small_pages, monkeypatch):
    """Its matches were counted past COUNT_CAP while looking for them: the page is then read along the order
    index, and counting them once more (40 ms for "s" among a million names) tells nothing new."""
    monkeypatch.setattr("lms.pagination.COUNT_CAP", 3)
    browser = sign_in(Role.ADMIN, full_name="Admin Cari")
    for n in range(7):
        make_user(full_name=f"Anggota {n}")
    with counted_statements() as statements:
        body = browser.get("/admin/pengguna?q=anggota").get_data(as_text=True)
    assert "Lebih dari 3 akun" in body and len(NAME.findall(body)) == 5
    counted = [s for s in statements if "count(" in s.lower() and "anggota" in s.lower()]
    assert len(counted) == 1, counted


def test_only_a_statement_of_one_table_is_read_among_its_matches(app):
    """_Matches repeats a statement's WHERE over its own table: a join, a second FROM or a condition on another
    table must go the general way (pagination._one_table, which reads the statement without compiling it)."""
    from lms.accounts.services import search_users
    from lms.certificates.models import Certificate
    from lms.certificates.queries import search_certificates
    from lms.pagination import _one_table

    with app.app_context():
        assert _one_table(search_users("siti am")) and _one_table(search_certificates("agus rina"))
        assert _one_table(select(Certificate).where(Certificate.revoked_at.is_not(None)))
        assert not _one_table(select(Certificate).join(User, User.id == Certificate.user_id))
        assert not _one_table(select(Certificate).select_from(User).where(User.id == Certificate.user_id))
        assert not _one_table(select(Certificate, User))
        assert not _one_table(select(Certificate).where(Certificate.user_id == User.id, User.full_name == "x"))
