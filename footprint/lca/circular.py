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

Each term becomes a line on a factor row with its share of the line's amount, so that
Brightway scores it like any other line and a verifier can trace it to the row:
- virgin: Ev x ((1 - R1) + R1 (1 - A) Qsin/Qp), in the line's stage;
- recycled content: Erecycled x R1 A, in the line's stage;
- recycling at end of life: Erecycled x (1 - A) R2 (the recycled production row stands for the
  recycling process: remelting, repulping... is what the recycled production row measures);
- recycling credit: Ev x -(1 - A) R2 Qsout/Qp (E*v is taken as Ev: the output replaces the same
  material), reported as a credit;
- disposal: ED x (1 - R2).
The last three are end-of-life lines, and only within a cradle-to-grave boundary. Left out, and
so refused rather than guessed: the energy-recovery part (R3, B, EER, LHV, XER, ESE), which
needs efficiencies and substituted energy the dataset does not carry.
"""
from __future__ import annotations

from .spec import (BOUNDARY_STAGES, Catalogue, Line, LineProblem, ResolvedLine, check_line)
from .units import UnitError, conversion_factor

STAGES_WITH_CFF = ("materials", "packaging")


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
    with_end_of_life = "end_of_life" in BOUNDARY_STAGES[boundary]
    if not with_end_of_life and (cff.r2 or cff.disposal):
        raise LineProblem("cff", "cff_end_of_life_outside_boundary",
                          "the boundary is cradle-to-gate: end of life (cff.r2, cff.disposal) "
                          "is outside it")
    if with_end_of_life and cff.r2 < 1 and not cff.disposal:
        raise LineProblem("cff", "cff_disposal_missing",
                          f"{1 - cff.r2:.0%} of the material is not recycled at end of life: "
                          f"give the factor of its disposal (cff.disposal)")
    amount = line.amount_per_unit()
    recycled = _amount_on(cff.recycled, "recycled", line, amount, catalogue)
    parameters = {"a": cff.a, "r1": cff.r1, "r2": cff.r2, "qsin_qp": cff.qsin_qp,
                  "qsout_qp": cff.qsout_qp}
    terms = [
        ("virgin", line.stage, virgin,
         virgin_amount * ((1 - cff.r1) + cff.r1 * (1 - cff.a) * cff.qsin_qp)),
        ("recycled_content", line.stage, cff.recycled, recycled * cff.r1 * cff.a),
    ]
    if with_end_of_life:
        terms += [
            ("recycling_end_of_life", "end_of_life", cff.recycled,
             recycled * (1 - cff.a) * cff.r2),
            ("recycling_credit", "end_of_life", virgin,
             -virgin_amount * (1 - cff.a) * cff.r2 * cff.qsout_qp),
        ]
        if cff.r2 < 1:
            disposal = _amount_on(cff.disposal, "disposal", line, amount, catalogue)
            if cff.disposal in catalogue.credit_factors:
                raise LineProblem("cff", "cff_disposal_is_a_credit",
                                  f"factor '{cff.disposal}' is a credit, not a disposal",
                                  reference=cff.disposal)
            terms.append(("disposal", "end_of_life", cff.disposal, disposal * (1 - cff.r2)))
    return [ResolvedLine(index=index, stage=stage, name=line.name, kind="factor",
                         reference=reference, amount=amount, unit=line.unit,
                         flow_amount=flow_amount, cff={"term": term, **parameters})
            for term, stage, reference, flow_amount in terms if flow_amount != 0]


def _amount_on(code: str, part: str, line: Line, amount: float, catalogue: Catalogue) -> float:
    """The line's amount in the unit of factor `code` (cff.recycled or cff.disposal)."""
    if code not in catalogue.factor_units:
        raise LineProblem("cff", "cff_unknown_factor", f"unknown factor '{code}' (cff.{part})",
                          reference=code, part=part)
    try:
        return amount * conversion_factor(line.unit, catalogue.factor_units[code])
    except UnitError as exc:
        raise LineProblem("cff", exc.code, f"{exc.message} (cff.{part}: '{code}')",
                          unit=line.unit, target=catalogue.factor_units[code]) from None
