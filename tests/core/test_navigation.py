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
