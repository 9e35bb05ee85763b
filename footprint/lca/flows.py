"""Elementary flows the platform emits: Kyoto gases from biosphere3 and the platform's own flows.

biosphere3 keys are ecoinvent 3.9 flow UUIDs (emissions to air, unspecified sub-compartment), the
flows that the bundled IPCC 2021 and ReCiPe 2016 methods characterise.
"""
from __future__ import annotations

BIOSPHERE3 = "biosphere3"
PLATFORM_FLOWS = "footprint-flows"

CO2_FOSSIL = (BIOSPHERE3, "349b29d1-3e58-4c66-98b9-9d1a076efd2e")
CH4_FOSSIL = (BIOSPHERE3, "0795345f-c7ae-410c-ad25-1845784c75f5")
N2O = (BIOSPHERE3, "20185046-64bb-4c09-a8e7-e8a9e144ca98")
CO2_LAND_USE = (BIOSPHERE3, "e4e9febc-07c1-403d-8d3a-6707bb4d96e6")
WATER_TO_AIR = (BIOSPHERE3, "075e433b-4be4-448e-9510-9a5029c1ce94")

# Supplier PCFs give biogenic emissions as CO2e already; IPCC 2021 has no flow for that.
BIOGENIC_CO2E = (PLATFORM_FLOWS, "co2e-biogenic")
# CO2 taken up from air by biomass (kg CO2, counted positive in inventories). The bundled IPCC 2021
# methods treat biogenic CO2 as neutral and have no uptake flow, so removals get their own flow,
# characterised -1 in the total and biogenic results (ISO 14067 6.4.9.4: removals reported apart).
BIOGENIC_CO2_REMOVAL = (PLATFORM_FLOWS, "co2-biogenic-removal")

# Spec name -> (flow key, label). Specs may write the names in any case (see `gas_name`).
GASES: dict[str, tuple[tuple[str, str], str]] = {
    "CO2": (CO2_FOSSIL, "Carbon dioxide, fossil"),
    "CO2-fossil": (CO2_FOSSIL, "Carbon dioxide, fossil"),
    "CO2-land-use": (CO2_LAND_USE, "Carbon dioxide, from soil or biomass stock"),
    "CH4": (CH4_FOSSIL, "Methane, fossil"),
    "CH4-fossil": (CH4_FOSSIL, "Methane, fossil"),
    "CH4-biogenic": ((BIOSPHERE3, "da1157e2-7593-4dfd-80dd-a3449b37a4d8"), "Methane, non-fossil"),
    "N2O": (N2O, "Dinitrogen monoxide"),
    "HFC-134a": ((BIOSPHERE3, "e87f039d-d9ce-4242-ac18-c9284cc80f3d"),
                 "Ethane, 1,1,1,2-tetrafluoro-, HFC-134a"),
    "HFC-32": ((BIOSPHERE3, "151212b4-079b-43a2-96d5-a6eef59166ac"), "Methane, difluoro-, HFC-32"),
    "HFC-125": ((BIOSPHERE3, "281e1011-f121-4d5b-ad4d-22d562b2c2cd"),
                "Ethane, pentafluoro-, HFC-125"),
    "HFC-23": ((BIOSPHERE3, "e5ba3517-a93f-422e-9ce2-f1007fcf6c06"), "Methane, trifluoro-, HFC-23"),
    "CF4": ((BIOSPHERE3, "33681770-a0e1-4ce8-93c3-941fd607fa5f"), "Methane, tetrafluoro-, R-14"),
    "C2F6": ((BIOSPHERE3, "acc39720-dda7-4b3a-80c7-c6394cad4191"), "Ethane, hexafluoro-, HFC-116"),
    "SF6": ((BIOSPHERE3, "35d1dff5-b535-4628-9826-4a8fce08a1f2"), "Sulfur hexafluoride"),
    "NF3": ((BIOSPHERE3, "e79e03c3-5b19-45f6-b3f3-bf710c6663d2"), "Nitrogen fluoride"),
}
_BY_LOWER_CASE = {name.lower(): name for name in GASES}


def gas_name(text: str) -> str | None:
    """The canonical spelling of a gas name written in any case, or None if unknown."""
    return _BY_LOWER_CASE.get(text.strip().lower())


# Factor-row column -> flow it is modelled as (see datasets/README.md).
COLUMN_FLOWS = {
    "co2_fossil": CO2_FOSSIL,
    "ch4_fossil": CH4_FOSSIL,
    "n2o": N2O,
    "co2e_fossil": CO2_FOSSIL,
    "co2e_biogenic": BIOGENIC_CO2E,
    "co2e_land_use": CO2_LAND_USE,
}

# Factor geography -> AWARE region of its consumed water.
GEOGRAPHY_WATER_REGION = {"China": "CN", "Chongqing": "CN-CQ", "Sichuan": "CN-SC"}


def water_flow(region: str) -> tuple[str, str]:
    """Consumed ("evaporated") water in an AWARE region; GLO is biosphere3's generic flow."""
    if region == "GLO":
        return WATER_TO_AIR
    return (PLATFORM_FLOWS, f"water-consumed-{region}")


def platform_flow_records(regions) -> dict:
    """The data of the platform's own biosphere database."""
    records = {
        BIOGENIC_CO2E: {
            "name": "Biogenic CO2e (pre-characterised, GWP100)",
            "unit": "kilogram", "type": "emission", "categories": ("air",),
        },
        BIOGENIC_CO2_REMOVAL: {
            "name": "Carbon dioxide, biogenic, taken up from air",
            "unit": "kilogram", "type": "natural resource", "categories": ("natural resource",
                                                                           "in air"),
        },
    }
    for region in regions:
        if region != "GLO":
            records[water_flow(region)] = {
                "name": f"Water, consumed, {region}",
                "unit": "cubic meter", "type": "emission", "categories": ("air",),
            }
    return records
