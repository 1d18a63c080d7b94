"""Load courses from content/ into the database: validate everything, then apply.

All or nothing: every file of every course is parsed and checked first; the database
is touched only when no problem was found, and the caller commits once. Applying the
same files twice changes nothing. The keys each file may have are those of `lms.content_format`.
Other features (quizzes) read their own files in a module folder: they answer the
`reading_module_files` signal, so this module imports none of them.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from .. import content_format as cf
from ..extensions import db
from ..timeutil import utcnow
from .study_time import hours_of_study
from .content_files import (
    SLUG_RE,
    FileProblems,
    Problem,
    Reader,
    assign_changed,
    load_yaml_file,
    ordered_entries,
    split_front_matter,
)
from .images import refresh_variants
from .queries import forget_pictures
from .signals import reading_module_files
from .svg_sanitizer import SvgRefused, clean_svg
from .models import Course, CourseAsset, Lesson, Module, Skill
from .skills_file import SkillSpec, apply_skills, parse_skills, retire_skills

ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp",
               ".svg": "image/svg+xml"}
MAX_ASSET_BYTES = 2 * 1024 * 1024
IMAGE_REF_RE = re.compile(r"!\[[^\]]*\]\(\s*([^)\s]+)")


@dataclass
class LessonSpec:
    slug: str
    position: int
    title: str
    minutes: int
    body: str
    path: Path


@dataclass
class ModuleSpec:
    slug: str
    position: int
    title: str
    summary: str
    path: Path
    #: hands-on practice the module asks for (module.yaml), counted in the hours of study
    practice_minutes: int = 0
    lessons: list[LessonSpec] = field(default_factory=list)
    #: practical skills (skills.yaml), observed by the care manager
    skills: list[SkillSpec] = field(default_factory=list)
    #: parsed extra files by file name (e.g. quiz.yaml), from other features' handlers (module_file_handlers)
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PretestSpec:
    """course.yaml's `pretest`: questions drawn from each module quiz's pool, before the first lesson."""

    questions_per_module: int


@dataclass
class CourseSpec:
    slug: str
    path: Path
    title: str = ""
    summary: str = ""
    audience: str = ""
    language: str = "id"
    #: hours of study (JP) computed from the lessons, quizzes and practice (see study_time)
    hours: int = 1
    #: minutes those add up to
    study_minutes: int = 0
    #: what course.yaml says, if anything: only compared with the computed hours
    declared_hours: int | None = None
    version: int = 1
    pass_mark: int = 70
    certificate_validity_months: int | None = None
    #: observed skills: required for the certificate, optional, or none (content_format.PRACTICE_CHOICES)
    practice: str = "none"
    #: a pre-test before the first lesson (quizzes draws and grades it), or None
    pretest: PretestSpec | None = None
    is_published: bool = True
    authors: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    modules: list[ModuleSpec] = field(default_factory=list)
    #: path relative to the course folder -> (content type, bytes)
    assets: dict[str, tuple[str, bytes]] = field(default_factory=dict)


class ModuleFileHandler(Protocol):
    """A feature that owns one file name in module folders (e.g. quizzes: quiz.yaml)."""

    filename: str

    def parse(self, path: Path, course: CourseSpec, problems: list[Problem]) -> Any:
        """Read and validate the file, appending located problems."""

    def apply(self, module: Module, data: Any | None) -> int:
        """Bring the database in line with the file (None: the file is absent); return changes."""

    def study_minutes(self, data: Any) -> int:
        """Minutes a learner spends on what the file holds (counted in the hours of study)."""


def module_file_handlers() -> dict[str, ModuleFileHandler]:
    """file name -> the handler its feature returns to courses.signals.reading_module_files."""
    return {handler.filename: handler for _receiver, handler in reading_module_files.send(None) if handler}


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in course files")
        self.problems = problems


@dataclass
class CourseReport:
    slug: str
    created: bool
    changes: int
    #: set when the files were older than the published course and left it alone: the version kept
    kept_newer_version: int | None = None


# --- parsing -------------------------------------------------------------------------


def parse_course(folder: Path, problems: list[Problem]) -> CourseSpec:
    spec = CourseSpec(slug=folder.name, path=folder)
    if not SLUG_RE.match(folder.name):
        problems.append(Problem(folder, "course folder names use lower-case letters, digits and '-' only",
                                code="bad_course_folder"))
    course_file = folder / cf.COURSE_FILE
    if not course_file.is_file():
        problems.append(Problem(course_file, "missing course.yaml", code="missing_file"))
        return spec
    try:
        data = load_yaml_file(course_file)
    except FileProblems as exc:
        problems.extend(exc.problems)
        return spec
    reader = Reader(data, course_file, problems)
    reader.unknown_keys(cf.COURSE.allowed)
    spec.title = reader.text("title", max_length=200)
    spec.summary = reader.text("summary", max_length=2000)
    spec.audience = reader.text("audience", max_length=2000)
    spec.language = reader.text("language", required=False, default="id") or "id"
    if spec.language not in ("id", "en"):
        reader.problem("'language' must be id or en", "language", code="bad_language")
    spec.declared_hours = reader.integer("hours", required=False, minimum=1, maximum=1000, nullable=True)
    spec.version = reader.integer("version", minimum=1, default=1)
    spec.pass_mark = reader.integer("pass_mark", required=False, minimum=1, maximum=100, default=70)
    spec.certificate_validity_months = reader.integer(
        "certificate_validity_months", required=False, minimum=1, maximum=600, nullable=True
    )
    spec.practice = reader.text("practice", required=False, default="none") or "none"
    if spec.practice not in cf.PRACTICE_CHOICES:
        reader.problem(f"'practice' must be {', '.join(cf.PRACTICE_CHOICES)}", "practice", code="bad_practice")
    # Read before the modules: each quiz checks that its pool has enough questions for the pre-test.
    spec.pretest = _parse_pretest(reader)
    spec.is_published = reader.boolean("published", default=True)
    spec.authors = [str(a).strip() for a in reader.items("authors") if str(a).strip()]
    if not spec.authors and "authors" in data:
        reader.problem("'authors' needs at least one name", "authors", code="no_authors")
    for index, source in enumerate(reader.items("sources")):
        if not isinstance(source, dict) or not str(source.get("title", "")).strip():
            reader.problem(f"source {index + 1} needs at least a title", "sources", code="source_without_title",
                           number=index + 1)
            continue
        spec.sources.append({k: str(source[k]).strip() for k in cf.SOURCE.keys if source.get(k)})
    spec.assets = _parse_assets(folder / cf.IMAGES_FOLDER, problems)
    for position, slug, module_dir in ordered_entries(folder, dirs=True):
        spec.modules.append(_parse_module(module_dir, position, slug, spec, problems))
    _check_unordered(folder, problems, dirs=True, allowed={cf.IMAGES_FOLDER})
    if not spec.modules:
        problems.append(Problem(folder, "a course needs at least one module folder named like 01-slug",
                                code="no_modules"))
    spec.study_minutes = sum(_module_minutes(module) for module in spec.modules)
    spec.hours = hours_of_study(spec.study_minutes)
    _check_skills(spec, reader, problems)
    _check_pretest(spec, reader)
    slugs = [lesson.slug for module in spec.modules for lesson in module.lessons]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(Problem(folder, f"lesson slug '{slug}' is used twice; lesson slugs must be unique in a course",
                                code="duplicate_lesson", params={"lesson": slug}))
    return spec


def _parse_pretest(reader: Reader) -> PretestSpec | None:
    """course.yaml's `pretest: {questions_per_module: N}`; None when the key is absent or null."""
    value = reader.data.get("pretest")
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.problem("'pretest' must be a mapping, e.g. {questions_per_module: 2}", "pretest", code="bad_pretest")
        return None
    pretest = Reader(value, reader.path, reader.problems, context=reader.context)
    pretest.unknown_keys(cf.PRETEST.allowed)
    count = pretest.integer("questions_per_module", minimum=1, maximum=cf.PRETEST_MAX_PER_MODULE)
    return PretestSpec(count) if count is not None and 1 <= count <= cf.PRETEST_MAX_PER_MODULE else None


def _check_pretest(spec: CourseSpec, reader: Reader) -> None:
    """A pre-test needs module quizzes to draw from (each quiz checks its own pool is large enough)."""
    if spec.pretest and not any(module.extras.get(cf.QUIZ_FILE) for module in spec.modules):
        reader.problem("'pretest' draws from the module quizzes, but no module has a quiz.yaml", "pretest",
                       code="pretest_without_quizzes")


def _check_skills(spec: CourseSpec, reader: Reader, problems: list[Problem]) -> None:
    """Skill ids are unique in the course, and a course with skills says how they count."""
    skills = [(module, skill) for module in spec.modules for skill in module.skills]
    slugs = [skill.slug for _module, skill in skills]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        problems.append(Problem(spec.path, f"skill id '{slug}' is used in two modules; skill ids are unique in a "
                                           "course", code="duplicate_skill", params={"skill": slug}))
    if skills and spec.practice == "none":
        reader.problem("the course has skills (skills.yaml): set 'practice' to required or optional", "practice",
                       code="practice_without_setting")
    if not skills and spec.practice == "required":
        reader.problem("'practice: required' needs at least one skill in a module's skills.yaml", "practice",
                       code="practice_without_skills")


def _module_minutes(module: ModuleSpec) -> int:
    handlers = module_file_handlers()
    extras = sum(handlers[name].study_minutes(data) for name, data in module.extras.items()
                 if data is not None and name in handlers)
    return sum(lesson.minutes for lesson in module.lessons) + module.practice_minutes + extras


def _parse_assets(images: Path, problems: list[Problem]) -> dict[str, tuple[str, bytes]]:
    assets: dict[str, tuple[str, bytes]] = {}
    if not images.is_dir():
        return assets
    for path in sorted(images.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        content_type = ASSET_TYPES.get(path.suffix.lower())
        if content_type is None:
            problems.append(Problem(path, f"images must be {', '.join(sorted(ASSET_TYPES))}", code="bad_image_type"))
            continue
        data = path.read_bytes()
        if len(data) > MAX_ASSET_BYTES:
            problems.append(Problem(path, f"image is larger than {MAX_ASSET_BYTES // 1024 // 1024} MB",
                                    code="image_too_large", params={"mb": MAX_ASSET_BYTES // 1024 // 1024}))
            continue
        if content_type == "image/svg+xml":
            try:
                data = clean_svg(data)  # what could run, link or load goes; a clean drawing stays byte for byte
            except SvgRefused as refused:
                problems.append(Problem(path, refused.problem, refused.line, code="svg_refused",
                                        params={"reason": refused.reason}))
                continue
        assets[f"{cf.IMAGES_FOLDER}/{path.name}"] = (content_type, data)
    return assets


def _parse_module(folder: Path, position: int, slug: str, course: CourseSpec, problems: list[Problem]) -> ModuleSpec:
    module = ModuleSpec(slug=slug, position=position, title="", summary="", path=folder)
    meta_file = folder / cf.MODULE_FILE
    if meta_file.is_file():
        try:
            reader = Reader(load_yaml_file(meta_file), meta_file, problems)
            reader.unknown_keys(cf.MODULE.allowed)
            module.title = reader.text("title", max_length=200)
            module.summary = reader.text("summary", required=False, max_length=2000)
            module.practice_minutes = reader.integer("practice_minutes", required=False, minimum=0, maximum=600,
                                                     default=0, nullable=True) or 0
        except FileProblems as exc:
            problems.extend(exc.problems)
    else:
        problems.append(Problem(meta_file, "missing module.yaml (title and summary of the module)",
                                code="missing_file"))
    lesson_entries = ordered_entries(folder, dirs=False, suffix=cf.LESSON_SUFFIX)
    for lesson_position, lesson_slug, path in lesson_entries:
        lesson = _parse_lesson(path, lesson_position, lesson_slug, course, problems)
        if lesson:
            module.lessons.append(lesson)
    if not module.lessons:
        problems.append(Problem(folder, "a module needs at least one lesson file named like 01-slug.md",
                                code="no_lessons"))
    handlers = module_file_handlers()
    expected = {cf.MODULE_FILE, cf.SKILLS_FILE, *handlers} | {path.name for *_x, path in lesson_entries}
    for entry in sorted(folder.iterdir()):
        if not entry.name.startswith(".") and entry.name not in expected:
            problems.append(Problem(entry, "unexpected file: lessons are named like 01-slug.md",
                                    code="unexpected_file"))
    for filename, handler in handlers.items():
        path = folder / filename
        if path.is_file():
            module.extras[filename] = handler.parse(path, course, problems)
    if (folder / cf.SKILLS_FILE).is_file():
        module.skills = parse_skills(folder / cf.SKILLS_FILE, problems)
    return module


def _parse_lesson(path: Path, position: int, slug: str, course: CourseSpec,
                  problems: list[Problem]) -> LessonSpec | None:
    try:
        meta, body, body_line = split_front_matter(path)
    except FileProblems as exc:
        problems.extend(exc.problems)
        return None
    reader = Reader(meta, path, problems)
    reader.unknown_keys(cf.LESSON.allowed)
    title = reader.text("title", max_length=200)
    minutes = reader.integer("minutes", minimum=1, maximum=60, default=5)
    if not body.strip():
        problems.append(Problem(path, "the lesson has no text after the front matter", body_line, code="empty_lesson"))
    for number, line in enumerate(body.splitlines(), start=body_line):
        for target in IMAGE_REF_RE.findall(line):
            if "://" in target or target.startswith("/"):
                problems.append(Problem(path, f"image '{target}' must be a file in the course's images/ folder", number,
                                        code="image_not_local", params={"image": target}))
            elif target not in course.assets:
                problems.append(Problem(path, f"image '{target}' not found in the course folder", number,
                                        code="image_missing", params={"image": target}))
    return LessonSpec(slug=slug, position=position, title=title, minutes=minutes or 5, body=body.strip() + "\n",
                      path=path)


def _check_unordered(folder: Path, problems: list[Problem], *, dirs: bool, allowed: set[str]) -> None:
    ordered = {p for *_x, p in ordered_entries(folder, dirs=dirs)}
    for entry in folder.iterdir():
        hidden = entry.name.startswith(".")
        if entry.is_dir() == dirs and entry not in ordered and entry.name not in allowed and not hidden:
            problems.append(Problem(entry, "unexpected folder: modules are named like 01-slug",
                                    code="unexpected_folder"))


def parse_content(root: Path) -> list[CourseSpec]:
    """Parse every course under root; raise ContentError listing every problem."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(root, "content folder not found", code="no_content")])
    if (root / cf.COURSE_FILE).is_file():  # a single course folder was given
        folders = [root]
    else:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    specs = [parse_course(folder, problems) for folder in folders]
    if not specs and not problems:
        problems.append(Problem(root, "no course folders found", code="no_content"))
    if problems:
        raise ContentError(problems)
    return specs


# --- applying --------------------------------------------------------------------------


def apply_course(spec: CourseSpec) -> CourseReport:
    course = db.session.scalar(select(Course).where(Course.slug == spec.slug))
    created = course is None
    if created:
        course = Course(slug=spec.slug)
        db.session.add(course)
    changes = assign_changed(
        course, title=spec.title, summary=spec.summary, audience=spec.audience, language=spec.language,
        hours=spec.hours, version=spec.version, pass_mark=spec.pass_mark,
        certificate_validity_months=spec.certificate_validity_months, practice=spec.practice,
        pretest_questions_per_module=spec.pretest.questions_per_module if spec.pretest else None,
        is_published=spec.is_published,
        authors=spec.authors, sources=spec.sources,
    )
    db.session.flush()
    now = utcnow()

    modules = {m.slug: m for m in db.session.scalars(select(Module).where(Module.course_id == course.id))}
    lessons = {lsn.slug: lsn for lsn in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id))}
    skills = {s.slug: s for s in db.session.scalars(select(Skill).where(Skill.course_id == course.id))}
    seen_modules, seen_lessons = set(), set()
    for module_spec in spec.modules:
        module = modules.get(module_spec.slug)
        if module is None:
            module = Module(course_id=course.id, slug=module_spec.slug, position=0, title="")
            modules[module_spec.slug] = module
            db.session.add(module)
            changes += 1
        changes += assign_changed(module, position=module_spec.position, title=module_spec.title,
                                  summary=module_spec.summary, practice_minutes=module_spec.practice_minutes,
                                  retired_at=None)
        db.session.flush()
        seen_modules.add(module.slug)
        for lesson_spec in module_spec.lessons:
            lesson = lessons.get(lesson_spec.slug)
            if lesson is None:
                lesson = lessons[lesson_spec.slug] = Lesson(course_id=course.id, slug=lesson_spec.slug, position=0,
                                                            title="", body="", module_id=module.id)
                db.session.add(lesson)
                changes += 1
            changes += assign_changed(lesson, module_id=module.id, position=lesson_spec.position,
                                      title=lesson_spec.title, minutes=lesson_spec.minutes, body=lesson_spec.body,
                                      retired_at=None)
            seen_lessons.add(lesson.slug)
        for filename, handler in module_file_handlers().items():
            changes += handler.apply(module, module_spec.extras.get(filename))
        changes += apply_skills(module, module_spec.skills, skills)
    changes += retire_skills(skills, {skill.slug for module_spec in spec.modules for skill in module_spec.skills})
    for slug, module in modules.items():
        if slug not in seen_modules and module.retired_at is None:
            module.retired_at = now
            changes += 1
    for slug, lesson in lessons.items():
        if slug not in seen_lessons and lesson.retired_at is None:
            lesson.retired_at = now
            changes += 1
    asset_changes = _apply_assets(course, spec.assets)
    if asset_changes:
        forget_pictures(course.id)
    changes += asset_changes
    if changes and not created:
        course.updated_at = now
    db.session.flush()
    return CourseReport(slug=spec.slug, created=created, changes=changes)


def _apply_assets(course: Course, assets: dict[str, tuple[str, bytes]]) -> int:
    existing = {a.path: a for a in db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id))}
    changes = 0
    for path, (content_type, data) in assets.items():
        digest = hashlib.sha256(data).hexdigest()
        asset = existing.get(path)
        changed = asset is None or asset.sha256 != digest
        if asset is None:
            asset = CourseAsset(course_id=course.id, path=path, content_type=content_type, sha256=digest, data=data)
            db.session.add(asset)
            changes += 1
        elif changed:
            asset.content_type, asset.sha256, asset.data = content_type, digest, data
            changes += 1
        # Phone-sized WebP copies: made with the picture, or added to pictures imported before them.
        written = refresh_variants(asset, changed=changed)
        if written and not changed:
            changes += 1
    for path, asset in existing.items():
        if path not in assets:
            db.session.delete(asset)
            changes += 1
    return changes


def import_content(root: Path, *, replace_newer: bool = False) -> list[CourseReport]:
    """Validate all course folders under root, then apply them. The caller commits.

    A course whose published version is newer than its files (typically published from the
    browser editor since the files were written) is left as it is unless `replace_newer`:
    loading content/ again, as `make run` does at every start, must not undo a trainer's work.
    """
    specs = parse_content(root)
    published = dict(db.session.execute(
        select(Course.slug, Course.version).where(Course.slug.in_([spec.slug for spec in specs]))).all())
    reports = []
    for spec in specs:
        current = published.get(spec.slug)
        if current is not None and current > spec.version and not replace_newer:
            reports.append(CourseReport(spec.slug, created=False, changes=0, kept_newer_version=current))
        else:
            reports.append(apply_course(spec))
    return reports
