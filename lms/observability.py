"""Request ids and the structured request log (written by finishing.py), proxies, health and readiness."""
from __future__ import annotations

import json
import logging
import re
import sys

from blinker import Namespace
from flask import Flask, has_request_context, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: where finishing.py keeps the request's ID: the proxy's X-Request-ID when well-formed, else a new one
REQUEST_ID_ENVIRON_KEY = "lms.request_id"
request_log = logging.getLogger("lms.requests")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                   "logger": record.name}
        if isinstance(record.msg, dict):
            payload.update(record.msg)
        else:
            payload["message"] = record.getMessage()
        if record.exc_info:
            payload["traceback"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False, default=str)


def configure_logging(app: Flask) -> None:
    if app.testing or request_log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    request_log.addHandler(handler)
    request_log.setLevel(logging.INFO)
    request_log.propagate = False
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)


def current_request_id() -> str | None:
    return request.environ.get(REQUEST_ID_ENVIRON_KEY) if has_request_context() else None


#: sent by /readyz; sender is the app. A feature whose readiness matters (certificates: the signing
#: keys) returns {check name: None when fine, else a short problem}. Receivers only read.
readiness_asked = Namespace().signal("readiness-asked")

def _problem_of(check) -> str | None:
    try:
        return check()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return f"{type(exc).__name__}: {exc}"[:300]


def readiness(app: Flask) -> dict[str, str]:
    """check name -> "ok" or a short problem: the core's checks, then every feature's."""
    results = {"database": _problem_of(_check_database), "migrations": _problem_of(_check_migrations)}
    for receiver in readiness_asked.receivers_for(app):
        found = _problem_of(lambda receiver=receiver: receiver(app))
        if isinstance(found, dict):
            results.update(found)
        else:  # the receiver itself failed
            results[getattr(receiver, "__name__", "feature")] = found
    return {name: "ok" if problem is None else problem for name, problem in results.items()}


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_PROXIES"):
        n = app.config["TRUSTED_PROXIES"]
        # around finishing.py's middleware (web.init_app ran first): the log line has the client's address
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    configure_logging(app)

    @app.route("/healthz")
    def healthz():
        """The process is alive (no dependency is touched)."""
        return jsonify(status="ok")

    @app.route("/readyz")
    def readyz():
        """Ready for traffic: database reachable, migrations at head, signing key loadable."""
        results = readiness(app)
        ready = all(value == "ok" for value in results.values())
        from .extensions import db

        db.session.rollback()
        return jsonify(status="ok" if ready else "unavailable", checks=results), 200 if ready else 503


def _check_database() -> str | None:
    from sqlalchemy import text

    from .extensions import db

    db.session.execute(text("SELECT 1"))
    return None


def _check_migrations() -> str | None:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    from .extensions import db

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return None if current == heads else f"database at {sorted(current)}, code expects {sorted(heads)}"
