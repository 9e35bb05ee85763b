"""The certificate PDF, the label, the PDF signature: what a reader, a printer and a checker
see."""
from __future__ import annotations

import io
import os
import subprocess
import xml.etree.ElementTree as ET

import pytest
from PIL import ImageChops
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from footprint.certificates import pdfsign, rendering
from footprint.certificates.label import label_png, label_svg
from footprint.certificates.pdf import certificate_context, certificate_pdf
from tests.certificates.documents import (FINGERPRINT, ID, VERIFY_URL, factory_payload, needs,
                                          payload, rasterise)

EVIL = "<script>alert('x')</script> & <b>bold</b>"


def render(data: dict) -> bytes:
    return certificate_pdf(data, verify_url=VERIFY_URL, key_fingerprint=FINGERPRINT,
                           qr_target=VERIFY_URL)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render(payload())


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    return pdfsign.issuer_certificate(tmp_path_factory.mktemp("signing"), "重庆绿色认证中心")


def test_the_pdf_shows_the_id_the_values_and_both_languages(pdf):
    text = text_of(pdf)
    flat = "".join(text.split())
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    for expected in (ID, "产品碳足迹核查证书", "Product Carbon Footprint Verification Certificate",
                     "持证方", "Certificate holder", "11.91", "11.52", "0.3787", "0.007400",
                     "0.3228", "2026-11-22", "2028-11-21", "通过", "Passed",
                     "重庆风扇制造有限公司", "ISO 14067:2018"):
        assert expected in text, expected
    # long values may wrap: compared without white space
    for expected in (VERIFY_URL, FINGERPRINT, "9c" * 32, "notaCNCA", "并非国家认证认可监督管理委员会"):
        assert expected in flat, expected


def test_a_factory_certificate_shows_the_score_and_no_footprint():
    text = text_of(render(factory_payload()))
    assert "绿色工厂评价证书" in text and "86.5 / 100" in text
    assert "kg CO2e" not in text


def test_untrusted_names_are_text_never_markup():
    data = payload(holder={**payload()["holder"], "name": EVIL},
                   product={**payload()["product"], "name": EVIL})
    html = rendering.render("certificate.html", **certificate_context(
        data, verify_url=VERIFY_URL, key_fingerprint=FINGERPRINT, qr_target=VERIFY_URL))
    assert "<script>" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in html
    assert "<script>alert('x')</script> & <b>bold</b>" in text_of(render(data))


def test_rendering_fetches_nothing_but_data_urls():
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x.png"):
        with pytest.raises(FatalURLFetchingError):
            rendering.html_to_pdf(f'<img src="{url}">')
    png = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m"
           "P8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
    assert rendering.html_to_pdf(f'<img src="{png}">').startswith(b"%PDF")


@needs("pdffonts")
def test_the_cjk_font_is_embedded(pdf, tmp_path):
    (tmp_path / "c.pdf").write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "c.pdf")], capture_output=True,
                           text=True, check=True).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK" in line]
    assert cjk, fonts
    # columns: name type encoding emb sub uni ...: embedded and subset
    assert all(line.split()[-5:-3] == ["yes", "yes"] for line in cjk), cjk
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # no font left out


# The title's box on the page at 100 dpi: 13 mm left margin, 11 mm top, 17 pt text.
TITLE_BOX = (40, 35, 300, 40)
TITLE_CSS = ("@page { size: A4; margin: 11mm 13mm 13mm 13mm; } body { font-family: %s; "
             "font-size: 8pt; line-height: 1.25; } h1 { font-size: 17pt; margin: 0; "
             "color: #1d7a3f; }" % rendering.FONT_FAMILY)


def snippet(text: str) -> bytes:
    return rendering.html_to_pdf(f"<style>{TITLE_CSS}</style><h1>{text}</h1>")


def differing(first, second) -> float:
    """The share of pixels that differ by more than a trace of anti-aliasing."""
    histogram = ImageChops.difference(first, second).histogram()
    return sum(histogram[41:]) / (first.width * first.height)


def ink(image) -> float:
    return sum(image.histogram()[:160]) / (image.width * image.height)


@needs("pdftoppm")
def test_the_title_is_drawn_in_chinese_glyphs_not_boxes(pdf, tmp_path):
    """The page's title area, rendered by pdftoppm, is what the CJK font draws for the title,
    and not what missing glyphs look like (.notdef boxes, drawn for private-use characters that
    no font has): both references are rendered the same way, so the test fails if the font is
    missing, not embedded or replaced by boxes."""
    page = rasterise(pdf, tmp_path, crop=TITLE_BOX)
    glyphs = rasterise(snippet("产品碳足迹核查证书"), tmp_path, crop=TITLE_BOX)
    boxes = rasterise(snippet("\ue000" * 9), tmp_path, crop=TITLE_BOX)
    assert ink(page) > 0.05
    assert differing(glyphs, boxes) > 0.05  # the references tell glyphs and boxes apart
    assert differing(page, glyphs) < 0.01
    assert differing(page, boxes) > 0.05


@needs("pdftoppm")
def test_the_qr_code_on_the_rendered_page_decodes_to_the_verify_url(pdf, tmp_path):
    pytest.importorskip("pyzbar.pyzbar", reason="libzbar0 is not installed")
    from pyzbar.pyzbar import decode

    page = rasterise(pdf, tmp_path, dpi=100)
    assert [symbol.data.decode() for symbol in decode(page)] == [VERIFY_URL]


def test_the_label_svg_is_xml_and_escapes_names():
    svg = label_svg(payload(holder={**payload()["holder"], "name": EVIL},
                            product={**payload()["product"], "name": EVIL}))
    root = ET.fromstring(svg)
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "碳足迹" in texts and "Carbon footprint" in texts and "11.9" in texts
    assert "kg CO2e" in texts and ID in texts and "每 / per 1 piece" in texts
    assert any(EVIL[:20] in t for t in texts)  # the name as text, clipped to the line
    assert not [e for e in root.iter() if e.tag.endswith(("script", "}b"))]


def test_a_factory_label_shows_the_result_instead_of_a_value():
    root = ET.fromstring(label_svg(factory_payload()))
    texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "86.5 / 100" in texts and "绿色工厂评价" in texts and "kg CO2e" not in texts


@needs("pdftoppm")
def test_the_label_png_is_the_svg_at_the_asked_scale():
    from PIL import Image

    png = label_png(payload(), scale=1)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (240, 320)
        # the green ground at the left edge
        assert image.convert("RGB").getpixel((4, 160)) == pytest.approx((29, 122, 63), abs=3)


def test_the_signature_validates_and_fails_on_any_change(pdf, issuer):
    key, cert = issuer
    signed = pdfsign.sign_pdf(pdf, key, cert, reason=f"Certificate {ID}", location="Chongqing")
    assert pdfsign.check_pdf(signed, cert).ok
    assert not pdfsign.check_pdf(pdf, cert).ok  # unsigned
    changed = bytearray(signed)
    changed[len(signed) // 3] ^= 0x01  # inside the signed byte range
    check = pdfsign.check_pdf(bytes(changed), cert)
    assert not check.ok and not check.intact
    appended = pdfsign.check_pdf(signed + b"\n% appended\n", cert)
    assert not appended.ok and appended.intact and not appended.whole_file


def test_another_certificate_is_not_the_signer(pdf, issuer, tmp_path):
    key, cert = issuer
    signed = pdfsign.sign_pdf(pdf, key, cert, reason="r", location="l")
    _, other = pdfsign.issuer_certificate(tmp_path, "Someone else")
    check = pdfsign.check_pdf(signed, other)
    assert not check.ok and not check.signer_matches


def test_verify_pdf_file_reports_ok_or_problems(pdf, issuer, tmp_path):
    from cryptography.hazmat.primitives.serialization import Encoding

    key, cert = issuer
    path = tmp_path / "c.pdf"
    path.write_bytes(pdfsign.sign_pdf(pdf, key, cert, reason="r", location="l"))
    pem = cert.public_bytes(Encoding.PEM)
    assert pdfsign.verify_pdf_file(path, pem) == (True, [])
    path.write_bytes(path.read_bytes() + b"%x\n")
    ok, problems = pdfsign.verify_pdf_file(path, pem)
    assert not ok and "whole file" in problems[0]
    assert pdfsign.verify_pdf_file(tmp_path / "missing.pdf", pem)[0] is False


def test_the_signing_key_is_made_once_and_private(tmp_path):
    folder = tmp_path / "keys" / "pdf-signing"
    key, cert = pdfsign.issuer_certificate(folder, "重庆绿色认证中心")
    assert os.stat(folder / "key.pem").st_mode & 0o777 == 0o600
    assert os.stat(folder).st_mode & 0o777 == 0o700
    again_key, again_cert = pdfsign.issuer_certificate(folder, "重庆绿色认证中心")
    assert again_cert == cert
    assert cert.subject.rfc4514_string() == "O=重庆绿色认证中心,CN=重庆绿色认证中心"


def test_the_configured_signing_folder_is_used(app):
    from pathlib import Path

    assert Path(app.config["PDF_SIGNING_DIR"]) == Path(app.instance_path) / "keys" / "pdf-signing"


def test_signing_and_checking_work_inside_a_running_event_loop(pdf, issuer):
    """pyHanko's synchronous calls use asyncio.run; inside a running loop (an async server, or
    Playwright's sync API earlier in the same test run) they must still work."""
    import asyncio
    import threading

    key, cert = issuer

    async def inside_a_loop():
        signed = pdfsign.sign_pdf(pdf, key, cert, reason="r", location="Chongqing")
        return pdfsign.check_pdf(signed, cert).ok

    # in a thread of its own: this thread may have a loop running already (Playwright's)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(ok=asyncio.run(inside_a_loop())))
    thread.start()
    thread.join()
    assert outcome == {"ok": True}


def test_a_long_bilingual_issuer_name_fits_an_x509_name(tmp_path):
    from footprint.config import UNCONFIGURED_ISSUER

    # the unconfigured name is 111 characters; X.509 allows 64 for CN and O
    _, cert = pdfsign.issuer_certificate(tmp_path, UNCONFIGURED_ISSUER["ISSUER_NAME"])
    assert cert.subject.rfc4514_string() == (
        "O=Platform verification\\, not a CNCA certification body,"
        "CN=Platform verification\\, not a CNCA certification body")
    assert len(pdfsign.x509_name_of("x" * 100)) == 64
