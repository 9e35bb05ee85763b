import re
from io import BytesIO
from itertools import groupby

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ... import db
from ...access import Action
from ...accounts import operations
from ...accounts.models import Organisation, User
from ...accounts.roles import OrganisationKind, Role
from ...certs import catalogue
from ...certs.criteria import CriteriaError
from ...errors import InputError
from ..access import load, role_required
from ..labels import error_message, show_on_form
from . import bp
from .forms import PasswordResetForm, PublishCriteriaForm, StaffUserForm


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    session = db.session()
    organisations = {o.id: o for o in session.exec(select(Organisation))}
    return render_template("admin/users.html", organisations=organisations,
                           users=session.exec(select(User).order_by(User.organisation_id,
                                                                    User.email)).all())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    session = db.session()
    form = StaffUserForm()
    bodies = session.exec(select(Organisation).where(
        Organisation.kind.in_([OrganisationKind.CERTIFICATION_BODY, OrganisationKind.PLATFORM]))
        .order_by(Organisation.name))
    form.organisation_id.choices = [(0, "—")] + [(o.id, o.name) for o in bodies]
    if form.validate_on_submit():
        try:
            user = _create_staff(session, form)
        except operations.AccountError as error:
            session.rollback()
            show_on_form(form, error, fallback={"credit_code": form.new_credit_code}.get(
                error.field))
        else:
            session.commit()
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for(".users"))
    return render_template("admin/new_user.html", form=form)


def _create_staff(session, form: StaffUserForm) -> User:
    if form.new_organisation.data:
        if not form.new_credit_code.data:
            raise operations.AccountError("credit_code", "must be 18 characters",
                                          code="credit_code_length")
        return operations.register_organisation(
            session, name=form.new_organisation.data, credit_code=form.new_credit_code.data,
            address="", user_name=form.name.data, email=form.email.data,
            password=form.password.data, kind=OrganisationKind.for_role(Role(form.role.data)),
            actor=current_user)
    organisation = session.get(Organisation, form.organisation_id.data)
    if organisation is None:
        raise operations.AccountError("organisation_id", "choose an organisation")
    return operations.create_user(session, organisation=organisation, name=form.name.data,
                                  email=form.email.data, password=form.password.data,
                                  role=Role(form.role.data), actor=current_user)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    user = load(User, user_id, Action.ADMINISTER)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            operations.reset_password(db.session(), user, form.password.data,
                                      actor=current_user)
        except operations.AccountError as exc:
            db.session().rollback()
            show_on_form(form, exc, fallback=form.password)
        else:
            db.session().commit()
            flash(_("Password of %(email)s reset. Tell the user the new password in person.",
                    email=user.email), "success")
            return redirect(url_for(".users"))
    return render_template("admin/reset_password.html", form=form, user=user)


@bp.post("/users/<int:user_id>/enable")
@role_required(Role.ADMIN)
def enable(user_id: int):
    return _set_enabled(user_id, True)


@bp.post("/users/<int:user_id>/disable")
@role_required(Role.ADMIN)
def disable(user_id: int):
    return _set_enabled(user_id, False)


def _set_enabled(user_id: int, enabled: bool):
    user = load(User, user_id, Action.ADMINISTER)
    try:
        operations.set_enabled(db.session(), user, enabled, actor=current_user)
    except operations.AccountError as exc:
        db.session().rollback()
        flash(error_message(exc), "error")
    else:
        db.session().commit()
        flash(_("Account %(email)s enabled.", email=user.email) if enabled else
              _("Account %(email)s disabled; its sessions have ended.", email=user.email),
              "success")
    return redirect(url_for(".users"))


# --- criteria versions ---------------------------------------------------------------------------

@bp.get("/criteria")
@role_required(Role.ADMIN)
def criteria():
    session = db.session()
    entries = catalogue.versions(session, current_app.extensions["criteria"])
    families = [(family, list(group)) for family, group in
                groupby(entries, key=lambda e: catalogue.family_of(e.criteria))]
    publisher_ids = {e.row.published_by_id for e in entries if e.row and e.row.published_by_id}
    publishers = {u.id: u for u in session.exec(select(User).where(User.id.in_(publisher_ids)))}
    return render_template("admin/criteria.html", families=families, publishers=publishers,
                           applications=catalogue.applications_by_key(session))


def _source_or_404(key: str) -> str:
    try:
        return catalogue.source_of(db.session(), key, current_app.config["CRITERIA_DIR"])
    except catalogue.UnknownCriteria:
        abort(404)


@bp.get("/criteria/source")
@role_required(Role.ADMIN)
def criteria_source():
    """A version's YAML as text: as stored, or its file's (the key must be a known one)."""
    key = request.args.get("key", "")
    source = _source_or_404(key)
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", key) + ".yaml"
    return send_file(BytesIO(source.encode("utf-8")), mimetype="text/plain",
                     download_name=filename)


@bp.route("/criteria/publish", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def publish_criteria():
    session = db.session()
    form = PublishCriteriaForm()
    if request.method == "GET" and request.args.get("from"):
        form.source.data = _source_or_404(request.args["from"])
    problems: list[InputError] = []
    text = form.criteria_text() if form.validate_on_submit() else None
    if text is not None:
        try:
            row = catalogue.publish(session, current_user, text,
                                    current_app.extensions["criteria"])
        except InputError as error:
            session.rollback()
            problems = error.errors if isinstance(error, CriteriaError) else [error]
            form.source.data = text  # an uploaded file's text too, to be corrected here
        else:
            session.commit()
            flash(_("Criteria %(key)s published: new applications use it.", key=row.key),
                  "success")
            return redirect(url_for(".criteria"))
    return render_template("admin/criteria_publish.html", form=form,
                           problems=[(str(p.location), error_message(p)) for p in problems])
