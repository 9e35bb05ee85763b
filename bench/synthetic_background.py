"""A synthetic background the size of ecoinvent, written as a real Brightway database.

    .venv/bin/python bench/synthetic_background.py --dir instance/brightway-synthetic -n 20000

For benchmarks and tests only: the app's configuration cannot select it. It is written into the
project that `project.prepare` builds in its own Brightway directory (biosphere3, the platform's
methods and the open dataset are there too, so methods characterise its flows), and selected by
passing the returned Background to `Assessor(bw_dir, background=...)`.

Structure, after ecoinvent's: a few hub activities (electricity, transport, chemicals) that
nearly every activity consumes and that consume one another (loops); the others in sectors of 50
that trade within the sector (loops again) and with a supplying sector, the sectors forming a tree
(a supply chain deepening towards the leaves). About 15 technosphere and 10 biosphere exchanges an
activity, all biosphere flows among those the methods characterise. Each activity's inputs add up
to 0.3 to 0.8 of its output, so the technosphere is column-wise diagonally dominant, hence
non-singular. The first activities carry the open dataset's factor codes and units, so every spec
that is valid on the open dataset (datasets/examples, the web forms) is valid on this background.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from footprint.lca import dataset, flows, project  # noqa: E402
from footprint.lca.assessor import Background  # noqa: E402
from footprint.lca.spec import Catalogue  # noqa: E402

GENERATOR_VERSION = "1"  # change with any change to the records below
HUBS = 40
SECTOR_SIZE = 50
HUB_INPUTS, SECTOR_INPUTS, SUPPLIER_INPUTS = 5, 9, 1  # non-hub activity; a hub has 15 hub inputs
BIOSPHERE_EXCHANGES = 10
SYNTHETIC_UNIT = "kg"
# Emitted by nearly every activity, as in ecoinvent; the rest are drawn from every flow the
# methods characterise.
COMMON_FLOWS = (flows.CO2_FOSSIL, flows.CH4_FOSSIL, flows.N2O, flows.WATER_TO_AIR)


def database_name(n_activities: int, seed: int) -> str:
    return f"synthetic-{n_activities}-{seed}"


def code(index: int) -> str:
    return f"syn-{index:06d}"


def build(bw_dir: Path, n_activities: int = 20_000, seed: int = 1,
          datasets_dir: Path = dataset.DATASETS_DIR) -> Background:
    """Write the synthetic background into the project in `bw_dir` (once per version) and
    return it as a Background for the Assessor."""
    import bw2data

    base_version = project.prepare(bw_dir, datasets_dir)
    name = database_name(n_activities, seed)
    version = hashlib.sha256(
        f"{base_version}:{name}:{GENERATOR_VERSION}".encode()).hexdigest()[:16]
    real = dataset.catalogue(datasets_dir)
    codes = list(real.factor_units)[:n_activities] + [
        code(i) for i in range(len(real.factor_units), n_activities)]
    units = [real.factor_units.get(c, SYNTHETIC_UNIT) for c in codes]
    if name not in bw2data.databases or bw2data.databases[name].get("version") != version:
        started = time.perf_counter()
        if name in bw2data.databases:
            del bw2data.databases[name]
        database = bw2data.Database(name)
        database.register(version=version, description="synthetic background (bench/)")
        database.write(records(name, codes, units, seed, _characterised_flow_keys()))
        print(f"wrote {name} ({n_activities} activities) in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    catalogue = Catalogue(
        factor_units=dict(zip(codes, units)), water_regions=real.water_regions,
        credit_factors=real.credit_factors, recycled_content=real.recycled_content,
        credit_materials=real.credit_materials)
    return Background(database=name, version=version, catalogue=catalogue,
                      factors=_factor_rows(codes, units, datasets_dir))


def _factor_rows(codes: list[str], units: list[str], datasets_dir: Path) -> dict:
    """The open dataset's rows where a code is real; for the synthetic activities a row of
    metadata saying what they are (read by data quality and reporting, never by the numbers)."""
    real = dataset.load_factors(datasets_dir)
    return {code_: real.get(code_) or dataset.Factor(
        code=code_, name_zh=code_, name_en=f"synthetic activity {code_}", category="material",
        unit=unit, year="2024", geography="China", scope="cradle-to-gate",
        source="synthetic background (bench/synthetic_background.py)", confidence="derived")
        for code_, unit in zip(codes, units)}


def records(name: str, codes: list[str], units: list[str], seed: int,
            flow_keys: list[tuple[str, str]]) -> dict:
    rng = np.random.default_rng(seed)
    n = len(codes)
    hubs = min(HUBS, n)
    others = [key for key in flow_keys if key not in COMMON_FLOWS]
    data = {}
    for j in range(n):
        if j < hubs:
            inputs = rng.integers(0, hubs, 15)
        else:
            sector = (j - hubs) // SECTOR_SIZE
            start = hubs + sector * SECTOR_SIZE
            parts = [rng.integers(0, hubs, HUB_INPUTS),
                     rng.integers(start, min(n, start + SECTOR_SIZE), SECTOR_INPUTS)]
            if sector > 0:  # the supplying sector: the parent in a binary tree of sectors
                supplier = hubs + (sector - 1) // 2 * SECTOR_SIZE
                parts.append(rng.integers(supplier, supplier + SECTOR_SIZE, SUPPLIER_INPUTS))
            inputs = np.concatenate(parts)
        inputs = np.unique(inputs)
        inputs = inputs[inputs != j]
        shares = rng.uniform(0.1, 1.0, len(inputs))
        shares *= rng.uniform(0.3, 0.8) / shares.sum() if len(inputs) else 0.0
        exchanges = [{"input": (name, codes[j]), "amount": 1.0, "type": "production"}]
        exchanges += [{"input": (name, codes[i]), "amount": float(a), "type": "technosphere"}
                      for i, a in zip(inputs.tolist(), shares)]
        drawn = rng.choice(len(others), BIOSPHERE_EXCHANGES - len(COMMON_FLOWS), replace=False)
        emitted = [*COMMON_FLOWS, *(others[k] for k in drawn.tolist())]
        # CO2 in kilograms, the rest in grams or less, water in litres: ecoinvent's orders.
        scale = np.array([1.0, 3e-3, 1e-4, 1e-3] + [1e-5] * (len(emitted) - 4))
        amounts = scale * rng.lognormal(0.0, 1.0, len(emitted))
        exchanges += [{"input": key, "amount": float(a), "type": "biosphere"}
                      for key, a in zip(emitted, amounts.tolist())]
        data[(name, codes[j])] = {"name": f"synthetic activity {j}", "unit": units[j],
                                  "reference product": f"product {j}", "location": "GLO",
                                  "exchanges": exchanges}
    return data


def random_spec(rng: np.random.Generator, catalogue: Catalogue, n_lines: int,
                name: str = "random product") -> dict:
    """A valid spec of `n_lines` lines on `catalogue`: mostly background factors (some in other
    units than the factor's), and supplier factors, direct emissions and water lines."""
    # Recycled-content rows are left out: with a credit for the same material they would be
    # a double count, which the spec refuses.
    codes = sorted(set(catalogue.factor_units) - set(catalogue.recycled_content))
    regions = sorted(catalogue.water_regions)
    gases = sorted(flows.GASES)
    factors = [{"code": f"supplier-{k}", "name": f"supplier part {k}", "unit": "piece",
                "co2e_fossil": float(rng.uniform(0, 5)), "co2e_biogenic": float(rng.normal()),
                "co2e_land_use": float(rng.uniform(-0.1, 0.3)),
                "water_m3": float(rng.uniform(0, 0.02)),
                "water_region": regions[rng.integers(len(regions))], "source": "random"}
               for k in range(3)]
    other_unit = {"kg": "g", "t": "kg", "kWh": "MWh", "m3": "L", "t*km": "kg*km"}
    lines = []
    for index in range(n_lines):
        draw = rng.random()
        stage = ("materials", "inbound_transport", "manufacturing", "packaging",
                 "distribution", "use")[rng.integers(6)]
        line = {"stage": stage, "name": f"line {index}",
                "amount": float(rng.lognormal(0.0, 1.5))}
        if draw < 0.8:
            code_ = codes[rng.integers(len(codes))]
            unit = catalogue.factor_units[code_]
            line.update(factor=code_, unit=other_unit.get(unit, unit) if rng.random() < 0.3
                        else unit)
            if code_ in catalogue.credit_factors:
                line["stage"] = "end_of_life"
        elif draw < 0.9:
            line.update(factor=factors[rng.integers(len(factors))]["code"], unit="piece")
        elif draw < 0.97:
            line.update(emission=gases[rng.integers(len(gases))], unit="g")
        else:
            line.update(water="withdrawal", unit="m3")
        lines.append(line)
    withdrawn = sum(line["amount"] for line in lines if line.get("water"))
    lines.append({"stage": "manufacturing", "name": "water back", "water": "discharge",
                  "amount": 1000 * 0.5 * withdrawn, "unit": "L"})  # half of it, in litres
    return {"product": {"name": name, "boundary": "cradle-to-grave",
                        "water_region": regions[rng.integers(len(regions))],
                        # credits are drawn at end of life, which cut-off refuses
                        "end_of_life_method": "substitution"},
            "factors": factors, "lines": lines}


def _characterised_flow_keys() -> list[tuple[str, str]]:
    from bw2data.backends import ActivityDataset

    from footprint.lca.unit_scores import characterisation_factors

    flow_ids, _ = characterisation_factors()
    keys = dict(((id_, (db, c)) for id_, db, c in ActivityDataset.select(
        ActivityDataset.id, ActivityDataset.database, ActivityDataset.code).where(
        ActivityDataset.id.in_(flow_ids.tolist())).tuples()))
    return [keys[id_] for id_ in flow_ids.tolist()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=REPO / "instance" / "brightway-synthetic")
    parser.add_argument("-n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    background = build(args.dir, args.n, args.seed)
    print(f"{background.database} version {background.version} in {args.dir}")


if __name__ == "__main__":
    main()
