"""Cross-cutting request handling: language, error pages, low data; finishing.py adds what every response
gets on its way out (security headers, request ID, gzip, the log line).

Low data (see compression.py and static_assets.py): gzip for every text response,
content-hashed static URLs cached for a year, and the web app manifest.
"""
from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, jsonify, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Domain, force_locale, format_date, format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from . import finishing, form_rendering, routing, static_assets
from .caches import FORMATTED_DAYS, LANGUAGE_TEXTS, MENU_ITEMS, PAGE_PARTS, TEMPLATE_URLS
from .observability import current_request_id
from .extensions import babel

LANGUAGE_COOKIE = "lang"
#: the macros of the parts every page shares (layout, menu_links)
LAYOUT_TEMPLATE = "_layout.html"


class RequestCatalogDomain(Domain):
    """Flask-Babel's message domain, finding the catalog once per request instead of per string.

    A page calls gettext some forty times; each call looked up the locale and formatted its
    name to find the cached catalog. Keyed on the locale object, so `force_locale` (a
    certificate in its holder's language) and a language switch still take effect at once.
    """

    def get_translations(self):
        catalog = request_catalog()
        return catalog if catalog is not None else super().get_translations()


def request_catalog():
    """The catalog this request already found for its current locale, else None (then found and kept)."""
    try:
        state = g.get("_flask_babel")
    except RuntimeError:  # no application context
        return None
    if state is None:
        return None
    remembered = getattr(state, "rawat_catalog", None)
    locale = getattr(state, "babel_locale", None)
    if remembered is not None and remembered[0] is locale:
        return remembered[1]
    translations = Domain.get_translations(babel.domain_instance)
    state.rawat_catalog = (getattr(state, "babel_locale", None), translations)
    return translations


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signer built once per set of keys rather than per request.

    Flask builds a new serializer for every request, cookie or not, and building one encodes a test value
    to see what kind of serializer it is: about 5 % of the certificate API's CPU (issue #21)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # the keys are part of the key: a new SECRET_KEY or fallback list gets its own signer
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer


def _install_template_gettext(app: Flask) -> None:
    # The same callables Flask-Babel installs, minus its per-string look-ups of domain and locale.
    def catalog():
        found = request_catalog()
        return found if found is not None else babel.domain_instance.get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=lambda message: catalog().ugettext(message),
        ngettext=lambda singular, plural, number: catalog().ungettext(singular, plural, number),
        pgettext=lambda context, message: catalog().upgettext(context, message),
        npgettext=lambda context, singular, plural, number: catalog().unpgettext(context, singular, plural, number),
        newstyle=True,
    )


def _template_url_for(app: Flask):
    """url_for for templates, each URL built once per process (TEMPLATE_URLS).

    A page links to some twenty URLs, and Werkzeug's builder with the url_defaults hooks (a static
    file's hash) cost more than the rest of the template together (issue #21). A relative URL depends
    only on the endpoint, its arguments, the mount point (and the blueprint, for ".endpoint"), so it
    is kept under those; anything else (_external, _anchor, a list argument, no request) is built as
    before.
    """
    build = app.url_for

    def url_for(endpoint: str, **values) -> str:
        if (not has_request_context() or (app.debug and endpoint == "static")
                or any(name[:1] == "_" for name in values)):
            return build(endpoint, **values)
        key = (id(app), request.script_root, request.blueprint if endpoint[:1] == "." else None, endpoint,
               *sorted(values.items()))
        try:
            return TEMPLATE_URLS.get_or_load(key, lambda: build(endpoint, **values))
        except TypeError:  # an unhashable argument (a list of values for one key)
            return build(endpoint, **values)

    return url_for


def format_day(value=None, format: str | None = "medium", rebase: bool = True) -> str:
    """The templates' format_date: a calendar day (a `date`) is written once per language and format.

    Babel takes some 40 µs to write one; a list of 25 certificates wrote 25, a tenth of the page (issue #21). A
    day has no time zone to apply, so the words depend on nothing else. A moment (`datetime`) is written by
    Flask-Babel each time, in the reader's time zone."""
    if type(value) is not date:
        return format_date(value, format, rebase)
    key = (value, format, get_locale())  # a babel Locale hashes as its language and territory
    return FORMATTED_DAYS.get_or_load(key, lambda: format_date(value, format, rebase))


def texts_per_language(function):
    """Decorator: a function returning a dict of translated strings, computed once per language (LANGUAGE_TEXTS).

    The result is shared by every page in that language: read it, never change it."""
    @wraps(function)
    def texts() -> dict:
        key = (function.__module__, function.__qualname__, str(get_locale()))
        return LANGUAGE_TEXTS.get_or_load(key, function)

    return texts


def may_be_signed_in() -> bool:
    """False when nobody can be signed in: no user loaded yet and neither sign-in cookie sent (a program calling
    the API, a first visit). Then the language is chosen without loading the user for nothing."""
    if "_login_user" in g:
        return True
    cookies = request.cookies
    return (current_app.config["SESSION_COOKIE_NAME"] in cookies
            or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies)


def select_locale() -> str:
    """The signed-in user's choice, else the visitor's cookie, else Indonesian."""
    languages = g.get("_languages") or ("id", "en")
    if may_be_signed_in() and current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return languages[0]


def safe_next_url(target: str | None, fallback: str = "/") -> str:
    """Accept only same-site relative paths so `next` can't redirect off-site."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def wants_json() -> bool:
    # the API, and any document served as .json (a download, a DID document): a program reads the error
    return request.path.startswith("/api/") or request.path.endswith(".json")


ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to open this page."),
    404: _l("The page you are looking for does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("What you sent is too large. Send a smaller file or a shorter text."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side."),
    503: _l("The service is temporarily unavailable."),
}


def _error_response(code: int, message: str):
    request_id = current_request_id()
    if wants_json():
        body = {"code": code, "message": message}
        if request_id:
            body["request_id"] = request_id
        return jsonify(error=body), code
    return render_template("error.html", code=code, message=message, request_id=request_id), code


def _rollback_quietly(db) -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool discards it
        db.session.remove()


def _loaded_user_locale(app: Flask) -> str | None:
    """The language of the user this request already loaded, read without touching the database."""
    user = g.get("_login_user")
    state = sa_inspect(user, raiseerr=False) if user is not None else None
    locale = state.dict.get("locale") if state is not None else None
    return locale if locale in app.config["LANGUAGES"] else None


def init_app(app: Flask) -> None:
    from .request_body import AppRequest

    # Before any rule is added: the bounded converters and the request's size and JSON rules.
    routing.install(app)
    app.request_class = AppRequest
    app.session_interface = CookieSessions()
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestCatalogDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    _install_template_gettext(app)
    form_rendering.install()
    finishing.install(app)  # security headers, request ID, gzip, log line
    static_assets.init_app(app)

    @app.before_request
    def remember_languages():
        g._languages = app.config["LANGUAGES"]

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return _error_response(
            400,
            _("This form has expired or was not sent from this site. Please go back, reload the page and try again."),
        )

    @app.errorhandler(429)
    def rate_limited(error):
        response = app.make_response(_error_response(429, _("Too many attempts. Please wait a minute and try again.")))
        seconds = getattr(error, "retry_after", None)  # lms.rate_limits.RateLimited: when the window ends
        response.headers["Retry-After"] = str(seconds if isinstance(seconds, int) else 60)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # An error that says what was wrong (e.g. JSONRefused) shows that instead of the general message.
        message = getattr(error, "user_message", None) or ERROR_MESSAGES.get(code)
        return _error_response(code, str(message) if message else (error.description or ""))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        # The database went away (restart, network): nothing was written, the pool reconnects.
        from .extensions import db

        app.logger.error("Database unavailable on %s %s (request %s): %s", request.method, request.path,
                         current_request_id(), error.__class__.__name__)
        locale = _loaded_user_locale(app)
        _rollback_quietly(db)
        # Draw the page as for a visitor: the signed-in user cannot be (re)loaded now, and trying
        # would fail again on the database. Keep their language if it was already known.
        g._login_user = app.login_manager.anonymous_user()
        with force_locale(locale) if locale else nullcontext():
            response, code = _error_response(
                503, _("The service is temporarily unavailable. Please try again in a minute."))
        response = app.make_response((response, code))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s (request %s)", request.method, request.path,
                             current_request_id())
        from .extensions import db

        _rollback_quietly(db)
        if "_login_user" not in g:
            # The error may have come from loading the user: drawing the page must not try again, or
            # every current_user in the template would raise the same error inside this handler.
            g._login_user = app.login_manager.anonymous_user()
        return _error_response(500, _("Something went wrong on our side."))

    app.jinja_env.globals.update({
        "url_for": _template_url_for(app),
        "languages": app.config["LANGUAGES"], "nav_items": nav_items, "menu_links": menu_links, "layout": layout,
        "format_date": format_day, "format_datetime": format_datetime, "format_number": format_decimal,
        "format_percent": format_percent,
        "current_locale": lambda: str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])})


def template_helpers(blueprint):
    """Decorator: the helpers a function returns become Jinja globals when `blueprint` is registered.

    They are the same functions on every page, so they are installed once; a context processor would be
    called and merged into every template rendered (a page renders several), for nothing.
    """
    def register(helpers):
        blueprint.record_once(lambda state: state.app.jinja_env.globals.update(helpers()))
        return helpers
    return register


# (endpoint, label, who sees it) for the main menu; entries of features not installed are skipped.
NAV_ENTRIES = (
    ("courses.catalog", _l("Courses"), "everyone"),
    ("courses.dashboard", _l("My learning"), "signed_in"),
    ("cohorts.index", _l("My groups"), "trainer"),
    ("authoring.index", _l("Authoring"), "trainer"),
    ("verification.verify", _l("Verify a certificate"), "everyone"),
    ("admin.users", _l("Administration"), "admin"),
    ("outcomes.programme", _l("Programme outcomes"), "programme"),
    ("organisations.index", _l("Organisations"), "admin"),
    ("certificates.admin_list", _l("Certificates"), "admin"),
    ("audit.log", _l("Audit log"), "admin"),
    ("practice.rejected", _l("Rejected observations"), "admin"),
    ("erasure.queue", _l("Data requests"), "admin"),
)


def _menu_key() -> tuple:
    signed_in = bool(current_user.is_authenticated)
    programme = signed_in and current_user.role in ("programme", "admin")
    return (signed_in, signed_in and current_user.is_trainer, signed_in and current_user.is_admin, programme,
            str(get_locale()), request.script_root, id(current_app._get_current_object()))


def menu_links() -> Markup:
    """The main menu's links for this audience and language, the current one marked (aria-current "page" on its
    own page, "true" below it), drawn once per process for each (PAGE_PARTS)."""
    key = _menu_key()
    items = _nav_items_for(key)
    endpoint, path = request.endpoint, request.path
    marks = tuple("page" if endpoint == item else "true" if path.startswith(href + "/") else ""
                  for item, href, _label in items)
    return _page_part(("menu", key, marks), lambda module: module.menu(items, marks))


def layout(name: str) -> Markup:
    """One of the parts every page shares (templates/_layout.html: the head's links, the language buttons, the
    footer…), drawn once per language and mount point (PAGE_PARTS)."""
    return _page_part((name, str(get_locale()), request.script_root, id(current_app._get_current_object())),
                      lambda module: getattr(module, name)())


def _page_part(key: tuple, draw) -> Markup:
    app = current_app._get_current_object()

    def drawn() -> Markup:
        return Markup(draw(app.jinja_env.get_template(LAYOUT_TEMPLATE).module))

    # templates reload under the debugger: there they are drawn every time
    return drawn() if app.debug else PAGE_PARTS.get_or_load(key, drawn)


def nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, href, label) of the main menu for this user and language.

    Every page draws the menu; the links for one audience, language and mount point are built
    once per process, not with eight url_for and gettext calls per page.
    """
    return _nav_items_for(_menu_key())


def _nav_items_for(key: tuple) -> list[tuple[str, str, str]]:
    items = MENU_ITEMS.get(key)
    if items is None:
        signed_in, trainer, admin, programme, *_rest = key
        shown = {"everyone": True, "signed_in": signed_in, "trainer": trainer, "admin": admin,
                 "programme": programme}
        items = [(endpoint, url_for(endpoint), str(label)) for endpoint, label, audience in NAV_ENTRIES
                 if endpoint in current_app.view_functions and shown[audience]]
        MENU_ITEMS.put(key, items)
    return items
