"""Quiz editor pages: a module's quiz settings, its questions of every type, GIFT import."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..accounts.permissions import role_required
from ..extensions import db
from . import bp
from . import draft_files as df
from . import editing
from . import quiz_files as qf
from .forms import OPTION_ROWS, QUESTION_TYPES, ActionForm, GiftForm, QuestionForm, QuizSettingsForm
from .gift import CATEGORY_NOTE, MAX_CHOICES, NOTES
from .queries import image_list
from .services import AuthoringError
from .views import PREFIX, TRAINERS, editable, error_text, remove_after_confirmation

QUIZ = PREFIX + "/modul/<module_slug>/kuis"


def _module(draft, module_slug: str) -> df.ModuleFile:
    return df.find_module(draft.files, module_slug) or abort(404)


def _module_with_quiz(draft, module_slug: str) -> df.ModuleFile:
    """The module, 404 unless it exists and has a quiz file in the draft."""
    module = _module(draft, module_slug)
    if qf.quiz_data(draft.files, module) is None:
        abort(404)
    return module


def _quiz_url(draft, module_slug: str, anchor: str = "") -> str:
    return url_for("authoring.quiz", draft_id=draft.id, module_slug=module_slug) + anchor


@bp.route(QUIZ, methods=["GET", "POST"])
@role_required(*TRAINERS)
def quiz(draft_id: int, module_slug: str):
    """A module's quiz: its settings (creating the quiz on first save) and its questions."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    data = qf.quiz_data(draft.files, module)
    if request.method == "POST":
        form = QuizSettingsForm()
    elif data is None:
        language = df.course_data(draft.files).get("language")
        form = QuizSettingsForm(data={"title": f"Quiz: {module.title}" if language == "en" else f"Kuis {module.title}",
                                      "shuffle_questions": True, "shuffle_options": True, "wait_minutes": 0,
                                      "show_correct_answers": True})
    else:
        form = QuizSettingsForm(data={**qf.QUIZ_DEFAULTS, **{k: v for k, v in data.items() if k != "questions"}})
    if form.validate_on_submit():
        try:
            editing.save_quiz_settings(draft, current_user, module_slug, form.settings())
        except AuthoringError as error:
            form.questions_per_attempt.errors = [error_text(error)]
        else:
            db.session.commit()
            flash(_("The quiz has been saved in the draft.") if data is not None
                  else _("The quiz has been added. Now add its questions."), "success")
            return redirect(_quiz_url(draft, module_slug))
    course_pass_mark = df.course_data(draft.files).get("pass_mark") or 70
    form.pass_mark.description = _("Leave empty to use the course's pass mark (%(mark)s%%).", mark=course_pass_mark)
    return render_template("authoring/quiz.html", draft=draft, module=module, form=form, quiz=data,
                           questions=qf.questions(data), types=QUESTION_TYPES, course_pass_mark=course_pass_mark,
                           action_form=ActionForm()), 400 if form.errors else 200


@bp.route(QUIZ + "/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_quiz(draft_id: int, module_slug: str):
    """Remove a module's quiz from the draft (after confirmation)."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    if not module.has_quiz:
        abort(404)
    return remove_after_confirmation(
        draft, lambda: editing.remove_quiz(draft, current_user, module_slug),
        question=_("Remove the quiz of \"%(title)s\" from the draft? Learners keep their past attempts.",
                   title=module.title),
        button=_("Remove the quiz"), done=_("The quiz has been removed from the draft."),
        after=url_for("authoring.course", draft_id=draft.id) + f"#m-{module_slug}", back=_quiz_url(draft, module_slug))


def _question_form(draft, question: dict | None, kind: str) -> QuestionForm:
    if request.method == "POST" or question is None:
        form = QuestionForm()
    else:
        entries = qf.choice_entries(question, kind)
        data = {key: question.get(key) or "" for key in ("scenario", "text", "image", "image_alt", "explanation")}
        data["key"] = question.get("id")
        if kind in ("single", "multiple"):
            data["options"] = [{k: e[k] for k in ("key", "text", "correct", "feedback")} for e in entries]
            data["correct"] = next((str(i) for i, e in enumerate(entries) if e["correct"]), None)
        elif kind == "true_false":
            data["answer"] = "true" if question.get("answer") is True else "false"
        else:
            data["steps"] = "\n".join(e["text"] for e in entries)
        form = QuestionForm(data=data)
    while len(form.options) < min(max(OPTION_ROWS, len([e for e in form.options if e["text"].data]) + 2),
                                  MAX_CHOICES):
        form.options.append_entry()
    form.image.choices = [SelectChoice("", "—")] + [SelectChoice(image.path, image.path) for image in image_list(draft)]
    form.correct.choices = [SelectChoice(str(i), str(i + 1)) for i in range(len(form.options))]
    return form


def _question_fields(form: QuestionForm, kind: str) -> dict:
    return {"type": kind, "text": form.text.data, "explanation": form.explanation.data,
            "scenario": form.scenario.data, "image": form.image.data or "", "image_alt": form.image_alt.data,
            "options": [entry for _index, entry in form.filled_options(kind)], "answer": form.answer.data == "true",
            "steps": form.step_lines()}


def _save_question(draft, module, form, kind, key, *, new: bool):
    """Validate the question form for its type and save it; return a redirect, or None to show errors."""
    if not (form.validate_on_submit() & form.check_type(kind)):
        return None
    if form.image.data and form.image.data not in {choice.value for choice in form.image.choices}:
        form.image.errors = [_("Choose one of the course's pictures.")]
        return None
    try:
        key = editing.save_question(draft, current_user, module.slug, key, _question_fields(form, kind), new=new)
    except AuthoringError as error:
        if error.code != "slug_used":
            raise
        form.key.errors = [error_text(error)]
        return None
    db.session.commit()
    flash(_("The question has been saved in the draft."), "success")
    return redirect(_quiz_url(draft, module.slug, f"#q-{key}"))


@bp.route(QUIZ + "/soal-baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new_question(draft_id: int, module_slug: str):
    """Write a new question of the type chosen (?jenis=single|multiple|true_false|ordering)."""
    draft = editable(draft_id)
    module = _module_with_quiz(draft, module_slug)
    kind = request.args.get("jenis", "")
    if kind not in QUESTION_TYPES:
        abort(404)
    form = _question_form(draft, None, kind)
    if request.method == "POST":
        done = _save_question(draft, module, form, kind, form.key.data or None, new=True)
        if done:
            return done
    return render_template("authoring/question.html", draft=draft, module=module, form=form, kind=kind,
                           question=None, types=QUESTION_TYPES), 400 if form.errors else 200


@bp.route(QUIZ + "/soal/<key>", methods=["GET", "POST"])
@role_required(*TRAINERS)
def question(draft_id: int, module_slug: str, key: str):
    """Edit a question; its id and type stay (a different question needs a new id)."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    data = qf.quiz_data(draft.files, module)
    found = next((q for q in qf.questions(data) if str(q.get("id")) == key), None)
    if found is None:
        abort(404)
    kind = str(found.get("type"))
    if kind not in QUESTION_TYPES:
        abort(404)
    form = _question_form(draft, found, kind)
    if request.method == "POST":
        done = _save_question(draft, module, form, kind, key, new=False)
        if done:
            return done
    return render_template("authoring/question.html", draft=draft, module=module, form=form, kind=kind,
                           question=found, types=QUESTION_TYPES), 400 if form.errors else 200


@bp.route(QUIZ + "/soal/<key>/geser", methods=["POST"])
@role_required(*TRAINERS)
def move_question(draft_id: int, module_slug: str, key: str):
    """Move a question one place up or down."""
    draft = editable(draft_id)
    delta = {"up": -1, "down": 1}.get(request.form.get("direction", ""), 0)
    if ActionForm().validate_on_submit() and delta:
        try:
            editing.move_question(draft, current_user, module_slug, key, delta)
        except AuthoringError:
            abort(404)
        db.session.commit()
    return redirect(_quiz_url(draft, module_slug, f"#q-{key}"))


@bp.route(QUIZ + "/soal/<key>/hapus", methods=["GET", "POST"])
@role_required(*TRAINERS)
def remove_question(draft_id: int, module_slug: str, key: str):
    """Remove a question from the draft (after confirmation)."""
    draft = editable(draft_id)
    module = _module(draft, module_slug)
    found = next((q for q in qf.questions(qf.quiz_data(draft.files, module)) if str(q.get("id")) == key), None)
    if found is None:
        abort(404)
    return remove_after_confirmation(
        draft, lambda: editing.remove_question(draft, current_user, module_slug, key),
        question=_("Remove the question \"%(text)s\"? Learners' past attempts keep it.", text=found.get("text")),
        button=_("Remove the question"), done=_("The question has been removed from the draft."),
        after=_quiz_url(draft, module_slug, "#questions"), back=_quiz_url(draft, module_slug))


@bp.route(QUIZ + "/gift", methods=["GET", "POST"])
@role_required(*TRAINERS)
def gift(draft_id: int, module_slug: str):
    """Import questions written in Moodle's GIFT format: check first, then import."""
    draft = editable(draft_id)
    module = _module_with_quiz(draft, module_slug)
    form = GiftForm()
    report = added = None
    imported = False
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload and upload.filename:
            try:
                form.text.data = df.strip_controls(upload.read(200_001).decode("utf-8-sig")[:200_000])
            except UnicodeDecodeError:
                form.file.errors = [_("The file is not UTF-8 text. Save it as UTF-8 and try again.")]
        if not form.file.errors:
            if not (form.text.data or "").strip():
                form.text.errors = [_("Paste GIFT questions or choose a file.")]
            else:
                imported = bool(form.submit.data)
                report, added = editing.import_gift(draft, current_user, module_slug, form.text.data,
                                                    dry_run=not imported)
                if imported:
                    db.session.commit()
                    flash(ngettext("%(num)d question was added to the quiz.",
                                   "%(num)d questions were added to the quiz.", len(added)), "success")
                    form = GiftForm(formdata=None)
    return render_template("authoring/gift.html", draft=draft, module=module, form=form, report=report,
                           added=added, imported=imported, types=QUESTION_TYPES, notes=NOTES,
                           category_note=CATEGORY_NOTE), \
        400 if form.errors else 200
