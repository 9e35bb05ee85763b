"""Flask extensions, created once and bound to the app in `init_extensions`."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel
from flask_login import LoginManager, current_user
from flask_wtf import CSRFProtect
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from . import ratelimits

LANGUAGES = {"en": "English", "zh": "简体中文"}

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


def select_locale() -> str:
    # ?lang= on a page: that page in that language, nothing stored (the public verify pages
    # link so, to need no session)
    if request.args.get("lang") in LANGUAGES:
        return request.args["lang"]
    if request.cookies:  # else no session and no login to ask (most public requests)
        if session.get("lang") in LANGUAGES:
            return session["lang"]
        if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
            return current_user.locale
    return _best_language(request.headers.get("Accept-Language", ""))


@lru_cache(maxsize=256)
def _best_language(accept_language: str) -> str:
    """The language an Accept-Language header asks for: worked out once per header value (a
    handful of values make up most requests; the bound keeps odd ones from piling up)."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(
        list(LANGUAGES), default="en")


class CookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a request without the cookie gets its empty session
    without building the signing serializer first (most public requests: the verify pages)."""

    def open_session(self, app: Flask, request):
        if not request.cookies.get(self.get_cookie_name(app)) and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)


def init_extensions(app: Flask) -> None:
    app.session_interface = CookieSessionInterface()
    from .translations import TRANSLATIONS, compile_catalogues

    compile_catalogues()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    ratelimits.init_app(app)


@login_manager.user_loader
def _load_user(session_id: str):
    """The user of a session or remember cookie, if its session token is still the user's:
    rotating the token (logout, password change or reset, disabling) ends every session."""
    from .. import db
    from ..accounts.models import User, parse_session_id

    user_id, token = parse_session_id(session_id)
    if user_id is None:
        return None
    user = db.session().get(User, user_id)
    if user is None or not user.has_session_token(token):
        return None
    return user
