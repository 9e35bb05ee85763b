"""The EU Circular Footprint Formula (CFF) of a material line, as lines on factor rows.

Commission Recommendation (EU) 2021/2279, Annex I (PEF method), section 4.4.8, gives the
material and disposal parts of the formula per unit of material:

    (1 - R1) Ev + R1 (A Erecycled + (1 - A) Ev Qsin/Qp)
        + (1 - A) R2 (ErecyclingEoL - E*v Qsout/Qp)
        + (1 - R2 - R3) ED

with A the allocation of burdens and credits between the supplier and the user of recycled
material (0.2 to 0.8; the method lists values by material in its Annex C, which the user copies
into the spec: no value is assumed here), R1 the recycled content, R2 the share recycled at end
of life, Qsin/Qp and Qsout/Qp the quality of the recycled input and output against primary,
Ev the virgin material, Erecycled its recycled production, ErecyclingEoL the recycling at end
of life, E*v the virgin material the recycled output replaces, ED the disposal.

The energy-recovery part, for the share R3 burnt with energy recovery:

        + (1 - B) R3 (EER - LHV XER,heat ESE,heat - LHV XER,elec ESE,elec)

with B the share of its burdens and credits given to the supplier (PEF default 0), EER the
energy-recovery process, LHV the material's lower heating value (MJ/kg), XER the efficiencies
of its recovery as heat and as electricity, ESE the heat and electricity they replace.

Each term becomes a line on a factor row with its share of the line's amount, so that
Brightway scores it like any other line and a verifier can trace it to the row:
- virgin: Ev x ((1 - R1) + R1 (1 - A) Qsin/Qp), in the line's stage;
- recycled content: Erecycled x R1 A, in the line's stage;
- recycling at end of life: Erecycled x (1 - A) R2 (the recycled production row stands for the
  recycling process: remelting, repulping... is what the recycled production row measures);
- recycling credit: Ev x -(1 - A) R2 Qsout/Qp (E*v is taken as Ev: the output replaces the same
  material), reported as a credit;
- energy recovery: EER x (1 - B) R3, per unit of material (a gross incineration row: a net row
  already holds a credit for the energy, which the next two terms give);
- energy credits: ESE,heat x -(1 - B) R3 LHV XER,heat and ESE,elec x -(1 - B) R3 LHV XER,elec,
  in MJ per kg of material converted to the rows' energy units, reported as credits (a fuel row
  per GJ stands for the heat at a boiler efficiency of 1, which gives the smaller credit);
- disposal: ED x (1 - R2 - R3).
All but the first two are end-of-life lines, and only within a cradle-to-grave boundary. A has
no default here: the user copies the material's value from the method's Annex C.
"""
from __future__ import annotations

from .spec import (BOUNDARY_STAGES, Catalogue, Line, LineProblem, ResolvedLine, check_line)
from .units import UnitError, conversion_factor

STAGES_WITH_CFF = ("materials", "packaging")
# Terms that avoid a burden elsewhere: reported as credits, apart from the emissions.
CREDIT_TERMS = frozenset({"recycling_credit", "energy_credit_heat", "energy_credit_electricity"})
PARAMETERS = ("a", "r1", "r2", "qsin_qp", "qsout_qp", "r3", "b", "lhv", "xer_heat",
              "xer_electricity")


def cff_lines(index: int, line: Line, boundary: str, catalogue: Catalogue,
              end_of_life_method: str) -> list[ResolvedLine]:
    """The CFF terms of a material line with `cff` parameters, as resolved lines (one index)."""
    cff = line.cff
    if end_of_life_method != "cff":
        raise LineProblem("cff", "cff_needs_method",
                          f"the line gives CFF parameters, and the product's end-of-life method "
                          f"is '{end_of_life_method}': choose 'cff' or remove the parameters",
                          end_of_life_method=end_of_life_method)
    if line.stage not in STAGES_WITH_CFF or not line.factor:
        raise LineProblem("cff", "cff_not_a_material",
                          "CFF parameters belong to a materials or packaging line on a factor "
                          "row", stage=line.stage)
    _, virgin, virgin_amount = check_line(line, boundary, catalogue,
                                          end_of_life_method=end_of_life_method)
    amount = line.amount_per_unit()
    recycled = _amount_on(cff.recycled, "recycled", line, amount, catalogue)
    terms = [
        ("virgin", line.stage, virgin,
         virgin_amount * ((1 - cff.r1) + cff.r1 * (1 - cff.a) * cff.qsin_qp)),
        ("recycled_content", line.stage, cff.recycled, recycled * cff.r1 * cff.a),
    ]
    if "end_of_life" in BOUNDARY_STAGES[boundary]:
        terms += _end_of_life_terms(line, amount, virgin, virgin_amount, recycled, catalogue)
    elif cff.r2 or cff.r3 or cff.disposal:
        raise LineProblem("cff", "cff_end_of_life_outside_boundary",
                          "the boundary is cradle-to-gate: end of life (cff.r2, cff.r3, "
                          "cff.disposal) is outside it")
    parameters = {key: getattr(cff, key) for key in PARAMETERS}
    return [ResolvedLine(index=index, stage=stage, name=line.name, kind="factor",
                         reference=reference, amount=amount, unit=line.unit,
                         flow_amount=flow_amount, cff={"term": term, **parameters})
            for term, stage, reference, flow_amount in terms if flow_amount != 0]


def _end_of_life_terms(line: Line, amount: float, virgin: str, virgin_amount: float,
                       recycled: float, catalogue: Catalogue) -> list[tuple]:
    cff = line.cff
    rest = 1 - cff.r2 - cff.r3
    if rest > 0 and not cff.disposal:
        raise LineProblem("cff", "cff_disposal_missing",
                          f"{rest:.0%} of the material is neither recycled nor burnt for energy "
                          f"at end of life: give the factor of its disposal (cff.disposal)")
    terms = [
        ("recycling_end_of_life", "end_of_life", cff.recycled, recycled * (1 - cff.a) * cff.r2),
        ("recycling_credit", "end_of_life", virgin,
         -virgin_amount * (1 - cff.a) * cff.r2 * cff.qsout_qp),
    ]
    if cff.r3:
        terms += _energy_recovery_terms(line, amount, catalogue)
    if rest > 0:
        disposal = _amount_on(cff.disposal, "disposal", line, amount, catalogue,
                              emitting=True)
        terms.append(("disposal", "end_of_life", cff.disposal, disposal * rest))
    return terms


def _energy_recovery_terms(line: Line, amount: float, catalogue: Catalogue) -> list[tuple]:
    """(1 - B) R3 (EER - LHV XER,heat ESE,heat - LHV XER,elec ESE,elec), as three lines."""
    cff = line.cff
    if not cff.energy_recovery:
        raise LineProblem("cff", "cff_energy_recovery_missing",
                          f"{cff.r3:.0%} of the material is burnt with energy recovery (cff.r3): "
                          f"give the factor of the energy-recovery process (cff.energy_recovery)")
    share = (1 - cff.b) * cff.r3
    terms = [("energy_recovery", "end_of_life", cff.energy_recovery,
              share * _amount_on(cff.energy_recovery, "energy_recovery", line, amount,
                                 catalogue, emitting=True))]
    for term, part, efficiency in (("energy_credit_heat", "heat", cff.xer_heat),
                                   ("energy_credit_electricity", "electricity",
                                    cff.xer_electricity)):
        if efficiency:
            megajoules = share * _heating_value(line, amount) * efficiency
            terms.append((term, "end_of_life", getattr(cff, part),
                          -_amount_on(getattr(cff, part), part, line, megajoules, catalogue,
                                      unit="MJ", emitting=True)))
    return terms


def _heating_value(line: Line, amount: float) -> float:
    """MJ in `amount` of the line's material, from cff.lhv (MJ/kg)."""
    if line.cff.lhv is None:
        raise LineProblem("cff", "cff_lhv_missing",
                          "energy is recovered (cff.xer_heat, cff.xer_electricity): give the "
                          "material's lower heating value in MJ/kg (cff.lhv)")
    try:
        return amount * conversion_factor(line.unit, "kg") * line.cff.lhv
    except UnitError as exc:
        raise LineProblem("cff", exc.code, f"{exc.message} (cff.lhv is per kg: the line's "
                          f"amount must be a mass)", unit=line.unit, target="kg") from None


def _amount_on(code: str | None, part: str, line: Line, amount: float, catalogue: Catalogue,
               *, unit: str | None = None, emitting: bool = False) -> float:
    """`amount` (in the line's unit, or `unit`) in the unit of factor `code`, the row named by
    cff.<part>; with `emitting`, a credit row is refused (the formula gives the credits)."""
    if not code:
        raise LineProblem("cff", "cff_factor_missing", f"give the factor of cff.{part}",
                          part=part)
    if code not in catalogue.factor_units:
        raise LineProblem("cff", "cff_unknown_factor", f"unknown factor '{code}' (cff.{part})",
                          reference=code, part=part)
    if emitting and code in catalogue.credit_factors:
        raise LineProblem("cff", "cff_factor_is_a_credit",
                          f"factor '{code}' is a credit (cff.{part}): the formula gives the "
                          f"credits itself; choose the process's own, gross row",
                          reference=code, part=part)
    source = unit or line.unit
    try:
        return amount * conversion_factor(source, catalogue.factor_units[code])
    except UnitError as exc:
        raise LineProblem("cff", exc.code, f"{exc.message} (cff.{part}: '{code}')",
                          unit=source, target=catalogue.factor_units[code]) from None
