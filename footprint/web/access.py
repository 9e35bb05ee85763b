"""Loading objects for the current user: anything outside their organisation is a 404."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .. import db
from ..accounts.models import MAX_KEY


def owned(model, object_id: int):
    """The object if it belongs to the user's organisation; 404 otherwise (no IDOR). An ID no
    key can have (from a query string) is a 404 too, not a database error."""
    if not 0 < object_id <= MAX_KEY:
        abort(404)
    obj = db.session().get(model, object_id)
    if obj is None or obj.organisation_id != current_user.organisation_id:
        abort(404)
    return obj


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
