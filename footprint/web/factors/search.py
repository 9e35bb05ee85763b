"""Finding factors by what users type: codes, names, synonyms and spelling variants.

The synonyms are data (`datasets/search/factor_terms.csv`): each row gives code patterns and the
Chinese and English words that find them (塑料 finds the resins, "carton" the corrugated board).
Rows whose patterns start with `gas:` do not name factors: they point a search (制冷剂,
refrigerant, R134a) to the direct emission of those gases. `datasets/search/spellings.csv` maps
spelling variants (aluminum, fiber) onto one spelling in both the query and the searched text.
These files only change what a search finds, never a result, so they are not part of the dataset
version.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from flask_babel import get_locale

from ...lca.dataset import DATASETS_DIR, Factor, factor_files, load_factors
from ..formatting import significant
from ..labels import CATEGORY_LABELS, CONFIDENCE_LABELS, GAS_COLUMN_LABELS, SCOPE_LABELS, label

SEARCH_DIR = DATASETS_DIR / "search"


@dataclass(frozen=True)
class TermRow:
    patterns: tuple[str, ...]
    terms: str  # lower case, Chinese and English words joined by spaces


def _stamp(*paths: Path) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def _rows(path: Path):
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@lru_cache(maxsize=4)
def _vocabulary(search_dir: Path, _files: tuple) -> tuple[tuple[TermRow, ...], tuple]:
    terms = tuple(TermRow(tuple(r["codes"].split()),
                          f"{r['terms_zh']} {r['terms_en']}".lower())
                  for r in _rows(search_dir / "factor_terms.csv"))
    spellings = tuple((r["variant"].lower(), r["canonical"].lower())
                      for r in _rows(search_dir / "spellings.csv"))
    return terms, spellings


def vocabulary(search_dir: Path = SEARCH_DIR):
    return _vocabulary(search_dir, _stamp(search_dir / "factor_terms.csv",
                                          search_dir / "spellings.csv"))


def _normal(text: str, spellings) -> str:
    text = text.lower()
    for variant, canonical in spellings:
        text = text.replace(variant, canonical)
    return text


def is_inventory_only(factor: Factor) -> bool:
    """CO2-only factors meant for greenhouse-gas inventories, not for product footprints."""
    return "inventory" in factor.scope


@lru_cache(maxsize=4)
def _index(_factor_files: tuple, vocabulary_key: tuple) -> list[tuple[Factor, str, str]]:
    terms, spellings = vocabulary_key
    index = []
    for factor in load_factors().values():
        own = _normal(f"{factor.code} {factor.name_zh} {factor.name_en}", spellings)
        extra = " ".join(row.terms for row in terms
                         if any(not p.startswith("gas:") and fnmatchcase(factor.code, p)
                                for p in row.patterns))
        index.append((factor, own, _normal(extra, spellings)))
    return index


def matching(query: str, category: str = "") -> list[Factor]:
    """Factors whose code, names or synonyms contain every word of the query. Life-cycle factors
    come before inventory-only (CO2-only) ones; within each, matches of the name come first."""
    terms, spellings = vocabulary()
    words = _normal(query, spellings).split()
    found = []
    index = _index(_stamp(*factor_files()), (terms, spellings))
    for position, (factor, own, extra) in enumerate(index):
        if category and factor.category != category:
            continue
        if all(word in own for word in words):
            found.append(((is_inventory_only(factor), 0, position), factor))
        elif all(word in own or word in extra for word in words):
            found.append(((is_inventory_only(factor), 1, position), factor))
    return [factor for _, factor in sorted(found, key=lambda item: item[0])]


def gas_hint(query: str) -> list[str]:
    """Gases a query names as a direct emission (制冷剂, refrigerant, R134a -> HFC-134a ...)."""
    terms, spellings = vocabulary()
    words = _normal(query, spellings).split()
    gases: list[str] = []
    if not words:
        return gases
    for row in terms:
        targets = [p.removeprefix("gas:") for p in row.patterns if p.startswith("gas:")]
        if targets and all(word in row.terms for word in words):
            gases.extend(g for g in targets if g not in gases)
    return gases


def value_text(factor: Factor) -> str:
    """The factor's amounts per unit, e.g. "1,990 kg CO2e / t" or "0.5777 kg CO2e + 0.0019 m³
    water / kWh"."""
    parts = [f"{significant(value)} kg {label(GAS_COLUMN_LABELS, column)}"
             for column, value in factor.gases.items()]
    if factor.water_m3:
        parts.append(f"{significant(factor.water_m3)} m³ H2O")
    return f"{' + '.join(parts)} / {factor.unit}"


def describe(factor: Factor) -> dict:
    """What the picker and the forms show about one factor, in the user's language."""
    chinese = str(get_locale()).startswith("zh")
    return {"code": factor.code, "name": factor.name_zh if chinese else factor.name_en,
            "name_zh": factor.name_zh, "name_en": factor.name_en, "unit": factor.unit,
            "value": value_text(factor), "year": factor.year, "geography": factor.geography,
            "category": factor.category, "category_label": label(CATEGORY_LABELS,
                                                                 factor.category),
            "scope": factor.scope, "scope_label": label(SCOPE_LABELS, factor.scope),
            "inventory_only": is_inventory_only(factor), "source": factor.source,
            "confidence": factor.confidence,
            "confidence_label": label(CONFIDENCE_LABELS, factor.confidence)}


def factor_name(code: str) -> str:
    """The dataset factor's name in the user's language, or "" for a code not in the dataset."""
    factor = load_factors().get(code)
    if factor is None:
        return ""
    return factor.name_zh if str(get_locale()).startswith("zh") else factor.name_en
