from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import db
from ...accounts import operations
from .. import ratelimits
from ..extensions import LANGUAGES
from . import bp
from ..labels import show_on_form
from .forms import ChangePasswordForm, LoginForm, SignupForm


def _safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: never redirect to another host. No control characters
    (CR/LF would split the Location header) and no backslash (browsers read "/\\host" as
    "//host")."""
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and target.isprintable() \
            and not urlsplit(target).netloc:
        return target
    return fallback


@bp.route("/signup", methods=["GET", "POST"])
@ratelimits.limit("signup", "SIGNUP_RATE_LIMIT", "10 per hour")
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = operations.register_organisation(
                db.session(), name=form.company.data, credit_code=form.credit_code.data,
                address=form.address.data, user_name=form.name.data, email=form.email.data,
                password=form.password.data)
        except operations.AccountError as error:
            db.session().rollback()
            show_on_form(form, error)
        else:
            db.session().commit()
            login_user(user)
            flash(_("Welcome! Your organisation is registered."), "success")
            return redirect(url_for("products.index"))
    return render_template("auth/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@ratelimits.limit("login", "LOGIN_RATE_LIMIT", "10 per minute")
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(db.session(), form.email.data, form.password.data)
        if user is None:
            form.password.errors.append(_("Wrong e-mail address or password"))
        else:
            login_user(user)
            return redirect(_safe_next(request.args.get("next"), url_for("main.index")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Logging out ends every session of the user, also cookies copied or kept elsewhere."""
    operations.log_out_everywhere(db.session(), current_user)
    db.session().commit()
    logout_user()
    return redirect(url_for("main.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(db.session(), current_user, form.current_password.data,
                                       form.new_password.data)
        except operations.AccountError as exc:
            db.session().rollback()
            show_on_form(form, exc)
        else:
            db.session().commit()
            login_user(current_user._get_current_object())  # this session goes on, others end
            flash(_("Password changed. You were logged out everywhere else."), "success")
            return redirect(url_for(".account"))
    return render_template("auth/account.html", form=form)


@bp.post("/language/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            operations.set_locale(db.session(), current_user, code)
            db.session().commit()
    return redirect(_safe_next(request.form.get("next"), url_for("main.index")))
