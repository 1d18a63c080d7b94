"""What several browser journeys do the same way."""
from __future__ import annotations


def sign_in_through_form(page, live_server, identifier: str, password: str, *, lang: str | None = None) -> None:
    """Sign in on /masuk as a person would (lang: the language cookie set first), and check it worked."""
    if lang:
        page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server.url}])
    page.goto(live_server("/masuk"))
    page.locator("input[name=identifier]").fill(identifier)
    page.locator("input[name=password]").fill(password)
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "/masuk" not in page.url
