"""State changes of accounts. Functions flush; the request or command commits once."""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from .models import ROLES, Organisation, Site, User, new_session_token

MIN_PASSWORD_LENGTH = 10
# zxcvbn's score 0-4; 3 is "safely unguessable" (about 10^8 guesses and more).
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (its matching is quadratic); the rest of a longer one only adds.
_ZXCVBN_MAX_LENGTH = 72
DEFAULT_HASH_METHOD = "scrypt"


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
    check_password(password, user_inputs=[name, email])
    user = User(organisation_id=organisation.id, name=name.strip(), email=email.strip().lower(),
                password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    return user


def check_password(password: str, field: str = "password", user_inputs=()) -> None:
    """A new password: long enough and not easy to guess (common passwords, keyboard rows,
    sequences, the user's own name or address), judged by zxcvbn with its bundled lists."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(field, f"must be at least {MIN_PASSWORD_LENGTH} characters")
    inputs = [part for value in user_inputs if value
              for part in [value, *str(value).replace("@", " ").replace(".", " ").split()]]
    if zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        raise AccountError(field, PASSWORD_TOO_EASY)


PASSWORD_TOO_EASY = ("is too easy to guess: use a longer phrase of unrelated words, "
                     "not a common password, keyboard row or sequence")


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
    session token in them no longer matches. The caller commits."""
    user.session_token = new_session_token()


def reset_password(session: Session, user: User, new_password: str) -> None:
    """An admin sets a new password; the user's sessions end."""
    check_password(new_password, user_inputs=[user.name, user.email])
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    session.add(user)
    session.flush()


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The user changes their own password; all their sessions end (the view logs this one
    in again)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("current_password", "wrong password")
    check_password(new, field="new_password", user_inputs=[user.name, user.email])
    if new == current:
        raise AccountError("new_password", "must differ from the current password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    session.add(user)
    session.flush()


def set_enabled(session: Session, user: User, enabled: bool, *, actor: User | None = None) -> None:
    """Enable or disable an account. A disabled user cannot log in and their sessions end; an
    admin cannot disable their own account."""
    if not enabled and actor is not None and actor.id == user.id:
        raise AccountError("user", "you cannot disable your own account")
    user.is_enabled = enabled
    if not enabled:
        end_sessions(user)
    session.add(user)
    session.flush()


def sites_of(session: Session, organisation_id: int) -> list[Site]:
    return list(session.exec(select(Site).where(Site.organisation_id == organisation_id)
                             .order_by(Site.name)))


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash(method: str) -> str:
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not a password of anyone", method=method)
    return _DUMMY_HASHES[method]
