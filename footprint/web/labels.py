"""Translated labels for the domain's fixed vocabularies, shared by forms and templates."""
from flask_babel import lazy_gettext as _l

from ..accounts.roles import Role

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
END_OF_LIFE_LABELS = {
    "cut-off": _l("Cut-off (recycled content)"),
    "substitution": _l("Substitution (avoided burden)"),
    "cff": _l("Circular Footprint Formula (EU PEF)"),
}
END_OF_LIFE_HELP = {
    "cut-off": _l("Recycled material comes in burden-free and no credit is given for recycling "
                  "at end of life (ISO 14067 default here)."),
    "substitution": _l("Recycling and energy recovery at end of life earn a credit for the "
                       "primary production they replace."),
    "cff": _l("The EU Circular Footprint Formula shares burdens and credits of recycled "
              "content and recycling between supplier and user. Each material line takes its "
              "parameters (A, R1, R2, quality ratios) on its line form; credit lines are "
              "refused."),
}
# The terms of the EU Circular Footprint Formula a material line is split into (circular.py).
CFF_TERM_LABELS = {"virgin": _l("CFF: virgin material"),
                   "recycled_content": _l("CFF: recycled content"),
                   "recycling_end_of_life": _l("CFF: recycling at end of life"),
                   "recycling_credit": _l("CFF: recycling credit"),
                   "energy_recovery": _l("CFF: energy recovery"),
                   "energy_credit_heat": _l("CFF: heat replaced (credit)"),
                   "energy_credit_electricity": _l("CFF: electricity replaced (credit)"),
                   "disposal": _l("CFF: disposal")}
DATA_QUALITY_LABELS = {"technological": _l("Technological representativeness"),
                       "temporal": _l("Temporal representativeness"),
                       "geographical": _l("Geographical representativeness")}
RATING_LABELS = {1: _l("1 – good"), 2: _l("2 – fair"), 3: _l("3 – poor")}
# Data-quality flag codes (result lines[].data_quality.flags).
FLAG_LABELS = {"outdated": _l("outdated"), "unconfirmed": _l("unconfirmed"),
               "outside_geography": _l("outside the product's geography")}
BASIS_LABELS = {"units": _l("By units"), "mass": _l("By mass"), "economic": _l("By economic value")}
GAS_LABELS = {
    "CO2": "CO2", "CO2-land-use": _l("CO2 from land use"), "CH4-fossil": _l("CH4 fossil"),
    "CH4-biogenic": _l("CH4 biogenic"), "N2O": "N2O", "HFC-134a": "HFC-134a", "HFC-32": "HFC-32",
    "HFC-125": "HFC-125", "HFC-23": "HFC-23", "CF4": "CF4", "C2F6": "C2F6", "SF6": "SF6",
    "NF3": "NF3",
}

WATER_REGION_LABELS = {"GLO": _l("World / unknown (AWARE GLO)"), "CN": _l("China (AWARE CN)"),
                       "CN-CQ": _l("Chongqing (AWARE CN-CQ)"), "CN-SC": _l("Sichuan (AWARE CN-SC)")}
# Factor library vocabularies (datasets/factors/*.csv columns category, scope, confidence).
CATEGORY_LABELS = {
    "electricity": _l("Electricity"), "electricity_green": _l("Green electricity (certificates)"),
    "fuel": _l("Fuel combustion"), "fuel_upstream": _l("Fuel supply (upstream)"),
    "material": _l("Materials"), "transport": _l("Transport"), "waste": _l("Waste treatment"),
    "energy_other": _l("Other energy"),
}
SCOPE_LABELS = {
    "cradle-to-gate": _l("Cradle to gate"),
    "cradle-to-grave": _l("Cradle to grave"),
    "location-based CO2 only (inventory)": _l("CO2 only, location-based (for inventories)"),
    "location-based CO2 only (inventory), residual-type":
        _l("CO2 only, location-based, residual mix (for inventories)"),
    "fossil generation only, CO2 only (inventory)":
        _l("CO2 only, fossil generation only (for inventories)"),
    "life-cycle CO2e (PCF)": _l("Life-cycle CO2e (for product footprints)"),
    "cradle-to-grave per kWh generated (PCF)": _l("Cradle to grave per kWh generated (life cycle)"),
    "cradle-to-grave per kWh generated (PCF), certificate-backed":
        _l("Cradle to grave per kWh generated, backed by green certificates"),
    "T&D adder per kWh delivered": _l("Transmission and distribution, added per kWh delivered"),
    "combustion only": _l("Combustion only"),
    "combustion only, CO2 only": _l("Combustion only, CO2 only"),
    "combustion only (gate-to-grave)": _l("Combustion only (gate to grave)"),
    "cradle-to-gate supply only": _l("Supply only, cradle to gate (without combustion)"),
    "cradle-to-grave (fuel + vehicle)": _l("Cradle to grave (fuel and vehicle)"),
    "gate-to-grave operation": _l("Operation only (gate to grave)"),
    "market average (older edition)": _l("Market average (older edition)"),
    "cradle-to-grave treatment": _l("Treatment, cradle to grave"),
    "cradle-to-gate cell production": _l("Cradle to gate, cell production"),
    "cradle-to-gate CO2 only (worldsteel indicator)":
        _l("Cradle to gate, CO2 only (worldsteel indicator)"),
    "cradle-to-gate (life-cycle)": _l("Cradle to gate (life cycle)"),
    "cradle-to-gate (mining to casting)": _l("Cradle to gate (mining to casting)"),
    "cradle-to-gate fossil GHG": _l("Cradle to gate, fossil greenhouse gases"),
    "cradle-to-gate (as labelled by CPCD)": _l("Cradle to gate (as labelled by CPCD)"),
    "net life-cycle incl. collection/transport":
        _l("Net life cycle, including collection and transport"),
    "net life-cycle incl. avoided grid electricity":
        _l("Net life cycle, including avoided grid electricity"),
    "net life-cycle incl. credits": _l("Net life cycle, including credits"),
    "cradle-to-grave incl. energy credit": _l("Cradle to grave, including energy credit"),
    "recycling incl. virgin-resin substitution credit":
        _l("Recycling, including credit for replaced virgin resin"),
    "avoided primary production credit": _l("Credit for avoided primary production"),
    "landfill emissions only, excl. avoided emissions and storage":
        _l("Landfill emissions only, without avoided emissions or storage"),
}
CONFIDENCE_LABELS = {"primary": _l("primary (issuing body)"),
                     "mirror": _l("mirror (third-party copy of a database)"),
                     "paper": _l("paper (peer-reviewed)"), "derived": _l("derived (computed)"),
                     "unconfirmed": _l("unconfirmed (read second-hand; lines on it are flagged)")}
# Amount columns of a factor row, as shown beside a value ("1,990 kg CO2e").
GAS_COLUMN_LABELS = {"co2_fossil": "CO2", "ch4_fossil": "CH4", "n2o": "N2O",
                     "co2e_fossil": "CO2e", "co2e_biogenic": _l("CO2e biogenic"),
                     "co2e_land_use": _l("CO2e land use")}

ROLE_LABELS = {Role.APPLICANT: _l("Applicant"), Role.CERTIFIER: _l("Certifier"),
               Role.ADMIN: _l("Admin")}
TOTAL_LABELS = {
    "carbon.total": _l("Carbon footprint (kg CO2e)"), "carbon.fossil": _l("Fossil (kg CO2e)"),
    "carbon.biogenic": _l("Biogenic (kg CO2e)"), "carbon.land_use": _l("Land use change (kg CO2e)"),
    "water.consumption_m3": _l("Water consumption (m³)"),
    "water.scarcity_m3_world_eq": _l("Water scarcity (m³ world-eq)"),
    "carbon.emissions_excluding_credits": _l("Emissions excluding credits (kg CO2e)"),
    "carbon.credits": _l("Credits (kg CO2e)"),
    "carbon.biogenic_emissions": _l("Biogenic emissions (kg CO2e)"),
    "carbon.biogenic_removals": _l("Biogenic removals (kg CO2e)"),
}
# How the result page names each method (footprint.lca.methods keys).
METHOD_LABELS = {
    "carbon.total": _l("IPCC 2021 (AR6), climate change, GWP100, total"),
    "carbon.fossil": _l("IPCC 2021 (AR6), climate change, GWP100, fossil"),
    "carbon.biogenic": _l("IPCC 2021 (AR6), climate change, GWP100, biogenic"),
    "carbon.land_use": _l("IPCC 2021 (AR6), climate change, GWP100, land use"),
    "water.consumption_m3": _l("ReCiPe 2016 water consumption potential (WCP), regionalised"),
    "water.scarcity_m3_world_eq": _l("AWARE 2.0 water scarcity, non-agricultural use"),
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
    "credit_under_cut_off": _l("'%(reference)s' is a credit, and the product's end-of-life "
                               "method is cut-off, which gives no credit for recycling or "
                               "energy recovery: remove the line or choose substitution or CFF "
                               "on the product"),
    "recycled_content_and_credit": _l(
        "the line '%(recycled_line_name)s' takes recycled %(material)s in at the "
        "cut-off value and this line claims a credit for recycling it: the recycling would be "
        "counted twice; remove the credit or enter the material at its primary value"),
    "unknown_gas": _l("unknown gas '%(reference)s'"),
    "unknown_water_kind": _l("unknown water kind '%(reference)s'"),
    "unknown_unit": _l("unknown unit '%(unit)s'"),
    "unit_mismatch": _l("unit '%(unit)s' cannot be converted to '%(target)s'"),
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


# pydantic's own error types, for the structural checks of a ProductSpec
PYDANTIC_MESSAGES = {
    "missing": _l("This field is required."),
    "string_too_short": _l("must not be empty"),
    "string_too_long": _l("is too long (at most %(max_length)s characters)"),
    "literal_error": _l("must be one of %(expected)s"),
    "extra_forbidden": _l("unknown field"),
    "float_parsing": _l("must be a number"),
    "float_type": _l("must be a number"),
    "string_type": _l("must be text"),
    "nul_character": _l("contains a NUL character (\\0), which text cannot hold: remove it"),
}

# Every other footprint.errors code -> message (placeholders from the error's params).
ERROR_MESSAGES = {
    **PROBLEM_MESSAGES,
    **NUMBER_MESSAGES,
    **PYDANTIC_MESSAGES,
    "no_lines": _l("Add at least one line before calculating."),
    "net_water_negative": _l("water discharged exceeds water withdrawn by %(excess).6g m³ per "
                             "functional unit: add the withdrawal, or enter the consumed water "
                             "only"),
    "amount_or_allocation": _l("give either an amount per functional unit or plant-level "
                               "annual data"),
    "allocation_exceeds_plant": _l("the product's annual output exceeds the plant's"),
    "unknown_water_region": _l("unknown water region '%(region)s'"),
    "dataset_code": _l("this code is a dataset factor; choose another"),
    "duplicate_code": _l("this product already has a factor with this code"),
    "factor_unit_in_use": _l("line “%(line)s” uses this factor in %(line_unit)s, which cannot be "
                             "converted to %(unit)s: change that line first"),
    "unknown_site": _l("choose one of your organisation's sites"),
    "unknown_boundary": _l("unknown system boundary"),
    "unknown_end_of_life_method": _l("unknown end-of-life method"),
    "reference_year_out_of_range": _l("the reference year must be a year from %(low)s to "
                                      "%(high)s"),
    "gsd_below_one": _l("a geometric standard deviation is 1 or more"),
    "rating_out_of_range": _l("a rating is 1, 2 or 3"),
    "lines_outside_boundary": _l("Lines in these stages are outside this boundary: "
                                 "%(stage_names)s"),
    "credit_lines_under_cut_off": _l("Cut-off gives no credit for recycling or energy "
                                     "recovery, and these lines claim one: %(line_names)s. "
                                     "Remove them first, or keep substitution or CFF."),
    "cff_needs_method": _l("This line gives Circular Footprint Formula parameters, and the "
                           "product's end-of-life method is not the Circular Footprint Formula: "
                           "choose it on the product, or untick the parameters"),
    "cff_not_a_material": _l("Circular Footprint Formula parameters belong to a materials or "
                             "packaging line on a factor"),
    "cff_end_of_life_outside_boundary": _l("The boundary is cradle-to-gate: end of life (R2, "
                                           "R3, disposal) is outside it"),
    "cff_disposal_missing": _l("Part of the material is neither recycled nor burnt for energy "
                               "at end of life: give the factor of its disposal"),
    "cff_factor_is_a_credit": _l("'%(reference)s' is a credit (%(part)s): the formula gives "
                                 "the credits itself; choose the process's own, gross factor"),
    "cff_factor_missing": _l("Give the factor of %(part)s"),
    "cff_energy_recovery_missing": _l("Part of the material is burnt with energy recovery (R3): "
                                      "give the factor of the energy-recovery process"),
    "cff_lhv_missing": _l("Energy is recovered: give the material's lower heating value in "
                          "MJ/kg"),
    "cff_r2_r3_above_one": _l("R2 + R3 is %(total)s: the recycled and burnt shares cannot "
                              "exceed the whole"),
    "cff_efficiency_above_one": _l("The heat and electricity efficiencies add up to %(total)s: "
                                   "the recovered energy cannot exceed the heating value"),
    "cff_unknown_factor": _l("unknown factor code '%(reference)s' (%(part)s); search the factor "
                             "library"),
    "credit_lines_under_cff": _l("Under the Circular Footprint Formula, recycling at end of "
                                 "life is part of each material line's CFF parameters, and "
                                 "these lines are credit lines: %(line_names)s. Remove them "
                                 "first."),
    "credit_under_cff": _l("'%(reference)s' is a credit line, and the product's end-of-life "
                           "method is the Circular Footprint Formula, where recycling at end of "
                           "life is part of each material line's CFF parameters: remove the "
                           "line"),
    "product_name_taken": _l("a product with this name exists: copy it as a new version or "
                             "choose another name"),
    "changed_meanwhile": _l("Someone else changed this meanwhile. Their version is shown "
                            "below; what you typed is kept in the form: check it and save "
                            "again."),
    "credit_code_length": _l("must be 18 characters"),
    "credit_code_character": _l("contains a character that a credit code cannot have"),
    "credit_code_check": _l("check character does not match"),
    "credit_code_taken": _l("an organisation with this credit code is registered"),
    "email_taken": _l("this e-mail address already has an account"),
    "password_too_short": _l("must be at least %(min)s characters"),
    "password_too_easy": _l("is too easy to guess: use a longer phrase of unrelated words, "
                            "not a common password, keyboard row or sequence"),
    "wrong_password": _l("wrong password"),
    "password_unchanged": _l("must differ from the current password"),
    "disable_self": _l("you cannot disable your own account"),
    "unknown_role": _l("unknown role"),
    "role_of_other_kind": _l("this organisation cannot have users of this role"),
    "organisation_id": _l("choose an organisation"),
    "unknown_criteria": _l("no criteria version %(key)s"),
    "criteria_file_changed": _l("the criteria file of %(key)s changed without a new version: "
                                "give the changed file a new version"),
    "criteria_too_large": _l("is larger than %(max_kb)s KB"),
    "criteria_key_too_long": _l("scheme, product category and version together are longer "
                                "than %(max)s characters"),
    "criteria_version_exists": _l("version %(version)s of %(family)s exists: give the new "
                                  "version another number"),
    "criteria_version_not_newer": _l("version %(version)s does not come after the latest, "
                                     "%(latest)s: give it a higher number"),
    "integrity_broken": _l("This assessment's stored content no longer matches its content "
                           "hash; it cannot be shown or exported."),
    "monte_carlo_iterations": _l("Choose the number of iterations: %(allowed)s."),
    "job_nothing_to_do": _l("There is nothing for this job to do: no active product, or no "
                            "stored assessment."),
}


def error_message(error) -> str:
    """A footprint.errors error in the user's language, found by its code."""
    template = ERROR_MESSAGES.get(error.code)
    if template is None:
        return error.message
    params = dict(error.params)
    if "stages" in params:
        params["stage_names"] = ", ".join(str(STAGE_LABELS.get(s, s)) for s in params["stages"])
    if "lines" in params:
        params["line_names"] = ", ".join(f"'{name}'" for name in params["lines"])
    return str(template) % params


def show_on_form(form, error, fallback=None) -> None:
    """Put a footprint.errors error beside the form field it names (or the fallback field)."""
    field = getattr(form, error.field, None) if error.field else None
    field = field if field is not None and hasattr(field, "errors") else fallback
    if field is None:
        raise error
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    field.errors.append(error_message(error))


def number_message(code: str, params: dict) -> str:
    return str(ERROR_MESSAGES[code]) % params


def pydantic_message(error: dict) -> str:
    """A pydantic error of a ProductSpec model in the user's language, by its type code (an
    unknown type shows pydantic's English message)."""
    template = ERROR_MESSAGES.get(error["type"])
    if template is None:
        return error["msg"].removeprefix("Value error, ")
    return str(template) % {k: v for k, v in (error.get("ctx") or {}).items()}


def context() -> dict:
    return {"stage_labels": STAGE_LABELS, "boundary_labels": BOUNDARY_LABELS,
            "kind_labels": KIND_LABELS, "water_labels": WATER_LABELS,
            "basis_labels": BASIS_LABELS, "gas_labels": GAS_LABELS,
            "total_labels": TOTAL_LABELS, "status_labels": STATUS_LABELS,
            "role_labels": ROLE_LABELS, "category_labels": CATEGORY_LABELS,
            "scope_labels": SCOPE_LABELS, "confidence_labels": CONFIDENCE_LABELS,
            "gas_column_labels": GAS_COLUMN_LABELS,
            "method_labels": METHOD_LABELS, "water_region_labels": WATER_REGION_LABELS,
            "end_of_life_labels": END_OF_LIFE_LABELS, "flag_labels": FLAG_LABELS,
            "data_quality_labels": DATA_QUALITY_LABELS, "cff_term_labels": CFF_TERM_LABELS}


def label(table: dict, key):
    """The translated label of a key, or the key itself when the vocabulary has no entry."""
    return str(table[key]) if key in table else key
