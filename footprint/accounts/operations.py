"""Organisations, users and factory sites: reads, and every change with its audit event.

Functions flush; the request or command commits once.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..audit.operations import record, snapshot
from ..errors import InputError, Location, StillInUse
from .models import Organisation, Site, User, new_session_token
from .roles import OrganisationKind, Role

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score 0-4; 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic); the rest of a longer one only adds.
_ZXCVBN_MAX_LENGTH = 72
DEFAULT_HASH_METHOD = "scrypt"
SITE_FIELDS = ("name", "address", "grid_region", "annual_output", "output_unit", "land_area_m2")


class AccountError(InputError):
    """A refused account change; `field` names the form field, `code` the message."""

    def __init__(self, field: str, message: str, code: str | None = None, **params):
        super().__init__(message, code=code or field, location=Location(field=field), **params)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def find_organisation_by_code(session: Session, credit_code: str) -> Organisation | None:
    code = credit_code.strip().upper()
    return session.exec(select(Organisation).where(Organisation.credit_code == code)).first()


def register_organisation(session: Session, *, name: str, credit_code: str, address: str,
                          user_name: str, email: str, password: str,
                          kind: OrganisationKind = OrganisationKind.MANUFACTURER,
                          actor: User | None = None) -> User:
    """A new organisation with its first user, of the role its kind implies. Without an actor
    (self sign-up) the new user is recorded as the actor."""
    kind = OrganisationKind(kind)
    if find_organisation_by_code(session, credit_code):
        raise AccountError("credit_code", "an organisation with this credit code is registered",
                           code="credit_code_taken")
    organisation = Organisation(name=name.strip(), credit_code=credit_code.strip().upper(),
                                address=address.strip(), kind=kind)
    session.add(organisation)
    session.flush()
    user = create_user(session, organisation=organisation, name=user_name, email=email,
                       password=password, role=kind.role, actor=actor)
    record(session, actor=actor or user, action="organisation.create", obj=organisation,
           organisation_id=organisation.id, after=snapshot(organisation))
    return user


def create_user(session: Session, *, organisation: Organisation, name: str, email: str,
                password: str, role: Role, actor: User | None = None) -> User:
    if role not in set(Role):
        raise AccountError("role", f"unknown role '{role}'", code="unknown_role", role=role)
    if role != OrganisationKind(organisation.kind).role:
        raise AccountError("role", f"a {organisation.kind} has no {role} users",
                           code="role_of_other_kind", role=role, kind=organisation.kind)
    if find_user_by_email(session, email):
        raise AccountError("email", "this e-mail address already has an account",
                           code="email_taken")
    check_password(password, user_inputs=[name, email])
    user = User(organisation_id=organisation.id, name=name.strip(), email=email.strip().lower(),
                password_hash=hash_password(password), role=Role(role))
    session.add(user)
    session.flush()
    record(session, actor=actor or user, action="user.create", obj=user, after=snapshot(user))
    return user


def check_password(password: str, field: str = "password", user_inputs=()) -> None:
    """A new password: long enough and not easy to guess (common passwords, keyboard rows,
    sequences, the user's own name or address), judged by zxcvbn with its bundled lists."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters",
                           code="password_too_short", min=MIN_PASSWORD_LENGTH)
    inputs = [part for value in user_inputs if value
              for part in [value, *str(value).replace("@", " ").replace(".", " ").split()]]
    if zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(field, "is too easy to guess: use a longer phrase of unrelated words, "
                           "not a common password, keyboard row or sequence",
                           code="password_too_easy")


def hash_password(password: str) -> str:
    """A slow hash, by the app's PASSWORD_HASH_METHOD (scrypt; tests set a fast one)."""
    return generate_password_hash(password, method=_hash_method())


def _hash_method() -> str:
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_HASH_METHOD)
    return DEFAULT_HASH_METHOD


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user_by_email(session, email)
    if user is None or not user.is_enabled:
        # Hash anyway so that unknown addresses take as long as wrong passwords.
        check_password_hash(_dummy_hash(_hash_method()), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def end_sessions(user: User) -> None:
    """End every session of the user, on every device, remember-me cookies included: the
    session token in them no longer matches. The caller flushes and commits."""
    user.session_token = new_session_token()


def log_out_everywhere(session: Session, user: User) -> None:
    end_sessions(user)
    session.add(user)
    session.flush()
    record(session, actor=user, action="user.end_sessions", obj=user)


def reset_password(session: Session, user: User, new_password: str, *,
                   actor: User | None = None) -> None:
    """An admin sets a new password; the user's sessions end."""
    check_password(new_password, user_inputs=[user.name, user.email])
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.reset_password", obj=user)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user changes their own password; all their sessions end (the view logs this one
    in again)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("current_password", "wrong password", code="wrong_password")
    check_password(new, field="new_password", user_inputs=[user.name, user.email])
    if new == current:
        raise AccountError("new_password", "must differ from the current password",
                           code="password_unchanged")
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.add(user)
    session.flush()
    record(session, actor=user, action="user.change_password", obj=user)


def set_enabled(session: Session, user: User, enabled: bool, *, actor: User | None = None) -> None:
    """Enable or disable an account. A disabled user cannot log in and their sessions end; an
    admin cannot disable their own account."""
    if not enabled and actor is not None and actor.id == user.id:
        raise AccountError("user", "you cannot disable your own account",
                           code="disable_self")
    before = snapshot(user)
    user.is_enabled = enabled
    if not enabled:
        end_sessions(user)
    session.add(user)
    session.flush()
    record(session, actor=actor, action="user.enable" if enabled else "user.disable", obj=user,
           before=before, after=snapshot(user))


def set_locale(session: Session, user: User, locale: str) -> None:
    before = snapshot(user)
    user.locale = locale
    session.add(user)
    session.flush()
    record(session, actor=user, action="user.set_locale", obj=user, before=before,
           after=snapshot(user))


def sites_of(session: Session, organisation_id: int) -> list[Site]:
    return list(session.exec(select(Site).where(Site.organisation_id == organisation_id)
                             .order_by(Site.name)))


def save_site(session: Session, actor: User, data: dict, *, organisation_id: int,
              site: Site | None = None) -> Site:
    """Add a site to the organisation (site=None) or change one."""
    before = snapshot(site)
    site = site or Site(organisation_id=organisation_id, name="", grid_region="")
    for key in SITE_FIELDS:
        if key not in data:  # a caller may change some fields only; the rest stay as they are
            continue
        value = data[key]
        setattr(site, key, value.strip() if isinstance(value, str) else value)
    site.annual_output = float(site.annual_output or 0)
    site.land_area_m2 = float(site.land_area_m2 or 0)
    site.output_unit = site.output_unit or "piece"
    session.add(site)
    session.flush()
    record(session, actor=actor, action="site.update" if before else "site.create", obj=site,
           before=before, after=snapshot(site))
    return site


def delete_site(session: Session, actor: User, site: Site) -> None:
    from ..products.models import Product

    in_use = session.exec(select(Product).where(Product.site_id == site.id)).first()
    if in_use is not None:
        raise StillInUse(f"site {site.id} is used by product {in_use.name}",
                         product=in_use.name)
    before = snapshot(site)
    session.delete(site)
    session.flush()
    record(session, actor=actor, action="site.delete", obj=site, before=before)


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not a password of anyone", method=method)
    return _DUMMY_HASHES[method]
