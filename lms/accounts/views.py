"""Register, sign in and out, profile and password."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from wtforms.validators import ValidationError

from ..extensions import db, rate_limits, login_manager
from ..regions.forms import ClearVillageForm, check_village_code
from ..regions.queries import regions_loaded
from ..web import LANGUAGE_COOKIE, safe_next_url
from . import bp
from ..mail import send_mail_later
from . import rescue, sessions
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    RescueCodeForm,
    ResetPasswordForm,
)
from .identifiers import InvalidIdentifier, format_phone, normalize_identifier
from .models import User
from .views_village import village_summary
from .services import (
    DuplicateAccount,
    authenticate,
    change_password,
    find_by_identifier,
    register_user,
    update_profile,
)

login_manager.login_view = "accounts.login"
login_manager.login_message = None  # the sign-in page explains itself
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(session_key: str) -> User | None:
    # The cookie names a session, not just an account: a session ended on the server stays ended.
    return sessions.load_session_user(session_key)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only refused sign-ins count: a village signing in together on one address is not an attack."""
    return response.status_code != 302


def _login_account_key() -> str:
    """Rate-limit key for the account being tried, whatever form it was typed in."""
    raw = request.form.get("identifier", "")
    try:
        _kind, value = normalize_identifier(raw)
    except InvalidIdentifier:
        value = " ".join(raw.lower().split())[:64]
    return f"login-account:{value}"


def _visitor_locale() -> str | None:
    value = request.cookies.get(LANGUAGE_COOKIE)
    return value if value in current_app.config["LANGUAGES"] else None


def _landing() -> str:
    """Where a signed-in learner goes by default: their own learning, not the public home page."""
    return url_for("courses.dashboard")


def _village_context(code: str | None) -> dict:
    """The village shown on the page, and whether there are places to choose from (the block is hidden when
    none were imported): one query either way."""
    village = village_summary(code)
    return {"village": village, "regions_loaded": village is not None or regions_loaded()}


@bp.route("/daftar", methods=["GET", "POST"])
@rate_limits.limit(_register_limit, methods=["POST"])
def register():
    """Create a learner account with a mobile number or an e-mail."""
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next"), _landing()))
    form = RegisterForm()
    village_notice = None
    if request.method == "GET" and request.args.get("desa"):
        # a village chosen on /daftar/wilayah, or a village's registration link: shown, checked again on POST
        try:
            village = check_village_code(request.args["desa"])
        except ValidationError as exc:
            village_notice = exc.args[0]
        else:
            form.village_code.data = village.code if village else None
    if form.validate_on_submit():
        try:
            user = register_user(
                form.full_name.data, form.contact_kind, form.contact_value, form.password.data,
                locale=_visitor_locale(), village_code=form.village_code.data, consent=form.consent_answer(),
            )
        except DuplicateAccount:
            form.contact.errors.append(
                _("An account with this mobile number or e-mail already exists. Sign in instead.")
            )
        else:
            sessions.sign_in(user)
            db.session.commit()
            flash(_("Welcome to Rawat, %(name)s! Your account is ready.", name=user.full_name), "success")
            return redirect(safe_next_url(request.args.get("next"), _landing()))
    if form.village_code.errors:
        form.village_code.data = None  # not sent again: the person chooses again
    return render_template("accounts/register.html", form=form, village_notice=village_notice,
                           **_village_context(form.village_code.data)), 400 if form.errors else 200


@bp.route("/masuk", methods=["GET", "POST"])
@rate_limits.limit(_login_address_limit, methods=["POST"], deduct_when=_failed)
@rate_limits.limit(_login_limit, methods=["POST"], key=_login_account_key, deduct_when=_failed)
def login():
    """Sign in with a mobile number or e-mail and a password; then the page that sent here, or My learning."""
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next"), _landing()))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.identifier.data, form.password.data)
        if user is None:
            # One message for unknown accounts and wrong passwords alike.
            form.password.errors.append(_("The mobile number/e-mail or the password is not right."))
        else:
            if user.locale is None:
                user.locale = _visitor_locale()
            sessions.sign_in(user, remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next_url(form.next.data, _landing()))
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.route("/keluar", methods=["POST"])
def logout():
    """Sign out (POST only, so a link in a message cannot sign someone out); `everywhere` ends every
    session of the account, for a phone that was lost, sold or shared."""
    if current_user.is_authenticated and request.form.get("everywhere"):
        ended = sessions.end_all_sessions(current_user)
        logout_user()
        db.session.commit()
        flash(_("You have signed out on every device (%(num)d).", num=ended), "info")
        return redirect(url_for("accounts.login"))
    if current_user.is_authenticated:
        sessions.sign_out(current_user)
        db.session.commit()
    else:
        logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    """See and edit one's own name, contact and language."""
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.locale.data = current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
        form.phone.data = format_phone(current_user.phone) if current_user.phone else ""
    if form.validate_on_submit():
        try:
            update_profile(
                current_user, full_name=form.full_name.data, phone=form.phone.data or None,
                email=form.email.data or None, locale=form.locale.data,
            )
        except DuplicateAccount:
            form.phone.errors.append(_("This mobile number or e-mail is already used by another account."))
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            response = redirect(url_for("accounts.profile"))
            response.set_cookie(LANGUAGE_COOKIE, form.locale.data, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
    return render_template("accounts/profile.html", form=form, clear_village_form=ClearVillageForm(),
                           **_village_context(current_user.village_code),
                           session_count=sessions.active_session_count(current_user.id)), 400 if form.errors else 200


@bp.route("/profil/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password_view():
    """Change one's password after confirming the current one."""
    form = ChangePasswordForm(user_identifiers=(current_user.contact, current_user.full_name))
    if form.validate_on_submit():
        if change_password(current_user, form.current_password.data, form.new_password.data):
            # Every other device is signed out; this one gets a new session.
            sessions.renew_session(current_user)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("accounts.profile"))
        form.current_password.errors.append(_("The current password is not right."))
    return render_template("accounts/change_password.html", form=form), 400 if form.errors else 200


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@rate_limits.limit(_reset_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset code by e-mail (accounts with an e-mail only)."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = find_by_identifier("email", form.email.data)
        mail = None
        if user is not None and user.is_active:
            try:
                code = rescue.issue_code(user, channel="email", issued_by=None, reason="forgot password (e-mail)")
            except rescue.TooManyCodes:
                code = None  # said nowhere: the answer below must not tell the account apart
            if code is not None:
                link = url_for("accounts.reset_password", kode=rescue.format_code(code), _external=True)
                mail = (user.email, _("Your Rawat password reset code"),
                        _("Hello %(name)s,\n\nYour code to set a new Rawat password is %(code)s. It works once, "
                          "for one hour. Open %(link)s to use it.\n\nIf you did not ask for it, ignore this "
                          "message.", name=user.full_name, code=rescue.format_code(code), link=link))
        db.session.commit()
        if mail is not None:
            # In the background, after the commit: a known address must not answer slower than an unknown one.
            send_mail_later(*mail)
        # The same answer whether or not the address is known (no account enumeration).
        flash(_("If an account uses this e-mail, a code is on its way. It works once, for one hour."), "info")
        return redirect(url_for("accounts.reset_password"))
    return render_template("accounts/forgot_password.html", form=form), 400 if form.errors else 200


@bp.route("/atur-ulang-sandi", methods=["GET", "POST"])
@rate_limits.limit(_login_address_limit, methods=["POST"], deduct_when=_failed)
def reset_password():
    """Set a new password with a one-time code; every session of the account ends."""
    form = ResetPasswordForm()
    if request.method == "GET" and request.args.get("kode"):
        form.code.data = request.args["kode"][:40]
    if form.validate_on_submit():
        try:
            user = rescue.reset_password(form.code.data, form.new_password.data)
        except rescue.InvalidResetCode:
            form.code.errors.append(_("This code does not work: it is wrong, already used or too old. "
                                      "Ask for a new one."))
        else:
            db.session.commit()
            if current_user.is_authenticated and current_user.id != user.id:
                # A care manager setting up a family's account on their own phone stays signed in.
                flash(_("The new password of %(name)s is set. They sign in with it now.", name=user.full_name),
                      "success")
                return redirect(url_for("core.home"))
            logout_user()
            flash(_("Your new password is set, %(name)s. Sign in with it now.", name=user.full_name), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 400 if form.errors else 200


def render_issued_code(user: User, code: str, back_url: str, *, hours: int | None = None):
    """The page that shows a freshly issued code once (never put in a cookie or a flash)."""
    response = current_app.make_response(render_template(
        "accounts/reset_code_issued.html", learner=user, code=rescue.format_code(code), back_url=back_url,
        hours=hours or int(rescue.CODE_LIFETIMES["helper"].total_seconds() // 3600),
        link=url_for("accounts.reset_password", kode=rescue.format_code(code), _external=True)))
    response.headers["Cache-Control"] = "no-store"
    return response


def rescue_code_page(target: User, *, back_url: str, accompanies: bool, **details):
    """Shared by the group page and the admin list. GET asks why a code is needed; POST issues it and
    shows it once. 403 for an account the signed-in person may not rescue (see rescue.check_may_issue)."""
    try:
        rescue.check_may_issue(current_user, target, accompanies=accompanies)
    except rescue.NotAllowed:
        abort(403)
    form = RescueCodeForm()
    if form.validate_on_submit():
        try:
            code = rescue.issue_code(target, channel="helper", issued_by=current_user, reason=form.reason.data,
                                     **details)
        except rescue.TooManyCodes:
            form.reason.errors.append(_("Several codes were made for this account in the last hour. "
                                        "Wait an hour before making another."))
        else:
            db.session.commit()
            return render_issued_code(target, code, back_url)
    return render_template("accounts/issue_code.html", form=form, learner=target, back_url=back_url), \
        400 if form.errors else 200
