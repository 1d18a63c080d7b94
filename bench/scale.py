"""Every list as fast with a million learners as with a thousand (issue #21): a small and a large database.

    .venv/bin/python bench/scale.py --postgres postgresql://USER:PASSWORD@HOST:5432/postgres [--scale 0.1]
        [--requests 50] [--prefix rawat_scale] [--keep | --reuse] [--backup]

Builds two scratch PostgreSQL databases through the given server URL (the role needs CREATEDB),
migrated by the app, with the shipped courses imported; then fills them with set-based SQL that
follows the real schema (generate_series, no Python loop per row):

    scale 1.0   1,000,000 learners (a fifth with an e-mail), 1,400,000 enrolments, about 8 lessons done
                per enrolment, 291,000 certificates (1 in 50 revoked), 5,000,000 audit entries
    small       the same shapes at 1/1000 of that (1,000 learners)

A sample of certificates (the first 200) is issued by the app's own code, with real Ed25519 signatures
and Open Badges credentials, so the pages that check signatures have real ones to check; the others carry
a placeholder signature. Once both databases are ready, signed-in visitors request each page at least
--requests times on each database, through the app's WSGI stack (test client), in turns (one request on
one, then one on the other: what else the machine does slows both alike), and the script prints, per page,
p50 and p95 on both, the ratio of the medians, and a verdict: met when the ratio is at most 1.5 and a
staff page's large p50 is under 150 ms. Build time and database size are printed too.

Also built: module quiz attempts (a first one failed by one learner in three, then passed) with their six
answered questions each and the passes they give; care managers and their groups (200 of 500 learners of
the group's course at scale 1.0, 1,801 of 10). The small database keeps 1/500 of the learners so that its
first group has its 500 members too. Pages are requested by whom they are for: the admin, the trainer of the
first large group, a learner of that group halfway through the course, a programme officer (the country, the
first large group's province or its regency), or nobody (sign-in, registration, verification, public results).
Trainer pages count as staff pages. --backup also times `lms backup` and `lms restore` of the large database
(into a third one, dropped afterwards).

For the programme outcomes (issue #22) the FILLS then add, each only when missing: the regions (the app's
own import), organisations and each group's organisation and region, learners' villages (3 in 10 give none),
dates squeezed into the last 12 months, pre-tests, observations, competences and three programme officers;
then `lms outcomes refresh` runs (its time and row counts are printed). The outcome pages (/program with its
region, course and organisation choices, its downloads, /capaian and /capaian.csv) have a goal of their own:
p95 under 300 ms on the large database;
the officers' pages are held to that goal alone (they show more rows where more places have data), the public
results to both. A download that answers 404 is printed as absent, not measured.

--keep keeps both databases; --reuse measures kept ones again: each is migrated to head and gains only the
fills it lacks (a second --reuse writes nothing but the refreshed roll-ups). Every page must answer 200:
one that does not is named, left out of the table, and makes the exit status 1.
"""
from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATIO_GOAL = 1.5
STAFF_P50_GOAL_MS = 150
#: the programme outcome pages' own goal (issue #22): p95 on the large database
OUTCOME_P95_GOAL_MS = 300
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


def drop(server: str, name: str, *, patience: float = 120) -> None:
    """Drop the database. FORCE ends our own sessions, but a role that is not a superuser (nor in
    pg_signal_backend) may not end autovacuum's, which a freshly restored database soon has: then wait for it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + patience
    try:
        while True:
            try:
                with engine.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                return
            except (OperationalError, ProgrammingError) as error:
                if time.monotonic() > deadline:
                    raise
                print(f"drop {name}: waiting ({str(error.orig).splitlines()[0]})", flush=True)
                time.sleep(5)
    finally:
        engine.dispose()


def build(app, counts: dict[str, int]) -> float:
    """Migrate the new database and fill it (the base build: the FILLS come after); returns the seconds."""
    from flask_migrate import upgrade
    from sqlalchemy import text
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import Role
    from lms.accounts.privacy import ADULT_CONSENT
    from lms.accounts.services import register_user
    from lms.courses.importer import import_content
    from lms.extensions import db

    started = time.perf_counter()
    upgrade()
    gather_gin_entries(True)
    import_content(Path(__file__).resolve().parent.parent / "content")
    register_user("Admin Skala", "phone", ADMIN_PHONE, PASSWORD, role=Role.ADMIN, consent=ADULT_CONSENT)
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
    return time.perf_counter() - started


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


#: Knuth's multiplicative hash: spreads consecutive ids over a list (id * HASH % n) deterministically
HASH = 2654435761
#: Java's provinces (DKI Jakarta, Jawa Barat, Jawa Tengah, DI Yogyakarta, Jawa Timur, Banten): a village there
#: counts three times when learners and organisations are placed, so Java holds about 56% of them (as of people)
JAVA = "('31', '32', '33', '34', '35', '36')"
#: the base build's dates run from OLD_START (five years of learners) to OLD_END (the last revocation); the
#: dates fill squeezes that span into the 365 days before the run, in order, so nothing lies in the future
OLD_START, OLD_END = "2021-12-01", "2027-01-15"
SQUEEZE = 365 / (date(2027, 1, 15) - date(2021, 12, 1)).days
NATIONAL_PHONE, PROVINCE_PHONE, REGENCY_PHONE = "+6281500000001", "+6281500000002", "+6281500000003"


def squeezed(column: str) -> str:
    return f"(CAST(:now AS timestamp) - (TIMESTAMP '{OLD_END}' - {column}) * {SQUEEZE:.6f})"


def place_tables(run) -> None:
    """Temporary lookups of the current villages: weighted_villages (slot -> village, Java's three times),
    district_villages (a district's villages numbered 1..n, with district_sizes), area_districts (the
    districts of a regency or a province numbered 1..n, with area_sizes); only districts that have villages."""
    run(f"""
        CREATE TEMPORARY TABLE weighted_villages ON COMMIT DROP AS
        SELECT row_number() OVER (ORDER BY v.code, k) AS slot, v.code, v.parent_code AS district
        FROM regions v CROSS JOIN LATERAL generate_series(1, CASE WHEN left(v.code, 2) IN {JAVA} THEN 3 ELSE 1 END) k
        WHERE v.level = 4 AND v.retired_at IS NULL""")
    run("""
        CREATE TEMPORARY TABLE district_villages ON COMMIT DROP AS
        SELECT parent_code AS district, code, row_number() OVER (PARTITION BY parent_code ORDER BY code) AS place
        FROM regions WHERE level = 4 AND retired_at IS NULL""")
    run("""
        CREATE TEMPORARY TABLE district_sizes ON COMMIT DROP AS
        SELECT district, count(*) AS villages FROM district_villages GROUP BY district""")
    run("""
        CREATE TEMPORARY TABLE area_districts ON COMMIT DROP AS
        SELECT a.area, s.district, row_number() OVER (PARTITION BY a.area ORDER BY s.district) AS place
        FROM district_sizes s JOIN regions d ON d.code = s.district JOIN regions r ON r.code = d.parent_code
        CROSS JOIN LATERAL (VALUES (r.code), (r.parent_code)) AS a(area)""")
    run("""
        CREATE TEMPORARY TABLE area_sizes ON COMMIT DROP AS
        SELECT area, count(*) AS districts FROM area_districts GROUP BY area""")
    for sql in ("CREATE UNIQUE INDEX ON weighted_villages (slot)",
                "CREATE UNIQUE INDEX ON district_villages (district, place)",
                "CREATE UNIQUE INDEX ON district_sizes (district)",
                "CREATE UNIQUE INDEX ON area_districts (area, place)", "CREATE UNIQUE INDEX ON area_sizes (area)",
                "ANALYZE weighted_villages, district_villages, district_sizes, area_districts, area_sizes"):
        run(sql)


def regions_missing(run) -> bool:
    """Whether the regions table lacks the pinned dataset: skipped when as many regions are current as the dataset
    has (after an import they are exactly its codes; reading it takes under a second)."""
    from lms.regions.dataset import installed

    return run("SELECT count(*) FROM regions WHERE retired_at IS NULL").scalar() != len(installed().names)


def fill_regions(run, now) -> None:
    """The app's regions import (lms/regions, as `flask --app wsgi lms regions import`)."""
    from lms.regions.dataset import installed
    from lms.regions.services import import_regions

    # A database kept from a build before this fill had its empty regions table VACUUM ANALYZEd (reltuples 0).
    # Each inserted row's foreign-key check on parent_code is then planned once, on that estimate, as a
    # sequential scan, and every village scans the districts: 28 s instead of 3 on an otherwise empty database.
    # A fresh table (never analyzed) gets the index. This transaction only: the check must use the primary key.
    run("SET LOCAL enable_seqscan = off")
    import_regions(installed().names)


def fill_organisations(run, now) -> None:
    """One organisation per 10 groups (at least 5), kinds mixed, each serving a regency (a Sentra: a province),
    placed as learners are (Java weighted); group g belongs to organisation 1 + (g - 1) mod n and lives in one of
    the districts of that organisation's area."""
    place_tables(run)
    slots = run("SELECT count(*) FROM weighted_villages").scalar()
    run(f"""
        INSERT INTO organisations (name, kind, region_code, created_at)
        SELECT (ARRAY['Sentra', 'LKS Peduli', 'Puskesmas Mitra', 'Kantor Desa', 'Komunitas Rawat'])
                   [array_position(ARRAY['sentra', 'lks', 'puskesmas', 'village', 'other'], k.kind)]
               || ' ' || r.name || ' ' || n,
               k.kind, r.code, TIMESTAMP '2021-11-01' + n * INTERVAL '1 hour'
        FROM generate_series(1, greatest(5, (SELECT count(*) FROM cohorts) / 10)) AS n
        CROSS JOIN LATERAL (SELECT (ARRAY['sentra', 'lks', 'lks', 'lks', 'puskesmas', 'puskesmas', 'puskesmas',
                                          'village', 'village', 'other'])[1 + n % 10] AS kind) AS k
        JOIN weighted_villages w ON w.slot = 1 + (n * {HASH}) % :slots
        JOIN regions d ON d.code = w.district
        JOIN regions r ON r.code = CASE WHEN k.kind = 'sentra' THEN left(d.parent_code, 2) ELSE d.parent_code END
        ORDER BY n""", slots=slots)
    run(f"""
        UPDATE cohorts SET organisation_id = o.id, region_code = a.district
        FROM (SELECT id, row_number() OVER (ORDER BY join_code) AS g FROM cohorts) AS c
        JOIN (SELECT id, region_code, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total
              FROM organisations) AS o ON o.n = 1 + (c.g - 1) % o.total
        JOIN area_sizes z ON z.area = o.region_code
        JOIN area_districts a ON a.area = o.region_code AND a.place = 1 + (c.g * {HASH}) % z.districts
        WHERE cohorts.id = c.id""")


def fill_villages(run, now) -> None:
    """Learners' villages, in one UPDATE: 3 in 10 give none (as registration lets them); a group member lives in
    a village of their first group's district, any other learner in one of the country's (Java weighted)."""
    place_tables(run)
    slots = run("SELECT count(*) FROM weighted_villages").scalar()
    run(f"""
        UPDATE users SET village_code = p.code
        FROM (SELECT u.id, coalesce(dv.code, w.code) AS code
              FROM users u
              LEFT JOIN (SELECT DISTINCT ON (m.user_id) m.user_id, c.region_code
                         FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
                         WHERE c.region_code IS NOT NULL ORDER BY m.user_id, m.cohort_id) AS g ON g.user_id = u.id
              LEFT JOIN district_sizes z ON z.district = g.region_code
              LEFT JOIN district_villages dv
                     ON dv.district = g.region_code AND dv.place = 1 + (u.id::bigint * {HASH}) % z.villages
              JOIN weighted_villages w ON w.slot = 1 + (u.id::bigint * {HASH}) % :slots
              WHERE u.role = 'learner' AND (u.id::bigint * {HASH}) % 100 >= 30) AS p
        WHERE users.id = p.id""", slots=slots)


def fill_dates(run, now) -> None:
    """The base build's five years squeezed into the 12 months before the run (order kept, none in the future):
    enrolments (about 1 in 12 active in the last 30 days), quiz attempts and passes, group memberships and the
    placeholder certificates (the app-signed sample is left as signed) and learners' registrations. Lessons done
    and the audit log keep their dates: no roll-up reads them."""
    run(f"UPDATE users SET created_at = {squeezed('created_at')} WHERE role = 'learner'", now=now)
    run(f"""UPDATE enrollments SET enrolled_at = {squeezed('enrolled_at')},
                                   last_activity_at = {squeezed('last_activity_at')},
                                   completed_at = {squeezed('completed_at')}""", now=now)
    run(f"""UPDATE quiz_attempts SET started_at = {squeezed('started_at')},
                                     submitted_at = {squeezed('submitted_at')}""", now=now)
    run(f"UPDATE quiz_passes SET passed_at = {squeezed('passed_at')}", now=now)
    run(f"UPDATE cohort_members SET joined_at = {squeezed('joined_at')}", now=now)
    run(f"""UPDATE certificates SET issued_at = {squeezed('issued_at')}, completed_on = {squeezed('issued_at')}::date,
                                    valid_until = ({squeezed('issued_at')} + INTERVAL '2 years')::date,
                                    revoked_at = {squeezed('revoked_at')}
            WHERE key_id = 'rk-bench'""", now=now)


#: a certificate without its words, or with the words of another issue date (the dates were squeezed after)
WORDS_MISSING = """EXISTS (SELECT 1 FROM certificates c WHERE NOT EXISTS (
                       SELECT 1 FROM certificate_words w WHERE w.certificate_id = c.id))
                   OR EXISTS (SELECT 1 FROM certificate_words w JOIN certificates c ON c.id = w.certificate_id
                              WHERE w.issued_at <> c.issued_at)"""


def fill_certificate_words(run, now) -> None:
    """Each certificate's words (certificate_words), as the app writes them when it issues one
    (lms.word_search.indexed_words; the bench's names and titles are plain ASCII, which this SQL splits the same
    way), with the certificate's final issue date."""
    run("""DELETE FROM certificate_words w USING certificates c
           WHERE c.id = w.certificate_id AND w.issued_at <> c.issued_at""")
    run("""
        INSERT INTO certificate_words (word, issued_at, certificate_id)
        SELECT DISTINCT left(w.word, 64), c.issued_at, c.id
        FROM certificates c, regexp_split_to_table(lower(c.holder_name || ' ' || c.course_title), '[^[:alnum:]]+')
             AS w(word)
        WHERE w.word <> '' AND NOT EXISTS (SELECT 1 FROM certificate_words x WHERE x.certificate_id = c.id)""")


def fill_pretests(run, now) -> None:
    """Pre-tests of the courses that have one: 6 enrolments in 10 took it (a score per module, lower than the
    quizzes'), 2 skipped it, 2 never saw it."""
    run("""
        CREATE TEMPORARY TABLE pretest_modules ON COMMIT DROP AS
        SELECT m.course_id, m.id AS module_id, least(c.pretest_questions_per_module, count(*)) AS questions
        FROM courses c JOIN course_modules m ON m.course_id = c.id AND m.retired_at IS NULL
        JOIN quizzes q ON q.module_id = m.id AND q.retired_at IS NULL
        JOIN quiz_questions qq ON qq.quiz_id = q.id AND qq.retired_at IS NULL
        WHERE c.pretest_questions_per_module > 0
        GROUP BY m.course_id, m.id, c.pretest_questions_per_module""")
    run("""
        INSERT INTO pretests (user_id, course_id, started_at, submitted_at, skipped_at)
        SELECT user_id, course_id, CASE WHEN id % 10 < 6 THEN enrolled_at END,
               CASE WHEN id % 10 < 6 THEN enrolled_at + INTERVAL '7 minutes' END,
               CASE WHEN id % 10 >= 6 THEN enrolled_at END
        FROM enrollments WHERE course_id IN (SELECT course_id FROM pretest_modules) AND id % 10 < 8""")
    run(f"""
        INSERT INTO pretest_module_scores (pretest_id, module_id, question_count, right_count, score)
        SELECT p.id, m.module_id, m.questions, r.right_count, r.right_count * 100 / m.questions
        FROM pretests p JOIN pretest_modules m ON m.course_id = p.course_id
        CROSS JOIN LATERAL (SELECT ((p.user_id::bigint * {HASH} + m.module_id) % (m.questions + 1))::int
                                AS right_count) AS r
        WHERE p.submitted_at IS NOT NULL""")
    run("""
        UPDATE pretests SET score = s.right_count * 100 / s.question_count
        FROM (SELECT pretest_id, sum(right_count) AS right_count, sum(question_count) AS question_count
              FROM pretest_module_scores GROUP BY pretest_id) AS s
        WHERE pretests.id = s.pretest_id""")


def fill_observations(run, now) -> None:
    """Observations by each group's care manager in the last 60 days: a third of the members enrolled in the
    group's course, 3 of its 4 skills each; 1 in 5 not yet competent; 3 in 4 confirmed, 1 in 5 pending, the
    rest rejected; 1 in 7 entered from the paper sheet. Every current step of the checklist recorded."""
    run(f"""
        INSERT INTO skill_observations (client_id, skill_id, learner_id, observer_id, observed_at, recorded_at,
                                        place, result, note, status, from_paper, confirmed_on_paper, answered_at)
        SELECT md5('bench observation ' || learner_id || ' ' || skill_id || ' ' || observer_id)::uuid::text,
               skill_id, learner_id, observer_id, observed_at,
               observed_at + CASE WHEN h % 7 = 0 THEN INTERVAL '20 hours' ELSE INTERVAL '5 minutes' END,
               (ARRAY['home', 'posyandu', 'sentra', 'other'])[1 + h % 4],
               CASE WHEN h / 4 % 5 = 0 THEN 'not_yet' ELSE 'competent' END, '',
               CASE WHEN h / 20 % 20 < 15 THEN 'confirmed' WHEN h / 20 % 20 < 19 THEN 'pending' ELSE 'rejected' END,
               h % 7 = 0, h % 7 = 0 AND h / 20 % 20 < 15,
               CASE WHEN h / 20 % 20 < 15 OR h / 20 % 20 = 19 THEN observed_at + INTERVAL '22 hours' END
        FROM (SELECT m.user_id AS learner_id, s.id AS skill_id, c.owner_id AS observer_id, o.h,
                     CAST(:now AS timestamp) - (1 + o.h % 59) * INTERVAL '1 day' - o.h % 10 * INTERVAL '1 hour'
                         AS observed_at
              FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id
              JOIN cohort_courses cc ON cc.cohort_id = c.id
              JOIN enrollments e ON e.user_id = m.user_id AND e.course_id = cc.course_id
              JOIN skills s ON s.course_id = cc.course_id AND s.retired_at IS NULL
              CROSS JOIN LATERAL (SELECT (m.user_id::bigint * {HASH} + s.id * 7919) % 1000003 AS h) AS o
              WHERE m.user_id % 3 = 0 AND (m.user_id + s.id) % 4 <> 0 AND m.user_id <> c.owner_id
              GROUP BY m.user_id, s.id, c.owner_id, o.h) AS picked""",
        now=now)
    run("""
        INSERT INTO skill_observation_steps (observation_id, step_id, state)
        SELECT o.id, st.id, CASE WHEN o.result = 'not_yet' AND st.position = 1 THEN 'not_done'
                                 WHEN NOT st.critical AND (o.id + st.id) % 11 = 0 THEN 'not_seen' ELSE 'done' END
        FROM skill_observations o JOIN skill_steps st ON st.skill_id = o.skill_id AND st.retired_at IS NULL""")


def fill_competences(run, now) -> None:
    """A skill competence for each confirmed competent observation (the first one counts), and the enrolment's
    last activity brought up to it (as record_skill_competence does)."""
    run("""
        INSERT INTO skill_competences (user_id, skill_id, observed_at, confirmed_at, observer_id, observer_name,
                                       observer_role, confirmed_on_paper)
        SELECT DISTINCT ON (o.learner_id, o.skill_id) o.learner_id, o.skill_id, o.observed_at, o.answered_at,
               o.observer_id, t.full_name, 'trainer', o.confirmed_on_paper
        FROM skill_observations o JOIN users t ON t.id = o.observer_id
        WHERE o.status = 'confirmed' AND o.result = 'competent'
        ORDER BY o.learner_id, o.skill_id, o.observed_at""")
    run("""
        UPDATE enrollments SET last_activity_at = greatest(last_activity_at, s.confirmed_at)
        FROM (SELECT sc.user_id, sk.course_id, max(sc.confirmed_at) AS confirmed_at
              FROM skill_competences sc JOIN skills sk ON sk.id = sc.skill_id GROUP BY sc.user_id, sk.course_id) AS s
        WHERE enrollments.user_id = s.user_id AND enrollments.course_id = s.course_id""")


def fill_officers(run, now) -> None:
    """Programme officers with the bench password, one per kind of area: the whole country, the first large
    group's province and its regency (the group lives in a district of it). Each is added only when missing."""
    run("""
        INSERT INTO users (full_name, phone, password_hash, role, locale, is_active_account, created_at,
                           scope_region_code)
        SELECT o.full_name, o.phone, a.password_hash, 'programme', 'id', true, CAST(:now AS timestamp),
               nullif(left(g.region_code, o.code_length), '')
        FROM users a
        CROSS JOIN (SELECT region_code FROM cohorts WHERE join_code = 'B0000001') AS g
        CROSS JOIN (VALUES ('Pengelola Program Nasional', :national, 0),
                           ('Pengelola Program Provinsi', :province, 2),
                           ('Pengelola Program Kabupaten', :regency, 5)) AS o(full_name, phone, code_length)
        WHERE a.phone = :admin AND NOT EXISTS (SELECT 1 FROM users u WHERE u.phone = o.phone)""",
        now=now, national=NATIONAL_PHONE, province=PROVINCE_PHONE, regency=REGENCY_PHONE, admin=ADMIN_PHONE)


def privacy_missing(run) -> bool:
    from lms.accounts.privacy import current_notice

    return bool(run("SELECT EXISTS (SELECT 1 FROM users WHERE privacy_version IS NULL OR privacy_version < :v)",
                    v=current_notice().version).scalar())


def fill_privacy(run, now) -> None:
    """Every bench person agreed to the current privacy notice, as at registration: the pages measured are the pages,
    not the consent page (only users.privacy_version, which the check reads)."""
    from lms.accounts.privacy import current_notice

    run("UPDATE users SET privacy_version = :v WHERE privacy_version IS NULL OR privacy_version < :v",
        v=current_notice().version)


#: step -> (is it missing? (SQL, or a function of run), the fill, the tables it writes). Run in this order (each
#: needs those above), each in its own transaction, each only when missing: a database kept from an older build
#: gains what it lacks, and a second --reuse writes nothing.
FILLS = {
    "regions": (regions_missing, fill_regions, ("regions",)),
    "organisations": ("NOT EXISTS (SELECT 1 FROM organisations)", fill_organisations, ("organisations", "cohorts")),
    "villages": ("NOT EXISTS (SELECT 1 FROM users WHERE village_code IS NOT NULL)", fill_villages, ("users",)),
    "dates": (f"EXISTS (SELECT 1 FROM enrollments WHERE enrolled_at < TIMESTAMP '{OLD_START}' + INTERVAL '31 days')",
              fill_dates, ("enrollments", "quiz_attempts", "quiz_passes", "cohort_members", "certificates")),
    "certificate words": (WORDS_MISSING, fill_certificate_words, ("certificate_words",)),
    "pre-tests": ("NOT EXISTS (SELECT 1 FROM pretests)", fill_pretests, ("pretests", "pretest_module_scores")),
    "observations": ("NOT EXISTS (SELECT 1 FROM skill_observations)", fill_observations,
                     ("skill_observations", "skill_observation_steps")),
    "competences": ("NOT EXISTS (SELECT 1 FROM skill_competences)", fill_competences,
                    ("skill_competences", "enrollments")),
    "programme officers": (f"(SELECT count(*) FROM users WHERE phone IN ('{NATIONAL_PHONE}', '{PROVINCE_PHONE}', "
                           f"'{REGENCY_PHONE}')) < 3", fill_officers, ("users",)),
    "privacy consents": (privacy_missing, fill_privacy, ("users",)),
}


def fill(label: str) -> tuple[dict[str, float | None], set[str]]:
    """Apply the FILLS that are missing, printing each one's time; returns step -> seconds (None: already there)
    and the tables written."""
    from sqlalchemy import text

    from lms.extensions import db
    from lms.timeutil import utcnow

    run = lambda sql, **params: db.session.execute(text(sql), params)  # noqa: E731
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    timings: dict[str, float | None] = {}
    written: set[str] = set()
    for step, (missing, action, tables) in FILLS.items():
        if not (missing(run) if callable(missing) else run(f"SELECT {missing}").scalar()):
            timings[step] = None
            print(f"{label}: fill {step}: already there", flush=True)
            continue
        started = time.perf_counter()
        action(run, now)
        # the next fills read these tables: plan them on their real sizes, not on those before this one
        run(f"ANALYZE {', '.join(tables)}")
        db.session.commit()
        timings[step] = time.perf_counter() - started
        written.update(tables)
        print(f"{label}: fill {step}: {timings[step]:.1f} s", flush=True)
    return timings, written


def gather_gin_entries(gather: bool) -> None:
    """`gather`: every GIN index collects new entries in a pending list (fastupdate), merged in bulk, while the
    build and the fills write millions of rows (into its tree one by one, they would take many times as long);
    else its pending list is merged and new rows go into its tree, as migration 0033 keeps them in service."""
    from sqlalchemy import text

    from lms.database import gin_indexes
    from lms.extensions import db

    for oid, name, _options in gin_indexes():
        db.session.execute(text(f'ALTER INDEX "{name}" SET (fastupdate = {"on" if gather else "off"})'))
        if not gather:
            db.session.execute(text("SELECT gin_clean_pending_list(CAST(CAST(:oid AS oid) AS regclass))"),
                               {"oid": oid})
    db.session.commit()


def settle(tables: set[str] | None = None) -> float:
    """VACUUM ANALYZE (the whole database, or the tables given), as autovacuum would within minutes of a bulk
    write; a GIN index's pending list, filled by a bulk insert, is merged so searches do not read it row by row.
    Returns the seconds it took."""
    from sqlalchemy import create_engine, text

    from lms.extensions import db

    if tables is not None and not tables:
        return 0.0
    started = time.perf_counter()
    plain = create_engine(db.engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with plain.connect() as connection:
        connection.execute(text("VACUUM ANALYZE" + (" " + ", ".join(sorted(tables)) if tables else "")))
    plain.dispose()
    return time.perf_counter() - started


#: the tables whose rows the build reports
COUNTED = ("users", "enrollments", "lesson_completions", "quiz_attempts", "quiz_attempt_questions", "cohorts",
           "cohort_members", "certificates", "audit_entries", "regions", "organisations", "pretests",
           "pretest_module_scores", "skill_observations", "skill_competences", "certificate_words")


def figures_of(seconds: float) -> dict:
    from sqlalchemy import text

    from lms.extensions import db

    size = db.session.execute(text("SELECT pg_database_size(current_database())")).scalar()
    rows = {table: db.session.execute(text(f"SELECT count(*) FROM {table}")).scalar() for table in COUNTED}
    spread = db.session.execute(text("""
        SELECT count(village_code), count(DISTINCT left(village_code, 2)), count(DISTINCT left(village_code, 5)),
               count(DISTINCT left(village_code, 8))
        FROM users WHERE role = 'learner'""")).one()
    rows |= dict(zip(("learners with a village", "their provinces", "regencies", "districts"), spread, strict=True))
    rows["groups with a region"] = db.session.execute(
        text("SELECT count(*) FROM cohorts WHERE organisation_id IS NOT NULL AND region_code IS NOT NULL")).scalar()
    rows["programme officers"] = db.session.execute(
        text("SELECT count(*) FROM users WHERE role = 'programme'")).scalar()
    db.session.rollback()
    return {"seconds": seconds, "bytes": size, "rows": rows}


def sample_of_real_certificates(app, count: int = 200) -> list[str]:
    """Certificates issued by the app's own code (real signatures and credentials), for the verification pages;
    those of an earlier build when the database has them."""
    from sqlalchemy import select

    from lms.accounts.models import User
    from lms.certificates.services import issue_certificate
    from lms.courses.models import Course
    from lms.extensions import db

    from lms.certificates.models import Certificate

    kept = list(db.session.scalars(select(Certificate.public_id).where(Certificate.key_id != "rk-bench")
                                   .order_by(Certificate.id).limit(count)))
    if kept:  # a reused database: the sample its build issued
        return kept
    course = db.session.scalar(select(Course).order_by(Course.id).limit(1))
    learners = list(db.session.scalars(select(User).where(User.role == "learner").order_by(User.id).limit(count)))
    issued = [issue_certificate(user, course, cycle=9).public_id for user in learners]
    db.session.commit()
    return issued


#: who requests a page: the signed-in admin, the trainer of the first large group, one of its learners, the
#: national programme officer, the officers of the first large group's province and regency, or nobody
ADMIN, TRAINER, LEARNER, ANYONE = "admin", "trainer", "learner", "anyone"
PROGRAMME, PROVINCE, REGENCY = "programme officer", "province officer", "regency officer"
#: the programme page's downloads (/program.csv…), being built on main: one that answers 404 is "absent"
DOWNLOADS = ("csv", "xlsx", "json")
#: pages whose large p50 must also stay under STAFF_P50_GOAL_MS
STAFF = (ADMIN, TRAINER)


def outcome_pages(group, course) -> dict[str, tuple[str, str]]:
    """The programme outcome pages (issue #22), each with its own goal: large p95 under OUTCOME_P95_GOAL_MS. Each
    choice of the programme page is asked by an officer whose area holds it (the first large group's province,
    regency and district), and each download with the same choice; then the public results."""
    from lms.regions.models import parent_of

    district = group.region_code
    if not district:
        raise RuntimeError("the first large group has no region: did fill organisations run?")
    regency = parent_of(district)
    province = parent_of(regency)
    choices = {
        "whole country": (PROGRAMME, ""),
        "a province": (PROVINCE, f"?wilayah={province}"),
        "a regency": (REGENCY, f"?wilayah={regency}"),
        "a district": (REGENCY, f"?wilayah={district}"),
        "one course": (PROGRAMME, f"?kursus={course.id}"),
        "one organisation": (PROGRAMME, f"?lembaga={group.organisation_id}"),
    }
    listed = {f"programme page, {choice}": (who, "/program" + query) for choice, (who, query) in choices.items()}
    for extension in DOWNLOADS:
        listed |= {f"programme {extension}, {choice}": (who, f"/program.{extension}{query}")
                   for choice, (who, query) in choices.items()}
    return listed | {"public outcomes page": (ANYONE, "/capaian"), "public outcomes CSV": (ANYONE, "/capaian.csv")}


def is_download(path: str) -> bool:
    return urlsplit(path).path in {f"/program.{extension}" for extension in DOWNLOADS}


def pages(app, sample: list[str]) -> tuple[dict[str, tuple[str, str]], str, set[str]]:
    """The pages measured: name -> (who, path); the phone of the learner who requests theirs; the names of the
    outcome pages among them."""
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
        # 2 / 642 matches, all older than most certificates of "agus": found through the word index
        "admin certificates, ?q= holder": (ADMIN, "/admin/sertifikat?q=agus%20rina"),
        # a full page on both (35 / 6,090 matches), read along the newest certificates of "agus"
        "admin certificates, ?q= name and course": (ADMIN, "/admin/sertifikat?q=agus%20disabilitas"),
        # more matches than the list counts (48 / 18,215): the newest certificates of the words so begun
        "admin certificates, ?q= one common name": (ADMIN, "/admin/sertifikat?q=agus"),
        # two common names (11 / 7,815 matches) whose newest certificates are fewer than their share says
        "admin certificates, ?q= two common names": (ADMIN, "/admin/sertifikat?q=wayan%20sri"),
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
    outcomes = outcome_pages(group, course)
    return listed | outcomes, member.phone, set(outcomes)


def signed_in(app, phone: str | None):
    """A test client signed in through the real form (None: nobody)."""
    client = app.test_client()
    if phone is None:
        return client
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    answer = client.post("/masuk", data={"csrf_token": token, "identifier": phone, "password": PASSWORD})
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {phone} answered {answer.status_code}, not a redirect")
    return client


def measure(apps: dict[str, object], paths: dict[str, dict[str, tuple[str, str]]], learner_phones: dict[str, str],
            requests: int) -> tuple[dict[str, dict[str, list[float]]], dict[str, str]]:
    """Each page's times (seconds) over `requests` requests on each database (label -> app, label -> its pages),
    taken in turns: one request on one database, then one on the other (which goes first alternates), so that
    anything else the machine does in the meantime slows both alike and the ratio stays the databases' own.
    Also the pages left out, with why: "absent" (a download that answers 404: not on this code yet) or the
    status a page answered instead of 200 (on either database)."""
    labels = list(apps)
    clients = {label: {ADMIN: signed_in(app, ADMIN_PHONE), TRAINER: signed_in(app, TRAINER_PHONE),
                       LEARNER: signed_in(app, learner_phones[label]), ANYONE: signed_in(app, None),
                       PROGRAMME: signed_in(app, NATIONAL_PHONE), PROVINCE: signed_in(app, PROVINCE_PHONE),
                       REGENCY: signed_in(app, REGENCY_PHONE)}
               for label, app in apps.items()}
    left_out: dict[str, str] = {}
    absent: set[str] = set()
    # Warm-up: every page a few times before any is measured (the freshly built database's pages are read
    # into memory once, as a database in service has them); the first answer says whether it is measured.
    for label in labels:
        for name, (who, path) in paths[label].items():
            for _ in range(5):
                response = clients[label][who].get(path)
                response.get_data()
                if response.status_code == 200:
                    continue
                if response.status_code == 404 and is_download(path):
                    left_out[name] = "absent"
                    if urlsplit(path).path not in absent:  # once per download, not for each of its choices
                        absent.add(urlsplit(path).path)
                        print(f"absent: {urlsplit(path).path} answers 404 (not on this code yet)", flush=True)
                else:
                    left_out[name] = f"answered {response.status_code}"
                    print(f"FAILED: {name}: {path} answered {response.status_code} for the {who} ({label})",
                          flush=True)
                break
    times: dict[str, dict[str, list[float]]] = {label: {} for label in labels}
    for name in paths[labels[0]]:
        if name in left_out:
            continue
        for label in labels:
            times[label][name] = []
        for turn in range(requests):
            for label in labels if turn % 2 == 0 else reversed(labels):
                who, path = paths[label][name]
                started = time.perf_counter()
                clients[label][who].get(path).get_data()  # a streamed body is written as it is read
                times[label][name].append(time.perf_counter() - started)
    return times, left_out


def exists(server: str, name: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(server)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
    engine.dispose()
    return found is not None


def time_refresh(server: str, name: str, folder: Path) -> tuple[float, str]:
    """`flask --app wsgi lms outcomes refresh` on the database (a subprocess, as an operator runs it): seconds,
    app start included, and the line it prints (the roll-ups' row counts)."""
    import os
    import subprocess

    environment = os.environ | {"DATABASE_URL": database_url(server, name), "LMS_INSTANCE_PATH": str(folder)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "lms", "outcomes", "refresh"],
                          cwd=Path(__file__).resolve().parent.parent, env=environment, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"lms outcomes refresh failed on {name}:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def one_database(server: str, name: str, label: str, counts: dict[str, int], reuse: bool):
    """Build (or, with reuse and a kept database, migrate and complete) one database and refresh its outcomes.
    Returns its figures, its app, its pages, the outcome pages among them and the phone of the learner whose
    pages are measured."""
    from flask_migrate import upgrade

    from lms import create_app
    from lms.config import Config
    from lms.outcomes.services import ROLL_UPS

    reused = reuse and exists(server, name)
    if not reused:
        recreate(server, name)
    folder = Path(f"/tmp/{name}-instance")
    folder.mkdir(exist_ok=True)
    app = create_app(Config, instance_path=str(folder), SQLALCHEMY_DATABASE_URI=database_url(server, name),
                     RATELIMIT_ENABLED=False)
    with app.app_context():
        started = time.perf_counter()
        if reused:
            upgrade()
            print(f"{label}: reusing {name}, migrated in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            print(f"{label}: base build in {build(app, counts):.0f} s", flush=True)
        gather_gin_entries(True)
        fills, written = fill(label)
        gather_gin_entries(False)
        vacuumed = settle(written if reused else None)
        print(f"{label}: vacuum analyze {vacuumed:.1f} s", flush=True)
        sample = sample_of_real_certificates(app)
        figures = figures_of(time.perf_counter() - started) | {"reused": reused, "fills": fills}
        figures["refresh"], figures["refreshed"] = time_refresh(server, name, folder)
        print(f"{label}: lms outcomes refresh {figures['refresh']:.1f} s: {figures['refreshed']}", flush=True)
        # the refresh deleted and wrote every roll-up row: clear them as autovacuum would before anyone reads
        settle({model.__tablename__ for model in ROLL_UPS})
        paths, learner_phone, outcomes = pages(app, sample)
        from lms.extensions import db

        db.session.remove()
    return figures, app, paths, outcomes, learner_phone


def time_backup(server: str, name: str) -> dict:
    """`lms backup` of the database (encrypted, as by default), then `lms restore` of it into a new one:
    seconds and bytes."""
    import shutil
    import tempfile

    from lms import create_app
    from lms.backup import backup, restore
    from lms.backup_crypto import new_key_text, read_key_file, write_private
    from lms.config import Config

    folder = Path(tempfile.mkdtemp(prefix="rawat-scale-backup-"))
    restored = f"{name}_restored"
    write_private(folder / "backup.key", new_key_text("bench"))
    key = read_key_file(folder / "backup.key")
    try:
        app = create_app(Config, instance_path=f"/tmp/{name}-instance",
                         SQLALCHEMY_DATABASE_URI=database_url(server, name))
        with app.app_context():
            started = time.perf_counter()
            backup(folder / "backup", key=key)
            backed_up = time.perf_counter() - started
        size = sum(path.stat().st_size for path in (folder / "backup").rglob("*") if path.is_file())
        recreate(server, restored)
        (folder / "instance").mkdir()
        app = create_app(Config, instance_path=str(folder / "instance"),
                         SQLALCHEMY_DATABASE_URI=database_url(server, restored))
        with app.app_context():
            started = time.perf_counter()
            restore(folder / "backup", key=key)
            restored_in = time.perf_counter() - started
            from lms.extensions import db

            db.engine.dispose()
        return {"backup_seconds": backed_up, "backup_bytes": size, "restore_seconds": restored_in}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        try:
            drop(server, restored)
        except Exception as error:  # noqa: BLE001 - the figures are taken: say how to drop it by hand
            print(f"could not drop {restored} ({error.__class__.__name__}); a superuser can: "
                  f'DROP DATABASE "{restored}" WITH (FORCE)', flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="a server URL whose role may create databases")
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = the national figures of issue #21")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--prefix", default="rawat_scale",
                        help="names the databases (PREFIX_small, PREFIX_large, PREFIX_large_restored) and the "
                             "instance folders (/tmp/PREFIX_LABEL-instance); default rawat_scale")
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    parser.add_argument("--reuse", action="store_true",
                        help="use the databases kept by an earlier --keep run: migrate them, add only the missing "
                             "fills, measure (a missing one is built); implies --keep")
    parser.add_argument("--backup", action="store_true", help="also time lms backup and restore of the large one")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", args.prefix):
        parser.error("--prefix: lower-case letters, digits and _ only (it names databases)")
    logging.disable(logging.WARNING)
    large = {key: max(1, int(value * args.scale)) for key, value in FULL.items()}
    # 1/500 of the learners, so the small database's first group has its LARGE_GROUP members too
    small = {key: max(1, int(value / (500 if key in ("learners", "enrolments") else 1000)))
             for key, value in FULL.items()}
    results, prepared = {}, {}
    try:
        for label, counts in (("small", small), ("large", large)):
            prepared[label] = one_database(args.postgres, f"{args.prefix}_{label}", label, counts, args.reuse)
            figures = prepared[label][0]
            print(f"{label}: {'reused' if figures['reused'] else 'built'} in {figures['seconds']:.1f} s, "
                  f"{figures['bytes'] / 1e6:.0f} MB, "
                  + ", ".join(f"{table} {count:,}" for table, count in figures["rows"].items()), flush=True)
        # both are measured together, in turns, once both are ready
        times, left_out = measure({label: ready[1] for label, ready in prepared.items()},
                                  {label: ready[2] for label, ready in prepared.items()},
                                  {label: ready[4] for label, ready in prepared.items()}, args.requests)
        for label, (figures, app, paths, outcomes, _phone) in prepared.items():
            results[label] = (figures, times[label], paths, outcomes, left_out)
            with app.app_context():
                from lms.extensions import db

                db.engine.dispose()
        backup_failed = False
        if args.backup:  # after the measurements: its database, written and dropped, would disturb them
            try:
                timed = time_backup(args.postgres, f"{args.prefix}_large")
            except Exception as error:  # noqa: BLE001 - the measurements taken still stand: report them
                backup_failed = True
                print(f"large: timing lms backup and restore FAILED: {error.__class__.__name__}: {error}", flush=True)
            else:
                print(f"large: lms backup {timed['backup_seconds']:.0f} s ({timed['backup_bytes'] / 1e6:.0f} MB), "
                      f"lms restore {timed['restore_seconds']:.0f} s", flush=True)
    finally:
        if not (args.keep or args.reuse):
            for label in ("small", "large"):
                drop(args.postgres, f"{args.prefix}_{label}")
    return report(results) or int(backup_failed)


def report(results: dict) -> int:
    """The table of pages (ratio verdict), the outcome pages' own p95 verdict; 1 when any goal is missed or a
    page did not answer 200 (an absent download is only said)."""
    for label in ("small", "large"):
        figures = results[label][0]
        steps = ", ".join(f"{step} {'-' if seconds is None else f'{seconds:.1f} s'}"
                          for step, seconds in figures["fills"].items())
        print(f"{label}: {'reused' if figures['reused'] else 'built'} in {figures['seconds']:.1f} s; "
              f"fills (- already there): {steps}")
        print(f"{label}: lms outcomes refresh {figures['refresh']:.1f} s: {figures['refreshed']}")
    left_out = results["large"][4]
    failed = {name: why for name, why in left_out.items() if why != "absent"}
    print(f"\n{'page':<40} {'small p50':>9} {'p95':>7} {'large p50':>9} {'p95':>7} {'ratio':>6}  verdict")
    missed = 0
    for name in results["small"][2]:
        if name in left_out:
            if name in failed:  # an absent download is in the outcome table below
                print(f"{name:<40} {'-':>9} {'-':>7} {'-':>9} {'-':>7} {'-':>6}  NOT met: {failed[name]}")
            continue
        small_times, large_times = results["small"][1][name], results["large"][1][name]
        s50, l50 = statistics.median(small_times) * 1000, statistics.median(large_times) * 1000
        ratio = l50 / s50
        staff = results["small"][2][name][0] in STAFF
        met = ratio <= RATIO_GOAL and (not staff or l50 < STAFF_P50_GOAL_MS)
        # a programme page shows more rows where more places have data: its goal is its own p95 (below)
        own_goal = name in results["large"][3] and results["small"][2][name][0] != ANYONE
        missed += not (met or own_goal)
        verdict = "met" if met else "p95 goal below" if own_goal else "NOT met"
        print(f"{name:<40} {s50:9.1f} {percentile(small_times, 0.95) * 1000:7.1f} {l50:9.1f} "
              f"{percentile(large_times, 0.95) * 1000:7.1f} {ratio:6.2f}  {verdict}")
    print(f"\n{missed} page(s) missed the goal (ratio <= {RATIO_GOAL}, staff pages < {STAFF_P50_GOAL_MS} ms p50)"
          if missed else "\nevery page measured met the goal")
    print(f"\n{'outcome page':<40} {'large p95':>9}  goal: p95 < {OUTCOME_P95_GOAL_MS} ms on the large database")
    slow = 0
    for name in (name for name in results["large"][2] if name in results["large"][3]):
        if name in left_out:
            print(f"{name:<40} {'-':>9}  {left_out[name] if name not in failed else 'NOT met: ' + failed[name]}")
            continue
        p95 = percentile(results["large"][1][name], 0.95) * 1000
        slow += p95 >= OUTCOME_P95_GOAL_MS
        print(f"{name:<40} {p95:9.1f}  {'met' if p95 < OUTCOME_P95_GOAL_MS else 'NOT met'}")
    print(f"\n{slow} outcome page(s) missed p95 < {OUTCOME_P95_GOAL_MS} ms" if slow
          else f"\nevery outcome page measured met p95 < {OUTCOME_P95_GOAL_MS} ms")
    if failed:
        print(f"\n{len(failed)} page(s) did not answer 200, not measured: "
              + "; ".join(f"{name} ({why})" for name, why in failed.items()))
    return 1 if missed or slow or failed else 0


if __name__ == "__main__":
    sys.exit(main())
