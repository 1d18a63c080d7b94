"""Everything Rawat holds about one person, read section by section, by their own indexed user id.

A section is the rows of one table that are about the person (`Section.columns`: the table's references to
users.id that name them), each a record with the row's `id`. coverage.py checks that every reference to
users.id in the database is either read here or excluded with a reason, so a table added later cannot be
forgotten. Nothing of anyone else is read: other learners never appear; staff appear only by the name the
person already sees (their care manager, who observed them) and, in the log of who opened their data, by name
and role, never by phone number or e-mail.

Every query filters on the person's id in a column that leads an index (checked by the tests), or on the ids
of their own rows: a copy costs the same in a national database as in a village's.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import PasswordResetCode, PrivacyConsent, User, UserSession
from ..audit.models import AuditEntry
from ..authoring.models import CourseAuthor, CourseDraft, Publication
from ..certificates.models import Certificate, CertificateEvent
from ..certificates.queries import certificate_status
from ..cohorts.models import Cohort, CohortCourse, CohortInvitation, CohortMember
from ..courses.models import (
    Course,
    Enrollment,
    Lesson,
    LessonCompletion,
    Module,
    QuizPass,
    Skill,
    SkillCompetence,
    SkillStep,
    SyncedMark,
)
from ..extensions import db
from ..practice.models import Observation, ObservedStep
from ..quizzes.models import Attempt, AttemptQuestion, Option, Pretest, PretestModuleScore, PretestQuestion, Question
from ..quizzes.models import Quiz
from ..regions.models import Region
from .models import DataExport, FormerMembership
from .queries import group_reports_while_member, memberships

#: the format of data-saya.json; raised when a key changes meaning
FORMAT = "rawat-personal-data/1"


def iso(value) -> str | None:
    """Moments (stored as naive UTC) as ISO 8601 with Z; dates as ISO dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Section:
    """One list of data-saya.json: the person's rows of `table`."""

    key: str
    #: the table each record is a row of (its "id"); None for a list that is no table's rows
    table: str | None
    #: the table's references to users.id whose rows are the person's (the row belongs in the copy when the
    #: column is the person's id); () for a list found otherwise (invitations, by the person's number)
    columns: tuple[str, ...]
    #: heading on the summary page
    title: object
    read: Callable[[User], list[dict]]
    #: how many rows it holds for a user id, one statement (the threshold between the request and the background)
    count: Callable[[int], object] | None = None


def _count(model, column) -> Callable[[int], object]:
    return lambda user_id: select(func.count()).select_from(model).where(column == user_id).scalar_subquery()


def _course(course: Course | None) -> dict | None:
    return {"slug": course.slug, "title": course.title} if course is not None else None


# --- learning ---------------------------------------------------------------------------------------------

def _enrollments(user: User) -> list[dict]:
    rows = db.session.execute(select(Enrollment, Course).join(Course, Course.id == Enrollment.course_id)
                              .where(Enrollment.user_id == user.id).order_by(Enrollment.enrolled_at, Enrollment.id))
    return [{"id": e.id, "course": _course(c), "enrolled_at": iso(e.enrolled_at),
             "last_activity_at": iso(e.last_activity_at), "completed_at": iso(e.completed_at)} for e, c in rows]


def _lesson_completions(user: User) -> list[dict]:
    rows = db.session.execute(
        select(LessonCompletion, Lesson, Module, Course).join(Lesson, Lesson.id == LessonCompletion.lesson_id)
        .join(Module, Module.id == Lesson.module_id).join(Course, Course.id == Lesson.course_id)
        .where(LessonCompletion.user_id == user.id).order_by(LessonCompletion.completed_at, LessonCompletion.id))
    return [{"id": done.id, "course": _course(course), "module": module.title, "lesson": lesson.title,
             "lesson_slug": lesson.slug, "completed_at": iso(done.completed_at)}
            for done, lesson, module, course in rows]


def _synced_marks(user: User) -> list[dict]:
    rows = db.session.execute(select(SyncedMark, Lesson).join(Lesson, Lesson.id == SyncedMark.lesson_id)
                              .where(SyncedMark.user_id == user.id).order_by(SyncedMark.done_at, SyncedMark.id))
    return [{"id": mark.id, "lesson": lesson.title, "lesson_slug": lesson.slug, "done_on_phone_at": iso(mark.done_at),
             "received_at": iso(mark.received_at), "phone_mark_id": mark.client_id} for mark, lesson in rows]


def _quiz_passes(user: User) -> list[dict]:
    rows = db.session.execute(select(QuizPass, Module).join(Module, Module.id == QuizPass.module_id)
                              .where(QuizPass.user_id == user.id).order_by(QuizPass.passed_at, QuizPass.id))
    return [{"id": p.id, "module": m.title, "best_score": p.best_score, "passed_at": iso(p.passed_at)}
            for p, m in rows]


def _answer_sheets(model, parent_column, parent_ids: list[int]) -> dict[int, list[dict]]:
    """The questions of the person's attempts (or pre-tests) with the answers they chose: three queries."""
    if not parent_ids:
        return {}
    items = list(db.session.scalars(select(model).where(parent_column.in_(parent_ids))
                                    .order_by(parent_column, model.position)))
    question_ids = {item.question_id for item in items}
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(question_ids or [-1])))}
    options = {o.id: o for o in db.session.scalars(select(Option).where(Option.question_id.in_(question_ids or [-1])))}
    sheets: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        question = questions[item.question_id]
        shown = [options[option_id].text for option_id, _token in item.option_order or () if option_id in options]
        chosen = [options[option_id].text for option_id in item.answer or () if option_id in options]
        sheets[getattr(item, parent_column.key)].append({
            "position": item.position, "type": question.type, "scenario": question.scenario or None,
            "question": question.text, "options_shown": shown, "answer": chosen,
            "answered_right": item.is_correct})
    return sheets


def _quiz_attempts(user: User) -> list[dict]:
    rows = db.session.execute(
        select(Attempt, Quiz, Module, Course).join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id).join(Course, Course.id == Module.course_id)
        .where(Attempt.user_id == user.id).order_by(Attempt.started_at, Attempt.id)).all()
    sheets = _answer_sheets(AttemptQuestion, AttemptQuestion.attempt_id, [a.id for a, *_rest in rows])
    return [{"id": a.id, "course": _course(course), "module": module.title, "quiz": quiz.title, "number": a.number,
             "started_at": iso(a.started_at), "submitted_at": iso(a.submitted_at), "score": a.score,
             "passed": a.passed, "pass_mark": a.pass_mark, "questions": sheets.get(a.id, [])}
            for a, quiz, module, course in rows]


def _pretests(user: User) -> list[dict]:
    rows = db.session.execute(select(Pretest, Course).join(Course, Course.id == Pretest.course_id)
                              .where(Pretest.user_id == user.id).order_by(Pretest.id)).all()
    ids = [p.id for p, _course_row in rows]
    sheets = _answer_sheets(PretestQuestion, PretestQuestion.pretest_id, ids)
    scores: dict[int, list[dict]] = defaultdict(list)
    for score, module in db.session.execute(
            select(PretestModuleScore, Module).join(Module, Module.id == PretestModuleScore.module_id)
            .where(PretestModuleScore.pretest_id.in_(ids or [-1])).order_by(Module.position)):
        scores[score.pretest_id].append({"module": module.title, "questions": score.question_count,
                                         "right": score.right_count, "score": score.score})
    return [{"id": p.id, "course": _course(course), "started_at": iso(p.started_at),
             "submitted_at": iso(p.submitted_at), "skipped_at": iso(p.skipped_at), "score": p.score,
             "module_scores": scores.get(p.id, []), "questions": sheets.get(p.id, [])} for p, course in rows]


# --- practical skills ---------------------------------------------------------------------------------------

def _observations(user: User) -> list[dict]:
    observer = aliased(User)
    rows = db.session.execute(
        select(Observation, Skill, Course, observer.full_name).join(Skill, Skill.id == Observation.skill_id)
        .join(Course, Course.id == Skill.course_id).join(observer, observer.id == Observation.observer_id)
        .where(Observation.learner_id == user.id).order_by(Observation.observed_at, Observation.id)).all()
    steps: dict[int, list[dict]] = defaultdict(list)
    for seen, step in db.session.execute(
            select(ObservedStep, SkillStep).join(SkillStep, SkillStep.id == ObservedStep.step_id)
            .where(ObservedStep.observation_id.in_([o.id for o, *_rest in rows] or [-1]))
            .order_by(ObservedStep.observation_id, SkillStep.position)):
        steps[seen.observation_id].append({"step": step.text, "critical": step.critical, "seen": seen.state})
    return [{"id": o.id, "course": _course(course), "skill": skill.title, "observer": observer_name,
             "observed_at": iso(o.observed_at), "recorded_at": iso(o.recorded_at), "place": o.place,
             "result": o.result, "note": o.note, "status": o.status, "from_paper": o.from_paper,
             "confirmed_on_paper": o.confirmed_on_paper, "answered_at": iso(o.answered_at),
             "steps": steps.get(o.id, [])} for o, skill, course, observer_name in rows]


def _competences(user: User) -> list[dict]:
    rows = db.session.execute(
        select(SkillCompetence, Skill, Course).join(Skill, Skill.id == SkillCompetence.skill_id)
        .join(Course, Course.id == Skill.course_id).where(SkillCompetence.user_id == user.id)
        .order_by(SkillCompetence.observed_at, SkillCompetence.id))
    return [{"id": c.id, "course": _course(course), "skill": skill.title, "observed_at": iso(c.observed_at),
             "confirmed_at": iso(c.confirmed_at), "observer": c.observer_name, "observer_role": c.observer_role,
             "confirmed_on_paper": c.confirmed_on_paper} for c, skill, course in rows]


# --- groups -------------------------------------------------------------------------------------------------

def _memberships(user: User) -> list[dict]:
    owner = aliased(User)
    rows = db.session.execute(
        select(CohortMember, Cohort, owner.full_name).join(Cohort, Cohort.id == CohortMember.cohort_id)
        .join(owner, owner.id == Cohort.owner_id).where(CohortMember.user_id == user.id)
        .order_by(CohortMember.joined_at, CohortMember.id))
    return [{"id": m.id, "group": cohort.name, "care_manager": care_manager, "joined_at": iso(m.joined_at),
             "joined_via": m.joined_via} for m, cohort, care_manager in rows]


def _former_memberships(user: User) -> list[dict]:
    rows = db.session.scalars(select(FormerMembership).where(FormerMembership.user_id == user.id)
                              .order_by(FormerMembership.left_at, FormerMembership.id))
    return [{"id": m.id, "group": m.cohort_name, "joined_at": iso(m.joined_at), "left_at": iso(m.left_at)}
            for m in rows]


def _invitations(user: User) -> list[dict]:
    """Open invitations to the person's own mobile number (the care manager named as on the invitation page)."""
    if not user.phone:
        return []
    inviter = aliased(User)
    rows = db.session.execute(
        select(CohortInvitation, Cohort, inviter.full_name).join(Cohort, Cohort.id == CohortInvitation.cohort_id)
        .outerjoin(inviter, inviter.id == CohortInvitation.invited_by_id)
        .where(CohortInvitation.phone == user.phone).order_by(CohortInvitation.created_at, CohortInvitation.id))
    return [{"group": cohort.name, "care_manager": name, "sent_at": iso(i.created_at),
             "expires_at": iso(i.expires_at)} for i, cohort, name in rows]


def _groups_led(user: User) -> list[dict]:
    """The groups the person accompanies, without their members (other people)."""
    cohorts = list(db.session.scalars(select(Cohort).where(Cohort.owner_id == user.id).order_by(Cohort.id)))
    titles: dict[int, list[str]] = defaultdict(list)
    for cohort_id, title in db.session.execute(
            select(CohortCourse.cohort_id, Course.title).join(Course, Course.id == CohortCourse.course_id)
            .where(CohortCourse.cohort_id.in_([c.id for c in cohorts] or [-1])).order_by(Course.title)):
        titles[cohort_id].append(title)
    return [{"id": c.id, "name": c.name, "description": c.description, "created_at": iso(c.created_at),
             "courses": titles.get(c.id, [])} for c in cohorts]


# --- certificates ---------------------------------------------------------------------------------------------

def certificates_of(user_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                                   .order_by(Certificate.issued_at, Certificate.id)))


def _certificates(user: User) -> list[dict]:
    certificates = certificates_of(user.id)
    events: dict[int, list[dict]] = defaultdict(list)
    for event in db.session.scalars(select(CertificateEvent).where(
            CertificateEvent.certificate_id.in_([c.id for c in certificates] or [-1]))
            .order_by(CertificateEvent.created_at, CertificateEvent.id)):
        events[event.certificate_id].append({"what": event.kind, "at": iso(event.created_at), "by": event.actor_label,
                                             "reason": event.reason or None})
    by_id = {c.id: c.public_id for c in certificates}
    return [{"id": c.id, "public_id": c.public_id, "status": certificate_status(c), "holder_name": c.holder_name,
             "course": c.course_title, "course_version": c.course_version, "hours": c.hours,
             "completed_on": iso(c.completed_on), "valid_until": iso(c.valid_until), "issued_at": iso(c.issued_at),
             "cycle": c.cycle, "renews": by_id.get(c.renews_id), "issuer": c.issuer,
             "signatory": c.signatory_name, "signatory_position": c.signatory_position, "language": c.locale,
             "revoked_at": iso(c.revoked_at), "revocation_reason": c.revocation_reason, "skills": c.skills or [],
             "history": events.get(c.id, []), "files": {}} for c in certificates]


# --- the account ------------------------------------------------------------------------------------------------

def profile(user: User) -> dict:
    village = db.session.get(Region, user.village_code) if user.village_code else None
    return {"id": user.id, "full_name": user.full_name, "phone": user.phone, "email": user.email,
            "sign_in_id": user.login_id, "role": user.role, "language": user.locale,
            "village_code": user.village_code, "village": village.name if village else None,
            "programme_area_code": user.scope_region_code, "account_active": user.is_active_account,
            "created_at": iso(user.created_at), "last_sign_in_at": iso(user.last_login_at)}


def _sessions(user: User) -> list[dict]:
    rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.created_at, UserSession.id))
    return [{"id": s.id, "signed_in_at": iso(s.created_at), "ends_at": iso(s.expires_at),
             "keep_me_signed_in": s.remember} for s in rows]


def _reset_codes(user: User) -> list[dict]:
    rows = db.session.scalars(select(PasswordResetCode).where(PasswordResetCode.user_id == user.id)
                              .order_by(PasswordResetCode.created_at, PasswordResetCode.id))
    # channel: "email" (asked for by the person) or "helper" (made by a care manager or an admin)
    return [{"id": c.id, "channel": c.channel, "made_at": iso(c.created_at), "expires_at": iso(c.expires_at),
             "used_at": iso(c.used_at)} for c in rows]


def _exports(user: User) -> list[dict]:
    rows = db.session.scalars(select(DataExport).where(DataExport.user_id == user.id).order_by(DataExport.id))
    return [{"id": e.id, "requested_at": iso(e.requested_at), "status": e.status, "built_at": iso(e.built_at),
             "expires_at": iso(e.expires_at), "rows": e.rows, "bytes": e.bytes, "sha256": e.sha256} for e in rows]


def _consents(user: User) -> list[dict]:
    rows = db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)
                              .order_by(PrivacyConsent.notice_version))
    return [{"id": c.id, "notice_version": c.notice_version, "accepted_at": iso(c.accepted_at),
             "age_basis": c.age_basis, "guardian_name": c.guardian_name} for c in rows]


# --- tables of features above this one ------------------------------------------------------------------------

def _rows_of(table_name: str, *columns: str) -> Callable[[User], list[dict]]:
    """Every column of the rows of a table this feature does not import, where one of `columns` is the person."""
    def read(user: User) -> list[dict]:
        table = db.metadata.tables.get(table_name)
        if table is None:
            return []
        rows = db.session.execute(select(table).where(or_(*(table.c[column] == user.id for column in columns)))
                                  .order_by(*table.primary_key.columns))
        key_column = list(table.primary_key.columns)[0].name  # a record's "id", as in every other list
        return [{"id": row._mapping[key_column]}
                | {key: iso(value) if isinstance(value, date) else value for key, value in row._mapping.items()}
                for row in rows]
    return read


def _rows_count(table_name: str, *columns: str) -> Callable[[int], object]:
    def count(user_id: int):
        table = db.metadata.tables[table_name]
        return (select(func.count()).select_from(table)
                .where(or_(*(table.c[column] == user_id for column in columns))).scalar_subquery())
    return count


# --- authoring (care managers who write courses) ----------------------------------------------------------------

def _authorships(user: User) -> list[dict]:
    rows = db.session.execute(select(CourseAuthor, CourseDraft).join(CourseDraft, CourseDraft.id ==
                                                                    CourseAuthor.draft_id)
                              .where(CourseAuthor.user_id == user.id).order_by(CourseAuthor.id))
    return [{"id": a.id, "course": draft.title, "role": a.role, "added_at": iso(a.added_at)} for a, draft in rows]


def _publications(user: User) -> list[dict]:
    rows = db.session.scalars(select(Publication).where(Publication.published_by_id == user.id)
                              .order_by(Publication.id))
    return [{"id": p.id, "course": p.title, "version": p.version, "published_at": iso(p.published_at)}
            for p in rows]


# --- the audit log ------------------------------------------------------------------------------------------------

#: what an entry is about when it is about nobody in particular: its label may be kept when someone else is
#: the subject (a group's name, a course's title); anything about a person (a user, a certificate, an
#: observation) keeps only that it happened
IMPERSONAL_TARGETS = ("cohort", "course", "organisation", "key")


def audit_subject(user_id: int, certificate_ids: list[str], observation_ids: list[str]):
    """Entries about the person: their account, their certificates, their observations (the target index)."""
    return or_(
        (AuditEntry.target_type == "user") & (AuditEntry.target_id == str(user_id)),
        (AuditEntry.target_type == "certificate") & AuditEntry.target_id.in_(certificate_ids or ["-"]),
        (AuditEntry.target_type == "observation") & AuditEntry.target_id.in_(observation_ids or ["-"]))


def _audit_entries(user: User) -> list[dict]:
    certificate_ids = list(db.session.scalars(select(Certificate.public_id).where(Certificate.user_id == user.id)))
    observation_ids = [str(i) for i in db.session.scalars(select(Observation.id).where(
        Observation.learner_id == user.id))]
    about = audit_subject(user.id, certificate_ids, observation_ids)
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEntry, actor.full_name, actor.role, about.label("about"))
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .where(or_(AuditEntry.actor_id == user.id, about)).order_by(AuditEntry.created_at, AuditEntry.id))
    records = []
    for entry, actor_name, actor_role, is_about in rows:
        record = {"id": entry.id, "at": iso(entry.created_at), "action": entry.action,
                  "by_you": entry.actor_id == user.id}
        if not record["by_you"]:
            record["by"] = {"name": actor_name, "role": actor_role} if actor_name else None
        if is_about:
            record.update(about=entry.target_type, label=entry.target_label, details=entry.details or {})
        else:  # something the person did to someone or something else: only that it happened
            record["about"] = entry.target_type
            if entry.target_type in IMPERSONAL_TARGETS:
                record["label"] = entry.target_label
        records.append(record)
    return records


def _group_reports(user: User) -> list[dict]:
    """Reports of the person's groups downloaded while they were in them: their name and progress were in each."""
    reports = group_reports_while_member(memberships(user.id))
    if reports is None:
        return []
    actor = aliased(User)
    rows = db.session.execute(select(AuditEntry, actor.full_name, actor.role)
                              .outerjoin(actor, actor.id == AuditEntry.actor_id).where(reports)
                              .order_by(AuditEntry.created_at, AuditEntry.id))
    return [{"at": iso(entry.created_at), "group": entry.target_label,
             "by": {"name": name, "role": role} if name else None} for entry, name, role in rows]


def _audit_count(user_id: int):
    return select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_id == user_id).scalar_subquery()


SECTIONS: tuple[Section, ...] = (
    Section("group_memberships", "cohort_members", ("user_id",), _l("Your groups"), _memberships,
            _count(CohortMember, CohortMember.user_id)),
    Section("former_group_memberships", "former_memberships", ("user_id",), _l("Groups you have left"),
            _former_memberships, _count(FormerMembership, FormerMembership.user_id)),
    Section("group_invitations", None, (), _l("Invitations to your number"), _invitations),
    Section("enrollments", "enrollments", ("user_id",), _l("Courses you follow"), _enrollments,
            _count(Enrollment, Enrollment.user_id)),
    Section("lesson_completions", "lesson_completions", ("user_id",), _l("Lessons you finished"),
            _lesson_completions, _count(LessonCompletion, LessonCompletion.user_id)),
    Section("offline_lesson_marks", "progress_sync_marks", ("user_id",), _l("Lessons marked done without signal"),
            _synced_marks, _count(SyncedMark, SyncedMark.user_id)),
    Section("quiz_passes", "quiz_passes", ("user_id",), _l("Quizzes you passed"), _quiz_passes,
            _count(QuizPass, QuizPass.user_id)),
    Section("quiz_attempts", "quiz_attempts", ("user_id",), _l("Your quiz attempts"), _quiz_attempts,
            _count(Attempt, Attempt.user_id)),
    Section("pretests", "pretests", ("user_id",), _l("Your pre-tests"), _pretests, _count(Pretest, Pretest.user_id)),
    Section("skill_observations", "skill_observations", ("learner_id",), _l("Observations of your practical skills"),
            _observations, _count(Observation, Observation.learner_id)),
    Section("skills_seen_done", "skill_competences", ("user_id",), _l("Skills seen done well"), _competences,
            _count(SkillCompetence, SkillCompetence.user_id)),
    Section("certificates", "certificates", ("user_id",), _l("Your certificates"), _certificates,
            _count(Certificate, Certificate.user_id)),
    Section("sessions", "user_sessions", ("user_id",), _l("Devices where you are signed in"), _sessions,
            _count(UserSession, UserSession.user_id)),
    Section("password_reset_codes", "password_reset_codes", ("user_id",), _l("Codes to set a new password"),
            _reset_codes, _count(PasswordResetCode, PasswordResetCode.user_id)),
    Section("privacy_consents", "privacy_consents", ("user_id",), _l("Your agreements to the privacy notice"),
            _consents, _count(PrivacyConsent, PrivacyConsent.user_id)),
    Section("groups_you_accompany", "cohorts", ("owner_id",), _l("Groups you accompany"), _groups_led,
            _count(Cohort, Cohort.owner_id)),
    Section("course_authorships", "course_authors", ("user_id",), _l("Courses you write"), _authorships,
            _count(CourseAuthor, CourseAuthor.user_id)),
    Section("course_publications", "course_publications", ("published_by_id",), _l("Courses you published"),
            _publications, _count(Publication, Publication.published_by_id)),
    Section("data_copies", "data_exports", ("user_id",), _l("Copies of your data"), _exports,
            _count(DataExport, DataExport.user_id)),
    Section("group_reports_with_your_data", None, (), _l("Group reports that held your data"), _group_reports),
    # tables of lms/erasure, which this feature does not import: read by name from the metadata
    Section("account_deletion", "erasure_requests", ("user_id",), _l("Your request to delete your account"),
            _rows_of("erasure_requests", "user_id"), _rows_count("erasure_requests", "user_id")),
    Section("requests_to_an_administrator", "privacy_requests", ("user_id", "filed_by_id"),
            _l("Your requests to an administrator"), _rows_of("privacy_requests", "user_id", "filed_by_id"),
            _rows_count("privacy_requests", "user_id", "filed_by_id")),
    Section("unused_account_warnings", "retention_notices", ("user_id",),
            _l("Warnings before an unused account is deleted"), _rows_of("retention_notices", "user_id"),
            _rows_count("retention_notices", "user_id")),
    Section("audit_log", "audit_entries", ("actor_id",), _l("The audit log: about you and by you"), _audit_entries,
            _audit_count),
)


def collect(user: User) -> dict:
    """The whole copy as data-saya.json holds it (the certificates' files are added by archive.py)."""
    data = {"format": FORMAT, "profile": profile(user)}
    for section in SECTIONS:
        data[section.key] = section.read(user)
    return data


def count_rows(user_id: int) -> int:
    """Rows of the person's data, in one statement: what decides whether a copy is built in the request."""
    counted = [section.count(user_id) for section in SECTIONS if section.count is not None]
    return int(sum(db.session.execute(select(*counted)).one()))
