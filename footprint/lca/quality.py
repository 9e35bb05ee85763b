"""Data quality of each line: PACT-style ratings, primary or secondary, and flags.

Pure functions of the line, the factor row (or supplier factor) it uses and the product; no
Brightway. Ratings follow the PACT Pathfinder data-quality ratings (DQR): technological, temporal
and geographical representativeness, each 1 (good), 2 (fair) or 3 (poor), and their mean.

Temporal: the distance in years between the row's year and the product's reference year (the
year of the assessment when the spec gives none). Up to 3 years: 1; up to 6: 2; more: 3. These are
the first two steps of the ecoinvent pedigree matrix's temporal correlation ("less than 3 years",
"less than 6 years of difference", Weidema et al. 2013), so a rating maps onto a pedigree score
without a jump; PACT leaves the cut-offs to the reporting company. A year that cannot be read
rates 3 (ecoinvent scores "age of data unknown" as its worst step).

Geographical: the row's geography against the product's (`product.geography`, "China" when not
given), through the parent chain city -> province -> grid region -> China in GEOGRAPHY_PARENTS.
The same region: 1. China, the grid region, a province containing the site (any parent), or a
place inside the product's region: 2. Another region of China, another country, Europe or Global:
3. A row outside the product's geography (neither the same place, a parent, nor a place inside it,
nor Global) is flagged `outside_geography`; Global is a superset of every site, so it rates 3 but is
not flagged. A product geography we do not know is taken to lie in China (the platform's market).

Technological: how well the row's scope covers what the line stands for. A row whose scope is the
whole chain (cradle-to-gate, cradle-to-grave, life-cycle, PCF) in the category expected for the
line's stage: 1. Each shortfall adds 1, up to 3: a partial chain (combustion only, operation only,
supply only, a T&D adder, generation only, emissions only), partial gases (CO2 only, fossil GHG
only), or a category not expected in the stage (e.g. a waste row in the materials stage). A
supplier factor takes the user's rating from the spec (2, 2, 2 when not rated). A direct emission
line or a water line is the factory's own measurement of its process for the reference period:
1, 1, 1.

Primary data (contract of issue 9): a line on a supplier factor, a direct emission line or a water
line; a line on a background factor row is secondary.

Flags: `outdated` when the row's year is more than its category's validity before the reference
year: electricity 5 years (grid mixes change year by year and a national factor is republished
every year or two), every other category 10 years (process technology of materials, fuels,
transport and waste treatment changes more slowly; 10 years is also the ecoinvent pedigree's
temporal step 3 limit). `unconfirmed` when the row's confidence tag is `unconfirmed`.
`outside_geography` as above.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

RATING_KEYS = ("technological", "temporal", "geographical")
NOT_RATED = {"technological": 2, "temporal": 2, "geographical": 2}

VALIDITY_YEARS = {"electricity": 5, "electricity_green": 5}
DEFAULT_VALIDITY_YEARS = 10

CHINA = "China"
GLOBAL = "Global"
# Spellings of one place, as rows, grid_regions.csv and AWARE regions write it.
GEOGRAPHY_ALIASES = {
    "CN": CHINA, "China inland waterways": CHINA, "China coastal/ocean": CHINA,
    "CN-CQ": "Chongqing", "CN-SC": "Sichuan", "Qingdao, China": "Qingdao", "GLO": GLOBAL,
}
# Regional grids as the national grid factor announcements group the provinces (the Southwest
# grouping follows datasets/factors/electricity.csv), and the cities rows name.
_GRIDS = {
    "CN-North": ("Beijing", "Tianjin", "Hebei", "Shanxi", "Shandong", "Inner Mongolia"),
    "CN-Northeast": ("Liaoning", "Jilin", "Heilongjiang"),
    "CN-East": ("Shanghai", "Jiangsu", "Zhejiang", "Anhui", "Fujian"),
    "CN-Central": ("Henan", "Hubei", "Hunan", "Jiangxi"),
    "CN-Northwest": ("Shaanxi", "Gansu", "Qinghai", "Ningxia", "Xinjiang"),
    "CN-South": ("Guangdong", "Guangxi", "Yunnan", "Guizhou", "Hainan"),
    "CN-Southwest": ("Chongqing", "Sichuan", "Tibet"),
}
GEOGRAPHY_PARENTS = {
    **{grid: CHINA for grid in _GRIDS},
    **{province: grid for grid, provinces in _GRIDS.items() for province in provinces},
    "Qingdao": "Shandong", "Shenzhen": "Guangdong", "Guangzhou": "Guangdong",
    "Suzhou": "Jiangsu", "Chengdu": "Sichuan",
    CHINA: GLOBAL, "Europe": GLOBAL, "USA": GLOBAL,
}

FULL_CHAIN = ("cradle-to-gate", "cradle-to-grave", "life-cycle", "(pcf)", "net life-cycle")
PARTIAL_CHAIN = ("combustion only", "operation", "supply only", "t&d adder", "generation only",
                 "emissions only")
PARTIAL_GASES = ("co2 only", "fossil ghg")
EXPECTED_CATEGORIES = {
    "materials": {"material"},
    "packaging": {"material"},
    "inbound_transport": {"transport"},
    "distribution": {"transport"},
    "manufacturing": {"electricity", "electricity_green", "fuel", "fuel_upstream", "material",
                      "waste"},
    "use": {"electricity", "electricity_green", "fuel", "fuel_upstream", "material"},
    "end_of_life": {"waste", "transport"},
}


@dataclass(frozen=True)
class LineQuality:
    technological: int
    temporal: int
    geographical: int
    primary: bool
    flags: tuple[str, ...] = ()
    # Years between the row and the reference year, when known (the pedigree's temporal score).
    age_years: int | None = field(default=None, compare=False)

    @property
    def rating(self) -> float:
        return (self.technological + self.temporal + self.geographical) / 3

    def to_dict(self) -> dict:
        return {"technological": self.technological, "temporal": self.temporal,
                "geographical": self.geographical, "rating": self.rating,
                "flags": list(self.flags)}


@lru_cache(maxsize=4096)  # pure; a batch asks the same few thousand
def row_year(text: str) -> int | None:
    """The year of a factor row ("2022", or the last year of "2019-2021"), None if unreadable."""
    years = re.findall(r"(?:19|20)\d\d", text or "")
    return int(years[-1]) if years else None


def temporal_rating(age_years: int | None) -> int:
    if age_years is None:
        return 3
    return 1 if age_years <= 3 else 2 if age_years <= 6 else 3


@lru_cache(maxsize=4096)  # pure; a batch asks the same few thousand
def is_outdated(category: str, year: int | None, reference_year: int) -> bool:
    validity = VALIDITY_YEARS.get(category, DEFAULT_VALIDITY_YEARS)
    return year is not None and reference_year - year > validity


def place(name: str | None) -> str:
    name = (name or CHINA).strip()
    return GEOGRAPHY_ALIASES.get(name, name)


def parents(name: str) -> list[str]:
    """The places containing `name`, nearest first (China and Global for an unknown place)."""
    chain, current = [], name
    while current in GEOGRAPHY_PARENTS:
        current = GEOGRAPHY_PARENTS[current]
        chain.append(current)
    if not chain and name != GLOBAL:
        chain = [CHINA, GLOBAL]
    return chain


@lru_cache(maxsize=4096)  # pure; a batch asks the same few thousand
def geographical_rating(row_geography: str, product_geography: str | None) -> tuple[int, bool]:
    """(rating, outside the product's geography)."""
    row, site = place(row_geography), place(product_geography)
    if row == site:
        return 1, False
    if row == GLOBAL:
        return 3, False
    site_parents = parents(site)
    if row in site_parents:
        return 2, False
    if site in parents(row):
        return 2, False  # data for a place inside the product's region
    return 3, True


@lru_cache(maxsize=4096)  # pure; a batch asks the same few thousand
def technological_rating(category: str, scope: str, stage: str) -> int:
    scope = scope.lower()
    shortfalls = 0
    if any(word in scope for word in PARTIAL_CHAIN) or not any(w in scope for w in FULL_CHAIN):
        shortfalls += 1
    if any(word in scope for word in PARTIAL_GASES):
        shortfalls += 1
    if category not in EXPECTED_CATEGORIES.get(stage, {category}):
        shortfalls += 1
    return min(3, 1 + shortfalls)


def rate_background_line(stage: str, row, reference_year: int,
                         product_geography: str | None) -> LineQuality:
    """A line on a dataset factor row (`row` has category, scope, year, geography, confidence)."""
    year = row_year(row.year)
    age = None if year is None else abs(reference_year - year)
    geographical, outside = geographical_rating(row.geography, product_geography)
    flags = []
    if is_outdated(row.category, year, reference_year):
        flags.append("outdated")
    if row.confidence == "unconfirmed":
        flags.append("unconfirmed")
    if outside:
        flags.append("outside_geography")
    return LineQuality(technological=technological_rating(row.category, row.scope, stage),
                       temporal=temporal_rating(age), geographical=geographical,
                       primary=False, flags=tuple(flags), age_years=age)


def rate_supplier_line(data_quality: dict | None) -> LineQuality:
    """A line on a supplier factor: the user's rating (2, 2, 2 when not rated)."""
    ratings = {**NOT_RATED, **(data_quality or {})}
    return LineQuality(**{key: int(ratings[key]) for key in RATING_KEYS}, primary=True)


def rate_measured_line() -> LineQuality:
    """A direct emission or water line: the factory's own measurement."""
    return LineQuality(technological=1, temporal=1, geographical=1, primary=True, age_years=0)


def rate_line(line, spec, factors: dict, reference_year: int) -> LineQuality:
    """The quality of one resolved line of `spec`; `factors` are the dataset rows by code."""
    if line.kind == "factor":
        return rate_background_line(line.stage, factors[line.reference], reference_year,
                                    spec.product.geography)
    if line.kind == "custom_factor":
        custom = next(f for f in spec.factors if f.code == line.reference)
        rating = getattr(custom, "data_quality", None)
        return rate_supplier_line(rating.model_dump() if hasattr(rating, "model_dump")
                                  else rating)
    return rate_measured_line()


def weights(carbon) -> np.ndarray:
    """|carbon| of each line; by count when every line is 0 (as water.coverage does)."""
    absolute = np.abs(np.asarray(carbon, dtype=float))
    return absolute if absolute.sum() > 0 else np.ones(len(absolute))


def summary(qualities: list[LineQuality], carbon: list[float], names: list[str]) -> dict:
    """The `data_quality` block of the results: |carbon|-weighted ratings, primary share, flags."""
    if not qualities:
        return {**{key: None for key in (*RATING_KEYS, "total", "primary_share")}, "flags": []}
    weight = weights(carbon)
    # Lines on one profile share one LineQuality object (the Assessor finds it once): rate each
    # distinct one, weighted by the |carbon| of its lines.
    position: dict[int, int] = {}
    group = [position.setdefault(id(q), len(position)) for q in qualities]
    distinct = list({id(q): q for q in qualities}.values())
    ratings = np.array([(q.technological, q.temporal, q.geographical, q.primary)
                        for q in distinct], dtype=float)
    means = (np.bincount(group, weights=weight, minlength=len(distinct)) @ ratings) \
        / weight.sum()
    block = {key: float(means[j]) for j, key in enumerate(RATING_KEYS)}
    block["total"] = float(means[:3].sum() / 3)
    block["primary_share"] = float(means[3])
    flagged = {k for k, q in enumerate(distinct) if q.flags}
    block["flags"] = [{"line": index, "name": names[index], "code": code}
                      for index, k in enumerate(group) if k in flagged
                      for code in distinct[k].flags] if flagged else []
    return block
