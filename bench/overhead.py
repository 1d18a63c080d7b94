"""What Rawat spends per request above the framework's own floor (issue #21), side by side in one run.

    .venv/bin/python bench/overhead.py [--seconds 10] [--connections 20] [--workers 2] [--postgres URL]

Starts three gunicorn servers with the same settings (sync workers, --workers): a bare Flask app with one
endpoint answering a small JSON (bench/bare_app.py), the fixed stack's floor (bench/floor_app.py: Flask +
Flask-SQLAlchemy doing only the API's indexed lookup in the same database and answering the same document, and
a lesson page's three queries and template), and Rawat on a temporary SQLite file (or, with --postgres, a
scratch database created through URL and dropped afterwards) filled by `lms demo`. Then wrk (Debian's package;
`wrk -t1 -cN`) loads, one after the other and each for --seconds:

    bare      GET /ping                                  the framework's floor
    floor     GET /api/v1/certificates/<id>              the stack's floor: one ORM lookup, the same JSON, gzip
    api       GET /api/v1/certificates/<id>              the verification API, no account
    verify    GET /verifikasi/<id>                       the verification page, no account
    l-floor   GET /kursus/<course>/materi/<lesson>       the stack's floor of a lesson page (floor_app.py)
    lesson    GET /kursus/<course>/materi/<lesson>       a signed-in learner's lesson page

and prints requests/s, wrk's latency p50/p99, each one's share of the bare rate, and the API's and the lesson
page's shares of their floors' (what Rawat's own work costs, apart from the stack), with a verdict against the
goals: the API at least 40 %, a lesson page at least 25 %. As in production, every request
of Rawat writes its JSON log line (to a file here), rate limits are on (memory storage: one client on
loopback would otherwise hit them, so the limits are raised, not removed) and responses are gzipped
when asked (wrk sends Accept-Encoding: gzip, as phones do).
"""
from __future__ import annotations

import argparse
import http.client
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"api": 0.40, "lesson": 0.25}
COURSE = "perawatan-dasar-lansia"
PASSWORD = "kata sandi beban 1"
SIGN_OUT = b'action="/keluar"'
CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(uri: str, instance: Path) -> dict:
    """Migrate, load the demo (courses, certificates with real signatures), add one learner."""
    os.environ["DATABASE_URL"] = uri
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.certificates.models import Certificate
    from lms.courses.models import Course, Lesson
    from lms.demo import create_demo
    from lms.extensions import db

    app = create_app(instance_path=str(instance), SQLALCHEMY_DATABASE_URI=uri, SECRET_KEY="bench")
    with app.app_context():
        upgrade()
        create_demo(ROOT / "content")
        learner = register_user("Peserta Beban", "phone", "+6281900000001", PASSWORD, consent=ADULT_CONSENT)
        db.session.commit()
        learner_id = learner.id
        lesson = db.session.scalar(select(Lesson.slug).join(Course, Course.id == Lesson.course_id)
                                   .where(Course.slug == COURSE).order_by(Lesson.id))
        certificate = db.session.scalar(select(Certificate.public_id).order_by(Certificate.id))
        db.engine.dispose()
    return {"lesson": f"/kursus/{COURSE}/materi/{lesson}", "certificate": certificate, "learner": learner_id}


def serve(app_spec: str, port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app_spec],
                              cwd=ROOT, env=env, stderr=log.open("w"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz" if app_spec == "wsgi:app" else "/ping")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"{app_spec} did not start: {log.read_text()[-2000:]}")


def session_cookie(port: int) -> str:
    """Sign the learner in through the real form; the Cookie header wrk sends."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/masuk", headers={"Cookie": "lang=id"})
    response = connection.getresponse()
    page = response.read().decode()
    cookies = {"lang": "id"}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    body = urllib.parse.urlencode({"csrf_token": CSRF_RE.search(page).group(1), "identifier": "+6281900000001",
                                   "password": PASSWORD})
    connection.request("POST", "/masuk", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"sign-in answered {response.status}")
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";", 1)[0]
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def floor_cookie(port: int, learner_id: int) -> str:
    """The floor app's session cookie for the same learner (its own sign-in, no password: a bench)."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", f"/masuk-lantai/{learner_id}")
    response = connection.getresponse()
    response.read()
    cookie = next(value for header, value in response.getheaders() if header.lower() == "set-cookie")
    return cookie.split(";", 1)[0]


def load(port: int, path: str, seconds: float, connections: int, cookie: str | None = None) -> dict:
    """wrk -t1 -cN for the path: requests/s, latency p50 and p99 (ms), and non-2xx answers."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "-H", "Accept-Encoding: gzip"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {}
    for label in ("50%", "99%"):
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", output).groups()
        latency[label] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": latency["50%"], "p99": latency["99%"], "errors": int(errors.group(1)) if errors else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", metavar="URL", help="a role that may create databases")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    from scratch_database import ScratchDatabase

    folder = Path(tempfile.mkdtemp(prefix="rawat-overhead-"))
    scratch = ScratchDatabase(args.postgres, folder, "rawat_overhead") if args.postgres else None
    uri = scratch.uri if scratch else f"sqlite:///{folder / 'overhead.db'}"
    servers = []
    try:
        data = prepare(uri, folder / "instance")
        bare_port, floor_port, app_port = free_port(), free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": uri, "SECRET_KEY": "bench", "LMS_INSTANCE_PATH": str(folder / "instance"),
               "LMS_CERTIFICATE_KEY_DIR": str(folder / "instance" / "keys"),
               "LMS_VERIFICATION_RATE_LIMIT": "10000000 per minute"}
        servers.append(serve("bench.bare_app:app", bare_port, args.workers, env, folder / "bare.log"))
        servers.append(serve("bench.floor_app:app", floor_port, args.workers, env, folder / "floor.log"))
        servers.append(serve("wsgi:app", app_port, args.workers, env, folder / "rawat.log"))
        cookie = session_cookie(app_port)
        floor_session = floor_cookie(floor_port, data["learner"])
        for port, path, sent in ((app_port, data["lesson"], cookie),
                                 (app_port, f"/api/v1/certificates/{data['certificate']}", None),
                                 (floor_port, data["lesson"], floor_session)):
            connection = http.client.HTTPConnection("127.0.0.1", port)
            connection.request("GET", path, headers={"Cookie": sent} if sent else {})
            answer = connection.getresponse()
            page = answer.read()
            if answer.status != 200:
                raise RuntimeError(f"{path} answered {answer.status}")
            # a lesson page answers 200 to anybody: the learner's own has the sign-out form
            if sent and SIGN_OUT not in page:
                raise RuntimeError(f"{path} was not answered to the signed-in learner")
        runs = {
            "bare": load(bare_port, "/ping", args.seconds, args.connections),
            "floor": load(floor_port, f"/api/v1/certificates/{data['certificate']}", args.seconds,
                          args.connections),
            "api": load(app_port, f"/api/v1/certificates/{data['certificate']}", args.seconds, args.connections),
            "verify": load(app_port, f"/verifikasi/{data['certificate']}", args.seconds, args.connections),
            "l-floor": load(floor_port, data["lesson"], args.seconds, args.connections, floor_session),
            "lesson": load(app_port, data["lesson"], args.seconds, args.connections, cookie),
        }
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        if scratch is not None:
            scratch.drop()
        shutil.rmtree(folder, ignore_errors=True)
    bare = runs["bare"]["rate"]
    print(f"{args.workers} gunicorn sync workers each, wrk -t1 -c{args.connections} for {args.seconds:g} s a run, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"{'run':<8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'of bare':>8}  verdict")
    missed = 0
    for name, run in runs.items():
        share = run["rate"] / bare
        verdict = ""
        if name in GOALS:
            met = share >= GOALS[name] and not run["errors"]
            missed += not met
            verdict = f"{'met' if met else 'NOT met'} (goal >= {GOALS[name]:.0%})"
        print(f"{name:<8} {run['rate']:9.0f} {run['p50']:8.1f} {run['p99']:8.1f} {run['errors']:7d} {share:8.0%}  "
              f"{verdict}")
    print(f"the API serves {runs['api']['rate'] / runs['floor']['rate']:.0%} of its floor's rate "
          f"(Rawat's own work; the floor itself is {runs['floor']['rate'] / bare:.0%} of bare)")
    print(f"the lesson page serves {runs['lesson']['rate'] / runs['l-floor']['rate']:.0%} of its floor's rate "
          f"(the floor itself is {runs['l-floor']['rate'] / bare:.0%} of bare)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
