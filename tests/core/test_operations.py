"""Health, readiness, request ids and logs, friendly 500 and 503 pages."""
import json
import logging

import pytest

from lms import create_app
from lms.config import TestConfig
from lms.finishing import SECURITY_HEADERS


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_when_ready(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"


def test_readyz_when_migrations_are_missing(tmp_path):
    app = create_app(TestConfig, instance_path=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"].startswith("database at []")


def test_request_id_is_generated_or_kept(client):
    generated = client.get("/").headers["X-Request-ID"]
    assert len(generated) == 16
    assert client.get("/", headers={"X-Request-ID": "abc12345-proxy"}).headers["X-Request-ID"] == "abc12345-proxy"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


@pytest.mark.parametrize("method, url, status", [
    ("GET", "/", 200), ("HEAD", "/kursus", 200), ("GET", "/api/v1/tidak-ada", 404), ("GET", "/tidak-ada", 404),
    ("POST", "/masuk", 400),  # refused by the CSRF check, before any view
])
def test_every_answer_gets_the_security_headers_and_its_id_once(client, method, url, status):
    response = client.open(url, method=method, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == status
    for name, value in SECURITY_HEADERS:
        assert response.headers.getlist(name) == [value], name
    assert len(response.headers.getlist("X-Request-ID")) == 1
    varies = [token.strip().lower() for value in response.headers.getlist("Vary") for token in value.split(",")]
    assert varies.count("accept-encoding") <= 1
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS (test_security.py)


def test_one_structured_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="lms.requests"):
        response = client.get("/kursus?q=x")
    [record] = [r for r in caplog.records if r.name == "lms.requests"]
    line = record.msg
    assert line["method"] == "GET" and line["path"] == "/kursus" and line["status"] == 200
    assert line["request_id"] == response.headers["X-Request-ID"] and line["duration_ms"] >= 0
    from lms.observability import JsonFormatter

    assert json.loads(JsonFormatter().format(record))["status"] == 200


def test_the_log_line_has_the_client_s_address_behind_a_trusted_proxy(tmp_path, caplog):
    app = _app_with_broken_route(tmp_path, TRUSTED_PROXIES=1)
    with caplog.at_level(logging.INFO, logger="lms.requests"):
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
    [record] = [r for r in caplog.records if r.name == "lms.requests"]
    assert record.msg["remote_addr"] == "203.0.113.9" and record.msg["path"] == "/healthz"


def _app_with_broken_route(tmp_path, **overrides):
    app = create_app(TestConfig, instance_path=str(tmp_path),
                     SQLALCHEMY_DATABASE_URI=overrides.pop("uri", f"sqlite:///{tmp_path / 'x.db'}"), **overrides)

    @app.route("/boom")
    def boom():
        raise RuntimeError("kaboom")

    return app


def test_unexpected_error_is_a_friendly_500_with_the_request_id(tmp_path, caplog):
    app = _app_with_broken_route(tmp_path)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"X-Request-ID": "req-12345678"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Maaf, terjadi kesalahan" in body and "req-12345678" in body and "kaboom" not in body
    assert any("kaboom" in (r.exc_text or "") or (r.exc_info and "kaboom" in str(r.exc_info[1]))
               for r in caplog.records)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/tidak-ada")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404


@pytest.mark.own_app
def test_database_unavailable_is_a_friendly_503(tmp_path):
    app = _app_with_broken_route(tmp_path, uri=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    response = app.test_client().get("/kursus")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "tidak tersedia" in response.get_data(as_text=True)


def test_proxy_headers_are_trusted_only_when_configured(tmp_path):
    plain = _app_with_broken_route(tmp_path / "a")
    behind = _app_with_broken_route(tmp_path / "b", TRUSTED_PROXIES=1)
    for app, expected in ((plain, "http://localhost/masuk"), (behind, "https://rawat.example/masuk")):

        @app.route("/where")
        def where():
            from flask import url_for

            return url_for("accounts.login", _external=True)

        got = app.test_client().get("/where", headers={"X-Forwarded-Proto": "https",
                                                       "X-Forwarded-Host": "rawat.example"}).get_data(as_text=True)
        assert got == expected


def test_a_refused_csrf_token_still_answers_with_the_request_id(client):
    """The CSRF check runs before the views; the request id must be set before it, so a refused form can be
    traced in the logs like any other request."""
    response = client.post("/masuk", data={"identifier": "081200000001", "password": "x"},
                           headers={"X-Request-ID": "abc12345-csrf"})
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] == "abc12345-csrf"
