"""Authoring pages: the trainer's courses, the course editor, settings, preview and publishing.

Every page is for trainers and admins; a course is open to its owner, its co-authors
and admins (403 for anyone else). Shared helpers live here; modules and lessons are in
views_lessons, pictures, zips and authors in views_files, quizzes in views_quiz, practical skills
in views_skills.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from ..web import template_helpers
from ..accounts.forms import PHONE_ERROR
from ..accounts.models import Role
from ..accounts.permissions import role_required
from ..courses import audio
from ..courses.markdown import render_markdown
from ..courses.models import Course
from ..courses.views import callout_titles
from ..extensions import csrf, db
from . import bp
from . import draft_files as df
from . import editing
from . import quiz_files as qf
from . import skill_files as sf
from .archive import MAX_ZIP_BYTES, ZipRefused
from .forms import MAX_SOURCE_ROWS, PRACTICE, ActionForm, CourseSettingsForm, ModuleForm, NewCourseForm, ZipForm
from .models import CourseDraft
from .problems import describe, describe_zip
from .queries import (
    author_role,
    can_manage_authors,
    courses_without_draft,
    drafts_for,
    get_draft_for,
    image_versions,
    last_publications,
    publication_history,
)
from .services import (
    AuthoringError,
    ContentRefused,
    check_draft,
    create_course,
    discard_draft,
    import_zip,
    publish,
    start_draft,
    workspace_for_course,
)

TRAINERS = (Role.TRAINER, Role.ADMIN)
PREFIX = "/tulis/<int:draft_id>"
#: room for the multipart envelope around an uploaded file
MULTIPART_SLACK = 64 * 1024

ERRORS = {
    "slug_taken": _l("The short name %(slug)s is already used by another course."),
    "slug_used": _l("This short name is already used in the course; choose another one."),
    "no_draft": _l("There is no draft to change. Start a draft first."),
    "not_found": _l("This part of the course no longer exists in the draft."),
    "no_quiz": _l("This module has no quiz yet."),
    "image_in_use": _l("This picture is still used in %(files)s. Remove it there first."),
    "bad_phone": PHONE_ERROR,
    "no_such_user": _l("No Rawat account uses this number."),
    "not_a_trainer": _l("%(name)s is not a trainer. An administrator can give them the trainer role."),
    "already_author": _l("%(name)s already edits this course."),
    "not_published": _l("This course has not been published yet."),
    "too_many_per_attempt": _l("The quiz has only %(pool)d questions."),
}


def error_text(error: AuthoringError) -> str:
    return str(ERRORS[error.code]) % error.params if error.params else str(ERRORS[error.code])


class DraftMissing(Exception):
    """An editing page was opened while no draft is in progress."""

    def __init__(self, draft_id: int):
        super().__init__(draft_id)
        self.draft_id = draft_id


@bp.errorhandler(DraftMissing)
def draft_missing(error: DraftMissing):
    flash(_("There is no draft in progress: start a draft to change the course."), "info")
    return redirect(url_for("authoring.course", draft_id=error.draft_id))


@bp.errorhandler(StaleDataError)
def saved_by_someone_else(_error):
    db.session.rollback()
    flash(_("Someone else saved this course at the same moment, so your change was not saved. "
            "Please check the course and try again."), "error")
    draft_id = (request.view_args or {}).get("draft_id")
    return redirect(url_for("authoring.course", draft_id=draft_id) if draft_id else url_for("authoring.index"))


def editable(draft_id: int) -> CourseDraft:
    """The draft behind the URL, with files to edit (else back to the course page)."""
    draft = get_draft_for(current_user, draft_id)
    if draft.files is None:
        raise DraftMissing(draft.id)
    return draft


def not_found_to_404(error: AuthoringError):
    if error.code in ("not_found", "no_quiz"):
        abort(404)


def remove_after_confirmation(draft: CourseDraft, remove, *, question: str, button: str, done: str,
                              after: str, back: str):
    """Removal pages: a GET (or a POST without a valid token) asks `question`; a confirmed POST calls
    `remove()`, commits, says `done` and goes to `after`."""
    form = ActionForm()
    if form.validate_on_submit():
        remove()
        db.session.commit()
        flash(done, "info")
        return redirect(after)
    return render_template("authoring/confirm.html", draft=draft, form=form, message=question, button=button,
                           back=back)


def limit_upload(max_bytes: int) -> None:
    """Refuse bodies larger than the file allows (413) before the form is read, then check CSRF."""
    request.max_content_length = max_bytes + MULTIPART_SLACK
    csrf.protect()


def read_upload(max_bytes: int) -> bytes | None:
    """The uploaded `file`, read up to one byte past the limit (so a too large file is seen as such)."""
    upload = request.files.get("file")
    if not upload or not upload.filename:
        return None
    return upload.read(max_bytes + 1)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    draft_id = (request.view_args or {}).get("draft_id")
    if draft_id and request.endpoint == "authoring.lesson_narrations":
        flash(audio.too_large().message, "error")
        return redirect(url_for("authoring.lesson_narrations", draft_id=draft_id,
                                lesson_slug=request.view_args["lesson_slug"]))
    flash(_("The file is too large."), "error")
    if draft_id and request.endpoint == "authoring.images":
        return redirect(url_for("authoring.images", draft_id=draft_id))
    return redirect(url_for("authoring.course", draft_id=draft_id) if draft_id else url_for("authoring.index"))


@template_helpers(bp)
def authoring_helpers():
    return {"authoring_error": error_text, "change_words": change_words}


#: each kind of change of lms.authoring.changes, in words
CHANGE_WORDS = {
    "course_changed": lambda n: _("course settings changed"),
    "modules_added": lambda n: ngettext("%(num)d module added", "%(num)d modules added", n),
    "modules_changed": lambda n: ngettext("%(num)d module renamed", "%(num)d modules renamed", n),
    "modules_moved": lambda n: ngettext("%(num)d module moved", "%(num)d modules moved", n),
    "modules_removed": lambda n: ngettext("%(num)d module removed", "%(num)d modules removed", n),
    "lessons_added": lambda n: ngettext("%(num)d lesson added", "%(num)d lessons added", n),
    "lessons_changed": lambda n: ngettext("%(num)d lesson changed", "%(num)d lessons changed", n),
    "lessons_moved": lambda n: ngettext("%(num)d lesson moved", "%(num)d lessons moved", n),
    "lessons_removed": lambda n: ngettext("%(num)d lesson removed", "%(num)d lessons removed", n),
    "quizzes_added": lambda n: ngettext("%(num)d quiz added", "%(num)d quizzes added", n),
    "quizzes_changed": lambda n: ngettext("settings of %(num)d quiz changed", "settings of %(num)d quizzes changed",
                                          n),
    "quizzes_removed": lambda n: ngettext("%(num)d quiz removed", "%(num)d quizzes removed", n),
    "questions_added": lambda n: ngettext("%(num)d question added", "%(num)d questions added", n),
    "questions_changed": lambda n: ngettext("%(num)d question changed", "%(num)d questions changed", n),
    "questions_moved": lambda n: ngettext("%(num)d question moved", "%(num)d questions moved", n),
    "questions_removed": lambda n: ngettext("%(num)d question removed", "%(num)d questions removed", n),
    "skills_added": lambda n: ngettext("%(num)d practical skill added", "%(num)d practical skills added", n),
    "skills_changed": lambda n: ngettext("%(num)d practical skill changed", "%(num)d practical skills changed", n),
    "skills_moved": lambda n: ngettext("%(num)d practical skill moved", "%(num)d practical skills moved", n),
    "skills_removed": lambda n: ngettext("%(num)d practical skill removed", "%(num)d practical skills removed", n),
    "pictures_added": lambda n: ngettext("%(num)d picture added", "%(num)d pictures added", n),
    "pictures_changed": lambda n: ngettext("%(num)d picture replaced", "%(num)d pictures replaced", n),
    "pictures_removed": lambda n: ngettext("%(num)d picture removed", "%(num)d pictures removed", n),
}
#: a first version lists what it holds
FIRST_VERSION_WORDS = {
    "modules_added": lambda n: ngettext("%(num)d module", "%(num)d modules", n),
    "lessons_added": lambda n: ngettext("%(num)d lesson", "%(num)d lessons", n),
    "quizzes_added": lambda n: ngettext("%(num)d quiz", "%(num)d quizzes", n),
    "questions_added": lambda n: ngettext("%(num)d question", "%(num)d questions", n),
    "skills_added": lambda n: ngettext("%(num)d practical skill", "%(num)d practical skills", n),
    "pictures_added": lambda n: ngettext("%(num)d picture", "%(num)d pictures", n),
}


def change_words(publication) -> str:
    """What a publish changed, e.g. "2 lessons changed, 1 question added"."""
    if publication.summary is None:
        return _("not recorded")
    first = publication.version == 1
    words = FIRST_VERSION_WORDS if first else CHANGE_WORDS
    parts = [words[kind](count) for kind, count in publication.summary.items() if kind in words]
    if not parts:
        return _("no changes")
    listed = ", ".join(parts)
    return _("First version: %(parts)s", parts=listed) if first else listed


def draft_problems(draft: CourseDraft, problems) -> list:
    """The importer's problems with the draft's files, in the author's words, each linked to its page."""
    return describe(problems, draft.files or {}, draft.slug, draft)


def zip_problems_of(error: ZipRefused | ContentRefused) -> list:
    """Why a zip was refused: its own problems, or the importer's on its files (named by file)."""
    if isinstance(error, ZipRefused):
        return describe_zip(error.problems)
    return describe(error.problems, error.files, error.slug)


# --- start page --------------------------------------------------------------------------------


def _index(zip_form=None, zip_problems=None, status=200):
    drafts = drafts_for(current_user)
    others = courses_without_draft() if current_user.is_admin else []
    course_ids = [d.course_id for d in drafts if d.course_id] + [c.id for c in others]
    return render_template("authoring/index.html", drafts=drafts, others=others,
                           publications=last_publications(course_ids), zip_form=zip_form or ZipForm(),
                           zip_problems=zip_problems, action_form=ActionForm(),
                           role_of=lambda d: author_role(current_user, d)), status


@bp.route("/tulis")
@role_required(*TRAINERS)
def index():
    """The trainer's courses: draft or published, version, last publish."""
    return _index()


@bp.route("/tulis/baru", methods=["GET", "POST"])
@role_required(*TRAINERS)
def new_course():
    """Start a new course; it stays unpublished until its first publish."""
    form = NewCourseForm()
    if form.validate_on_submit():
        slug = form.slug.data or df.slugify(form.title.data, "kursus")
        try:
            draft = create_course(current_user, slug, {
                "title": form.title.data.strip(), "summary": df.clean_text(form.summary.data),
                "audience": df.clean_text(form.audience.data), "language": form.language.data,
                "pass_mark": 70})
        except AuthoringError as error:
            form.slug.errors = [error_text(error)]
        else:
            db.session.commit()
            flash(_("The course has been created as a draft. Add modules and lessons, then publish it."), "success")
            return redirect(url_for("authoring.course", draft_id=draft.id))
    return render_template("authoring/new.html", form=form), 400 if form.errors else 200


@bp.route("/tulis/impor", methods=["POST"])
@csrf.exempt  # checked in limit_upload, once the size limit is in place
@role_required(*TRAINERS)
def import_new():
    """Make a new course of a zip in the content/ format (all or nothing)."""
    limit_upload(MAX_ZIP_BYTES)
    form = ZipForm()
    data = read_upload(MAX_ZIP_BYTES)
    if data is None:
        form.file.errors = [_("Choose a zip file.")]
        return _index(zip_form=form, status=400)
    try:
        draft = import_zip(data, current_user)
    except (ZipRefused, ContentRefused) as error:
        db.session.rollback()
        return _index(zip_form=form, zip_problems=zip_problems_of(error), status=400)
    except AuthoringError as error:
        db.session.rollback()
        form.file.errors = [error_text(error)]
        return _index(zip_form=form, status=400)
    db.session.commit()
    flash(_("The course has been imported as a draft."), "success")
    # the form posts to …#zip (where a refusal is shown); the new page opens at its top, with this message
    return redirect(url_for("authoring.course", draft_id=draft.id) + "#main")


@bp.route("/tulis/kursus/<int:course_id>/sunting", methods=["POST"])
@role_required(Role.ADMIN)
def adopt_course(course_id: int):
    """Admins: start editing a course that was never edited in the browser (e.g. from content/)."""
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    if ActionForm().validate_on_submit():
        draft = workspace_for_course(course, current_user)
        start_draft(draft, current_user)
        db.session.commit()
        return redirect(url_for("authoring.course", draft_id=draft.id))
    abort(400)


# --- the course editor --------------------------------------------------------------------------


def course_page(draft: CourseDraft, *, status=200, **extra):
    check = check_draft(draft)
    outline = df.modules(draft.files) if draft.files is not None else []
    history = publication_history(draft.course_id)
    return render_template(
        "authoring/course.html", draft=draft, check=check, problems=draft_problems(draft, check.problems),
        advice=draft_problems(draft, check.warnings),
        outline=outline, history=history,
        role=author_role(current_user, draft), can_manage=can_manage_authors(current_user, draft),
        module_form=extra.pop("module_form", None) or ModuleForm(formdata=None),
        zip_form=extra.pop("zip_form", None) or ZipForm(formdata=None), action_form=ActionForm(),
        next_version=(draft.course.version + 1) if draft.course else 1,
        quizzes={m.slug: len(qf.questions(qf.quiz_data(draft.files, m))) for m in outline if m.has_quiz},
        skills={m.slug: len(sf.skills(draft.files, m)) for m in outline},
        **extra), status


@bp.route(PREFIX)
@role_required(*TRAINERS)
def course(draft_id: int):
    """The course editor: state, problems to fix, modules and lessons, publish, history."""
    return course_page(get_draft_for(current_user, draft_id))


@bp.route(PREFIX + "/mulai", methods=["POST"])
@role_required(*TRAINERS)
def start(draft_id: int):
    """Start the next version from what learners see now."""
    draft = get_draft_for(current_user, draft_id)
    if ActionForm().validate_on_submit():
        start_draft(draft, current_user)
        db.session.commit()
        flash(_("A draft has been started. Learners keep seeing the published version until you publish."),
              "success")
    return redirect(url_for("authoring.course", draft_id=draft.id))


@bp.route(PREFIX + "/buang", methods=["GET", "POST"])
@role_required(*TRAINERS)
def discard(draft_id: int):
    """Throw the draft away (a course never published is deleted)."""
    draft = editable(draft_id)
    form = ActionForm()
    if form.validate_on_submit():
        deleted = discard_draft(draft)
        db.session.commit()
        flash(_("The draft has been thrown away."), "info")
        return redirect(url_for("authoring.index") if deleted else url_for("authoring.course", draft_id=draft_id))
    message = (_("Throw away all changes since version %(version)d? Learners keep seeing version %(version)d.",
                 version=draft.course.version) if draft.course
               else _("Delete this course? It has never been published, so nothing of it will remain."))
    return render_template("authoring/confirm.html", draft=draft, form=form, message=message,
                           button=_("Throw the draft away"), back=url_for("authoring.course", draft_id=draft.id))


@bp.route(PREFIX + "/pengaturan", methods=["GET", "POST"])
@role_required(*TRAINERS)
def settings(draft_id: int):
    """Course settings: the keys of course.yaml."""
    draft = editable(draft_id)
    data = df.course_data(draft.files)
    form = CourseSettingsForm(data=None if request.method == "POST" else {
        **{k: data.get(k) for k in ("title", "summary", "audience", "language", "pass_mark",
                                    "certificate_validity_months")},
        "practice": data.get("practice") or "none",
        "authors": "\n".join(str(a) for a in data.get("authors") or []),
        "sources": [{k: str(s.get(k) or "") for k in ("title", "publisher", "url", "year")}
                    for s in data.get("sources") or [] if isinstance(s, dict)][:MAX_SOURCE_ROWS]})
    while request.method == "GET" and len(form.sources) < min(len(data.get("sources") or []) + 2, MAX_SOURCE_ROWS):
        form.sources.append_entry()
    if form.validate_on_submit():
        editing.save_settings(draft, current_user, {
            "title": form.title.data.strip(), "summary": df.clean_text(form.summary.data),
            "audience": df.clean_text(form.audience.data), "language": form.language.data,
            "pass_mark": form.pass_mark.data,
            "certificate_validity_months": form.certificate_validity_months.data, "practice": form.practice.data,
            "authors": form.author_names(), "sources": form.source_list()})
        db.session.commit()
        flash(_("The course settings have been saved in the draft."), "success")
        return redirect(url_for("authoring.course", draft_id=draft.id))
    spec = check_draft(draft, with_advice=False).spec
    return render_template("authoring/settings.html", draft=draft, form=form, hours=spec.hours if spec else None,
                           practice=PRACTICE, skill_count=sum(len(sf.skills(draft.files, m))
                                                              for m in df.modules(draft.files))), \
        400 if form.errors else 200


# --- preview -----------------------------------------------------------------------------------


def _image_url(draft: CourseDraft):
    versions = image_versions(draft)

    def resolve(path: str) -> str | None:
        if path not in versions:
            return None
        return url_for("authoring.image", draft_id=draft.id, name=path[len(df.IMAGES_DIR):], v=versions[path])

    return resolve


def render_draft_markdown(draft: CourseDraft, text: str):
    """Lesson Markdown as learners get it: same renderer, sanitizer and callout titles; draft images."""
    return render_markdown(text, resolve_asset=_image_url(draft), callout_titles=callout_titles())


@bp.route(PREFIX + "/pratinjau")
@role_required(*TRAINERS)
def preview(draft_id: int):
    """The draft's course page as a learner would see it, marked as a preview."""
    draft = editable(draft_id)
    check = check_draft(draft, with_advice=False)
    return render_template("authoring/preview_course.html", draft=draft, check=check,
                           problems=draft_problems(draft, check.problems))


@bp.route(PREFIX + "/pratinjau/<lesson_slug>")
@role_required(*TRAINERS)
def preview_lesson(draft_id: int, lesson_slug: str):
    """A draft lesson as a learner would see it, marked as a preview."""
    draft = editable(draft_id)
    spec = check_draft(draft, with_advice=False).spec
    ordered = [(module, lesson) for module in spec.modules for lesson in module.lessons] if spec else []
    slugs = [lesson.slug for _module, lesson in ordered]
    if lesson_slug not in slugs:
        abort(404)
    index = slugs.index(lesson_slug)
    module, found = ordered[index]
    return render_template("authoring/preview_lesson.html", draft=draft, spec=spec, module=module, lesson=found,
                           body=render_draft_markdown(draft, found.body),
                           previous=ordered[index - 1][1] if index > 0 else None,
                           following=ordered[index + 1][1] if index + 1 < len(ordered) else None)


# --- publishing ---------------------------------------------------------------------------


@bp.route(PREFIX + "/terbitkan", methods=["POST"])
@role_required(*TRAINERS)
def publish_draft(draft_id: int):
    """Publish the draft as the course's next version (all or nothing)."""
    draft = editable(draft_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        publication = publish(draft, current_user)
        db.session.commit()
    except ContentRefused as refused:
        db.session.rollback()
        flash(_("Nothing was published: fix the problems listed below first."), "error")
        draft = db.session.get(CourseDraft, draft_id)
        return course_page(draft, publish_problems=draft_problems(draft, refused.problems), status=400)
    except IntegrityError:
        db.session.rollback()
        flash(_("Someone else published this course at the same moment. Please check the course and try again."),
              "error")
        return redirect(url_for("authoring.course", draft_id=draft_id))
    flash(_("Version %(version)d is published. Learners see it now.", version=publication.version), "success")
    return redirect(url_for("authoring.course", draft_id=draft_id))
