"""Plain results of one assessment: totals, stages and lines, with the versions used."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

CARBON_KEYS = ("total", "fossil", "biogenic", "land_use")
# Below this a Brightway score is the solver's round-off, not a contribution.
ROUND_OFF = 1e-12


@dataclass(frozen=True)
class LineReporting:
    """What ISO 14067 reporting needs to know of a line besides its scores (see reporting.py)."""
    credit: bool = False  # an end-of-life recycling or energy-recovery credit line
    has_water_data: bool = False
    has_land_use_data: bool = False
    primary: bool = False  # supplier factor, direct emission or water line (measured data)
    biogenic_carbon_kg: float | None = None  # kg C contained; None = not known
    content_part: str | None = None  # "product" | "packaging": where that carbon is reported


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and a batch builds
# a hundred thousand of these; nothing changes a LineResult after the Assessor made it.
@dataclass(slots=True)
class LineResult:
    index: int
    name: str
    stage: str
    kind: str
    reference: str
    amount: float
    unit: str
    carbon: dict[str, float]  # CARBON_KEYS -> kg CO2e per functional unit
    water_consumption_m3: float
    water_scarcity_m3_world_eq: float
    reporting: LineReporting = LineReporting()
    data_quality: dict | None = None  # quality.LineQuality.to_dict()
    cff: dict | None = None  # the Circular Footprint Formula term and parameters (circular.py)

    def to_dict(self) -> dict:
        return {**self._base_dict(), "data_quality": self.data_quality, "cff": self.cff}

    def _base_dict(self) -> dict:
        return {
            "index": self.index, "name": self.name, "stage": self.stage, "kind": self.kind,
            "reference": self.reference, "amount": self.amount, "unit": self.unit,
            "carbon": self.carbon["total"], "carbon_detail": dict(self.carbon),
            "water": self.water_consumption_m3,
            "water_scarcity_m3_world_eq": self.water_scarcity_m3_world_eq,
            **self.reporting_dict(),
        }

    def biogenic_emissions(self) -> float:
        """Biogenic emissions alone: the biogenic result less its (negative) removals."""
        value = self.carbon["biogenic"] - self.carbon.get("biogenic_removals", 0.0)
        return value if abs(value) > ROUND_OFF else 0.0

    def reporting_dict(self) -> dict:
        """The line's ISO 14067 reporting keys (issue 9)."""
        return {
            "credit": self.reporting.credit, "has_water_data": self.reporting.has_water_data,
            "has_land_use_data": self.reporting.has_land_use_data,
            "primary": self.reporting.primary,
            "biogenic_carbon_kg": self.reporting.biogenic_carbon_kg,
        }


@dataclass(frozen=True)
class AssessmentResult:
    product: dict
    stages: tuple[str, ...]
    # Builds `lines` when first asked: a batch that keeps only the totals never makes a
    # hundred thousand line objects.
    make_lines: Callable[[], tuple[LineResult, ...]] = field(repr=False, compare=False)
    dataset_version: str = ""
    methods: dict[str, tuple[str, ...]] = field(default_factory=dict)
    water_region: str = "CN"
    water_region_cf: float = 0.0
    data_quality: dict | None = None  # quality.summary()
    uncertainty: dict | None = None  # uncertainty.analyse(); None when no iterations were run

    @cached_property
    def lines(self) -> tuple[LineResult, ...]:
        return self.make_lines()

    def carbon(self, key: str = "total") -> float:
        return sum((line.carbon[key] for line in self.lines), 0.0)

    def carbon_by_stage(self) -> dict[str, float]:
        return {s: sum((l.carbon["total"] for l in self.lines if l.stage == s), 0.0)
                for s in self.stages}

    def water_by_stage(self) -> dict[str, float]:
        return {s: sum((l.water_consumption_m3 for l in self.lines if l.stage == s), 0.0)
                for s in self.stages}

    def scarcity_by_stage(self) -> dict[str, float]:
        return {s: sum((l.water_scarcity_m3_world_eq for l in self.lines if l.stage == s), 0.0)
                for s in self.stages}

    def to_dict(self) -> dict:
        """The JSON shape shared by the CLI, the web export and stored assessments."""
        return {
            "product": dict(self.product),
            "carbon": {
                "unit": "kg CO2e per functional unit",
                **{key: self.carbon(key) for key in CARBON_KEYS},
                **self.carbon_reporting(),
                "by_stage": self.carbon_by_stage(),
            },
            "water": {
                "consumption_m3": sum(l.water_consumption_m3 for l in self.lines),
                "scarcity_m3_world_eq": sum(l.water_scarcity_m3_world_eq for l in self.lines),
                "by_stage": self.water_by_stage(),
                "scarcity_by_stage": self.scarcity_by_stage(),
                "region": self.water_region,
                "region_aware_cf": self.water_region_cf,
                "coverage": self.water_coverage(),
            },
            "lines": [line.to_dict() for line in self.lines],
            "dataset_version": self.dataset_version,
            "methods": {key: list(name) for key, name in self.methods.items()},
            "data_quality": self.data_quality,
            "uncertainty": self.uncertainty,
        }

    # ISO 14067 reporting (issue 9): kept apart from the keys above so that other additions merge.

    def carbon_reporting(self) -> dict:
        """Biogenic emissions and removals apart, biogenic carbon content, land use assessed or
        not, and credits shown apart from the emissions."""
        total = self.carbon("total")
        removals = sum((l.carbon.get("biogenic_removals", 0.0) for l in self.lines), 0.0)
        credits = sum((l.carbon["total"] for l in self.lines if l.reporting.credit), 0.0)
        return {
            "biogenic_emissions": sum((l.biogenic_emissions() for l in self.lines), 0.0),
            "biogenic_removals": removals,
            "biogenic_carbon_content": {part: self.biogenic_carbon_content(part)
                                        for part in ("product", "packaging")},
            # False: land-use change was not assessed, whatever `land_use` (then 0) says.
            "land_use_assessed": any(l.reporting.has_land_use_data for l in self.lines),
            # Recycling and energy-recovery credits (end of life), already within the total.
            "credits": credits,
            "emissions_excluding_credits": total - credits,
        }

    def biogenic_carbon_content(self, part: str) -> float | None:
        """kg biogenic C in the product or its packaging; None when no line of it has the data."""
        known = [l.reporting.biogenic_carbon_kg for l in self.lines
                 if l.reporting.content_part == part and l.reporting.biogenic_carbon_kg is not None]
        return sum(known, 0.0) if known else None

    def water_coverage(self) -> float:
        """Share of lines carrying water data, weighted by |carbon total|; by count when every
        line's carbon is 0. 1.0 means the water figures cover every line."""
        weights = [abs(l.carbon["total"]) for l in self.lines]
        if sum(weights) == 0:
            weights = [1.0] * len(self.lines)
        if not self.lines:
            return 1.0
        covered = sum(w for w, l in zip(weights, self.lines) if l.reporting.has_water_data)
        return covered / sum(weights)
