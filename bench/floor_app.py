"""The fixed stack's floor for bench/overhead.py: the two measured pages with only the work they cannot skip.

Statements are built once (as Rawat's hot paths build theirs), so the floor is what running them costs.

The certificate API: Flask + Flask-SQLAlchemy doing only the API's indexed lookup, reading Rawat's own
certificates table (DATABASE_URL) through a minimal mapping, and answering the document Rawat's API answers
(its fields and the signed payload as text, about 3 KB), gzip-compressed, as phones ask.

A signed-in learner's lesson page: Flask-Login reads the signed session cookie and loads the user (one ORM
query), the course with the lesson (one), the learner's completions in the course (one); Jinja draws a page of
the same parts (menu, language and sign-out forms with their CSRF token from Flask-WTF, the lesson, the
"done" form, the pager) and it is sent gzip-compressed, as phones ask. The lesson's text is put in as stored.

Neither has any of Rawat's hooks (log line, rate limit, security headers, locale, consent, signature status,
server-side sessions). What Rawat costs above these is its own; what these cost above bare_app is the stack's.
"""
import gzip
import json
import os
from datetime import date, datetime

from flask import Flask, abort, jsonify, make_response, redirect, render_template, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import JSON, ForeignKey, String, bindparam, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Certificate(db.Model):
    __tablename__ = "certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32))
    holder_name: Mapped[str]
    course_title: Mapped[str]
    course_version: Mapped[int]
    hours: Mapped[int]
    completed_on: Mapped[date]
    valid_until: Mapped[date | None]
    issuer: Mapped[str]
    key_id: Mapped[str]
    signature: Mapped[str]
    revoked_at: Mapped[datetime | None]
    skills: Mapped[list] = mapped_column(JSON)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str]
    role: Mapped[str]


class Course(db.Model):
    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str]
    title: Mapped[str]


class Lesson(db.Model):
    __tablename__ = "lessons"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    slug: Mapped[str]
    title: Mapped[str]
    position: Mapped[int]
    minutes: Mapped[int]
    body: Mapped[str]


class LessonCompletion(db.Model):
    __tablename__ = "lesson_completions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))


app = Flask(__name__)
app.config.update(SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"], SECRET_KEY=os.environ["SECRET_KEY"])
db.init_app(app)
CSRFProtect(app)
login_manager = LoginManager(app)
MENU = (("Beranda", "/"), ("Kursus", "/kursus"), ("Dasbor", "/dasbor"), ("Sertifikat saya", "/sertifikat"),
        ("Kelompok", "/kelompok"), ("Bantuan", "/bantuan"), ("Profil", "/profil"))


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id))


def compressed(response):
    """gzip, as Rawat sends a page or a JSON answer of 500 bytes or more to a phone that asks."""
    if "gzip" in request.headers.get("Accept-Encoding", "") and response.content_length >= 500:
        response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        response.vary.add("Accept-Encoding")
    return response


CERTIFICATE = select(Certificate).where(Certificate.public_id == bindparam("public_id"))


@app.get("/api/v1/certificates/<public_id>")
def certificate(public_id: str):
    found = db.session.scalar(CERTIFICATE, {"public_id": public_id})
    if found is None:
        abort(404)
    # the document Rawat's API answers (its fields, the signed payload as text), without Rawat's checks
    fields = {"v": 2 if found.skills else 1, "id": found.public_id, "holder": found.holder_name,
              "course": found.course_title, "course_version": found.course_version, "hours": found.hours,
              "completed": found.completed_on.isoformat(),
              "valid_until": found.valid_until.isoformat() if found.valid_until else None,
              "issuer": found.issuer, "kid": found.key_id} | ({"skills": found.skills} if found.skills else {})
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    response = jsonify(
        id=found.public_id, status="valid" if found.revoked_at is None else "revoked",
        message="Sertifikat ini sah.", certificate={
            "holder": found.holder_name, "course": found.course_title, "course_version": found.course_version,
            "hours": found.hours, "completed": fields["completed"], "valid_until": fields["valid_until"],
            "issuer": found.issuer, "skills": list(found.skills or [])},
        revocation=None, renews=None, renewed_by=None,
        signature={"alg": "Ed25519", "kid": found.key_id, "value": found.signature, "payload": payload,
                   "keys_url": request.host_url + ".well-known/rawat-keys.json"})
    return compressed(response)


@app.get("/ping")
def ping():
    return jsonify(status="ok", service="floor", version=1)


@app.get("/masuk-lantai/<int:user_id>")
def sign_in(user_id: str):
    """The floor's sign-in (a bench, no password): the session cookie the lesson page reads."""
    login_user(db.session.get(User, user_id))
    return redirect("/")


COURSE_AND_LESSON = (select(Course, Lesson).join(Lesson, Lesson.course_id == Course.id)
                     .where(Course.slug == bindparam("slug"), Lesson.slug == bindparam("lesson_slug")))
DONE_LESSONS = (select(LessonCompletion.lesson_id).join(Lesson)
                .where(LessonCompletion.user_id == bindparam("user_id"), Lesson.course_id == bindparam("course_id")))


@app.get("/kursus/<slug>/materi/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    found = db.session.execute(COURSE_AND_LESSON, {"slug": slug, "lesson_slug": lesson_slug}).first()
    if found is None:
        abort(404)
    course, page = found
    done = set(db.session.scalars(DONE_LESSONS, {"user_id": current_user.id, "course_id": course.id}))
    return compressed(make_response(render_template("floor_lesson.html", course=course, lesson=page,
                                                    done=page.id in done, menu=MENU, user=current_user)))
