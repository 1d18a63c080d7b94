import pytest

from tests.conftest import csrf_token_from


def test_post_without_csrf_token_is_rejected(client):
    response = client.post("/masuk", data={"identifier": "081234567890", "password": "apa saja 123"})
    assert response.status_code == 400
    assert "Formulir ini sudah kedaluwarsa" in response.get_data(as_text=True)


def test_post_with_a_forged_token_is_rejected(client):
    client.get("/masuk")
    response = client.post("/daftar", data={"csrf_token": "forged", "full_name": "A B", "contact": "081234567890",
                                            "password": "kata sandi aman 1", "confirm": "kata sandi aman 1"})
    assert response.status_code == 400


def test_login_rate_limit_per_address(browser, make_user):
    make_user(phone="+6281234567890")
    for i in range(10):
        response = browser.post_form("/masuk", {"identifier": f"08129999{i:04d}", "password": "salah sekali 1"})
        assert response.status_code == 400
    response = browser.post_form("/masuk", {"identifier": "081234567890", "password": "kata sandi aman 1"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.get_data(as_text=True)


def test_login_rate_limit_per_account_across_addresses(app, make_user):
    make_user(phone="+6281234567890")
    for i in range(11):
        client = app.test_client()
        page = client.get("/masuk", environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
        token = csrf_token_from(page.get_data(as_text=True))
        response = client.post("/masuk", data={"csrf_token": token, "identifier": "+62 812 3456 7890",
                                               "password": "salah sekali 1"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"})
    assert response.status_code == 429


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(browser, make_user):
    make_user(phone="+6281234567890")
    response = browser.login("081234567890")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_https_is_configured(tmp_path):
    from lms import create_app
    from lms.config import TestConfig

    secure_app = create_app(TestConfig, instance_path=str(tmp_path), SESSION_COOKIE_SECURE=True,
                            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")
    assert secure_app.config["SESSION_COOKIE_SECURE"] is True
    response = secure_app.test_client().get("/")
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("url", ["/admin/pengguna", "/admin/"])
def test_learner_gets_friendly_403_on_admin_pages(browser, make_user, url):
    make_user(phone="+6281234567890")
    browser.login("081234567890")
    response = browser.get(url)
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_from_admin(client):
    response = client.get("/admin/pengguna")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_unknown_page_is_a_friendly_404_in_the_users_language(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)
