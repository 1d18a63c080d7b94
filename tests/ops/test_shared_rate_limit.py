"""The sign-in limit holds across app processes when counters live in Redis."""
import subprocess
import sys

import pytest

from tests.ops.helpers import PROJECT_ROOT, HttpClient, start_gunicorn, start_redis, stop

pytestmark = pytest.mark.own_app


def _prepare_database(tmp_path) -> dict:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "SECRET_KEY": "shared-secret-for-two-workers",
           "LMS_REQUEST_LOG": "0", "LMS_LOGIN_RATE_LIMIT": "10 per minute",
           "LMS_INSTANCE_PATH": str(tmp_path / "instance")}  # nothing written to the repository's instance/
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    import os

    run_env = {**os.environ, **env}
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=run_env, check=True, capture_output=True)
    subprocess.run([*flask, "lms", "create-admin", "--name", "Admin Uji", "--contact", "081299990000",
                    "--password", "sandi admin rawat 9"], cwd=PROJECT_ROOT, env=run_env, check=True,
                   capture_output=True)
    return env


def _failed_logins_until_refused(servers: list[str], attempts: int) -> list[int]:
    clients = [HttpClient(base) for base in servers]
    statuses = []
    for i in range(attempts):
        client = clients[i % len(clients)]
        statuses.append(client.post_form("/masuk", {"identifier": "0812-9999-0000", "password": f"salah {i} sekali"}))
    return statuses


def test_login_limit_is_shared_by_two_workers_through_redis(tmp_path):
    env = _prepare_database(tmp_path)
    redis, port = start_redis(tmp_path)
    env["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{port}/0"
    first, base_one = start_gunicorn(env)
    second, base_two = start_gunicorn(env)
    try:
        statuses = _failed_logins_until_refused([base_one, base_two], 11)
    finally:
        for process in (first, second, redis):
            stop(process)
    # Five tries went to each process, yet the eleventh is refused: the counters are shared.
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


def test_without_a_shared_store_each_worker_counts_alone(tmp_path):
    env = _prepare_database(tmp_path)
    env["RATELIMIT_STORAGE_URI"] = "memory://"
    first, base_one = start_gunicorn(env)
    second, base_two = start_gunicorn(env)
    try:
        statuses = _failed_logins_until_refused([base_one, base_two], 12)
    finally:
        stop(first)
        stop(second)
    assert 429 not in statuses  # why production needs RATELIMIT_STORAGE_URI
