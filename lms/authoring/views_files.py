"""Authoring pages for a course's files: pictures, zip export and import, and who may edit it."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import User
from ..accounts.permissions import role_required
from ..courses.importer import MAX_ASSET_BYTES
from ..courses.views import ASSET_CSP
from ..extensions import csrf, db
from . import bp
from . import draft_files as df
from .archive import MAX_ZIP_BYTES, ZipRefused
from .forms import ActionForm, CoauthorForm, ImageForm, ZipForm
from .images import ImageRefused
from .models import CourseDraft
from .problems import place_names
from .queries import can_manage_authors, get_draft_for, get_image_or_404, image_list, image_versions
from .services import (
    AuthoringError,
    ContentRefused,
    add_coauthor,
    add_image,
    export_zip,
    import_zip,
    remove_coauthor,
    remove_image,
)
from .views import PREFIX, TRAINERS, course_page, editable, error_text, limit_upload, read_upload, zip_problems_of


# --- images ------------------------------------------------------------------------------------


@bp.route(PREFIX + "/gambar", methods=["GET", "POST"])
@csrf.exempt  # POST: checked in limit_upload, once the size limit is in place
@role_required(*TRAINERS)
def images(draft_id: int):
    """The draft's pictures: upload (checked like the importer does) and remove."""
    draft = editable(draft_id)
    if request.method == "POST":
        limit_upload(MAX_ASSET_BYTES)
    form = ImageForm()
    if form.validate_on_submit():
        data = read_upload(MAX_ASSET_BYTES)
        if data is None:
            form.file.errors = [_("Choose a picture to upload.")]
        else:
            try:
                path = add_image(draft, current_user, request.files["file"].filename, data)
            except ImageRefused as refused:
                form.file.errors = [refused.message]
            else:
                db.session.commit()
                flash(_("The picture has been uploaded. Use it in a lesson as ![what it shows](%(path)s).",
                        path=path), "success")
                return redirect(url_for("authoring.images", draft_id=draft.id))
    return render_template("authoring/images.html", draft=draft, form=form, images=image_list(draft),
                           versions=image_versions(draft), action_form=ActionForm()), 400 if form.errors else 200


@bp.route(PREFIX + "/gambar/<path:name>")
@role_required(*TRAINERS)
def image(draft_id: int, name: str):
    """A draft picture, for the editor and the preview only."""
    draft = get_draft_for(current_user, draft_id)
    item = get_image_or_404(draft, df.IMAGES_DIR + name)
    response = Response(item.data, mimetype=item.content_type)
    response.set_etag(item.sha256)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Content-Security-Policy"] = ASSET_CSP
    return response.make_conditional(request)


@bp.route(PREFIX + "/gambar/<path:name>/hapus", methods=["POST"])
@role_required(*TRAINERS)
def remove_picture(draft_id: int, name: str):
    """Remove a picture no lesson or question uses."""
    draft = editable(draft_id)
    get_image_or_404(draft, df.IMAGES_DIR + name)
    if ActionForm().validate_on_submit():
        try:
            remove_image(draft, current_user, df.IMAGES_DIR + name)
        except AuthoringError as error:
            if error.code == "image_in_use":  # the lessons and quizzes by name, not their files
                error.params = {"files": place_names(draft.files, draft.slug, error.params["paths"])}
            flash(error_text(error), "error")
        else:
            db.session.commit()
            flash(_("The picture has been removed."), "info")
    return redirect(url_for("authoring.images", draft_id=draft.id))


# --- zips --------------------------------------------------------------------------------------


@bp.route(PREFIX + "/ekspor.zip")
@role_required(*TRAINERS)
def export(draft_id: int):
    """The draft (?versi=draf) or the published course (?versi=terbit) as a zip in the content/ format."""
    draft = get_draft_for(current_user, draft_id)
    source = "published" if request.args.get("versi") == "terbit" else "draft"
    try:
        data = export_zip(draft, draft.course, source=source)
    except AuthoringError:
        abort(404)
    suffix = "draf" if source == "draft" else f"v{draft.course.version}"
    response = Response(data, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{draft.slug}-{suffix}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route(PREFIX + "/impor", methods=["POST"])
@csrf.exempt  # checked in limit_upload, once the size limit is in place
@role_required(*TRAINERS)
def import_into_draft(draft_id: int):
    """Replace the draft with a zip in the content/ format (checked like `lms import-content`)."""
    draft = get_draft_for(current_user, draft_id)
    limit_upload(MAX_ZIP_BYTES)
    form = ZipForm()
    data = read_upload(MAX_ZIP_BYTES)
    if data is None:
        form.file.errors = [_("Choose a zip file.")]
        return course_page(draft, zip_form=form, status=400)
    try:
        import_zip(data, current_user, draft)
    except (ZipRefused, ContentRefused) as error:
        db.session.rollback()
        draft = db.session.get(CourseDraft, draft_id)
        return course_page(draft, zip_form=form, zip_problems=zip_problems_of(error), status=400)
    db.session.commit()
    flash(_("The zip has replaced the draft. Check it in the preview, then publish."), "success")
    return redirect(url_for("authoring.course", draft_id=draft_id) + "#main")  # the form posted to …#zip


# --- authors -----------------------------------------------------------------------------------


@bp.route(PREFIX + "/penulis", methods=["GET", "POST"])
@role_required(*TRAINERS)
def authors(draft_id: int):
    """Who edits the course; the owner (or an admin) adds co-authors by mobile number."""
    draft = get_draft_for(current_user, draft_id)
    manage = can_manage_authors(current_user, draft)
    form = CoauthorForm()
    if request.method == "POST":
        if not manage:
            abort(403)
        if form.validate_on_submit():
            try:
                user = add_coauthor(draft, form.phone.data, current_user)
            except AuthoringError as error:
                form.phone.errors = [error_text(error)]
            else:
                db.session.commit()
                flash(_("%(name)s can now edit this course.", name=user.full_name), "success")
                return redirect(url_for("authoring.authors", draft_id=draft.id))
    return render_template("authoring/authors.html", draft=draft, form=form, manage=manage,
                           action_form=ActionForm()), 400 if form.errors else 200


@bp.route(PREFIX + "/penulis/<int:user_id>/hapus", methods=["POST"])
@role_required(*TRAINERS)
def remove_author(draft_id: int, user_id: int):
    """Take a co-author off the course."""
    draft = get_draft_for(current_user, draft_id)
    if not can_manage_authors(current_user, draft):
        abort(403)
    user = db.session.get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        remove_coauthor(draft, user.id)
        db.session.commit()
        flash(_("%(name)s no longer edits this course.", name=user.full_name), "info")
    return redirect(url_for("authoring.authors", draft_id=draft.id))
