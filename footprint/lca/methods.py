"""The LCIA methods the platform writes and reports, each built from a bundled method.

Bundled data: bw2io's `lcia_39_ecoinvent.zip` (ecoinvent 3.9 LCIA implementation). Additions are the
platform's own flows only: pre-characterised biogenic CO2e (CF 1), biogenic CO2 removal (CF -1) and
regional consumed water.

Biogenic results: the bundled "climate change: biogenic" method characterises only "Methane,
non-fossil" (27 kg CO2e/kg, AR6), treating biogenic CO2 as neutral. The platform adds its
pre-characterised biogenic CO2e (emissions) and its removal flow, so carbon.biogenic is emissions
plus removals; `carbon.biogenic_removals` characterises the removal flow alone, and the results
derive biogenic emissions as the difference (one method fewer to compute per assessment).
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import flows
from .dataset import AwareFactor


@dataclass(frozen=True)
class MethodSpec:
    key: str  # result key, e.g. "carbon.total"
    name: tuple[str, ...]  # Brightway method name written in the project
    unit: str
    bundled: tuple[str, ...]  # bundled method the CFs come from


IPCC = "IPCC 2021"
GWP100 = "global warming potential (GWP100)"

CARBON_TOTAL = MethodSpec("carbon.total", ("footprint", "IPCC 2021", "climate change", "GWP100"),
                          "kg CO2-Eq", (IPCC, "climate change", GWP100))
CARBON_FOSSIL = MethodSpec("carbon.fossil",
                           ("footprint", "IPCC 2021", "climate change: fossil", "GWP100"),
                           "kg CO2-Eq", (IPCC, "climate change: fossil", GWP100))
CARBON_BIOGENIC = MethodSpec("carbon.biogenic",
                             ("footprint", "IPCC 2021", "climate change: biogenic", "GWP100"),
                             "kg CO2-Eq", (IPCC, "climate change: biogenic", GWP100))
CARBON_LAND_USE = MethodSpec("carbon.land_use",
                             ("footprint", "IPCC 2021", "climate change: land use", "GWP100"),
                             "kg CO2-Eq", (IPCC, "climate change: land use", GWP100))
# Not bundled: built from the platform's removal flow alone (`bundled` names its parent method).
CARBON_BIOGENIC_REMOVALS = MethodSpec(
    "carbon.biogenic_removals",
    ("footprint", "IPCC 2021", "climate change: biogenic removals", "GWP100"),
    "kg CO2-Eq", (IPCC, "climate change: biogenic", GWP100))
WATER_CONSUMPTION = MethodSpec(
    "water.consumption_m3", ("footprint", "water consumption", "ReCiPe 2016 WCP, regionalised"),
    "cubic meter",
    ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)"))
WATER_SCARCITY = MethodSpec(
    "water.scarcity_m3_world_eq", ("footprint", "water scarcity", "AWARE 2.0 non-agricultural"),
    "m3 world-eq",
    ("ReCiPe 2016 v1.03, midpoint (H)", "water use", "water consumption potential (WCP)"))

ALL = (CARBON_TOTAL, CARBON_FOSSIL, CARBON_BIOGENIC, CARBON_LAND_USE, CARBON_BIOGENIC_REMOVALS,
       WATER_CONSUMPTION, WATER_SCARCITY)


def _bundled_cfs() -> dict[tuple, list[tuple[tuple[str, str], float]]]:
    import bw2io

    archive = Path(bw2io.__file__).parent / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with zipfile.ZipFile(archive) as handle:
        data = json.loads(handle.read("data.json"))
    wanted = {m.bundled for m in ALL}
    # The bundled JSON stores names and flow keys as lists; Brightway wants tuples.
    return {
        tuple(m["name"]): [(tuple(cf["input"]), cf["amount"]) for cf in m["exchanges"]]
        for m in data if tuple(m["name"]) in wanted
    }


def characterisation_factors(aware: dict[str, AwareFactor]) -> dict[MethodSpec, list]:
    """CF lists for every platform method."""
    bundled = _bundled_cfs()
    regional_water = [(flows.water_flow(r), 1.0) for r in aware if r != "GLO"]
    biogenic = [(flows.BIOGENIC_CO2E, 1.0), (flows.BIOGENIC_CO2_REMOVAL, -1.0)]
    return {
        CARBON_TOTAL: bundled[CARBON_TOTAL.bundled] + biogenic,
        CARBON_FOSSIL: bundled[CARBON_FOSSIL.bundled],
        CARBON_BIOGENIC: bundled[CARBON_BIOGENIC.bundled] + biogenic,
        CARBON_LAND_USE: bundled[CARBON_LAND_USE.bundled],
        CARBON_BIOGENIC_REMOVALS: [(flows.BIOGENIC_CO2_REMOVAL, -1.0)],
        WATER_CONSUMPTION: bundled[WATER_CONSUMPTION.bundled] + regional_water,
        # Every flow that ReCiPe counts as consumed water, weighted by its region's AWARE CF.
        WATER_SCARCITY: [(key, aware["GLO"].cf) for key, _ in bundled[WATER_SCARCITY.bundled]]
        + [(flows.water_flow(r), f.cf) for r, f in aware.items() if r != "GLO"],
    }


def description(method: MethodSpec) -> str:
    return f"Built by footprint from bundled {' / '.join(method.bundled)}; see footprint/lca/methods.py."
