"""Loading objects for the current user through the access policy (footprint.access).

An object the user may not see is a 404, whether it exists or not (no IDOR, nothing revealed);
one they may see but not change is a 403.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .. import db
from ..accounts.models import MAX_KEY
from ..access import Action, can
from ..accounts.roles import Role


def load(model, object_id: int, action: Action = Action.VIEW):
    if not 0 < object_id <= MAX_KEY:  # no key can be this (an ID from a query string)
        abort(404)
    session = db.session()
    obj = session.get(model, object_id)
    if obj is None or not can(session, current_user, Action.VIEW, obj):
        abort(404)
    if action != Action.VIEW and not can(session, current_user, action, obj):
        abort(403)
    return obj


def load_child(model, object_id: int, parent, action: Action = Action.VIEW):
    """A line or supplier factor, only under the product named in the URL."""
    obj = load(model, object_id, action)
    if obj.product_id != parent.id:
        abort(404)
    return obj


def role_required(*roles: Role):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
