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
a placeholder signature. Then signed-in visitors request each page at least --requests
times on each database, through the app's WSGI stack (test client), and the script prints, per page,
p50 and p95 on both, the ratio of the medians, and a verdict: met when the ratio is at most 1.5 and a
staff page's large p50 is under 150 ms. Build time and database size are printed too.

Also built: module quiz attempts (a first one failed by one learner in three, then passed) with their six
answered questions each and the passes they give; care managers and their groups (200 of 500 learners of
the group's course at scale 1.0, 1,801 of 10). The small database keeps 1/500 of the learners so that its
first group has its 500 members too. Pages are requested by whom they are for: the admin, the trainer of the
first large group, a learner of that group halfway through the course, or nobody (sign-in, registration,
verification). Trainer pages count as staff pages. --backup also times `lms backup` and `lms restore` of
the large database (into a third one, dropped afterwards).
"""
from __future__ import annotations

import argparse
import logging
import re
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
FULL = {"learners": 1_000_000, "enrolments": 1_400_000, "certificates": 291_000, "audit": 5_000_000,
        "large_groups": 200, "small_groups": 1_801}
#: members of a large group (the group page measured) and of a small one
LARGE_GROUP, SMALL_GROUP = 500, 10
#: questions drawn per attempt
QUESTIONS_PER_ATTEMPT = 6
TRAINER_PHONE = "+6281400000001"
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
    build_quiz_attempts(run)
    build_groups(run, counts, password_hash)
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
            for table in ("users", "enrollments", "lesson_completions", "quiz_attempts", "quiz_attempt_questions",
                          "cohorts", "cohort_members", "certificates", "audit_entries")}
    return {"seconds": built, "bytes": size, "rows": rows}


#: each current lesson's place in its course (1, 2, 3… in module order), as the completions above number them
LESSON_PLACES = """
    SELECT lessons.id, lessons.course_id, lessons.module_id,
           row_number() OVER (PARTITION BY lessons.course_id ORDER BY m.position, lessons.position) AS place
    FROM lessons JOIN course_modules m ON m.id = lessons.module_id
    WHERE lessons.retired_at IS NULL"""


def build_quiz_attempts(run) -> None:
    """Module quizzes taken by every learner who finished a module's lessons: a first attempt, failed by one
    in three (then passed at the second), each with its drawn questions and answers; the passes they give."""
    run(f"""
        CREATE TEMPORARY TABLE module_ends ON COMMIT DROP AS
        SELECT course_id, module_id, max(place) AS last_place FROM ({LESSON_PLACES}) AS l
        GROUP BY course_id, module_id""")
    run("""
        INSERT INTO quiz_attempts (user_id, quiz_id, number, started_at, submitted_at, score, passed, pass_mark)
        SELECT e.user_id, q.id, k, e.enrolled_at + (o.last_place + k) * INTERVAL '1 hour',
               e.enrolled_at + (o.last_place + k) * INTERVAL '1 hour' + INTERVAL '9 minutes',
               CASE WHEN k = 1 AND (e.user_id + q.id) % 3 = 0 THEN 50 ELSE 80 + (e.user_id + q.id) % 21 END,
               NOT (k = 1 AND (e.user_id + q.id) % 3 = 0), 70
        FROM enrollments e
        JOIN module_ends o ON o.course_id = e.course_id
        JOIN quizzes q ON q.module_id = o.module_id
        CROSS JOIN generate_series(1, 2) AS k
        WHERE (e.completed_at IS NOT NULL OR o.last_place <= 1 + e.user_id % 12)
          AND (k = 1 OR (e.user_id + q.id) % 3 = 0)""")
    # Each question's options in a fixed order with the tokens the form shows, and its right answer.
    run("""
        CREATE TEMPORARY TABLE drawn ON COMMIT DROP AS
        SELECT q.quiz_id, q.id AS question_id, row_number() OVER (PARTITION BY q.quiz_id ORDER BY q.id) AS place,
               (SELECT json_agg(json_build_array(o.id, 'bench' || o.id) ORDER BY o.id) FROM quiz_options o
                WHERE o.question_id = q.id) AS option_order,
               (SELECT json_agg(o.id) FROM quiz_options o WHERE o.question_id = q.id AND o.is_correct) AS right_answer,
               (SELECT json_agg(o.id) FROM quiz_options o WHERE o.question_id = q.id AND NOT o.is_correct) AS wrong
        FROM quiz_questions q""")
    run(f"""
        INSERT INTO quiz_attempt_questions (attempt_id, question_id, position, option_order, answer, is_correct)
        SELECT a.id, d.question_id, d.place, d.option_order,
               CASE WHEN a.passed OR d.place > 3 THEN d.right_answer ELSE coalesce(d.wrong, d.right_answer) END,
               a.passed OR d.place > 3
        FROM quiz_attempts a JOIN drawn d ON d.quiz_id = a.quiz_id AND d.place <= {QUESTIONS_PER_ATTEMPT}""")
    run("""
        INSERT INTO quiz_passes (user_id, module_id, best_score, passed_at)
        SELECT a.user_id, q.module_id, max(a.score), min(a.submitted_at)
        FROM quiz_attempts a JOIN quizzes q ON q.id = a.quiz_id
        WHERE a.passed GROUP BY a.user_id, q.module_id""")


def build_groups(run, counts: dict[str, int], password_hash: str) -> None:
    """Care managers and their groups: the large ones of LARGE_GROUP learners of the group's course (the first
    is the measured trainer's), the small ones of SMALL_GROUP; every membership joined with a code."""
    groups = counts["large_groups"] + counts["small_groups"]
    trainers = max(1, groups // 5)
    run("""
        INSERT INTO users (full_name, phone, password_hash, role, locale, is_active_account, created_at)
        SELECT 'Pendamping ' || n, '+62814' || lpad(n::text, 8, '0'), :hash, 'trainer', 'id', true,
               TIMESTAMP '2021-11-01' + n * INTERVAL '1 minute'
        FROM generate_series(1, :trainers) AS n""", hash=password_hash, trainers=trainers)
    run("""
        INSERT INTO cohorts (name, description, owner_id, join_code, created_at)
        SELECT 'Kelompok ' || g, '', t.id, 'B' || lpad(g::text, 7, '0'), TIMESTAMP '2021-11-15' + g * INTERVAL '1 hour'
        FROM generate_series(1, :groups) AS g
        JOIN users t ON t.phone = '+62814' || lpad((1 + (g - 1) % :trainers)::text, 8, '0')""",
        groups=groups, trainers=trainers)
    courses = [row[0] for row in run("SELECT id FROM courses ORDER BY id")]
    # Group g (its join code says which) follows course g mod n; the j-th large group of a course takes the
    # j-th LARGE_GROUP learners enrolled in it: each enrolment computes its group, no join of all with all.
    run("""
        INSERT INTO cohort_courses (cohort_id, course_id)
        SELECT id, (:courses)[1 + (substr(join_code, 2)::int - 1) % cardinality(:courses)] FROM cohorts""",
        courses=courses)
    run(f"""
        INSERT INTO cohort_members (cohort_id, user_id, joined_at, joined_via)
        SELECT c.id, e.user_id, e.enrolled_at, 'code'
        FROM (SELECT user_id, enrolled_at,
                     ((row_number() OVER (PARTITION BY course_id ORDER BY user_id) - 1) / {LARGE_GROUP})
                         * cardinality(:courses) + array_position(:courses, course_id) AS g
              FROM enrollments) AS e
        JOIN cohorts c ON c.join_code = 'B' || lpad(e.g::text, 7, '0')
        WHERE e.g <= :large""", large=counts["large_groups"], courses=courses)
    run(f"""
        INSERT INTO cohort_members (cohort_id, user_id, joined_at, joined_via)
        SELECT c.id, u.id, u.created_at, 'code'
        FROM cohorts c CROSS JOIN generate_series(0, {SMALL_GROUP - 1}) AS k
        JOIN users u ON u.phone = '+62813' || lpad((1 + ((c.id * {SMALL_GROUP} + k) % :learners))::text, 8, '0')
        WHERE substr(c.join_code, 2)::int > :large""", large=counts["large_groups"], learners=counts["learners"])


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


#: who requests a page: the signed-in admin, the trainer of the first large group, one of its learners, or nobody
ADMIN, TRAINER, LEARNER, ANYONE = "admin", "trainer", "learner", "anyone"
#: pages whose large p50 must also stay under STAFF_P50_GOAL_MS
STAFF = (ADMIN, TRAINER)


def pages(app, sample: list[str]) -> tuple[dict[str, tuple[str, str]], str]:
    """The pages measured: name -> (who, path); and the phone of the learner who requests theirs."""
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.audit.models import AuditEntry
    from lms.certificates.models import Certificate
    from lms.cohorts.models import Cohort, CohortMember
    from lms.courses.models import Course, Enrollment, Lesson, Module
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
    group = db.session.scalar(select(Cohort).where(Cohort.join_code == "B0000001"))
    course = group.courses[0]
    # a member of the large group halfway through the course (a lesson done, a quiz waiting)
    member = db.session.scalar(
        select(User).join(CohortMember, CohortMember.user_id == User.id)
        .join(Enrollment, (Enrollment.user_id == User.id) & (Enrollment.course_id == course.id))
        .where(CohortMember.cohort_id == group.id, Enrollment.completed_at.is_(None))
        .order_by(User.id).offset(LARGE_GROUP // 2).limit(1))
    lesson = db.session.scalar(select(Lesson).join(Module).where(Lesson.course_id == course.id)
                               .order_by(Module.position, Lesson.position).offset(2).limit(1))
    module = db.session.scalar(select(Module).where(Module.course_id == course.id).order_by(Module.position).limit(1))
    other = db.session.scalar(select(Course.slug).where(Course.id != course.id).order_by(Course.id).limit(1))
    listed = {
        "admin users, first page": (ADMIN, "/admin/pengguna"),
        "admin users, ?q= name fragment": (ADMIN, "/admin/pengguna?q=wayan%20dewi%201234"),
        "admin users, ?q= phone fragment": (ADMIN, f"/admin/pengguna?q={some:08d}"[:-2]),
        "admin users, ?q= exact e-mail": (ADMIN, f"/admin/pengguna?q=peserta{(some // 5) * 5}@contoh.id"),
        "admin users, ?q= exact phone": (ADMIN, f"/admin/pengguna?q=0813{some:08d}"),
        "admin users, deep page": (ADMIN, "/admin/pengguna?older=" + deep(User, User.created_at, 0.5)),
        "admin certificates, first page": (ADMIN, "/admin/sertifikat"),
        "admin certificates, ?q= holder": (ADMIN, "/admin/sertifikat?q=agus%20rina"),
        "admin certificates, revoked": (ADMIN, "/admin/sertifikat?status=revoked"),
        "admin certificates, deep page": (
            ADMIN, "/admin/sertifikat?older=" + deep(Certificate, Certificate.issued_at, 0.5)),
        "audit log, first page": (ADMIN, "/admin/audit"),
        "audit log, deep page": (ADMIN, "/admin/audit?older=" + deep(AuditEntry, AuditEntry.created_at, 0.5)),
        "audit log, one action": (ADMIN, "/admin/audit?action=certificate.revoked"),
        f"group page, {LARGE_GROUP} members": (TRAINER, f"/kelompok/{group.id}"),
        f"group CSV, {LARGE_GROUP} members": (TRAINER, f"/kelompok/{group.id}/laporan.csv"),
        "one learner of the group": (TRAINER, f"/kelompok/{group.id}/peserta/{member.id}"),
        "trainer's groups": (TRAINER, "/kelompok"),
        "lesson page": (LEARNER, f"/kursus/{course.slug}/materi/{lesson.slug}"),
        "dashboard": (LEARNER, "/dasbor"),
        "catalog": (LEARNER, "/kursus"),
        "course page": (LEARNER, f"/kursus/{course.slug}"),
        "another course's page": (LEARNER, f"/kursus/{other}"),
        "quiz page": (LEARNER, f"/kursus/{course.slug}/kuis/{module.slug}"),
        "sign-in page": (ANYONE, "/masuk"),
        "registration page": (ANYONE, "/daftar"),
        "verify API (real signature)": (ANYONE, f"/api/v1/certificates/{sample[len(sample) // 2]}"),
        "verification page (real signature)": (ANYONE, f"/verifikasi/{sample[len(sample) // 3]}"),
    }
    return listed, member.phone


def signed_in(app, phone: str | None):
    """A test client signed in through the real form (None: nobody)."""
    client = app.test_client()
    if phone is None:
        return client
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    answer = client.post("/masuk", data={"csrf_token": token, "identifier": phone, "password": PASSWORD})
    assert answer.status_code == 302, (phone, answer.status_code)
    return client


def measure(app, paths: dict[str, tuple[str, str]], learner_phone: str, requests: int) -> dict[str, list[float]]:
    clients = {ADMIN: signed_in(app, ADMIN_PHONE), TRAINER: signed_in(app, TRAINER_PHONE),
               LEARNER: signed_in(app, learner_phone), ANYONE: signed_in(app, None)}
    times: dict[str, list[float]] = {}
    # Warm-up: every page a few times before any is measured (the freshly built database's pages are read
    # into memory once, as a database in service has them).
    for name, (who, path) in paths.items():
        for _ in range(5):
            response = clients[who].get(path)
            response.get_data()
            assert response.status_code == 200, (name, path, response.status_code)
    for name, (who, path) in paths.items():
        spent = []
        for _ in range(requests):
            started = time.perf_counter()
            clients[who].get(path).get_data()  # a streamed body is written as it is read
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
        paths, learner_phone = pages(app, sample)
    times = measure(app, paths, learner_phone, requests)
    with app.app_context():
        from lms.extensions import db

        db.session.remove()
        db.engine.dispose()
    return figures, times, paths


def time_backup(server: str, name: str) -> dict:
    """`lms backup` of the database, then `lms restore` of it into a new one: seconds and bytes."""
    import shutil
    import tempfile

    from lms import create_app
    from lms.backup import backup, restore
    from lms.config import Config

    folder = Path(tempfile.mkdtemp(prefix="rawat-scale-backup-"))
    restored = f"{name}_restored"
    try:
        app = create_app(Config, instance_path=f"/tmp/{name}-instance",
                         SQLALCHEMY_DATABASE_URI=database_url(server, name))
        with app.app_context():
            started = time.perf_counter()
            backup(folder / "backup")
            backed_up = time.perf_counter() - started
        size = sum(path.stat().st_size for path in (folder / "backup").rglob("*") if path.is_file())
        recreate(server, restored)
        (folder / "instance").mkdir()
        app = create_app(Config, instance_path=str(folder / "instance"),
                         SQLALCHEMY_DATABASE_URI=database_url(server, restored))
        with app.app_context():
            started = time.perf_counter()
            restore(folder / "backup")
            restored_in = time.perf_counter() - started
            from lms.extensions import db

            db.engine.dispose()
        return {"backup_seconds": backed_up, "backup_bytes": size, "restore_seconds": restored_in}
    finally:
        drop(server, restored)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="a server URL whose role may create databases")
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = the national figures of issue #21")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--prefix", default="rawat_scale",
                        help="names the databases (PREFIX_small, PREFIX_large, PREFIX_large_restored) and the "
                             "instance folders (/tmp/PREFIX_LABEL-instance); default rawat_scale")
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    parser.add_argument("--backup", action="store_true", help="also time lms backup and restore of the large one")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", args.prefix):
        parser.error("--prefix: lower-case letters, digits and _ only (it names databases)")
    logging.disable(logging.WARNING)
    large = {key: max(1, int(value * args.scale)) for key, value in FULL.items()}
    # 1/500 of the learners, so the small database's first group has its LARGE_GROUP members too
    small = {key: max(1, int(value / (500 if key in ("learners", "enrolments") else 1000)))
             for key, value in FULL.items()}
    results = {}
    try:
        for label, counts in (("small", small), ("large", large)):
            results[label] = one_database(args.postgres, f"{args.prefix}_{label}", counts, args.requests)
            figures = results[label][0]
            print(f"{label}: built in {figures['seconds']:.0f} s, {figures['bytes'] / 1e6:.0f} MB, "
                  + ", ".join(f"{table} {count:,}" for table, count in figures["rows"].items()), flush=True)
        if args.backup:
            timed = time_backup(args.postgres, f"{args.prefix}_large")
            print(f"large: lms backup {timed['backup_seconds']:.0f} s ({timed['backup_bytes'] / 1e6:.0f} MB), "
                  f"lms restore {timed['restore_seconds']:.0f} s", flush=True)
    finally:
        if not args.keep:
            for label in ("small", "large"):
                drop(args.postgres, f"{args.prefix}_{label}")
    print(f"\n{'page':<40} {'small p50':>9} {'p95':>7} {'large p50':>9} {'p95':>7} {'ratio':>6}  verdict")
    missed = 0
    for name, small_times in results["small"][1].items():
        large_times = results["large"][1][name]
        s50, l50 = statistics.median(small_times) * 1000, statistics.median(large_times) * 1000
        ratio = l50 / s50
        staff = results["small"][2][name][0] in STAFF
        met = ratio <= RATIO_GOAL and (not staff or l50 < STAFF_P50_GOAL_MS)
        missed += not met
        print(f"{name:<40} {s50:9.1f} {percentile(small_times, 0.95) * 1000:7.1f} {l50:9.1f} "
              f"{percentile(large_times, 0.95) * 1000:7.1f} {ratio:6.2f}  {'met' if met else 'NOT met'}")
    print(f"\n{missed} page(s) missed the goal (ratio <= {RATIO_GOAL}, staff pages < {STAFF_P50_GOAL_MS} ms p50)"
          if missed else "\nevery page met the goal")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
