"""The place chooser, step by step without JavaScript, on its public page /wilayah."""
from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import event

from lms.extensions import db

from .conftest import VILLAGES


def listed(body: str) -> list[str]:
    """The names a step lists, in order."""
    block = body.split('class="link-list region-list"', 1)
    if len(block) < 2:
        return []
    return [unescape(name) for name in re.findall(r'<li><a href="[^"]*">([^<]+)</a></li>', block[1].split("</ul>")[0])]


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def test_province_then_regency_then_district_then_village(regions, english):
    body = english.get("/wilayah").get_data(as_text=True)
    assert listed(body) == ["Aceh", "Jawa Barat"] and "Choose your province" in body
    assert 'href="/wilayah?wilayah=32"' in body

    body = english.get("/wilayah?wilayah=32").get_data(as_text=True)
    assert listed(body) == ["Kabupaten Bogor", "Kota Depok"] and "Choose your regency or city" in body

    body = english.get("/wilayah?wilayah=32.76").get_data(as_text=True)
    assert listed(body) == ["Beji", "Pancoran Mas"] and "Choose your district (kecamatan)" in body

    body = english.get("/wilayah?wilayah=32.76.06").get_data(as_text=True)
    assert listed(body) == ["Beji", "Beji Timur", "Kemiri Muka"] and "Choose your village" in body
    assert 'href="/wilayah?wilayah=32.76.06.1004"' in body

    body = english.get("/wilayah?wilayah=32.76.06.1004").get_data(as_text=True)
    assert "Kemiri Muka, Beji, Kota Depok, Jawa Barat" in body and "32.76.06.1004" in body
    assert "/daftar?desa=32.76.06.1004" in body  # the village's registration link
    # the trail goes back one step at a time: the district's link lists the districts again
    assert 'href="/wilayah?wilayah=32.76"' in body and 'href="/wilayah"' in body


def test_each_step_searches_its_own_list_by_part_of_the_name(regions, english):
    body = english.get("/wilayah?wilayah=32.76.06&q=BEJI").get_data(as_text=True)
    assert listed(body) == ["Beji", "Beji Timur"]
    # the search form stays at the step: a GET form with the step's code, no CSRF token
    form = body.split('role="search"')[0].rsplit("<form", 1)[1] + body.split('role="search"')[1].split("</form>")[0]
    assert 'method="get"' in form and 'name="wilayah" value="32.76.06"' in form and "csrf_token" not in form
    body = english.get("/wilayah?wilayah=32.76.06&q=zzz").get_data(as_text=True)
    assert listed(body) == [] and "Nothing here is called “zzz”" in body
    body = english.get("/wilayah?q=jawa").get_data(as_text=True)
    assert listed(body) == ["Jawa Barat"]
    body = english.get("/wilayah?wilayah=32.76.06&q=100%25_").get_data(as_text=True)  # LIKE's wildcards as typed
    assert listed(body) == []


def test_a_long_list_is_never_sent_whole(regions, english):
    body = english.get("/wilayah?wilayah=32.01.01").get_data(as_text=True)
    assert len(listed(body)) == 120 and "Only the first 120 are listed" in body
    assert listed(english.get("/wilayah?wilayah=32.01.01&q=125").get_data(as_text=True)) == ["Desa Uji 125"]


@pytest.mark.parametrize("code", ["99", "32.99", "32.76.06.9999", "garbage", "3276061004", "32.76.06.", "x" * 5000,
                                  "\ufffd", "32.76.06.1004' OR 1=1 --"])
def test_any_code_in_the_link_gives_a_step(regions, english, code):
    response = english.get("/wilayah", query_string={"wilayah": code, "q": code})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "not in the current list" in body and listed(body) == ["Aceh", "Jawa Barat"]


@pytest.mark.parametrize("query", ["wilayah=%00&q=%00", "wilayah=%ED%A0%80", "wilayah=32&q=%ED%A0%80", "wilayah=&q="])
def test_broken_text_in_the_link_gives_a_step(regions, english, query):
    assert english.get(f"/wilayah?{query}").status_code == 200


def test_a_retired_village_is_not_offered_but_still_named(import_regions, english):
    import_regions()
    import_regions(villages={code: name for code, name in VILLAGES.items() if code != "32.76.06.1002"})
    assert listed(english.get("/wilayah?wilayah=32.76.06").get_data(as_text=True)) == ["Beji", "Kemiri Muka"]
    assert "not in the current list" in english.get("/wilayah?wilayah=32.76.06.1002").get_data(as_text=True)


def test_before_any_import_the_chooser_says_so(english):
    body = english.get("/wilayah").get_data(as_text=True)
    assert "The list of places is not loaded yet" in body


def test_a_step_costs_two_queries(regions, english, app):
    statements = []

    def count(conn, cursor, statement, *args):
        if "regions" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        english.get("/wilayah?wilayah=32.76.06&q=beji")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements


def test_the_page_is_indonesian_by_default(regions, client):
    body = client.get("/wilayah?wilayah=32").get_data(as_text=True)
    assert "Pilih kabupaten atau kota" in body and "Cari" in body
