from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ... import db
from ...accounts import operations
from ..extensions import LANGUAGES, limiter
from . import bp
from ..labels import show_on_form
from .forms import LoginForm, SignupForm


def _safe_next(target: str | None, fallback: str) -> str:
    """Only same-site relative paths: never redirect to another host."""
    if target and target.startswith("/") and not target.startswith("//") \
            and not urlsplit(target).netloc:
        return target
    return fallback


@bp.route("/signup", methods=["GET", "POST"])
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
@limiter.limit(lambda: current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute"),
               methods=["POST"])
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
    logout_user()
    return redirect(url_for("main.index"))


@bp.get("/language/<code>")
def language(code: str):
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            operations.set_locale(db.session(), current_user, code)
            db.session().commit()
    return redirect(_safe_next(request.args.get("next"), url_for("main.index")))
