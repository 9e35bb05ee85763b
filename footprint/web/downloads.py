"""File downloads: one way to send a generated file as an attachment."""
from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body, mimetype: str, filename: str) -> Response:
    if mimetype == "text/csv":
        body = "\ufeff" + body  # BOM, so that Excel reads the Chinese text as UTF-8
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
