"""No input gets a 500: every route of the app, with hostile values, as every kind of user.

The walk is driven by the app itself, so a new route is covered the day it is added:
- every rule of `app.url_map`, its arguments filled with real values (a course, a group, a
  draft, a quiz attempt, a certificate made here) and, one at a time, with hostile ones chosen
  by the argument's converter (numbers past 2^31 and 2^63, NUL, broken UTF-8, 10 KB strings);
- every query parameter the code reads (found in lms/ by `request.args`), all at once, with
  hostile values;
- POST without a token, with a valid CSRF token and every form field the app knows set to a
  hostile value, and as JSON;
- as a visitor, a learner, a trainer and an admin.
The only assertion is that no answer is a 5xx.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import wtforms
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter, UnicodeConverter

from lms.accounts.models import Role
from lms.extensions import db, rate_limits
from tests.conftest import Browser, csrf_token_from

LMS = Path(__file__).resolve().parents[2] / "lms"
BIG = "x" * 10_240

#: hostile values per kind of converter, already percent-encoded for the URL
HOSTILE_PATH_VALUES = {
    "int": ["99999999999999999999", "9223372036854775808", "2147483648", "0", "1" * 5000,
            "%D9%A3"],  # the last: ARABIC-INDIC DIGIT THREE (a digit to Python)
    "string": ["%00", "a%00b", "%ED%A0%80", "%F0%9F%98%80", BIG, "%25s%25n", "%27%22%3E"],
    "path": ["%00", "../../etc/passwd", "a/%00/b", "%ED%A0%80", BIG, "a//b/"],
}
HOSTILE_QUERY_VALUES = ["99999999999999999999", "-99999999999999999999", "0", "%00", "%ED%A0%80", BIG,
                        "%2F%2Fevil.example%2F", "9999-12-31"]
HOSTILE_FORM_VALUES = ["99999999999999999999", "%00", "%ED%A0%80", "y" * 3000]
#: uploads: a name with NUL and a path, contents that are no picture, zip or PDF
HOSTILE_FILES = [("../a\x00b.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), ("\u202e.zip", b"PK\x03\x04" + b"\xff" * 64),
                 ("x" * 300 + ".pdf", b"%PDF-1.7\n" + b"(" * 4000)]
HOSTILE_JSON_BODIES = [
    '{"marks": [{"id": "\\ud800", "course": "\\u0000", "lesson": [], "done_at": "9999-12-31T23:59:59-23:59"}]}',
    "[" * 100_000 + "]" * 100_000,
    '{"full_name": ["a", {"b": 1}], "contact": 99999999999999999999999, "password": null, "name": {"x": []}}',
    "[1, 2]",
    '"\\udfff"',
]


def names_read_from(attribute: str) -> set[str]:
    """Every name the code (views and templates) reads from request.args or request.form."""
    pattern = re.compile(r"request\." + attribute + r"""(?:\.get\(|\[)\s*["'](\w+)["']""")
    names = set()
    for path in [*LMS.rglob("*.py"), *LMS.rglob("*.html")]:
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def query_parameter_names() -> list[str]:
    """Every query parameter read anywhere in the code; page, q and next whatever the search finds."""
    return sorted(names_read_from("args") | {"page", "q", "next"})


def form_field_names() -> list[str]:
    """The names of every field of every form of the app (and of FieldList rows), and of every
    field a view reads from request.form itself."""
    names = names_read_from("form")
    seen, pending = set(), list(wtforms.form.BaseForm.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("lms."):
            continue
        for attribute in dir(cls):
            value = getattr(cls, attribute, None)
            if isinstance(value, wtforms.fields.core.UnboundField):
                names.add(attribute)
                if value.field_class is wtforms.FieldList:
                    names.update({f"{attribute}-0", f"{attribute}-0-text", f"{attribute}-0-correct"})
    return sorted(names)


@pytest.fixture
def world(app, make_user, make_course):
    """A little of everything, so real ids reach the views as well as hostile ones."""
    from lms.authoring.services import start_draft, workspace_for_course
    from lms.certificates.queries import latest_certificate
    from lms.cohorts.models import CohortInvitation
    from lms.cohorts.services import add_member, create_cohort, invite
    from lms.courses.models import Module
    from lms.quizzes.models import Quiz
    from lms.quizzes.services import start_attempt
    from tests.certificates.fixtures import QUIZ_MODULES, complete_lessons

    admin = make_user(Role.ADMIN, phone="+6281200000001")
    trainer = make_user(Role.TRAINER, phone="+6281200000002")
    learner = make_user(Role.LEARNER, phone="+6281200000003")
    course = make_course("kursus-uji", modules=QUIZ_MODULES)
    finished = make_course("kursus-selesai")  # no quiz: its lessons alone earn the certificate
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == "modul-satu"))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    cohort = create_cohort(trainer, "Kelompok Uji", "", [course.id])
    add_member(cohort, learner, actor=trainer)
    invite(cohort, "+6281200000009", actor=trainer)
    draft = workspace_for_course(course, trainer)
    start_draft(draft, trainer)
    attempt = start_attempt(learner.id, quiz)
    complete_lessons(learner, finished)
    db.session.commit()
    invitation = db.session.scalar(select(CohortInvitation).where(CohortInvitation.cohort_id == cohort.id))
    certificate = latest_certificate(learner.id, finished.id)
    assert certificate is not None and invitation is not None
    real = {
        "slug": course.slug, "course_slug": course.slug, "module_slug": module.slug, "lesson_slug": "pelajaran-a",
        "cohort_id": cohort.id, "draft_id": draft.id, "course_id": course.id, "user_id": learner.id,
        "attempt_id": attempt.id, "invitation_id": invitation.id, "public_id": certificate.public_id,
        "code": cohort.join_code, "key": quiz.questions[0].key,
        "path": "images/none.png", "name": "images/none.png", "filename": "rawat.css", "answer": "tolak",
    }
    return {"admin": admin, "trainer": trainer, "learner": learner, "real": real}


def rule_urls(rule, real: dict) -> list[str]:
    """The rule with real values, then with each argument in turn given each hostile value."""
    arguments = list(rule.arguments)

    def build(values: dict) -> str:
        url = rule.rule
        for name in arguments:
            url = re.sub(r"<(?:[^<>:]+:)?" + name + r">", lambda _m, name=name: str(values[name]), url)
        return url

    base = {}
    for name in arguments:
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            base[name] = real.get(name) if real.get(name) in converter.items else sorted(converter.items)[0]
        else:
            base[name] = real.get(name, "1" if kind_of(converter) == "int" else "x")
    urls = [build(base)]
    for name in arguments:
        for value in HOSTILE_PATH_VALUES.get(kind_of(rule._converters[name]), []):
            urls.append(build({**base, name: value}))
    return urls


def kind_of(converter) -> str | None:
    """int, path or string: what a converter accepts, whichever subclass the app installs."""
    for base, kind in ((IntegerConverter, "int"), (PathConverter, "path"), (UnicodeConverter, "string")):
        if isinstance(converter, base):
            return kind
    return None


class Walker:
    """One user's client going through every rule, with a CSRF token of its session."""

    def __init__(self, app, world, role: str):
        self.app, self.world, self.role = app, world, role
        self.client = app.test_client()
        self.failures: list[tuple] = []
        self.sign_in()

    def sign_in(self) -> None:
        if self.role != "anonymous":
            Browser(self.client).login(self.world[self.role].phone.replace("+62", "0"))
        page = self.client.get("/masuk" if self.role == "anonymous" else "/profil")
        self.token = csrf_token_from(page.get_data(as_text=True))

    def still_signed_in(self) -> None:
        """Some POSTs end the session (sign out, sign out everywhere): sign in again and go on."""
        if self.role != "anonymous" and self.client.get("/profil").status_code != 200:
            self.sign_in()

    def check(self, response, method: str, url: str) -> None:
        if response.status_code >= 500:
            self.failures.append((response.status_code, method, url[:200]))

    def walk(self) -> int:
        queries = ["&".join(f"{name}={value}" for name in query_parameter_names()) for value in HOSTILE_QUERY_VALUES]
        fields = form_field_names()
        rules = sorted(self.app.url_map.iter_rules(), key=lambda r: r.rule)
        assert len(rules) > 50
        sent = 0
        for rule in rules:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            urls = rule_urls(rule, self.world["real"])
            for url in urls:
                for method in methods:
                    self.check(self.client.open(url, method=method), method, url)
                    sent += 1
            if "GET" in methods:
                for query in queries:
                    self.check(self.client.get(urls[0] + "?" + query), "GET", urls[0] + "?" + query)
                    sent += 1
            if "POST" in methods:
                for value in HOSTILE_FORM_VALUES:
                    body = "&".join([f"csrf_token={self.token}", *(f"{quote(name)}={value}" for name in fields)])
                    response = self.client.post(urls[0], data=body, content_type="application/x-www-form-urlencoded")
                    self.check(response, "POST form " + value[:20], urls[0])
                    sent += 1
                self.still_signed_in()
                for filename, content in HOSTILE_FILES:
                    data = {"csrf_token": self.token,
                            **{name: (io.BytesIO(content), filename) for name in ("file", "document")}}
                    response = self.client.post(urls[0], data=data, content_type="multipart/form-data")
                    self.check(response, "POST file " + filename[:20], urls[0])
                    sent += 1
                for body in HOSTILE_JSON_BODIES:
                    response = self.client.post(urls[0], data=body, content_type="application/json",
                                                headers={"X-CSRFToken": self.token})
                    self.check(response, "POST json " + body[:40], urls[0])
                    sent += 1
                self.still_signed_in()
        return sent


@pytest.mark.parametrize("role", ["anonymous", "learner", "trainer", "admin"])
def test_every_route_survives_hostile_input(app, world, role):
    rate_limits.enabled = False  # a 429 is no 5xx, but it would hide what comes after it
    try:
        walker = Walker(app, world, role)
        assert walker.walk() > 1000
        assert not walker.failures, "\n".join(map(str, walker.failures))
    finally:
        rate_limits.enabled = True


def test_every_integer_argument_uses_the_bounded_converter(app):
    """Every <int:...> argument goes through the converter that refuses ids the database cannot hold."""
    from lms.routing import BoundedIntegerConverter

    int_arguments = [(rule.rule, name) for rule in app.url_map.iter_rules()
                     for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
    assert int_arguments
    for rule_text, name in int_arguments:
        rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
        assert isinstance(rule._converters[name], BoundedIntegerConverter), (rule_text, name)
