"""Home page and the language switch."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..web import LANGUAGE_COOKIE, safe_next_url
from . import bp


@bp.route("/")
def home():
    """What Rawat offers to families, trainers and verifiers."""
    return render_template("core/home.html")


@bp.route("/bahasa", methods=["POST"])
def set_language():
    """Switch the interface language and come back to the same page."""
    code = request.form.get("lang", "")
    target = safe_next_url(request.form.get("next"), url_for("core.home"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return response
