"""Authoring pages for a course's modules and lessons: add, rename, write, reorder, remove."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.permissions import role_required
from ..extensions import db
from . import bp
from . import draft_files as df
from . import editing
from . import skill_files as sf
from .forms import ActionForm, LessonForm, ModuleForm
from .queries import image_list
from .services import AuthoringError
from .views import (PREFIX, TRAINERS, course_page, editable, error_text, not_found_to_404, remove_after_confirmation,
                    render_draft_markdown)


# --- modules -----------------------------------------------------------------------------------


def _direction() -> int:
    return {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)


def _move(draft_id: int, move, slug: str, anchor: str):
    """Move a module or lesson one place (`move` is the editing function) and go back to the outline."""
    draft = editable(draft_id)
    if ActionForm().validate_on_submit() and _direction():
        try:
            move(draft, current_user, slug, _direction())
        except AuthoringError as error:
            not_found_to_404(error)
        db.session.commit()
    return redirect(url_for("authoring.course", draft_id=draft.id) + anchor)



@bp.route(PREFIX + "/modul", methods=["POST"])
@role_required(*TRAINERS)
def add_module(draft_id: int):
    """Add a module at the end of the course."""
    draft = editable(draft_id)
    form = ModuleForm()
    if form.validate_on_submit():
        try:
            editing.add_module(draft, current_user, form.title.data, form.slug.data or None, form.summary.data)
        except AuthoringError as error:
            form.slug.errors = [error_text(error)]
        else:
            db.session.commit()
            flash(_("The module has been added."), "success")
            return redirect(url_for("authoring.course", draft_id=draft.id) + "#modules")
    return course_page(draft, module_form=form, status=400)


@bp.route(PREFIX + "/modul/<module_slug>", methods=["GET", "POST"])
@role_required(*TRAINERS)
def module(draft_id: int, module_slug: str):
    """A module's page: rename it or change its summary (its short name stays, so learners keep their
    progress), and its practical skills."""
    draft = editable(draft_id)
    entry = df.find_module(draft.files, module_slug) or abort(404)
    form = ModuleForm(data=None if request.method == "POST" else {"title": entry.title, "summary": entry.summary})
    if form.validate_on_submit():
        editing.save_module(draft, current_user, module_slug, form.title.data, form.summary.data)
        db.session.commit()
        flash(_("The module has been saved."), "success")
        return redirect(url_for("authoring.course", draft_id=draft.id) + f"#m-{module_slug}")
    outline = df.modules(draft.files)
    return render_template("authoring/module.html", draft=draft, module=entry, form=form,
                           number=next(i for i, m in enumerate(outline, start=1) if m.slug == module_slug),
                           skills=sf.skills(draft.files, entry), steps_of=sf.step_entries,
                           practice=df.course_data(draft.files).get("practice") or "none"), \
        400 if form.errors else 200


@bp.route(PREFIX + "/modul/<module_slug>/geser", methods=["POST"])
@role_required(*TRAINERS)
def move_module(draft_id: int, module_slug: str):
    """Move a module one place up or down."""
    return _move(draft_id, editing.move_module, module_slug, f"#m-{module_slug}")


@bp.route(PREFIX + "/modul/<module_slug>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_module(draft_id: int, module_slug: str):
    """Remove a module and its lessons and quiz from the draft (after confirmation)."""
    draft = editable(draft_id)
    entry = df.find_module(draft.files, module_slug) or abort(404)
    outline = url_for("authoring.course", draft_id=draft.id)
    return remove_after_confirmation(
        draft, lambda: editing.remove_module(draft, current_user, module_slug),
        question=_("Remove the module \"%(title)s\" with its %(n)d lesson(s) and its quiz from the draft? "
          "Learners keep their history of it after the next publish.", title=entry.title, n=len(entry.lessons)),
        button=_("Remove the module"), done=_("The module has been removed from the draft."),
        after=outline + "#modules", back=outline)


# --- lessons -----------------------------------------------------------------------------------


def _lesson_page(draft, form, module, lesson=None):
    status = 400 if form.errors else 200
    body = form.body.data or ""
    return render_template("authoring/lesson.html", draft=draft, form=form, module=module, lesson=lesson,
                           preview=render_draft_markdown(draft, df.clean_text(body)) if body.strip() else None,
                           images=image_list(draft)), status


@bp.route(PREFIX + "/modul/<module_slug>/materi-baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new_lesson(draft_id: int, module_slug: str):
    """Write a new lesson at the end of a module."""
    draft = editable(draft_id)
    entry = df.find_module(draft.files, module_slug) or abort(404)
    form = LessonForm()
    if form.validate_on_submit() and not form.preview.data:
        try:
            slug = editing.add_lesson(draft, current_user, module_slug, title=form.title.data,
                                      slug=form.slug.data or None, minutes=form.minutes.data, body=form.body.data)
        except AuthoringError as error:
            form.slug.errors = [error_text(error)]
        else:
            db.session.commit()
            flash(_("The lesson has been saved in the draft."), "success")
            return redirect(url_for("authoring.lesson", draft_id=draft.id, lesson_slug=slug))
    return _lesson_page(draft, form, entry)


@bp.route(PREFIX + "/materi/<lesson_slug>", methods=["GET", "POST"])
@role_required(*TRAINERS)
def lesson(draft_id: int, lesson_slug: str):
    """The lesson editor: title, reading time, Markdown text, and its preview as learners will see it."""
    draft = editable(draft_id)
    entry, found = df.find_lesson(draft.files, lesson_slug)
    if found is None:
        abort(404)
    meta, body = df.lesson_content(draft.files, found)
    form = LessonForm(data=None if request.method == "POST" else {
        "title": meta.get("title"), "minutes": meta.get("minutes"), "body": body})
    if form.validate_on_submit() and not form.preview.data:
        editing.save_lesson(draft, current_user, lesson_slug, title=form.title.data, minutes=form.minutes.data,
                            body=form.body.data)
        db.session.commit()
        flash(_("The lesson has been saved in the draft."), "success")
        return redirect(url_for("authoring.lesson", draft_id=draft.id, lesson_slug=lesson_slug))
    return _lesson_page(draft, form, entry, found)


@bp.route(PREFIX + "/materi/<lesson_slug>/geser", methods=["POST"])
@role_required(*TRAINERS)
def move_lesson(draft_id: int, lesson_slug: str):
    """Move a lesson one place up or down in its module."""
    return _move(draft_id, editing.move_lesson, lesson_slug, f"#l-{lesson_slug}")


@bp.route(PREFIX + "/materi/<lesson_slug>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_lesson(draft_id: int, lesson_slug: str):
    """Remove a lesson from the draft (after confirmation)."""
    draft = editable(draft_id)
    _module, found = df.find_lesson(draft.files, lesson_slug)
    if found is None:
        abort(404)
    outline = url_for("authoring.course", draft_id=draft.id)
    return remove_after_confirmation(
        draft, lambda: editing.remove_lesson(draft, current_user, lesson_slug),
        question=_("Remove the lesson \"%(title)s\" from the draft? Learners who finished it keep it in their "
          "history.", title=found.title),
        button=_("Remove the lesson"), done=_("The lesson has been removed from the draft."),
        after=outline + "#modules", back=outline)
