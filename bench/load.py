"""Load test: gunicorn (2 workers) on PostgreSQL, 20 concurrent clients on loopback.

A mixed workload for a fixed time — lesson views, marking lessons done, quiz
submissions by signed-in learners; certificate verifications (API and page) by verifiers
without an account, as employers and village offices check them — then requests per second,
p50/p95/p99 latency per kind and the error count, and the CPU the app workers, PostgreSQL
and the load generator itself used per request. Targets on a 2-core machine:
>= 300 verifications/s and >= 150 lesson views/s with p95 < 100 ms, zero errors; each
is checked on the kinds a run measured (--mix lessons and --mix verify give each kind the
whole machine; the default mix shares it among all five kinds).

    .venv/bin/python bench/load.py [--mix mixed|lessons|verify] [--seconds 20] [--clients 20] [--sqlite]
        [--database URL --instance DIR]   (a database bench/scale.py --keep filled, and its instance folder)

PostgreSQL: a throw-away database is created through LMS_BENCH_DATABASE_URL (default:
the test role of .ci/run, which may create databases) and dropped afterwards. Rate
limits are switched off for the run: every client comes from 127.0.0.1.
"""
from __future__ import annotations

import argparse
import gzip
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_PG = "postgresql://rawat_test:rawat_test_pw@127.0.0.1:5432/rawat_test"
PASSWORD = "bench rawat sandi 1"
TOKEN_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
COURSE = "perawatan-dasar-lansia"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Client:
    """One phone: its cookies, and a raw HTTP/1.1 exchange per request.

    Gunicorn's sync workers close the connection after each response, so each request opens
    one. The exchange is written by hand rather than with http.client (whose header parsing
    costs more CPU than the small pages themselves): the load generator shares the two cores
    with the server, and every millisecond it spends is one the server does not get.
    """

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, dict]:
        # Phones ask for gzip, so the server compresses as it does for them.
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close",
                 "Accept-Encoding: gzip"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        body = b""
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        with socket.create_connection(("127.0.0.1", self.port), timeout=30) as connection:
            connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        raw = b"".join(chunks)
        head, _, content = raw.partition(b"\r\n\r\n")
        if not head:
            raise http.client.BadStatusLine("empty response")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            value = value.strip()
            if name.lower() == "set-cookie":
                cookie, _, rest = value.partition("=")
                self.cookies[cookie] = rest.split(";", 1)[0]
            headers[name.title()] = value
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            content = _unchunk(content)
        if headers.get("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        return int(status_line.split(" ", 2)[1]), content.decode("utf-8", "replace"), headers

    def post_form(self, path: str, data: dict, form_path: str | None = None) -> tuple[int, str, dict]:
        _status, page, _headers = self.request("GET", form_path or path)
        token = TOKEN_RE.search(page).group(1)
        return self.request("POST", path, {"csrf_token": token, **data})


def _unchunk(data: bytes) -> bytes:
    out, rest = [], data
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out.append(rest[:size])
        rest = rest[size + 2:]
    return b"".join(out)


def _cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by the gunicorn workers (children of the master), from /proc."""
    return _cpu_seconds(Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split())


def machine_cpu_ticks() -> tuple[int, int]:
    """(all ticks, ticks stolen by the hypervisor) of the whole machine so far, from /proc/stat."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def postgres_cpu_seconds() -> float:
    """CPU time used so far by this machine's PostgreSQL processes (0 when it runs elsewhere)."""
    pids = [entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit()
            and (entry / "comm").exists() and (entry / "comm").read_text().strip() == "postgres"]
    return _cpu_seconds(pids)


def prepare(database_uri: str, instance: Path, learners: int) -> dict:
    os.environ["DATABASE_URL"] = database_uri
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.certificates.models import Certificate
    from lms.courses.models import Lesson
    from lms.demo import create_demo
    from lms.extensions import db
    from lms.quizzes.models import Quiz

    app = create_app(instance_path=str(instance), SQLALCHEMY_DATABASE_URI=database_uri, SECRET_KEY="bench")
    with app.app_context():
        upgrade()
        create_demo(ROOT / "content")
        phones = []
        for n in range(learners):
            phone = f"+62819{n:08d}"
            register_user(f"Peserta Beban {n}", "phone", phone, PASSWORD, consent=ADULT_CONSENT)
            phones.append(phone)
        db.session.commit()
        lessons = db.session.scalars(
            select(Lesson.slug).join(Lesson.course).where(Lesson.course.has(slug=COURSE))).all()
        modules = [q.module.slug for q in db.session.scalars(select(Quiz)) if q.module.course.slug == COURSE]
        certificates = db.session.scalars(select(Certificate.public_id)).all()
        db.engine.dispose()
    return {"phones": phones, "lessons": list(lessons), "modules": modules, "certificates": list(certificates)}


def take_quiz(client: Client, module: str) -> int:
    base = f"/kursus/{COURSE}/kuis/{module}"
    status, _page, headers = client.post_form(f"{base}/mulai", {}, form_path=base)
    location = headers.get("Location", "")
    if status != 302 or "/percobaan/" not in location:
        return status
    path = urllib.parse.urlsplit(location).path
    _s, page, _h = client.request("GET", path)
    form: dict[str, list[str]] = defaultdict(list)
    for name, value in re.findall(r'<input type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"', page):
        if not form[name]:
            form[name].append(value)
    # Ordering steps: ranks must differ within a question, so number its steps 1, 2, 3 …
    ranks: dict[str, int] = defaultdict(int)
    for name in re.findall(r'<select name="([^"]+)"', page):
        question = name.rsplit("-", 1)[0]
        ranks[question] += 1
        form[name] = [str(ranks[question])]
    token = TOKEN_RE.search(page).group(1)
    status, _text, _h = client.request("POST", path, {"csrf_token": token, **form})
    return status


#: which part of the workload's dice each mix rolls: everything, only lesson views, only verifications
MIXES = {"mixed": (0.0, 1.0), "lessons": (0.0, 0.40), "verify": (0.60, 1.0)}


def worker(port: int, phone: str, data: dict, deadline: float, results: dict, lock: threading.Lock,
           rng: random.Random, mix: str = "mixed") -> None:
    client = Client(port)
    client.post_form("/masuk", {"identifier": phone, "password": PASSWORD})
    # Verifications come from employers and village offices: people without an account.
    verifier = Client(port)
    local: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    low, high = MIXES[mix]
    while time.monotonic() < deadline:
        roll = low + rng.random() * (high - low)
        started = time.perf_counter()
        try:
            if roll < 0.40:
                kind = "lesson view"
                status, _b, _h = client.request("GET", f"/kursus/{COURSE}/materi/{rng.choice(data['lessons'])}")
                ok = status == 200
            elif roll < 0.52:
                kind = "mark done"
                lesson = rng.choice(data["lessons"])
                status, _b, _h = client.post_form(f"/kursus/{COURSE}/materi/{lesson}/selesai", {},
                                                  form_path=f"/kursus/{COURSE}/materi/{lesson}")
                ok = status == 302
            elif roll < 0.60:
                kind = "quiz submit"
                status = take_quiz(client, rng.choice(data["modules"]))
                ok = status == 302
            elif roll < 0.85:
                kind = "verify (API)"
                status, _b, _h = verifier.request("GET", f"/api/v1/certificates/{rng.choice(data['certificates'])}")
                ok = status == 200
            else:
                kind = "verify (page)"
                status, _b, _h = verifier.request("GET", f"/verifikasi/{rng.choice(data['certificates'])}")
                ok = status == 200
        except (OSError, http.client.HTTPException):
            pass  # the next request opens a new connection with the same cookies
            kind, ok = "connection", False
        local[kind].append((time.perf_counter() - started) * 1000)
        if not ok:
            errors[kind] += 1
    with lock:
        for kind, values in local.items():
            results["latency"][kind].extend(values)
        for kind, count in errors.items():
            results["errors"][kind] += count


#: (what, kinds counted together, at least this many per second); each also needs p95 < 100 ms and no error
TARGETS = (("verifications", ("verify (API)", "verify (page)"), 300), ("lesson views", ("lesson view",), 150))


def target_verdicts(results: dict, elapsed: float) -> list[str]:
    lines = []
    for what, kinds, per_second in TARGETS:
        latencies = [value for kind in kinds for value in results["latency"].get(kind, [])]
        if not latencies:
            continue
        rate, p95 = len(latencies) / elapsed, percentile(latencies, 95)
        errors = sum(results["errors"].get(kind, 0) for kind in kinds)
        met = rate >= per_second and p95 < 100 and errors == 0
        lines.append(f"target {what}: >= {per_second}/s, p95 < 100 ms, no error -> {rate:.1f}/s, "
                     f"p95 {p95:.1f} ms, {errors} errors: {'met' if met else 'NOT met'}")
    return lines


def existing(database_uri: str, instance: Path, learners: int) -> dict:
    """The same from a database already filled (bench/scale.py --keep): its first learners (every
    learner there has PASSWORD), and its certificates with real signatures."""
    from sqlalchemy import select

    from lms import create_app
    from lms.accounts.models import User
    from lms.certificates.models import Certificate
    from lms.courses.models import Lesson
    from lms.extensions import db
    from lms.quizzes.models import Quiz

    app = create_app(instance_path=str(instance), SQLALCHEMY_DATABASE_URI=database_uri, SECRET_KEY="bench")
    with app.app_context():
        phones = db.session.scalars(select(User.phone).where(User.role == "learner", User.phone.is_not(None))
                                    .order_by(User.id).limit(learners)).all()
        lessons = db.session.scalars(
            select(Lesson.slug).join(Lesson.course).where(Lesson.course.has(slug=COURSE))).all()
        modules = [q.module.slug for q in db.session.scalars(select(Quiz)) if q.module.course.slug == COURSE]
        certificates = db.session.scalars(select(Certificate.public_id).where(Certificate.key_id != "rk-bench")
                                          .limit(1000)).all()
        db.engine.dispose()
    return {"phones": list(phones), "lessons": list(lessons), "modules": modules, "certificates": list(certificates)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gunicorn gthread when > 1)")
    parser.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    parser.add_argument("--database", metavar="URL",
                        help="an existing filled PostgreSQL database (bench/scale.py --keep), kept as it is")
    parser.add_argument("--instance", metavar="DIR", help="with --database: the instance folder with its keys")
    parser.add_argument("--mix", choices=sorted(MIXES), default="mixed",
                        help="mixed workload (default), or only lesson views, or only verifications")
    args = parser.parse_args()
    from scratch_database import ScratchDatabase

    tmp = Path(tempfile.mkdtemp(prefix="rawat-load-"))
    scratch = None
    instance = Path(args.instance) if args.instance else tmp / "instance"
    if args.database:
        uri = args.database
    elif args.sqlite:
        uri = f"sqlite:///{tmp / 'load.db'}"
    else:
        scratch = ScratchDatabase(os.environ.get("LMS_BENCH_DATABASE_URL", DEFAULT_PG), tmp, "rawat_load")
        uri = scratch.uri
    server = None
    try:
        database = "SQLite" if args.sqlite else "PostgreSQL"
        if args.database:
            print(f"using the filled database {args.database.rsplit('/', 1)[-1]} …", flush=True)
            data = existing(uri, instance, args.clients)
        else:
            print(f"preparing {database} database with content and demo data …", flush=True)
            data = prepare(uri, instance, args.clients)
        port = int(subprocess.check_output([sys.executable, "-c",
                                            "import socket;s=socket.socket();s.bind(('127.0.0.1',0));"
                                            "print(s.getsockname()[1])"]).decode())
        env = {**os.environ, "DATABASE_URL": uri, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": "0",
               "LMS_CERTIFICATE_KEY_DIR": str(instance / "keys")}
        # As in production, every request writes its JSON log line (here to a file, not a terminal).
        server_log = open(tmp / "server.log", "w")  # noqa: SIM115 - closed with the server below
        server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--workers", str(args.workers),
                                   "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}",
                                   "--log-level", "warning", "wsgi:app"],
                                  cwd=ROOT, env=env, stderr=server_log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                Client(port).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        results = {"latency": defaultdict(list), "errors": defaultdict(int)}
        lock = threading.Lock()
        start = time.monotonic()
        client_cpu = time.process_time()
        app_cpu = worker_cpu_seconds(server.pid)
        database_cpu = postgres_cpu_seconds()
        machine_ticks = machine_cpu_ticks()
        end = start + args.seconds
        threads = [threading.Thread(target=worker, args=(port, data["phones"][i], data, end, results, lock,
                                                         random.Random(i), args.mix)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
        client_cpu = time.process_time() - client_cpu
        app_cpu = worker_cpu_seconds(server.pid) - app_cpu
        database_cpu = postgres_cpu_seconds() - database_cpu
        all_ticks, stolen_ticks = (now - before for now, before in zip(machine_cpu_ticks(), machine_ticks, strict=True))
        print(f"\n{args.clients} clients, {args.workers} gunicorn workers × {args.threads} thread(s), {elapsed:.1f} s, "
              f"{'SQLite' if args.sqlite else 'PostgreSQL'}, {args.mix} workload")
        print(f"{'kind':<16}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        total = 0
        for kind in sorted(results["latency"]):
            values = results["latency"][kind]
            total += len(values)
            print(f"{kind:<16}{len(values):>9}{len(values) / elapsed:>9.1f}{statistics.median(values):>9.1f}"
                  f"{percentile(values, 95):>9.1f}{percentile(values, 99):>9.1f}{results['errors'][kind]:>8}")
        print(f"{'all':<16}{total:>9}{total / elapsed:>9.1f}{'':>27}{sum(results['errors'].values()):>8}")
        for line in target_verdicts(results, elapsed):
            print(line)
        print(f"app workers CPU: {app_cpu / elapsed:.2f} cores, {1000 * app_cpu / max(total, 1):.2f} ms per request")
        if database_cpu:
            print(f"PostgreSQL CPU: {database_cpu / elapsed:.2f} cores, "
                  f"{1000 * database_cpu / max(total, 1):.2f} ms per request")
        print(f"load generator CPU: {client_cpu / elapsed:.2f} cores (it shares the machine with the server)")
        # On a virtual machine the host may take CPU time away; runs with much of it read slower.
        print(f"CPU time stolen by the hypervisor: {100 * stolen_ticks / max(all_ticks, 1):.1f} %")
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
            server_log.close()
            logged = (tmp / "server.log").read_text(errors="replace").splitlines()
            print(f"server log: {sum(1 for line in logged if line.startswith('{'))} request lines, "
                  f"{sum(1 for line in logged if 'Traceback' in line)} tracebacks")
        if scratch is not None:
            scratch.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
