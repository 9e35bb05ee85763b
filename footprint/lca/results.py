"""Plain results of one assessment: totals, stages and lines, with the versions used."""
from __future__ import annotations

from dataclasses import dataclass

CARBON_KEYS = ("total", "fossil", "biogenic", "land_use")


@dataclass(frozen=True)
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
    primary: bool = False  # supplier factor, direct emission or water line (quality.py)
    data_quality: dict | None = None  # quality.LineQuality.to_dict()

    def to_dict(self) -> dict:
        return {**self._base_dict(), "primary": self.primary, "data_quality": self.data_quality}

    def _base_dict(self) -> dict:
        return {
            "index": self.index, "name": self.name, "stage": self.stage, "kind": self.kind,
            "reference": self.reference, "amount": self.amount, "unit": self.unit,
            "carbon": self.carbon["total"], "carbon_detail": dict(self.carbon),
            "water": self.water_consumption_m3,
            "water_scarcity_m3_world_eq": self.water_scarcity_m3_world_eq,
        }


@dataclass(frozen=True)
class AssessmentResult:
    product: dict
    stages: tuple[str, ...]
    lines: tuple[LineResult, ...]
    dataset_version: str
    methods: dict[str, tuple[str, ...]]
    water_region: str
    water_region_cf: float
    data_quality: dict | None = None  # quality.summary()
    uncertainty: dict | None = None  # uncertainty.analyse(); None when no iterations were run

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
                # Recycling and energy-recovery credits (end of life), already within the total.
                "credits": sum((min(l.carbon["total"], 0.0) for l in self.lines), 0.0),
                "by_stage": self.carbon_by_stage(),
            },
            "water": {
                "consumption_m3": sum(l.water_consumption_m3 for l in self.lines),
                "scarcity_m3_world_eq": sum(l.water_scarcity_m3_world_eq for l in self.lines),
                "by_stage": self.water_by_stage(),
                "scarcity_by_stage": self.scarcity_by_stage(),
                "region": self.water_region,
                "region_aware_cf": self.water_region_cf,
            },
            "lines": [line.to_dict() for line in self.lines],
            "dataset_version": self.dataset_version,
            "methods": {key: list(name) for key, name in self.methods.items()},
            "data_quality": self.data_quality,
            "uncertainty": self.uncertainty,
        }
