"""The evidence messages in the user's language, by error code (params from the error)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ...errors import FootprintError
from ..applications.labels import WORKFLOW_MESSAGES
from ..labels import error_message

# certs.evidence.looks_like codes: what refused content appears to be.
LOOKS_LIKE_LABELS = {
    "program": _l("a program"),
    "zip": _l("a zip archive that is not an Excel workbook"),
    "legacy_office": _l("an old Office file (.xls or .doc): save it as .xlsx or PDF"),
    "markup": _l("a web page or other markup"),
    "text": _l("plain text: save tables as .xlsx or PDF"),
    "unknown": _l("none of the accepted kinds"),
}
EVIDENCE_MESSAGES = {
    "evidence_too_large": _l("“%(filename)s” is too large: at most %(megabytes)s MB."),
    "evidence_empty": _l("“%(filename)s” is empty."),
    "evidence_type_refused": _l("“%(filename)s” is not a PDF, PNG, JPEG or Excel (.xlsx) file: "
                                "its content looks like %(kind)s. The file name does not "
                                "decide this."),
    "unknown_item": _l("These criteria have no item %(item_id)s."),
}


def evidence_message(error: FootprintError) -> str:
    template = EVIDENCE_MESSAGES.get(error.code) or WORKFLOW_MESSAGES.get(error.code)
    if template is None:
        return error_message(error)
    params = dict(error.params)
    if "max_bytes" in params:
        params["megabytes"] = f"{params['max_bytes'] / 2**20:g}"
    if "looks_like" in params:
        params["kind"] = str(LOOKS_LIKE_LABELS.get(params["looks_like"], params["looks_like"]))
    return str(template) % params
