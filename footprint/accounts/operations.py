"""Organisations, users and factory sites: reads, and every change with its audit event.

Functions flush; the request or command commits once.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..audit.operations import record, snapshot
from ..certs import annual_data
from ..errors import ChangedMeanwhile, InputError, Location, StillInUse
from ..products.operations import _take_lock  # the one optimistic lock, as certs uses it
from ..timeutil import utcnow
from .models import Organisation, Site, SiteYear, User, new_session_token
from .roles import OrganisationKind, Role

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score 0-4; 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic); the rest of a longer one only adds.
_ZXCVBN_MAX_LENGTH = 72
DEFAULT_HASH_METHOD = "scrypt"
SITE_FIELDS = ("name", "address", "grid_region", "annual_output", "output_unit", "land_area_m2")
# Annual data is entered for past years and the running one (its numbers come in during the
# year); no green-factory scheme looks further back than 2000, so an earlier year is a typo.
FIRST_DATA_YEAR = 2000


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
    """Delete a site no product uses, with its annual data (kept in the event's `before`)."""
    from ..products.models import Product

    in_use = session.exec(select(Product).where(Product.site_id == site.id)).first()
    if in_use is not None:
        raise StillInUse(f"site {site.id} is used by product {in_use.name}",
                         product=in_use.name)
    before = snapshot(site)
    years = years_of(session, site)
    if years:
        before["years"] = [{"year": y.year, "data": y.data} for y in years]
    for site_year in years:
        session.delete(site_year)
    session.flush()
    session.delete(site)
    session.flush()
    record(session, actor=actor, action="site.delete", obj=site, before=before)


# --- annual data per site and year -------------------------------------------------------------

def data_years() -> range:
    """The years annual data may be entered for: FIRST_DATA_YEAR to the running year (UTC)."""
    return range(FIRST_DATA_YEAR, utcnow().year + 1)


def years_of(session: Session, site: Site) -> list[SiteYear]:
    """The site's annual data, newest year first."""
    return list(session.exec(select(SiteYear).where(SiteYear.site_id == site.id)
                             .order_by(SiteYear.year.desc())))


def find_site_year(session: Session, site_id: int, year: int) -> SiteYear | None:
    return session.exec(select(SiteYear).where(SiteYear.site_id == site_id,
                                               SiteYear.year == year)).first()


def site_data(session: Session, site_id: int, year: int) -> dict[str, float] | None:
    """The site's annual data of that year as scoring takes it (field name -> number, the
    given fields only), or None if none was entered for that year."""
    site_year = find_site_year(session, site_id, year)
    return dict(site_year.data) if site_year is not None else None


def _checked_year(year: int) -> int:
    years = data_years()
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        raise InputError(f"must be a year from {years.start} to {years.stop - 1}",
                         code="year_out_of_range", location=Location(field="year"),
                         first=years.start, last=years.stop - 1)
    return year


def _checked_annual_data(data: dict) -> dict[str, float]:
    """The given fields, checked: None or "" is "not given" and left out (never stored as 0)."""
    given = {name: value for name, value in data.items() if value is not None and value != ""}
    return annual_data.check(given)


def save_site_year(session: Session, actor: User, site: Site, year: int, data: dict,
                   lock_version: int | None = None) -> SiteYear:
    """Enter or change the site's annual data of a year: `data` maps annual_data.FIELDS names to
    numbers and replaces what was stored. `lock_version` is the version the caller started
    from: 0 for "no data of that year yet", None to skip the check. If someone saved meanwhile,
    ChangedMeanwhile; the caller then rolls back."""
    year = _checked_year(year)
    checked = _checked_annual_data(data)
    _refuse_if_judged(session, site, year)
    site_year = find_site_year(session, site.id, year)
    if site_year is None:
        if lock_version not in (None, 0):  # the form showed data that was deleted meanwhile
            raise ChangedMeanwhile(f"the data of site {site.id} for {year} was deleted "
                                   "meanwhile", location=Location(field="lock_version"))
        return _create_site_year(session, actor, site, year, checked)
    before = snapshot(site_year)
    _take_lock(session, SiteYear, site_year,
               site_year.lock_version if lock_version is None else lock_version)
    site_year.data = checked
    site_year.updated_dt = utcnow()
    session.add(site_year)
    session.flush()
    record(session, actor=actor, action="site_year.update", obj=site_year,
           organisation_id=site.organisation_id, before=before, after=snapshot(site_year))
    return site_year


def _create_site_year(session: Session, actor: User, site: Site, year: int,
                      data: dict[str, float]) -> SiteYear:
    site_id = site.id  # read now: after a failed flush, no attribute can be loaded
    site_year = SiteYear(site_id=site_id, year=year, data=data)
    session.add(site_year)
    try:
        session.flush()
    except IntegrityError:  # another request entered this year between our read and insert
        raise ChangedMeanwhile(f"the data of site {site_id} for {year} was entered meanwhile",
                               location=Location(field="lock_version")) from None
    record(session, actor=actor, action="site_year.create", obj=site_year,
           organisation_id=site.organisation_id, after=snapshot(site_year))
    return site_year


def _refuse_if_judged(session: Session, site: Site, year: int) -> None:
    """A year of data a submitted application is judged on never changes: what was judged must
    stay explainable (the stored score sheet was computed from it)."""
    from ..certs.models import Application

    submitted = session.exec(select(Application.id).where(
        Application.site_id == site.id, Application.site_year == year,
        Application.submitted_dt.is_not(None)).order_by(Application.id).limit(1)).first()
    if submitted is not None:
        raise StillInUse(f"the {year} data of site {site.id} is part of submitted application "
                         f"{submitted}", code="site_year_submitted", application=submitted)


def delete_site_year(session: Session, actor: User, site: Site, site_year: SiteYear) -> None:
    """Refused while a submitted application is judged on this year's data."""
    _refuse_if_judged(session, site, site_year.year)
    before = snapshot(site_year)
    session.delete(site_year)
    session.flush()
    record(session, actor=actor, action="site_year.delete", obj=site_year,
           organisation_id=site.organisation_id, before=before)


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not a password of anyone", method=method)
    return _DUMMY_HASHES[method]
