"""Payload fixtures and PDF tools shared by the certificate document tests."""
from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest

ID = "CQ-CFP-2026-7K3M-9XQ2-R"
VERIFY_URL = f"https://cert.example.cn/verify/{ID}"
FINGERPRINT = "SHA256:3f9a0c1be27d4e5a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a"
PAYLOAD = {
    "type": "footprint-certificate", "format": 1, "id": ID, "scheme": "pcf-verification",
    "criteria": "pcf-verification/2025.1", "standard": "ISO 14067:2018 / GB/T 24067-2024",
    "result": {"passed": True, "total": None, "out_of": None},
    "issued": "2026-11-22", "valid_from": "2026-11-22", "valid_until": "2028-11-21",
    "holder": {"name": "重庆风扇制造有限公司", "credit_code": "91500000MA00000012",
               "address": "重庆市两江新区"},
    "site": {"name": "Liangjiang plant", "address": "Chongqing", "grid_region": "CN-CQ"},
    "product": {"name": "台式风扇 Desk fan", "model": "F1", "functional_unit": "1 piece",
                "reference_flow": "1 fan of 2.9 kg", "boundary": "cradle-to-gate"},
    "footprint": {"unit": "kg CO2e per functional unit", "total": 11.9074, "fossil": 11.5213,
                  "biogenic": 0.3787, "land_use": 0.0074, "water_consumption_m3": 0.3228,
                  "water_scarcity_m3_world_eq": 0.665, "water_region": "CN-CQ"},
    "methods": {"carbon.total": ["IPCC 2021", "climate change", "GWP100"]},
    "dataset_version": "ds-2026.1-abc123", "assessment_hash": "9c" * 32,
    "issuer": {"name": "重庆绿色认证中心 Chongqing Green Certification Centre",
               "accreditation": "Platform reviewer, not CNAS-accredited",
               "contact": "cert@example.cn"},
    "evaluated_by": "Li Wei", "decided_by": "Wang Fang", "application": 7,
    "disclaimer": "Self-assessment reviewed on the platform.",
}


def payload(**changes) -> dict:
    data = copy.deepcopy(PAYLOAD)
    data.update(changes)
    return data


def factory_payload() -> dict:
    return payload(scheme="green-factory", criteria="green-factory/2018.1",
                   standard="GB/T 36132-2018", product=None, footprint=None,
                   result={"passed": True, "total": 86.5, "out_of": 100.0})


def needs(binary: str):
    """Skip only where the binary is missing; CI installs it (scripts/setup --test)."""
    return pytest.mark.skipif(shutil.which(binary) is None,
                              reason=f"{binary} is not installed (scripts/setup installs it)")


def rasterise(pdf: bytes, folder: Path, dpi: int = 100, crop: tuple | None = None):
    """Page 1 as a grayscale Pillow image (pdftoppm); crop: (x, y, width, height) pixels."""
    from PIL import Image

    source = folder / "page.pdf"
    source.write_bytes(pdf)
    options = ["-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]),
               "-H", str(crop[3])] if crop else []
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "-gray",
                    "-png", *options, str(source), str(folder / "page")], check=True)
    with Image.open(folder / "page.png") as image:
        return image.convert("L")
