"""Translated labels for the domain's fixed vocabularies, shared by forms and templates."""
from flask_babel import lazy_gettext as _l

STAGE_LABELS = {
    "materials": _l("Raw materials and purchased parts"),
    "inbound_transport": _l("Inbound transport"),
    "manufacturing": _l("Manufacturing"),
    "packaging": _l("Packaging"),
    "distribution": _l("Distribution"),
    "use": _l("Use"),
    "end_of_life": _l("End of life"),
}
BOUNDARY_LABELS = {"cradle-to-gate": _l("Cradle to gate"), "cradle-to-grave": _l("Cradle to grave")}
KIND_LABELS = {"factor": _l("Factor (dataset or supplier)"), "emission": _l("Direct emission"),
               "water": _l("Water")}
WATER_LABELS = {"withdrawal": _l("Withdrawal"), "discharge": _l("Discharge"),
                "consumption": _l("Consumption")}
BASIS_LABELS = {"units": _l("By units"), "mass": _l("By mass"), "economic": _l("By economic value")}
GAS_LABELS = {
    "CO2": "CO2", "CO2-land-use": _l("CO2 from land use"), "CH4-fossil": _l("CH4 fossil"),
    "CH4-biogenic": _l("CH4 biogenic"), "N2O": "N2O", "HFC-134a": "HFC-134a", "HFC-32": "HFC-32",
    "HFC-125": "HFC-125", "HFC-23": "HFC-23", "CF4": "CF4", "C2F6": "C2F6", "SF6": "SF6",
    "NF3": "NF3",
}

WATER_REGION_LABELS = {"GLO": _l("World / unknown (AWARE GLO)"), "CN": _l("China (AWARE CN)"),
                       "CN-CQ": _l("Chongqing (AWARE CN-CQ)"), "CN-SC": _l("Sichuan (AWARE CN-SC)")}
ROLE_LABELS = {"applicant": _l("Applicant"), "certifier": _l("Certifier"), "admin": _l("Admin")}
TOTAL_LABELS = {
    "carbon.total": _l("Carbon footprint (kg CO2e)"), "carbon.fossil": _l("Fossil (kg CO2e)"),
    "carbon.biogenic": _l("Biogenic (kg CO2e)"), "carbon.land_use": _l("Land use change (kg CO2e)"),
    "water.consumption_m3": _l("Water consumption (m³)"),
    "water.scarcity_m3_world_eq": _l("Water scarcity (m³ world-eq)"),
}
STATUS_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed"),
                 "same": _l("unchanged")}

# footprint.lca LineProblem / UnitError codes -> message shown beside the field.
PROBLEM_MESSAGES = {
    "unknown_stage": _l("unknown stage '%(stage)s'"),
    "outside_boundary": _l("this stage is outside the product's %(boundary)s boundary"),
    "one_reference": _l("choose a factor, a gas or a water kind"),
    "unknown_factor": _l("unknown factor code '%(reference)s'; search the factor library"),
    "credit_outside_end_of_life": _l("'%(reference)s' is a credit (negative emissions); use it "
                                     "only at end of life"),
    "unknown_gas": _l("unknown gas '%(reference)s'"),
    "unknown_water_kind": _l("unknown water kind '%(reference)s'"),
    "unknown_unit": _l("unknown unit '%(unit)s'"),
    "unit_mismatch": _l("unit '%(unit)s' cannot be converted to '%(target)s'"),
}


# Messages of footprint.lca's own pydantic checks, so that forms and imports can translate them.
VALIDATION_MESSAGES = {
    "must be a finite number, zero or more": _l("must be a finite number, zero or more"),
    "must be a finite number above zero": _l("must be a finite number above zero"),
    "must be a finite number": _l("must be a finite number"),
    "give either 'amount' per functional unit or an 'allocation' of plant-level annual data":
        _l("give either an amount per functional unit or plant-level annual data"),
    "allocation: the product's quantity exceeds the plant's":
        _l("the product's annual output exceeds the plant's"),
}


# footprint.lca.numbers codes (and the spec's own number and code checks) -> message.
NUMBER_MESSAGES = {
    "not_a_number": _l("'%(value)s' is not a number; type digits with a dot for decimals, "
                       "e.g. 1.5 or 1500"),
    "ambiguous_number": _l("'%(value)s' is ambiguous: type a dot for decimals and no thousands "
                           "separators, e.g. 1.5 or 1500"),
    "not_finite": _l("must be a finite number"),
    "too_large": _l("must be at most %(max)s in size; use a larger unit"),
    "too_small": _l("must be 0 or at least %(min)s in size; use a smaller unit"),
    "negative": _l("must be a finite number, zero or more"),
    "not_positive": _l("must be a finite number above zero"),
    "allocated_too_large": _l("the amount per functional unit comes to more than %(max)s"),
    "formula_like_code": _l("must not start with = + - @, a tab or a line break"),
}


def number_message(code: str, params: dict) -> str:
    return str(NUMBER_MESSAGES[code]) % params


def error_message(error: dict) -> str:
    """A pydantic error of footprint.lca, translated by its type when it is one of ours."""
    if error.get("type") in NUMBER_MESSAGES:
        return number_message(error["type"], error.get("ctx") or {})
    return validation_message(error["msg"])


def validation_message(text: str) -> str:
    text = text.removeprefix("Value error, ")
    return str(VALIDATION_MESSAGES.get(text, text))


def problem_message(problem) -> str:
    template = PROBLEM_MESSAGES.get(problem.code)
    return str(template) % problem.params if template else str(problem)


def context() -> dict:
    return {"stage_labels": STAGE_LABELS, "boundary_labels": BOUNDARY_LABELS,
            "kind_labels": KIND_LABELS, "water_labels": WATER_LABELS,
            "basis_labels": BASIS_LABELS, "gas_labels": GAS_LABELS,
            "total_labels": TOTAL_LABELS, "status_labels": STATUS_LABELS,
            "role_labels": ROLE_LABELS}
