"""A module's skills.yaml: practical skills with a checklist of observable steps (content/README.md).

Read and checked with located problems like every course file, then applied by the importer:
skills and steps keep their rows by id (slug), so observations keep pointing at what was
observed; what disappears from the file is retired, never deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from .. import content_format as cf
from ..extensions import db
from ..timeutil import utcnow
from .content_files import SLUG_RE, FileProblems, Problem, Reader, assign_changed, load_yaml_file
from .models import Module, Skill, SkillStep

MIN_STEPS = 3
MAX_STEPS = 15
MAX_TITLE = 120
MAX_STEP = 200
MAX_COMPETENCY_UNIT = 40


@dataclass
class SkillStepSpec:
    slug: str
    position: int
    text: str
    critical: bool = False


@dataclass
class SkillSpec:
    slug: str
    position: int
    title: str
    why: str
    performed_on: str = "person"
    competency_unit: str = ""
    steps: list[SkillStepSpec] = field(default_factory=list)


def parse_skills(path: Path, problems: list[Problem]) -> list[SkillSpec]:
    """Every skill of one skills.yaml, appending a located problem for everything wrong."""
    try:
        data = load_yaml_file(path)
    except FileProblems as exc:
        problems.extend(exc.problems)
        return []
    reader = Reader(data, path, problems)
    reader.unknown_keys(cf.SKILLS.allowed)
    skills: list[SkillSpec] = []
    items = reader.items("skills")
    if not items and "skills" in data:
        reader.problem("'skills' needs at least one skill", "skills", code="no_skills")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            reader.problem(f"skill {index + 1} must be a mapping with id, title, why and steps", "skills",
                           code="skill_not_mapping", number=index + 1)
            continue
        skill = _parse_skill(Reader(item, path, problems, context={"number": index + 1}), index + 1)
        if skill is not None:
            skills.append(skill)
    slugs = [skill.slug for skill in skills]
    for slug in sorted({s for s in slugs if slugs.count(s) > 1}):
        reader.problem(f"skill id '{slug}' is used twice", "skills", code="duplicate_skill", skill=slug)
    return skills


def _parse_skill(reader: Reader, position: int) -> SkillSpec | None:
    reader.unknown_keys(cf.SKILL.allowed)
    slug = reader.text("id", max_length=80)
    if slug and not SLUG_RE.match(slug):
        reader.problem(f"skill id '{slug}' must be lower-case letters, digits and '-'", "id", code="bad_id")
    skill = SkillSpec(slug=slug, position=position, title=reader.text("title", max_length=MAX_TITLE),
                      why=reader.text("why", max_length=1000))
    skill.performed_on = reader.text("performed_on", required=False, default="person") or "person"
    if skill.performed_on not in cf.PERFORMED_ON_CHOICES:
        reader.problem(f"'performed_on' must be {' or '.join(cf.PERFORMED_ON_CHOICES)}", "performed_on",
                       code="bad_performed_on")
    skill.competency_unit = reader.text("competency_unit", required=False, max_length=MAX_COMPETENCY_UNIT)
    skill.steps = _parse_steps(reader)
    return skill


def _parse_steps(reader: Reader) -> list[SkillStepSpec]:
    steps: list[SkillStepSpec] = []
    used: set[str] = set()
    items = reader.items("steps")
    for index, item in enumerate(items):
        if isinstance(item, dict):
            step = Reader(item, reader.path, reader.problems, context={**reader.context, "step": index + 1})
            step.unknown_keys(cf.SKILL_STEP.allowed)
            slug = step.text("id", required=False, max_length=80) or cf.default_key(index)
            text = step.text("text", max_length=MAX_STEP)
            critical = step.boolean("critical", default=False)
        elif isinstance(item, str | int | float) and not isinstance(item, bool) and str(item).strip():
            slug, text, critical = cf.default_key(index), str(item).strip(), False
            if len(text) > MAX_STEP:
                reader.problem(f"step {index + 1} is longer than {MAX_STEP} characters", "steps", code="too_long",
                               max=MAX_STEP)
        else:
            reader.problem(f"step {index + 1} must be a line of text or a mapping with text", "steps",
                           code="step_not_text", step=index + 1)
            continue
        if slug in used or not SLUG_RE.match(slug):
            reader.problem(f"step id '{slug}' is used twice or is not lower-case letters, digits and '-'", "steps",
                           code="bad_step_id", step=index + 1)
        used.add(slug)
        steps.append(SkillStepSpec(slug=slug, position=index + 1, text=text, critical=critical))
    if items and not MIN_STEPS <= len(steps) <= MAX_STEPS:
        reader.problem(f"a skill needs {MIN_STEPS} to {MAX_STEPS} steps (found {len(steps)})", "steps",
                       code="step_count", min=MIN_STEPS, max=MAX_STEPS, found=len(steps))
    elif steps and not any(step.critical for step in steps):
        reader.problem("mark at least one step critical: true (what must be done for a safe result)", "steps",
                       code="no_critical_step")
    return steps


def apply_skills(module: Module, specs: list[SkillSpec], existing: dict[str, Skill]) -> int:
    """Bring the module's skills in line with its file; `existing` holds the course's skills by slug
    (a skill may move between modules). Returns the number of changes; the caller retires the rest."""
    changes = 0
    for spec in specs:
        skill = existing.get(spec.slug)
        if skill is None:
            skill = existing[spec.slug] = Skill(course_id=module.course_id, module_id=module.id, slug=spec.slug,
                                                position=spec.position, title="", why="")
            db.session.add(skill)
            changes += 1
        changes += assign_changed(skill, module_id=module.id, position=spec.position, title=spec.title, why=spec.why,
                                  performed_on=spec.performed_on, competency_unit=spec.competency_unit,
                                  retired_at=None)
        db.session.flush()
        changes += _apply_steps(skill, spec.steps)
    return changes


def _apply_steps(skill: Skill, specs: list[SkillStepSpec]) -> int:
    steps = {step.slug: step for step in db.session.scalars(select(SkillStep).where(SkillStep.skill_id == skill.id))}
    changes = 0
    for spec in specs:
        step = steps.get(spec.slug)
        if step is None:
            step = steps[spec.slug] = SkillStep(skill_id=skill.id, slug=spec.slug, position=spec.position, text="")
            db.session.add(step)
            changes += 1
        changes += assign_changed(step, position=spec.position, text=spec.text, critical=spec.critical,
                                  retired_at=None)
    kept = {spec.slug for spec in specs}
    now = utcnow()
    for slug, step in steps.items():
        if slug not in kept and step.retired_at is None:
            step.retired_at = now
            changes += 1
    return changes


def retire_skills(skills: dict[str, Skill], kept: set[str]) -> int:
    """Retire the course's skills no module file names any more; returns the number retired."""
    now = utcnow()
    changes = 0
    for slug, skill in skills.items():
        if slug not in kept and skill.retired_at is None:
            skill.retired_at = now
            changes += 1
    return changes
