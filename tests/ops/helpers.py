"""Real processes for operations tests: gunicorn workers, redis-server, a throwaway PostgreSQL, on loopback only."""
from __future__ import annotations

from contextlib import contextmanager
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise TimeoutError(url)


def start_redis(tmp_path: Path) -> tuple[subprocess.Popen, int]:
    binary = shutil.which("redis-server")
    assert binary, "redis-server not installed: run tools/ensure-system-packages (make test does)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise TimeoutError("redis-server did not start")


def start_gunicorn(env: dict, *, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level",
         "warning", "wsgi:app"],
        cwd=PROJECT_ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/healthz")
    except TimeoutError:
        process.kill()
        raise AssertionError(process.stderr.read().decode()[-3000:]) from None
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


class HttpClient:
    """A cookie-keeping HTTP client that sends forms with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, path: str, data: dict, form_path: str | None = None) -> int:
        _status, page = self.get(form_path or path)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class ThrowawayPostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary folder, a free port, loopback only).

    The shared cluster is never touched: this one can be stopped and started at will.
    As root the server runs as the `postgres` user (PostgreSQL refuses to run as root).
    """

    def __init__(self):
        self.bin = postgres_bin_dir()
        assert self.bin is not None, "PostgreSQL server binaries (initdb, pg_ctl) are missing: run make test"
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="rawat-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self.user = "postgres" if self.as_root else os.environ.get("USER", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=self.folder, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}{self.server_log()}")
        return result

    def server_log(self) -> str:
        try:
            return self.log.read_text()[-3000:]
        except OSError:
            return ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")

    def start(self) -> None:
        # fsync=off survives a killed server (the OS still has the pages), not a killed machine: fine for
        # a test. synchronous_commit must stay on, or `stop -m immediate` would lose committed transactions.
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c shared_buffers=16MB -c max_connections=20")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout, or initdb on PATH); None without one."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0)
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def drop_database(admin_engine, name: str, attempts: int = 20) -> None:
    """DROP DATABASE … WITH (FORCE), retried: FORCE may not end a session this role cannot signal
    (an autovacuum worker that just started on the database), which goes away by itself."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    for attempt in range(attempts):
        try:
            with admin_engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except DBAPIError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)


@contextmanager
def empty_databases(count: int, tmp_path):
    """URIs of `count` new empty databases of the engine under test (SQLite files, or PostgreSQL
    databases beside LMS_TEST_DATABASE_URL's, dropped afterwards)."""
    import os
    import uuid

    from sqlalchemy import create_engine, text

    from lms.config import database_url

    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if not base:
        yield [f"sqlite:///{tmp_path / f'empty{i}.db'}" for i in range(count)]
        return
    admin_uri = database_url(base, tmp_path)
    names = [f"rawat_tmp_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    admin = create_engine(admin_uri, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    base_url = admin_uri.rsplit("/", 1)[0]
    try:
        yield [f"{base_url}/{name}" for name in names]
    finally:
        for name in names:
            drop_database(admin, name)
        admin.dispose()
