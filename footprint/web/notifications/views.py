"""The signed-in user's notifications: the list, opening one (which marks it read) and marking
read. Every query is scoped to the user: another user's notification is a 404."""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import db
from ...accounts.models import MAX_KEY
from ...notifications import operations
from . import bp
from .messages import describe


@bp.app_context_processor
def _unread_count():
    """The header's count: one COUNT query, for signed-in users only."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": operations.unread_count(db.session(), current_user)}


@bp.get("/notifications")
@login_required
def index():
    session = db.session()
    listing = operations.notifications_of(session, current_user,
                                          request.args.get("page", 1, type=int))
    entries = [(notification, event, describe(session, notification, event))
               for notification, event in listing.items]
    return render_template("notifications/index.html", entries=entries, listing=listing)


@bp.get("/notifications/<int:notification_id>")
@login_required
def follow(notification_id: int):
    """Open a notification's link: it is read from now on."""
    session = db.session()
    notification = operations.notification_of(session, current_user, notification_id)
    if notification is None:
        abort(404)
    operations.mark_read(session, current_user, [notification.id])
    session.commit()
    if notification.application_id is None:
        return redirect(url_for("notifications.index"))
    return redirect(url_for("applications.show", application_id=notification.application_id))


def _requested_ids() -> list[int] | str:
    """The one notification named by the form, or ALL when it names none."""
    raw = request.form.get("notification_id")
    if raw is None:
        return operations.ALL
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= MAX_KEY:
        abort(400)
    return [int(raw)]


@bp.post("/notifications/read")
@login_required
def read():
    session = db.session()
    operations.mark_read(session, current_user, _requested_ids())
    session.commit()
    return redirect(url_for("notifications.index"))
