"""The main menu says where the user is: the page itself, or a page inside that section."""
import re


def current_items(html: str) -> dict[str, str]:
    nav = html[html.index('<nav class="wrap site-nav"'):html.index("</nav>")]
    return {href: state for href, state in re.findall(r'<a href="([^"]+)" aria-current="(page|true)"', nav)}


def test_the_menu_marks_the_page_and_its_section(client, make_course):
    make_course()
    assert current_items(client.get("/kursus").get_data(as_text=True)) == {"/kursus": "page"}
    assert current_items(client.get("/kursus/kursus-uji").get_data(as_text=True)) == {"/kursus": "true"}
    assert current_items(client.get("/verifikasi/RWT-2026-AAAA-AAAA-A").get_data(as_text=True)) == {
        "/verifikasi": "true"}
    assert current_items(client.get("/").get_data(as_text=True)) == {}


def test_a_page_links_under_the_mount_point_it_was_asked_through(client):
    """Template URLs are built once per process (web._template_url_for), but under each mount point: a
    server behind /rawat and one at the root share the process cache, never each other's links."""
    from lms.caches import TEMPLATE_URLS

    at_root = client.get("/kursus").get_data(as_text=True)
    mounted = client.get("/kursus", base_url="http://localhost/rawat").get_data(as_text=True)
    again_at_root = client.get("/kursus").get_data(as_text=True)
    assert 'href="/kursus"' in at_root and 'href="/rawat/kursus"' not in at_root
    assert 'href="/rawat/kursus"' in mounted and 'href="/static/' not in mounted
    assert 'href="/rawat/static/rawat.css?v=' in mounted
    assert again_at_root == at_root
    assert any(key[1] == "/rawat" for key in TEMPLATE_URLS)


def test_a_static_file_link_carries_the_hash_of_its_content(client):
    import hashlib
    import re
    from pathlib import Path

    page = client.get("/").get_data(as_text=True)
    version = re.search(r'href="/static/rawat\.css\?v=([0-9a-f]+)"', page).group(1)
    css = (Path(client.application.static_folder) / "rawat.css").read_bytes()
    assert hashlib.sha256(css).hexdigest().startswith(version)


def test_the_shared_page_parts_follow_the_language_and_the_audience(client, sign_in):
    """The head's links, the language buttons, the menu and the footer are drawn once per language, audience
    and current entry (web.layout, web.menu_links): each page still shows its own."""
    indonesian = client.get("/kursus").get_data(as_text=True)
    client.set_cookie("lang", "en")
    english = client.get("/kursus").get_data(as_text=True)
    assert "Hasil sampai sekarang" in indonesian and "Results so far" not in indonesian
    assert "Results so far" in english and "Hasil sampai sekarang" not in english
    assert 'value="en" lang="en" aria-describedby="lang-label"\n        aria-pressed="true"' in english
    assert 'value="id" lang="id" aria-describedby="lang-label"\n        aria-pressed="true"' in indonesian
    assert current_items(english) == {"/kursus": "page"}
    assert current_items(client.get("/verifikasi").get_data(as_text=True)) == {"/verifikasi": "page"}
    admin = sign_in("admin", lang="en").get("/kursus").get_data(as_text=True)
    assert "/admin/audit" in admin and "/admin/audit" not in english
    assert current_items(admin) == {"/kursus": "page"}
