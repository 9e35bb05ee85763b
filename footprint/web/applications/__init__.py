"""TEMPORARY: replaced by the applications blueprint at merge.

Only the endpoint that notifications link to, so that their tests can follow the link: the
application's id and state as text, to whoever may see it.
"""
from flask import Blueprint
from flask_login import login_required

from ...certs.models import Application
from ..access import load

bp = Blueprint("applications", __name__)


@bp.get("/applications/<int:application_id>")
@login_required
def show(application_id: int):
    application = load(Application, application_id)
    return f"{application.id} {application.state}", {"Content-Type": "text/plain; charset=utf-8"}
