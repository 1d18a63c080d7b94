"""Every list as fast with a million learners as with a thousand (issue #21): a small and a large database.

    .venv/bin/python bench/scale.py --postgres postgresql://USER:PASSWORD@HOST:5432/postgres [--scale 0.1]
        [--requests 50] [--keep]

Builds two scratch PostgreSQL databases through the given server URL (the role needs CREATEDB),
migrated by the app, with the shipped courses imported; then fills them with set-based SQL that
follows the real schema (generate_series, no Python loop per row):

    scale 1.0   1,000,000 learners (a fifth with an e-mail), 1,400,000 enrolments, about 8 lessons done
                per enrolment, 291,000 certificates (1 in 50 revoked), 5,000,000 audit entries
    small       the same shapes at 1/1000 of that (1,000 learners)

A sample of certificates (the first 200) is issued by the app's own code, with real Ed25519 signatures
and Open Badges credentials, so the pages that check signatures have real ones to check; the others carry
a placeholder signature. Then a signed-in admin and a learner request each page at least --requests
times on each database, through the app's WSGI stack (test client), and the script prints, per page,
p50 and p95 on both, the ratio of the medians, and a verdict: met when the ratio is at most 1.5 and a
staff page's large p50 is under 150 ms. Build time and database size are printed too.

Not built yet (next steps of #21): groups of 500 with their progress, quiz attempts and their answers,
lesson pages at scale; `lms backup` / `restore` timing at scale; bench/load.py against the large database.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATIO_GOAL = 1.5
STAFF_P50_GOAL_MS = 150
PASSWORD = "bench rawat sandi 1"
ADMIN_PHONE = "+6281100000001"
FULL = {"learners": 1_000_000, "enrolments": 1_400_000, "certificates": 291_000, "audit": 5_000_000}
NAMES = ["Siti", "Budi", "Ayu", "Wayan", "Dewi", "Agus", "Rina", "Made", "Putu", "Nur", "Eko", "Sri", "Joko",
         "Lestari", "Hendra", "Yuni"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def recreate(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop(server: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def build(app, counts: dict[str, int]) -> dict:
    """Fill the migrated database; returns the figures of the build."""
    from flask_migrate import upgrade
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import Role
    from lms.accounts.services import register_user
    from lms.courses.importer import import_content
    from lms.extensions import db

    started = time.perf_counter()
    upgrade()
    import_content(Path(__file__).resolve().parent.parent / "content")
    register_user("Admin Skala", "phone", ADMIN_PHONE, PASSWORD, role=Role.ADMIN)
    db.session.commit()
    password_hash = generate_password_hash(PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
    run = lambda sql, **params: db.session.execute(text(sql), params)  # noqa: E731
    names = "ARRAY[" + ", ".join(f"'{name}'" for name in NAMES) + "]"
    # Learners: created over five years, newest last; phone numbers as registration stores them.
    run(f"""
        INSERT INTO users (full_name, phone, email, password_hash, role, locale, is_active_account, created_at)
        SELECT ({names})[1 + n % 16] || ' ' || ({names})[1 + (n / 16) % 16] || ' ' || n,
               '+62813' || lpad(n::text, 8, '0'),
               CASE WHEN n % 5 = 0 THEN 'peserta' || n || '@contoh.id' END,
               :hash, 'learner', 'id', true,
               TIMESTAMP '2021-12-01' + (n::float / :learners) * INTERVAL '1826 days'
        FROM generate_series(1, :learners) AS n""", hash=password_hash, learners=counts["learners"])
    courses = [row[0] for row in run("SELECT id FROM courses ORDER BY id")]
    # Enrolments: every learner in one course, 40% in a second.
    run("""
        INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at, completed_at)
        SELECT u.id, (:courses)[1 + (u.id + k) % cardinality(:courses)], u.created_at,
               u.created_at + INTERVAL '20 days',
               CASE WHEN (u.id + k) % 4 = 0 THEN u.created_at + INTERVAL '30 days' END
        FROM users u CROSS JOIN generate_series(0, 1) AS k
        WHERE u.role = 'learner' AND (k = 0 OR u.id % 5 < 2)""", courses=courses)
    # Lessons done: the first few lessons of the course (all of them for a completed enrolment).
    run("""
        INSERT INTO lesson_completions (user_id, lesson_id, completed_at)
        SELECT e.user_id, l.id, e.enrolled_at + (l.position || ' hours')::interval
        FROM enrollments e
        JOIN LATERAL (SELECT lessons.id, row_number() OVER (ORDER BY m.position, lessons.position) AS position
                      FROM lessons JOIN course_modules m ON m.id = lessons.module_id
                      WHERE lessons.course_id = e.course_id AND lessons.retired_at IS NULL) l
             ON e.completed_at IS NOT NULL OR l.position <= 1 + e.user_id % 12""")
    # Certificates of the completed enrolments (as many as the scale asks), 1 in 50 revoked.
    run("""
        INSERT INTO certificates (public_id, user_id, course_id, enrollment_id, cycle, holder_name, course_title,
                                  course_version, hours, completed_on, valid_until, issuer, signatory_name,
                                  signatory_position, locale, issued_at, key_id, signature, revoked_at,
                                  revocation_reason, skills)
        SELECT 'RWT-' || to_char(e.completed_at, 'YYYY') || '-' || upper(substr(lpad(to_hex(e.id), 8, '0'), 1, 4))
                   || '-' || upper(substr(lpad(to_hex(e.id), 8, '0'), 5, 4)) || '-Z',
               e.user_id, e.course_id, e.id, 1, u.full_name, c.title, c.version, c.hours, e.completed_at::date,
               (e.completed_at + INTERVAL '2 years')::date, 'Rawat', 'Tim Pelatihan Rawat', 'Koordinator',
               'id', e.completed_at, 'rk-bench', repeat('A', 86),
               CASE WHEN e.id % 50 = 0 THEN e.completed_at + INTERVAL '10 days' END,
               CASE WHEN e.id % 50 = 0 THEN 'Dicabut untuk uji skala.' END, '[]'
        FROM enrollments e JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id
        WHERE e.completed_at IS NOT NULL
        ORDER BY e.id
        LIMIT :certificates""", certificates=counts["certificates"])
    # The audit log: sign-ins, role changes, certificates issued and revoked, over five years.
    run("""
        INSERT INTO audit_entries (created_at, actor_id, action, target_type, target_id, target_label, details)
        SELECT TIMESTAMP '2021-12-01' + (n::float / :audit) * INTERVAL '1826 days',
               2 + n % :learners,
               (ARRAY['certificate.issued', 'user.role_changed', 'certificate.revoked', 'user.password_reset_issued',
                      'cohort.member_added'])[1 + n % 5],
               (ARRAY['certificate', 'user', 'certificate', 'user', 'cohort'])[1 + n % 5],
               (n % :learners)::text, 'Sasaran ' || n, '{}'
        FROM generate_series(1, :audit) AS n""", audit=counts["audit"], learners=counts["learners"])
    db.session.commit()
    # As a database in service is: vacuumed and analysed (autovacuum would be, within minutes); a GIN
    # index's pending list, filled by the bulk insert, is merged so searches do not read it row by row.
    from sqlalchemy import create_engine

    plain = create_engine(db.engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with plain.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    plain.dispose()
    built = time.perf_counter() - started
    size = run("SELECT pg_database_size(current_database())").scalar()
    rows = {table: run(f"SELECT count(*) FROM {table}").scalar()
            for table in ("users", "enrollments", "lesson_completions", "certificates", "audit_entries")}
    return {"seconds": built, "bytes": size, "rows": rows}


def sample_of_real_certificates(app, count: int = 200) -> list[str]:
    """Certificates issued by the app's own code (real signatures and credentials), for the verification pages."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.certificates.services import issue_certificate
    from lms.courses.models import Course
    from lms.extensions import db

    course = db.session.scalar(select(Course).order_by(Course.id).limit(1))
    learners = list(db.session.scalars(select(User).where(User.role == "learner").order_by(User.id).limit(count)))
    issued = [issue_certificate(user, course, cycle=9).public_id for user in learners]
    db.session.commit()
    return issued


def pages(app, sample: list[str]) -> dict[str, str]:
    """The pages measured: name -> path (admin pages are requested signed in as the admin)."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.audit.models import AuditEntry
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.pagination import cursor_of

    def deep(model, moment, fraction: float) -> str:
        """The cursor of the row `fraction` down the list (newest first): a "page 5,000"."""
        total = db.session.scalar(select(func.count()).select_from(model))
        row = db.session.execute(select(moment, model.id).order_by(moment.desc(), model.id.desc())
                                 .offset(int(total * fraction)).limit(1)).one()
        return cursor_of(row[0], row[1])

    learners = db.session.scalar(select(func.count()).select_from(User).where(User.role == "learner"))
    some = learners // 3
    return {
        "admin users, first page": "/admin/pengguna",
        "admin users, ?q= name fragment": "/admin/pengguna?q=wayan%20dewi%201234",
        "admin users, ?q= phone fragment": f"/admin/pengguna?q={some:08d}"[:-2],
        "admin users, ?q= exact e-mail": f"/admin/pengguna?q=peserta{(some // 5) * 5}@contoh.id",
        "admin users, ?q= exact phone": f"/admin/pengguna?q=0813{some:08d}",
        "admin users, deep page": "/admin/pengguna?older=" + deep(User, User.created_at, 0.5),
        "admin certificates, first page": "/admin/sertifikat",
        "admin certificates, ?q= holder": "/admin/sertifikat?q=agus%20rina",
        "admin certificates, revoked": "/admin/sertifikat?status=revoked",
        "admin certificates, deep page": "/admin/sertifikat?older=" + deep(Certificate, Certificate.issued_at, 0.5),
        "audit log, first page": "/admin/audit",
        "audit log, deep page": "/admin/audit?older=" + deep(AuditEntry, AuditEntry.created_at, 0.5),
        "audit log, one action": "/admin/audit?action=certificate.revoked",
        "verify API (real signature)": f"/api/v1/certificates/{sample[len(sample) // 2]}",
        "verification page (real signature)": f"/verifikasi/{sample[len(sample) // 3]}",
    }


def measure(app, paths: dict[str, str], requests: int) -> dict[str, list[float]]:
    import re

    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    answer = client.post("/masuk", data={"csrf_token": token, "identifier": ADMIN_PHONE, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    times: dict[str, list[float]] = {}
    # Warm-up: every page a few times before any is measured (the freshly built database's pages are read
    # into memory once, as a database in service has them).
    for name, path in paths.items():
        for _ in range(5):
            response = client.get(path)
            assert response.status_code in (200, 302), (name, path, response.status_code)
    for name, path in paths.items():
        spent = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(path)
            spent.append(time.perf_counter() - started)
        times[name] = spent
    return times


def one_database(server: str, name: str, counts: dict[str, int], requests: int):
    from lms import create_app
    from lms.config import Config

    recreate(server, name)
    folder = Path(f"/tmp/{name}-instance")
    folder.mkdir(exist_ok=True)
    app = create_app(Config, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=database_url(server, name),
                     RATELIMIT_ENABLED=False)
    with app.app_context():
        figures = build(app, counts)
        sample = sample_of_real_certificates(app)
        paths = pages(app, sample)
    times = measure(app, paths, requests)
    with app.app_context():
        from lms.extensions import db

        db.session.remove()
        db.engine.dispose()
    return figures, times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="a server URL whose role may create databases")
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = the national figures of issue #21")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    large = {key: max(1, int(value * args.scale)) for key, value in FULL.items()}
    small = {key: max(1, int(value / 1000)) for key, value in FULL.items()}
    results = {}
    try:
        for label, counts in (("small", small), ("large", large)):
            results[label] = one_database(args.postgres, f"rawat_scale_{label}", counts, args.requests)
            figures = results[label][0]
            print(f"{label}: built in {figures['seconds']:.0f} s, {figures['bytes'] / 1e6:.0f} MB, "
                  + ", ".join(f"{table} {count:,}" for table, count in figures["rows"].items()), flush=True)
    finally:
        if not args.keep:
            for label in ("small", "large"):
                drop(args.postgres, f"rawat_scale_{label}")
    print(f"\n{'page':<40} {'small p50':>9} {'p95':>7} {'large p50':>9} {'p95':>7} {'ratio':>6}  verdict")
    missed = 0
    for name, small_times in results["small"][1].items():
        large_times = results["large"][1][name]
        s50, l50 = statistics.median(small_times) * 1000, statistics.median(large_times) * 1000
        ratio = l50 / s50
        staff = name.startswith(("admin", "audit"))
        met = ratio <= RATIO_GOAL and (not staff or l50 < STAFF_P50_GOAL_MS)
        missed += not met
        print(f"{name:<40} {s50:9.1f} {percentile(small_times, 0.95) * 1000:7.1f} {l50:9.1f} "
              f"{percentile(large_times, 0.95) * 1000:7.1f} {ratio:6.2f}  {'met' if met else 'NOT met'}")
    print(f"\n{missed} page(s) missed the goal (ratio <= {RATIO_GOAL}, staff pages < {STAFF_P50_GOAL_MS} ms p50)"
          if missed else "\nevery page met the goal")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
