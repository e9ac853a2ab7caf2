"""Accounts as plain functions: passwords, signed links, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from advocacy.audit import record
from advocacy.clock import utcnow
from advocacy.errors import NotFound
from advocacy.models import User
from advocacy.models.accounts import ROLES, Role

MIN_PASSWORD_LENGTH = 10
MAX_EMAIL_LENGTH = 254  # the users.email column's size, and the longest address RFC 5321 passes
CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid
RESET_MAX_AGE = 3600  # seconds a password-reset link stays valid
# A few of the most common passwords; length rules out most of the rest of such lists.
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd123",
        "1234567890",
        "12345678910",
        "123456789a",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "iloveyou12",
        "letmein123",
        "welcome123",
        "admin12345",
        "abc1234567",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "trustno1234",
        "football12",
        "baseball12",
        "sunshine12",
        "princess12",
        "monkey1234",
        "changeme123",
        "advocacy123",
    ]
)


class UnknownUser(NotFound):
    pass


class WeakPassword(ValueError):
    pass


class EmailTaken(ValueError):
    pass


class InvalidLink(ValueError):
    """A confirmation or reset link that is forged, expired or already used."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_too_long(email: str) -> bool:
    return len(email) > MAX_EMAIL_LENGTH


def check_password_strength(password: str, email: str = "") -> None:
    """Raise WeakPassword saying what to change; pass quietly for a password worth keeping."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 200:
        raise WeakPassword("Use at most 200 characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise WeakPassword(
            "That password is too easy to guess. A short phrase of unrelated words works well."
        )
    local = normalize_email(email).split("@")[0]
    if local and len(local) >= 4 and local in lowered:
        raise WeakPassword("Do not use your email address in your password.")


def hash_password(password: str) -> str:
    """A salted hash, by the app's PASSWORD_HASH_METHOD (scrypt unless set otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser("There is no such user.")
    return user


# The admin's user list shows at most this many; a search narrows it.
MAX_USERS_LISTED = 500


def search_users(session: Session, role: str = "", text: str = "") -> list[User]:
    """Accounts by address, with `role` if given and `text` anywhere in the address."""
    conditions = []
    if role:
        conditions.append(User.role == role)
    if text:
        conditions.append(func.lower(User.email).contains(text.lower(), autoescape=True))
    query = select(User).where(*conditions).order_by(User.email).limit(MAX_USERS_LISTED)
    return list(session.scalars(query))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def create_user(
    session: Session, email: str, password: str, role: str = Role.CITIZEN, *, confirmed: bool = False
) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    check_password_strength(password, email)
    password_hash = hash_password(password)
    if find_user(session, email) is not None:
        raise EmailTaken("An account with this email already exists.")
    return _add_user(session, email, password_hash, role, confirmed=confirmed)


@dataclass(frozen=True)
class Registration:
    user: User
    new: bool  # False: the address had an account already, which is left as it was


def register_account(session: Session, email: str, password: str) -> Registration:
    """A new, unconfirmed citizen's account for `email`, or the account that has it already.

    Both cost the same, so the time taken tells no one which addresses have an account: the
    password is hashed, the address looked up and one row written (the new account, or the
    existing one rewritten as it was), then the caller commits.
    """
    check_password_strength(password, email)
    password_hash = hash_password(password)
    user = find_user(session, email)
    if user is None:
        return Registration(_add_user(session, email, password_hash, Role.CITIZEN, confirmed=False), new=True)
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(email=User.email)
        .execution_options(synchronize_session=False)
    )
    return Registration(user, new=False)


def _add_user(session: Session, email: str, password_hash: str, role: str, *, confirmed: bool) -> User:
    now = utcnow()
    user = User(
        email=normalize_email(email),
        password_hash=password_hash,
        role=role,
        created_at=now,
        confirmed_at=now if confirmed else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None:
        check_password_hash(_dummy_hash(), password)  # same work either way: no timing hint
        return None
    return user if check_password_hash(user.password_hash, password) else None


def stand_in(email: str) -> User:
    """An account that is never stored, for doing with an unknown address what would be done
    with a known one (signing a reset link), so that both take as long."""
    return User(id=0, email=normalize_email(email), password_hash=_dummy_hash())


def _dummy_hash() -> str:
    """A hash by the method in use, checked when no account has the address, only to spend time."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not a real password", method=method)
    return _dummy_hashes[method]


_dummy_hashes: dict[str, str] = {}


def set_password(user: User, password: str) -> None:
    check_password_strength(password, user.email)
    user.password_hash = hash_password(password)


def end_sessions(session: Session, user: User) -> None:
    """Every session of this user, and every copy of its cookie, stops working (log-out)."""
    session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))


def change_role(session: Session, actor: User, user: User, role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if user.role == role:
        return
    before = user.role
    user.role = role
    record(session, actor, "user.role", "user", str(user.id), {"role": before}, {"role": role})


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"advocacy.{purpose}")


def confirmation_token(secret: str, user: User) -> str:
    return _serializer(secret, "confirm").dumps({"id": user.id, "email": user.email})


def confirm_email(session: Session, secret: str, token: str) -> User:
    data = _load(secret, "confirm", token, CONFIRM_MAX_AGE)
    user = session.get(User, data.get("id"))
    if user is None or user.email != data.get("email"):
        raise InvalidLink("This confirmation link is not valid.")
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    return user


def reset_token(secret: str, user: User) -> str:
    return _serializer(secret, "reset").dumps({"id": user.id, "pw": user.password_fingerprint})


def user_for_reset(session: Session, secret: str, token: str) -> User:
    """The user a reset link is for; a link stops working once the password has changed."""
    data = _load(secret, "reset", token, RESET_MAX_AGE)
    user = session.get(User, data.get("id"))
    if user is None or user.password_fingerprint != data.get("pw"):
        raise InvalidLink("This reset link has already been used. Ask for a new one.")
    return user


def _load(secret: str, purpose: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidLink("This link has expired. Ask for a new one.") from error
    except BadSignature as error:
        raise InvalidLink("This link is not valid. Check that you copied all of it.") from error
    if not isinstance(data, dict):
        raise InvalidLink("This link is not valid.")
    return data
