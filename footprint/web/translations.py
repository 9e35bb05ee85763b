"""Compiled message catalogues: .po files are the source, .mo files are built from them."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def compile_catalogues() -> list[Path]:
    """Write each .mo that is missing or older than its .po; return those written."""
    written = []
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle)
        # Written beside and renamed into place: gunicorn's workers start at once, and one may
        # read the catalogue while another writes it.
        fd, temporary = tempfile.mkstemp(dir=mo_path.parent, prefix=".messages-")
        try:
            with os.fdopen(fd, "wb") as handle:
                write_mo(handle, catalogue)
            os.chmod(temporary, 0o644)  # readable like any file of the code
            os.replace(temporary, mo_path)
        except BaseException:
            os.unlink(temporary)
            raise
        written.append(mo_path)
    return written
