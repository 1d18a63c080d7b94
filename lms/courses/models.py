"""Courses as loaded from content files, and each learner's progress through them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..content_format import PERFORMED_ON_CHOICES, PRACTICE_CHOICES
from ..database import one_of
from ..extensions import db
from ..timeutil import utcnow


class Course(db.Model):
    """A course as the importer (or a published draft) last wrote it: modules of lessons, quizzes.

    Each publication with learner-visible changes raises `version`; the rows of modules and
    lessons that left the files are retired, not deleted, so learners' history survives.
    """

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable identity, the folder name in content/
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="id")
    #: hours of study (jam pelajaran, JP) stated on certificates
    hours: Mapped[int]
    #: the published version number, printed on certificates (not the cache revision, see lms/caches.py)
    version: Mapped[int] = mapped_column(default=1)
    #: default quiz pass mark, percent
    pass_mark: Mapped[int] = mapped_column(default=70)
    #: months a certificate stays valid; None means no expiry
    certificate_validity_months: Mapped[int | None]
    #: observed practical skills: "required" for the certificate, "optional", or "none" (content_format)
    practice: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    #: questions the pre-test draws from each module quiz's pool (course.yaml `pretest`); None: no pre-test
    pretest_questions_per_module: Mapped[int | None]
    #: names of the people who wrote and reviewed the course
    authors: Mapped[list] = mapped_column(JSON, default=list)
    #: [{title, publisher, url, year}] of the guidance the material follows
    sources: Mapped[list] = mapped_column(JSON, default=list)
    #: shown in the catalogue and open to enrolment
    is_published: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: moved by every write of the importer to the course, its modules, lessons or pictures:
    #: with id and created_at it is the course's revision, the key of the process caches
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint(one_of("practice", PRACTICE_CHOICES), name="known_practice"),)

    def __repr__(self) -> str:
        return f"<Course {self.slug} v{self.version}>"


class Module(db.Model):
    """A module of a course (a folder in content/): lessons in order, then perhaps a quiz."""

    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    #: order in the course (from the folder's number prefix)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: minutes of hands-on practice the module asks for (module.yaml), counted in the hours of study
    practice_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    #: a module ends with a quiz that must be passed (set by the quiz loader)
    has_quiz: Mapped[bool] = mapped_column(default=False)
    #: set when the module disappeared from the course files; history is kept
    retired_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="module", order_by="Lesson.position")

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class Lesson(db.Model):
    """One page of reading in a module; marking it done is a step of the learner's progress."""

    __tablename__ = "lessons"
    # Lesson slugs are unique in a course so a lesson can move between modules
    # without learners losing their progress.
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    #: order in the module (from the file's number prefix)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    #: estimated reading time in minutes
    minutes: Mapped[int] = mapped_column(default=5)
    #: the lesson text as written (Markdown); rendered and sanitized on display
    body: Mapped[str] = mapped_column(Text)
    #: set when the lesson disappeared from the course files; it no longer counts towards progress
    retired_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship(back_populates="lessons")
    course: Mapped[Course] = relationship()

    @property
    def is_current(self) -> bool:
        return self.retired_at is None


class CourseAsset(db.Model):
    """An image from the course folder, kept in the database so every app server can serve it."""

    __tablename__ = "course_assets"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: path relative to the course folder, e.g. images/cuci-tangan.svg
    path: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    #: sha256 of the bytes; part of the URL so the file can be cached forever
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)

    #: phone-sized WebP copies of a PNG, JPEG or WebP picture (none for SVG), smallest first
    variants: Mapped[list[CourseAssetVariant]] = relationship(
        order_by="CourseAssetVariant.width", cascade="all, delete-orphan", passive_deletes=True
    )


class CourseAssetVariant(db.Model):
    """A picture resized to a phone width and stored as WebP, made when the picture is imported."""

    __tablename__ = "course_asset_variants"
    __table_args__ = (UniqueConstraint("asset_id", "width"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("course_assets.id", ondelete="CASCADE"), index=True)
    #: pixel size of this copy (the width is one of images.VARIANT_WIDTHS, or the original's when narrower)
    width: Mapped[int]
    height: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(64))
    #: sha256 of the bytes; part of the URL so the copy can be cached forever
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Enrollment(db.Model):
    """A learner taking a course: made by their first step or by enrolling, completed once."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the learner's latest lesson or quiz in this course (the dashboard's order, cohort reports)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when every module was done; set once
    completed_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()


class LessonCompletion(db.Model):
    """A lesson a learner marked done (at most once; kept when the lesson is retired)."""

    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizPass(db.Model):
    """A module's quiz passed by a learner: the best passing score counts."""

    __tablename__ = "quiz_passes"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    best_score: Mapped[int]
    passed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SkillCompetence(db.Model):
    """A skill the learner was seen doing competently, confirmed by them (or on the signed paper sheet).

    The practice feature writes it through services.record_skill_competence when an observation
    counts; progress reads it like a quiz pass. The first one counts and stays. The observer's name
    and role are kept as they were, because the certificate prints them.
    """

    __tablename__ = "skill_competences"
    __table_args__ = (UniqueConstraint("user_id", "skill_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    #: when the observation was made (not when it was sent or confirmed)
    observed_at: Mapped[datetime]
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    observer_name: Mapped[str] = mapped_column(String(120))
    #: the observer's role then ("trainer" or "admin")
    observer_role: Mapped[str] = mapped_column(String(16))
    #: confirmed by the learner's signature on the printed sheet, not from their own account
    confirmed_on_paper: Mapped[bool] = mapped_column(default=False)


class Skill(db.Model):
    """A practical skill of a module (skills.yaml), observed by a care manager against its checklist."""

    __tablename__ = "skills"
    __table_args__ = (UniqueConstraint("course_id", "slug"),
                      CheckConstraint(one_of("performed_on", PERFORMED_ON_CHOICES), name="known_performed_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"), index=True)
    #: unique in the course, so a skill can move between modules and keep its observations
    slug: Mapped[str] = mapped_column(String(80))
    #: order in the module's skills.yaml
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    #: why it matters, in a sentence or two (shown to the learner and on the observation sheet)
    why: Mapped[str] = mapped_column(Text)
    #: "person", or "doll": demonstrated on a doll or pillow, never practised on a person (choking, CPR)
    performed_on: Mapped[str] = mapped_column(String(10), default="person")
    #: a real SKKNI/BNSP competency unit code, or "" when the course names none
    competency_unit: Mapped[str] = mapped_column(String(40), default="")
    #: set when the skill disappeared from the files; its observations are kept
    retired_at: Mapped[datetime | None]

    module: Mapped[Module] = relationship()
    steps: Mapped[list[SkillStep]] = relationship(back_populates="skill", order_by="SkillStep.position")


class SkillStep(db.Model):
    """One observable step of a skill's checklist; a critical step must be done for a competent result."""

    __tablename__ = "skill_steps"
    __table_args__ = (UniqueConstraint("skill_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    #: the step's id in skills.yaml (its position's letter when none is written)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(200))
    critical: Mapped[bool] = mapped_column(default=False)
    retired_at: Mapped[datetime | None]

    skill: Mapped[Skill] = relationship(back_populates="steps")


class SyncedMark(db.Model):
    """A lesson marked done on a phone while offline, sent later; the phone's id makes sending twice harmless."""

    __tablename__ = "progress_sync_marks"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the UUID the phone made for this mark (lower case, with hyphens)
    client_id: Mapped[str] = mapped_column(String(36))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    #: when the learner marked the lesson on the phone (its clock, never later than received_at)
    done_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonNarration(db.Model):
    """A lesson read aloud by a trainer in one language, converted to Opus and kept in the database.

    One per lesson and language (a new recording replaces the old one). `lesson_hash` is the
    lesson's text (narrations.lesson_text_hash) when it was recorded or last confirmed: when
    the lesson changes, learners and the trainer are told the recording may be out of date.
    """

    __tablename__ = "lesson_narrations"
    __table_args__ = (UniqueConstraint("lesson_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: (the unique constraint indexes lesson_id)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"))
    #: the course of the lesson, so a course's narrations are read in one query (offline saving)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    #: a code of narrations.LANGUAGES: "id", "jv", "su", "mad"…
    language: Mapped[str] = mapped_column(String(8))
    #: always audio/ogg (Opus), see lms/courses/audio.py
    content_type: Mapped[str] = mapped_column(String(40))
    #: sha256 of the bytes; part of the URL so the file can be cached forever
    sha256: Mapped[str] = mapped_column(String(64))
    #: loaded only when served: pages and a 304 need the hash, not the bytes
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: len(data), shown before playing ("410 KB") without loading the bytes
    size: Mapped[int]
    duration_ms: Mapped[int]
    #: narrations.lesson_text_hash of the lesson the recording was made (or last confirmed) for
    lesson_hash: Mapped[str] = mapped_column(String(64))
    #: the course version at that moment, for the trainer's page
    course_version: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when a trainer last said the recording still matches the changed lesson; None if never needed
    confirmed_at: Mapped[datetime | None]
