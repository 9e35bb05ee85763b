"""The open background dataset: factor rows and AWARE water-scarcity factors read from `datasets/`.

Rows stay plain data here; `project.py` turns them into Brightway activities and methods.
"""
from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .spec import Catalogue

# The code that turns rows into Brightway data: a change to any of it changes the dataset version.
LOADER_FILES = ("dataset.py", "flows.py", "methods.py", "project.py")

DATASETS_DIR = Path(__file__).resolve().parents[2] / "datasets"

GAS_COLUMNS = ("co2_fossil", "ch4_fossil", "n2o", "co2e_fossil", "co2e_biogenic", "co2e_land_use")
ALLOWED_UNITS = {"kWh", "kg", "t", "m3", "m2", "t*km", "piece", "GJ"}
# `unconfirmed` rows load, and every line that uses one is flagged (see datasets/README.md).
CONFIDENCE_TAGS = {"primary", "mirror", "paper", "derived", "unconfirmed"}
RECYCLING_ROLES = ("recycled_content", "credit")


class DatasetError(ValueError):
    """A dataset file that cannot be loaded; the message names the file and row."""


@dataclass(frozen=True)
class Factor:
    code: str
    name_zh: str
    name_en: str
    category: str
    unit: str
    year: str
    geography: str
    scope: str
    source: str
    confidence: str
    gases: dict[str, float] = field(default_factory=dict)  # column -> kg per unit
    water_m3: float = 0.0
    water_source: str = ""
    notes: str = ""
    file: str = ""
    # kg CO2 taken up from air per unit: a removal, kept out of `gases` so that it never makes a
    # row look like a recycling credit.
    co2_biogenic_removal: float = 0.0
    biogenic_carbon_kg: float | None = None  # kg C contained per unit; None = not known
    gsd: float | None = None  # geometric standard deviation of the value; None = by category
    # Whether the row states its land-use-change CO2e, even as a written 0: an empty column means
    # "not assessed", which results must not show as 0.
    land_use_assessed: bool = False
    # Whether the row states its consumed water (a written 0 is a stated value).
    has_water_data: bool = False

    @property
    def is_credit(self) -> bool:
        """Net-negative emissions: a recycling or energy-recovery credit."""
        return sum(self.gases.values()) < 0

    def public(self) -> dict:
        return {
            "code": self.code, "name_zh": self.name_zh, "name_en": self.name_en,
            "category": self.category, "unit": self.unit, **self.gases, "water_m3": self.water_m3,
            "year": self.year, "geography": self.geography, "scope": self.scope,
            "source": self.source, "water_source": self.water_source,
            "confidence": self.confidence, "notes": self.notes,
            "co2_biogenic_removal": self.co2_biogenic_removal,
            "biogenic_carbon_kg": self.biogenic_carbon_kg, "gsd": self.gsd,
            "land_use_assessed": self.land_use_assessed,
        }


@dataclass(frozen=True)
class RecyclingRole:
    """A factor row's part in one material's recycling: recycled content taken in at the cut-off
    value, or the credit for that material's recycling at end of life (datasets/recycling.csv)."""
    code: str
    material: str
    role: str  # one of RECYCLING_ROLES


@dataclass(frozen=True)
class AwareFactor:
    region: str
    name: str
    cf: float  # m3 world-eq per m3 consumed
    version: str
    use_type: str
    source: str
    confidence: str


@dataclass(frozen=True)
class GridRegion:
    code: str
    name_zh: str
    name_en: str
    pcf_electricity_factor: str  # default for product footprints (life-cycle CO2e)
    inventory_electricity_factor: str  # CO2-only factor for inventories
    water_region: str
    note: str


def factor_files(datasets_dir: Path = DATASETS_DIR) -> list[Path]:
    return sorted((datasets_dir / "factors").glob("*.csv"))


def aware_file(datasets_dir: Path = DATASETS_DIR) -> Path:
    return datasets_dir / "water" / "aware.csv"


def recycling_file(datasets_dir: Path = DATASETS_DIR) -> Path:
    return datasets_dir / "recycling.csv"


def dataset_version(datasets_dir: Path = DATASETS_DIR) -> str:
    """Short hash of everything the results rest on: the dataset files, the loader code and the
    Brightway packages whose bundled data (biosphere3, LCIA methods) the project is built from."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    for package in ("bw2io", "bw2data", "bw2calc"):
        digest.update(f"{package}=={version(package)}".encode())
    here = Path(__file__).parent
    for path in [here / name for name in LOADER_FILES]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for path in [*factor_files(datasets_dir), aware_file(datasets_dir),
                 recycling_file(datasets_dir)]:
        if not path.exists():  # recycling.csv is optional in a user's own dataset folder
            continue
        digest.update(path.relative_to(datasets_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _number(text: str, where: str, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DatasetError(f"{where}: column {column} is not a number: {text!r}") from None
    if not math.isfinite(value):
        raise DatasetError(f"{where}: column {column} is not finite")
    return value


def _read_rows(path: Path):
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            yield f"{path.name} row {number}", {k: (v or "").strip() for k, v in row.items()}


def _factor(where: str, row: dict, file: str) -> Factor:
    if row["unit"] not in ALLOWED_UNITS:
        raise DatasetError(f"{where}: unit {row['unit']!r} is not one of {sorted(ALLOWED_UNITS)}")
    if row["confidence"] not in CONFIDENCE_TAGS:
        raise DatasetError(f"{where}: confidence {row['confidence']!r} is not one of "
                           f"{sorted(CONFIDENCE_TAGS)}")
    gases = {c: _number(row[c], where, c) for c in GAS_COLUMNS if row.get(c)}
    water = _number(row["water_m3"], where, "water_m3") if row.get("water_m3") else 0.0
    removal = _optional(row, where, "co2_biogenic_removal", minimum=0.0, what="removal")
    carbon = _optional(row, where, "biogenic_carbon_kg", minimum=0.0, what="carbon content")
    gsd = _optional(row, where, "gsd", minimum=1.0, what="geometric standard deviation")
    if gases.get("co2e_biogenic", 0.0) < 0:
        raise DatasetError(f"{where}: column co2e_biogenic holds emissions and must be >= 0; "
                           f"write a biogenic removal in co2_biogenic_removal")
    if not gases and not water and not removal:
        raise DatasetError(f"{where}: no emission or water value")
    return Factor(
        code=row["code"], name_zh=row["name_zh"], name_en=row["name_en"],
        category=row["category"], unit=row["unit"], year=row["year"],
        geography=row["geography"], scope=row["scope"], source=row["source"],
        confidence=row["confidence"], gases=gases, water_m3=water,
        water_source=row.get("water_source", ""), notes=row.get("notes", ""), file=file,
        co2_biogenic_removal=removal or 0.0, biogenic_carbon_kg=carbon, gsd=gsd,
        land_use_assessed="co2e_land_use" in gases, has_water_data=bool(row.get("water_m3")),
    )


def _optional(row: dict, where: str, column: str, *, minimum: float, what: str) -> float | None:
    """An optional number column: None when empty, refused below `minimum`."""
    if not row.get(column):
        return None
    value = _number(row[column], where, column)
    if value < minimum:
        raise DatasetError(f"{where}: column {column} ({what}) must be >= {minimum:g}, "
                           f"not {value:g}")
    return value


def _stamp(paths) -> tuple:
    """Changes whenever one of the files does: part of the cache keys below."""
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (str(p),)
                 for p in paths)


def load_factors(datasets_dir: Path = DATASETS_DIR) -> dict[str, Factor]:
    """Every factor row by code; read again only when a file changed. Callers must not mutate."""
    return _load_factors(datasets_dir, _stamp(factor_files(datasets_dir)))


@lru_cache(maxsize=8)
def _load_factors(datasets_dir: Path, _files: tuple) -> dict[str, Factor]:
    factors: dict[str, Factor] = {}
    for path in factor_files(datasets_dir):
        for where, row in _read_rows(path):
            if not row.get("code"):
                raise DatasetError(f"{where}: empty code")
            if row["code"] in factors:
                raise DatasetError(f"{where}: duplicate code {row['code']!r}")
            factors[row["code"]] = _factor(where, row, path.name)
    return factors


def load_recycling(datasets_dir: Path = DATASETS_DIR) -> dict[str, RecyclingRole]:
    """Which factor rows are recycled content and which are recycling credits, by material."""
    files = _stamp([*factor_files(datasets_dir), recycling_file(datasets_dir)])
    return _load_recycling(datasets_dir, files)


@lru_cache(maxsize=8)
def _load_recycling(datasets_dir: Path, _files: tuple) -> dict[str, RecyclingRole]:
    factors = load_factors(datasets_dir)
    roles: dict[str, RecyclingRole] = {}
    if not recycling_file(datasets_dir).exists():
        return roles
    for where, row in _read_rows(recycling_file(datasets_dir)):
        code, role, material = row.get("code", ""), row.get("role", ""), row.get("material", "")
        if code not in factors:
            raise DatasetError(f"{where}: column code: unknown factor {code!r}")
        if code in roles:
            raise DatasetError(f"{where}: column code: {code!r} is listed twice")
        if role not in RECYCLING_ROLES:
            raise DatasetError(f"{where}: column role: {role!r} is not one of "
                               f"{list(RECYCLING_ROLES)}")
        if not material:
            raise DatasetError(f"{where}: column material is empty")
        if (role == "credit") != factors[code].is_credit:
            raise DatasetError(f"{where}: column role: {code!r} is "
                               f"{'' if factors[code].is_credit else 'not '}a credit row, so its "
                               f"role cannot be {role!r}")
        roles[code] = RecyclingRole(code=code, material=material, role=role)
    return roles


def load_aware(datasets_dir: Path = DATASETS_DIR) -> dict[str, AwareFactor]:
    return _load_aware(datasets_dir, _stamp([aware_file(datasets_dir)]))


@lru_cache(maxsize=8)
def _load_aware(datasets_dir: Path, _files: tuple) -> dict[str, AwareFactor]:
    table = {}
    for where, row in _read_rows(aware_file(datasets_dir)):
        table[row["region"]] = AwareFactor(
            region=row["region"], name=row["name"], cf=_number(row["cf"], where, "cf"),
            version=row["version"], use_type=row["use_type"], source=row["source"],
            confidence=row["confidence"],
        )
    return table


def load_grid_regions(datasets_dir: Path = DATASETS_DIR) -> dict[str, GridRegion]:
    return _load_grid_regions(datasets_dir, _stamp([datasets_dir / "grid_regions.csv"]))


@lru_cache(maxsize=8)
def _load_grid_regions(datasets_dir: Path, _files: tuple) -> dict[str, GridRegion]:
    return {row["code"]: GridRegion(**row)
            for _, row in _read_rows(datasets_dir / "grid_regions.csv")}


def catalogue(datasets_dir: Path = DATASETS_DIR) -> Catalogue:
    """What specs may refer to, read from the files alone (no Brightway needed)."""
    files = _stamp([*factor_files(datasets_dir), aware_file(datasets_dir),
                    recycling_file(datasets_dir)])
    return _catalogue(datasets_dir, files)


@lru_cache(maxsize=4)
def _catalogue(datasets_dir: Path, _files: tuple) -> Catalogue:
    factors = load_factors(datasets_dir)
    recycling = load_recycling(datasets_dir)
    return Catalogue(
        factor_units={code: f.unit for code, f in factors.items()},
        water_regions=frozenset(load_aware(datasets_dir)),
        credit_factors=frozenset(code for code, f in factors.items() if f.is_credit),
        recycled_content={c: r.material for c, r in recycling.items()
                          if r.role == "recycled_content"},
        credit_materials={c: r.material for c, r in recycling.items() if r.role == "credit"},
    )
