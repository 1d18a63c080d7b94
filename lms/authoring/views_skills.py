"""Practical skills editor pages: a module's skills (skills.yaml) with their checklists of steps.

A skill is checked by the importer's own reader on the file as it would be written (editing.save_skill);
its problems come back beside the inputs they are about, in the words authors read on the course page.
Without JavaScript, a step row moves with its ↑/↓ buttons and "More rows" adds empty rows: both send
the form back as typed, with nothing saved.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import role_required
from ..courses.content_files import Problem
from ..courses.skills_file import MAX_STEP, MAX_STEPS, MIN_STEPS
from ..extensions import db
from . import bp
from . import draft_files as df
from . import editing
from . import skill_files as sf
from .forms import PERFORMED_ON, STEP_ROWS, STEP_ROWS_MORE, ActionForm, SkillForm
from .problems import skill_problem_text
from .services import AuthoringError
from .views import PREFIX, TRAINERS, editable, error_text, remove_after_confirmation

SKILLS = PREFIX + "/modul/<module_slug>/keterampilan"
#: the skill's fields a problem may name, as the form calls them
FORM_FIELDS = {"id": "key", "title": "title", "why": "why", "performed_on": "performed_on",
               "competency_unit": "competency_unit"}


def _module(draft, module_slug: str) -> df.ModuleFile:
    return df.find_module(draft.files, module_slug) or abort(404)


def _skill(draft, module: df.ModuleFile, key: str) -> dict:
    return sf.find_skill(sf.skills(draft.files, module), key) or abort(404)


def _module_url(draft, module_slug: str, anchor: str = "#skills") -> str:
    return url_for("authoring.module", draft_id=draft.id, module_slug=module_slug) + anchor


# --- the form, as typed ----------------------------------------------------------------------------


def _add_rows(form: SkillForm, extra: int = 0) -> None:
    """Rows for the steps typed so far and two more (at least STEP_ROWS), and `extra` more, up to the limit."""
    wanted = max(STEP_ROWS, len(form.filled_steps()) + 2, len(form.steps) + extra)
    while len(form.steps) < min(wanted, MAX_STEPS):
        form.steps.append_entry()


def _skill_form(skill: dict | None) -> SkillForm:
    if request.method == "POST" or skill is None:
        form = SkillForm()
    else:
        form = SkillForm(data={"key": skill.get("id"), "title": skill.get("title") or "", "why": skill.get("why") or "",
                               "performed_on": skill.get("performed_on") or "person",
                               "competency_unit": skill.get("competency_unit") or "",
                               "steps": sf.step_entries(skill)})
    _add_rows(form)
    return form


def _moved(form: SkillForm) -> SkillForm | None:
    """The form with the step row its ↑/↓ button names moved one place (None when no such button was pressed)."""
    index, _sep, direction = (form.move.data or "").partition("-")
    delta = {"up": -1, "down": 1}.get(direction)
    if not index.isdigit() or delta is None:
        return None
    rows = [{"key": row["key"].data or "", "text": row["text"].data or "", "critical": bool(row["critical"].data)}
            for row in form.steps]
    index = int(index)
    if 0 <= index < len(rows) and 0 <= index + delta < len(rows):
        rows[index], rows[index + delta] = rows[index + delta], rows[index]
    moved = SkillForm(formdata=None, data={name: form[name].data for name in
                                           ("key", "title", "why", "performed_on", "competency_unit")} | {
        "steps": rows})
    _add_rows(moved)
    return moved


def _show_problems(form: SkillForm, problems: list[Problem]) -> None:
    """Put each of the importer's problems on the input it is about (a step's on that step's row)."""
    rows = [index for index, _step in form.filled_steps()]  # step n of the file is the n-th filled row

    def add(field, message: str) -> None:
        field.errors = [*field.errors, message]

    for problem in problems:
        field, step = problem.params.get("field"), problem.params.get("step")
        if isinstance(step, int) and 0 < step <= len(rows):
            add(form.steps[rows[step - 1]]["text"], skill_problem_text(problem))
        elif field == "steps" and problem.code == "too_long":  # a plain line of the file: find its row
            for number, index in enumerate(rows, start=1):
                if len(form.steps[index]["text"].data.strip()) > MAX_STEP:
                    add(form.steps[index]["text"], skill_problem_text(
                        Problem(problem.path, problem.message, code="too_long",
                                params={**problem.params, "field": "text", "step": number})))
        elif problem.code == "no_critical_step":
            form.critical_missing = True  # the template marks the "Critical" boxes
            form.steps.errors = [*form.steps.errors, skill_problem_text(problem)]
        elif field in FORM_FIELDS:
            add(form[FORM_FIELDS[field]], skill_problem_text(problem))
        else:
            form.steps.errors = [*form.steps.errors, skill_problem_text(problem)]


def _save(draft, module: df.ModuleFile, form: SkillForm, key: str | None, *, new: bool):
    """Save the skill; return a redirect, or None to show the form with its errors."""
    if not form.validate_on_submit():
        return None
    try:
        key = editing.save_skill(draft, current_user, module.slug, key, form.fields(), new=new)
    except AuthoringError as error:
        if error.code != "slug_used":
            raise
        form.key.errors = [error_text(error)]
        return None
    except editing.SkillRefused as refused:
        _show_problems(form, refused.problems)
        return None
    db.session.commit()
    flash(_("The skill has been saved in the draft."), "success")
    return redirect(_module_url(draft, module.slug, f"#s-{key}"))


def _skill_page(draft, module: df.ModuleFile, key: str | None, *, new: bool, skill: dict | None = None):
    """The skill form: GET shows it, a step's ↑/↓ or "More rows" sends it back, "Save skill" saves it."""
    form = _skill_form(skill)
    unsaved = False
    if request.method == "POST":
        moved = _moved(form)
        if moved is not None:
            form, unsaved = moved, True
        elif form.more_rows.data:
            _add_rows(form, STEP_ROWS_MORE)
            unsaved = True
        else:
            done = _save(draft, module, form, (form.key.data or None) if new else key, new=new)
            if done:
                return done
    return render_template("authoring/skill.html", draft=draft, module=module, form=form, skill=skill,
                           performed_on=PERFORMED_ON, min_steps=MIN_STEPS, max_steps=MAX_STEPS,
                           unsaved=unsaved), \
        400 if form.error_list() else 200  # a step row's error is not in form.errors (set after validation)


# --- pages ---------------------------------------------------------------------------------------


@bp.route(SKILLS + "-baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new_skill(draft_id: int, module_slug: str):
    """Write a new practical skill at the end of the module's skills."""
    draft = editable(draft_id)
    return _skill_page(draft, _module(draft, module_slug), None, new=True)


@bp.route(SKILLS + "/<key>", methods=["GET", "POST"])
@role_required(*TRAINERS)
def skill(draft_id: int, module_slug: str, key: str):
    """Edit a practical skill; its id stays (observations point at it)."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    return _skill_page(draft, module, key, new=False, skill=_skill(draft, module, key))


@bp.route(SKILLS + "/<key>/geser", methods=["POST"])
@role_required(*TRAINERS)
def move_skill(draft_id: int, module_slug: str, key: str):
    """Move a skill one place up or down in its module."""
    draft = editable(draft_id)
    delta = {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)
    if ActionForm().validate_on_submit() and delta:
        try:
            editing.move_skill(draft, current_user, module_slug, key, delta)
        except AuthoringError:
            abort(404)
        db.session.commit()
    return redirect(_module_url(draft, module_slug, f"#s-{key}"))


@bp.route(SKILLS + "/<key>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_skill(draft_id: int, module_slug: str, key: str):
    """Remove a practical skill from the draft (after confirmation)."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    found = _skill(draft, module, key)
    return remove_after_confirmation(
        draft, lambda: editing.remove_skill(draft, current_user, module_slug, key),
        question=_("Remove the skill \"%(title)s\" from the draft? Observations already made of it are kept.",
                   title=found.get("title") or key),
        button=_("Remove the skill"), done=_("The skill has been removed from the draft."),
        after=_module_url(draft, module_slug), back=_module_url(draft, module_slug))
