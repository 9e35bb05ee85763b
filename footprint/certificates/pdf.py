"""The certificate PDF: A4, Chinese and English side by side, with the label, a QR code to the
public verify page, the result, the validity, the issuer and the means to check it (the key
fingerprint of the payload signature and the hash of the assessment it rests on).

A pure function of the signed payload: the PDF shows what the payload says, nothing read from
the database, so the printed certificate and the verify page cannot disagree.
"""
from __future__ import annotations

import segno
from markupsafe import Markup

from . import rendering
from .label import label_svg
from .vocabulary import BOUNDARIES, NOT_CNCA, PASSED, SCHEMES, TITLES, pair


def qr_svg(target: str) -> Markup:
    """The QR code as inline SVG; error level M survives a scuffed print."""
    code = segno.make(target, error="m", micro=False)
    return Markup(code.svg_inline(scale=4, border=4, dark="#000000", light="#ffffff",
                                  omitsize=True))


def _methods(methods) -> list[tuple[str, str]]:
    """(what, method) rows from the payload's methods, whatever their nesting."""
    if not isinstance(methods, dict):
        return []
    return [(str(key), " / ".join(map(str, value)) if isinstance(value, (list, tuple))
             else str(value)) for key, value in methods.items()]


def certificate_context(payload: dict, *, verify_url: str, key_fingerprint: str,
                        qr_target: str) -> dict:
    product = payload.get("product")
    result = payload.get("result") or {}
    return {
        "p": payload, "product": product, "site": payload.get("site"),
        "footprint": payload.get("footprint"), "holder": payload.get("holder") or {},
        "issuer": payload.get("issuer") or {},
        "title": pair(TITLES, payload.get("scheme")), "scheme": pair(SCHEMES, payload.get("scheme")),
        "boundary": pair(BOUNDARIES, product.get("boundary")) if product else None,
        "passed": pair(PASSED, bool(result.get("passed"))), "result": result,
        "methods": _methods(payload.get("methods")), "not_cnca": NOT_CNCA,
        "label_art": Markup(label_svg(payload)),  # escaped by its own template
        "qr": qr_svg(qr_target), "verify_url": verify_url, "key_fingerprint": key_fingerprint,
    }


def certificate_pdf(payload: dict, *, verify_url: str, key_fingerprint: str,
                    qr_target: str) -> bytes:
    """The certificate as PDF (unsigned: pdfsign.sign_pdf adds the PAdES signature).

    verify_url: the public verify page, printed for those who type it; qr_target: what the QR
    code holds, normally the same URL (a caller may choose a shorter form of it for a smaller
    code); key_fingerprint: of the key that signed the payload, to compare with the verify page.
    """
    return rendering.render_pdf("certificate.html", **certificate_context(
        payload, verify_url=verify_url, key_fingerprint=key_fingerprint, qr_target=qr_target))
