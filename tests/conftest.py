"""Shared fixtures. The prepared Brightway project is built once (checked by dataset hash) and
shared by every test of the run; the SQL database is a fresh SQLite file per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BW_DIR = Path(os.environ.get("FOOTPRINT_TEST_BW_DIR", REPO / "instance" / "brightway-test"))
os.environ["BRIGHTWAY2_DIR"] = str(BW_DIR)  # before anything imports bw2data
BW_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def bw_dir() -> Path:
    return BW_DIR


@pytest.fixture(scope="session")
def assessor(bw_dir):
    from footprint.lca import get_assessor

    return get_assessor(bw_dir)
