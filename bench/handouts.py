"""What a module's printable handout costs to serve (issue #15): cold, warm, after a restart, revalidated.

    .venv/bin/python bench/handouts.py [ROUNDS]     (default 5)

Runs standalone on a temporary SQLite database with the real content/ loaded, through the
app's own WSGI stack, as an anonymous visitor. For every module of every course, in
Indonesian and in English: the first request (cold: the PDF is drawn), ROUNDS more
(warm), one from a second app on the same database (a restarted or another worker, with
nothing of the first in memory), and one with the ETag the phone kept (If-None-Match).
It prints the median and p95 of the wall time and of the CPU time (time.process_time) of
each kind. The rate limit on drawing is off here: it is tested in tests/handouts.
"""
from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def make_app(folder: Path):
    from lms import create_app
    from lms.config import Config

    return create_app(Config, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}",
                      RATELIMIT_ENABLED=False, SECRET_KEY="bench")


def timed(client, url: str, language: str, etag: str | None = None):
    client.set_cookie("lang", language)
    headers = {"If-None-Match": etag} if etag else {}
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers=headers)
    return response, time.perf_counter() - started, time.process_time() - cpu


def main(rounds: int) -> None:
    logging.disable(logging.WARNING)
    from flask_migrate import upgrade
    from sqlalchemy import select

    from lms.courses.importer import import_content
    from lms.courses.models import Course, Module
    from lms.extensions import db

    folder = Path(tempfile.mkdtemp(prefix="rawat-bench-handouts-"))
    app = make_app(folder)
    with app.app_context():
        upgrade()
        import_content(ROOT / "content")
        db.session.commit()
        urls = [f"/kursus/{slug}/modul/{module}/handout.pdf" for slug, module in db.session.execute(
            select(Course.slug, Module.slug).join(Module, Module.course_id == Course.id)
            .where(Module.retired_at.is_(None), Course.is_published.is_(True)).order_by(Course.slug, Module.position))]
        db.session.remove()

    times: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in
                                                          ("cold", "warm", "after restart", "revalidated (304)")}
    etags, sizes = {}, []

    def record(kind, response, wall, cpu, expected=200):
        assert response.status_code == expected, (kind, response.status_code)
        times[kind][0].append(wall)
        times[kind][1].append(cpu)

    client = app.test_client()
    for language in ("id", "en"):
        for url in urls:
            response, wall, cpu = timed(client, url, language)
            record("cold", response, wall, cpu)
            etags[url, language] = response.headers.get("ETag")
            sizes.append(len(response.data))
            for _ in range(rounds):
                record("warm", *timed(client, url, language))
    restarted = make_app(folder).test_client()
    for language in ("id", "en"):
        for url in urls:
            record("after restart", *timed(restarted, url, language))
            record("revalidated (304)", *timed(restarted, url, language, etags[url, language]), expected=304)

    print(f"{len(urls)} module handouts × 2 languages, {rounds} warm rounds, temporary SQLite database; "
          f"PDFs {min(sizes) // 1024}–{max(sizes) // 1024} KB")
    for kind, (walls, cpus) in times.items():
        print(f"{kind:<20} {len(walls):4d} requests   wall median {statistics.median(walls) * 1000:7.1f} ms  "
              f"p95 {percentile(walls, 0.95) * 1000:7.1f} ms   CPU median {statistics.median(cpus) * 1000:7.1f} ms  "
              f"p95 {percentile(cpus, 0.95) * 1000:7.1f} ms")
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
