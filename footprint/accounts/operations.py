"""State changes of accounts. Functions flush; the request or command commits once."""
from __future__ import annotations

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from .models import ROLES, Organisation, Site, User

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def find_organisation_by_code(session: Session, credit_code: str) -> Organisation | None:
    code = credit_code.strip().upper()
    return session.exec(select(Organisation).where(Organisation.credit_code == code)).first()


def register_organisation(session: Session, *, name: str, credit_code: str, address: str,
                          user_name: str, email: str, password: str,
                          kind: str = "manufacturer") -> User:
    """A new organisation with its first user, an applicant (or the role its kind implies)."""
    if find_organisation_by_code(session, credit_code):
        raise AccountError("credit_code", "an organisation with this credit code is registered")
    organisation = Organisation(name=name.strip(), credit_code=credit_code.strip().upper(),
                                address=address.strip(), kind=kind)
    session.add(organisation)
    session.flush()
    role = {"manufacturer": "applicant", "certification_body": "certifier",
            "platform": "admin"}[kind]
    return create_user(session, organisation=organisation, name=user_name, email=email,
                       password=password, role=role)


def create_user(session: Session, *, organisation: Organisation, name: str, email: str,
                password: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError("role", f"unknown role '{role}'")
    if find_user_by_email(session, email):
        raise AccountError("email", "this e-mail address already has an account")
    check_password(password)
    user = User(organisation_id=organisation.id, name=name.strip(), email=email.strip().lower(),
                password_hash=generate_password_hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user_by_email(session, email)
    if user is None or not user.is_enabled:
        # Hash anyway so that unknown addresses take as long as wrong passwords.
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def reset_password(session: Session, user: User, new_password: str) -> None:
    check_password(new_password)
    user.password_hash = generate_password_hash(new_password)
    session.add(user)
    session.flush()


def sites_of(session: Session, organisation_id: int) -> list[Site]:
    return list(session.exec(select(Site).where(Site.organisation_id == organisation_id)
                             .order_by(Site.name)))


_DUMMY_HASH = generate_password_hash("not a password of anyone")
