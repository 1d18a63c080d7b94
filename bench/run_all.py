"""Run every benchmark in turn and print what each reports (`make bench`).

    .venv/bin/python bench/run_all.py [--quick]

certificates.py (issuing time against a bare reportlab + pyHanko baseline, and the cost of
junk uploads to the PDF check), page_weight.py (bytes a phone downloads), handouts.py (a module
handout drawn, then served stored), cohort_page.py (a 500-learner group page and its CSV) run on
temporary SQLite databases. When LMS_BENCH_DATABASE_URL names a PostgreSQL role that can
create databases and the server answers, cohort_page.py runs there too, and so does
load.py (gunicorn under 20 concurrent clients; a scratch database, dropped afterwards) and
scale.py (each page on a small and a large database, --scale 0.1, 0.01 with --quick);
otherwise they are skipped with a note. --quick makes each run shorter (fewer
certificates, requests and seconds), for a smoke check rather than figures.
Exit status: 0 when every benchmark ran, and those that check a target (page_weight.py,
cohort_page.py, scale.py) met it; 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def postgres_url() -> str | None:
    """LMS_BENCH_DATABASE_URL when set and the server answers, else None."""
    raw = os.environ.get("LMS_BENCH_DATABASE_URL")
    if not raw:
        return None
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import create_engine, text

    from lms.config import database_url

    engine = create_engine(database_url(raw, ROOT / "instance"), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure: not reachable
        print(f"bench: LMS_BENCH_DATABASE_URL does not answer ({type(exc).__name__}); PostgreSQL runs skipped")
        return None
    finally:
        engine.dispose()
    return raw


def plan(quick: bool, postgres: str | None) -> list[tuple[str, list[str]]]:
    runs = [
        ("certificates", ["certificates.py", "30" if quick else "200"]),
        ("page weight", ["page_weight.py"]),
        ("handouts", ["handouts.py"]),
        ("cohort page (SQLite)", ["cohort_page.py", *(["--requests", "5"] if quick else [])]),
    ]
    if postgres:
        runs.append(("cohort page (PostgreSQL)",
                     ["cohort_page.py", "--postgres", postgres, *(["--requests", "5"] if quick else [])]))
        for mix in ("lessons", "verify", "mixed"):
            short = ["--seconds", "5"] if quick else []
            runs.append((f"load, {mix} (PostgreSQL)", ["load.py", "--mix", mix, *short]))
        runs.append(("scale: small against national (PostgreSQL)",
                     ["scale.py", "--postgres", postgres, "--prefix", "rawat_scale_bench",
                      "--scale", "0.01" if quick else "0.1", *(["--requests", "10"] if quick else [])]))
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs: a smoke check, not figures")
    args = parser.parse_args()
    postgres = postgres_url()
    if postgres is None and "LMS_BENCH_DATABASE_URL" not in os.environ:
        print("bench: LMS_BENCH_DATABASE_URL not set; the PostgreSQL runs (cohort page, load.py) are skipped")
    results = []
    for label, command in plan(args.quick, postgres):
        print(f"\n=== {label}: bench/{' '.join(command)} ===", flush=True)
        started = time.monotonic()
        status = subprocess.run([sys.executable, str(BENCH / command[0]), *command[1:]], cwd=ROOT,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"}, check=False).returncode
        results.append((label, status, time.monotonic() - started))
    print("\n=== summary ===")
    for label, status, seconds in results:
        print(f"{label:<28} {'ok' if status == 0 else f'exit {status}':<8} {seconds:6.1f} s")
    return 0 if all(status == 0 for _label, status, _seconds in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
