"""The example specs in datasets/examples and the command line that computes them."""
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from click.testing import CliRunner

from footprint.lca import load_spec_file

EXAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "examples"


def run_cli(*args, bw_dir):
    """The command in this process, through Click's runner (stdout and stderr apart)."""
    from footprint.cli import cli

    result = CliRunner().invoke(cli, list(args), env={"BRIGHTWAY2_DIR": str(bw_dir)})
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout,
                           stderr=result.stderr)


def test_the_module_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "footprint", "--help"], capture_output=True,
                          text=True, cwd=EXAMPLES.parents[1], timeout=60)
    assert done.returncode == 0 and "compute" in done.stdout


def total(assessor, name):
    return assessor.assess(load_spec_file(EXAMPLES / name)).to_dict()["carbon"]["total"]


def test_battery_pack_is_near_the_published_lfp_pack(assessor):
    value = total(assessor, "ev-battery-pack-lfp.yaml")
    assert abs(value / 73.51 - 1) < 0.15  # CPCD 46420X0172021C LFP pack: 73.51 kg CO2e/kWh
    assert value < 109.3                  # Hao et al. 2017 LFP pack (China): 109.3 kg CO2e/kWh


def test_sedan_is_near_the_cpcd_sedan(assessor):
    value = total(assessor, "sedan-gasoline.yaml")
    assert abs(value / 6120 - 1) < 0.15  # CPCD 49113X0552020A, A-class gasoline sedan: 6.12 t


def test_every_example_computes_on_known_factors(assessor):
    from footprint.lca.dataset import load_factors

    factors = load_factors()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        spec = load_spec_file(path)
        result = assessor.assess(spec).to_dict()
        assert result["carbon"]["total"] > 0, path.name
        named = [line["factor"] for line in spec_lines(path) if "factor" in line]
        assert named and all(code in factors for code in named), path.name
        header = path.read_text(encoding="utf-8").split("product:")[0]
        assert "Published footprint" in header, path.name  # a comparison, or plainly none


def spec_lines(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))["lines"]


def test_sedan_models_stamping_yield_and_the_parts_it_named(assessor):
    lines = {line["name"]: line for line in spec_lines(EXAMPLES / "sedan-gasoline.yaml")}
    body = lines["body-in-white (cold-rolled steel in the body)"]["amount"]
    offcuts = lines["body-in-white stamping offcuts (yield 60 %)"]["amount"]
    assert body / (body + offcuts) == pytest.approx(0.6)  # 600 / (600 + 400): 60 % yield
    used = {line.get("factor") for line in lines.values()}
    assert {"ic-chip-cn", "lead-acid-battery-cn", "paint-cn", "lubricant-cn"} <= used


def test_motorcycle_says_no_published_footprint_exists():
    header = (EXAMPLES / "motorcycle-125cc.yaml").read_text(encoding="utf-8")
    assert "Published footprint of the same product and scope: NONE was found" in header


def test_motorcycle_per_kg_is_below_a_car(assessor):
    per_kg = total(assessor, "motorcycle-125cc.yaml") / 110  # 110 kg kerb mass
    assert 2 <= per_kg <= 10000 / 1400   # a Chinese ICEV: 10.0 t / ~1.4 t (Qiao et al. 2017)


def test_cli_json_has_the_documented_keys(bw_dir):
    done = run_cli("compute", str(EXAMPLES / "motorcycle-125cc.yaml"), "--json", bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in ("total", "fossil", "biogenic", "land_use"):
        assert isinstance(data["carbon"][key], float)
    assert set(data["carbon"]["by_stage"]) == {"materials", "inbound_transport",
                                               "manufacturing", "packaging"}
    # 400 L - 300 L process water + 120 kWh x 0.0019 m3/kWh (elec-cn-lca-2024) = 0.328 m3
    assert data["water"]["consumption_m3"] == pytest.approx(0.1 + 120 * 0.0019, rel=1e-6)
    assert data["water"]["scarcity_m3_world_eq"] > 0
    assert {"name", "stage", "carbon", "water"} <= set(data["lines"][0])
    assert data["dataset_version"] and data["methods"]["carbon.total"]


def test_cli_table(bw_dir):
    done = run_cli("compute", str(EXAMPLES / "ev-battery-pack-lfp.yaml"), bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    assert "Carbon footprint" in done.stdout and "LFP cells" in done.stdout


def test_cli_invalid_spec_exits_non_zero_with_the_line_on_stderr(tmp_path, bw_dir):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"product": {"name": "x"}, "lines": [
        {"stage": "materials", "name": "mystery", "factor": "no-such", "amount": 1,
         "unit": "kg"}]}))
    done = run_cli("compute", str(bad), "--json", bw_dir=bw_dir)
    assert done.returncode == 2
    assert "lines[0] (mystery): unknown factor 'no-such'" in done.stderr
    assert done.stdout == ""


def test_cli_batch_writes_one_json_per_spec_and_reports_the_bad_one(tmp_path, bw_dir):
    specs = tmp_path / "specs"
    specs.mkdir()
    for example in ("motorcycle-125cc.yaml", "ev-battery-pack-lfp.yaml"):
        (specs / example).write_text((EXAMPLES / example).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    (specs / "bad.json").write_text(json.dumps({"product": {"name": "x"}, "lines": [
        {"stage": "materials", "name": "mystery", "factor": "no-such", "amount": 1,
         "unit": "kg"}]}))
    (specs / "notes.txt").write_text("not a spec")
    out = tmp_path / "out"
    done = run_cli("compute", str(specs), "--out", str(out), bw_dir=bw_dir)
    assert done.returncode == 1  # one spec failed
    assert f"error: {specs / 'bad.json'}: lines[0] (mystery): unknown factor 'no-such'" \
        in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ev-battery-pack-lfp.json",
                                                     "motorcycle-125cc.json"]
    single = run_cli("compute", str(EXAMPLES / "motorcycle-125cc.yaml"), "--json",
                     bw_dir=bw_dir)
    # the file holds exactly what the single-spec command prints
    assert json.loads((out / "motorcycle-125cc.json").read_text(encoding="utf-8")) \
        == json.loads(single.stdout)


def test_cli_batch_of_good_specs_exits_zero_and_several_specs_need_out(tmp_path, bw_dir):
    paths = [str(EXAMPLES / "motorcycle-125cc.yaml"), str(EXAMPLES / "sedan-gasoline.yaml")]
    done = run_cli("compute", *paths, "--out", str(tmp_path), bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["motorcycle-125cc.json",
                                                          "sedan-gasoline.json"]
    without_out = run_cli("compute", *paths, bw_dir=bw_dir)
    assert without_out.returncode == 2 and "--out" in without_out.stderr


def test_cli_json_has_the_iso_14067_reporting_keys(tmp_path, bw_dir):
    from tests.lca.test_reporting import CREDIT, ELECTRICITY, SPEC, TOTAL, VENT, WOOD_CASE

    path = tmp_path / "speaker.json"
    path.write_text(json.dumps(SPEC))
    done = run_cli("compute", str(path), "--json", bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    carbon = data["carbon"]
    for key in ("total", "fossil", "biogenic", "land_use", "credits", "by_stage"):
        assert key in carbon  # every key of before issue 9 is kept
    assert carbon["total"] == pytest.approx(TOTAL, rel=1e-6)  # 5.819238, see test_reporting
    # 2 kg x 0.3 (supplier wood) + 0.01 kg biogenic CH4 x 27.0 = 0.87; removals 2 kg x -1.2
    assert carbon["biogenic_emissions"] == pytest.approx(0.87, rel=1e-6)
    assert carbon["biogenic_removals"] == pytest.approx(-2.4, rel=1e-6)
    assert carbon["biogenic_carbon_content"] == {"product": pytest.approx(0.9),    # 2 x 0.45
                                                 "packaging": pytest.approx(0.12)}  # 0.3 x 0.4
    assert carbon["land_use_assessed"] is True
    assert carbon["credits"] == pytest.approx(CREDIT, rel=1e-6)  # 0.2 kg plastics: -0.090262
    assert carbon["emissions_excluding_credits"] == pytest.approx(TOTAL - CREDIT, rel=1e-6)
    # water data on the electricity (5.777) and the vent (0.27) of |carbon| 7.599762 in all
    assert data["water"]["coverage"] == pytest.approx(
        (ELECTRICITY + VENT) / (-WOOD_CASE + 0.4225 + ELECTRICITY + VENT + 0.24 - CREDIT),
        rel=1e-6)
    assert data["product"]["end_of_life_method"] == "substitution"
    assert [(item["credit"], item["primary"], item["has_water_data"], item["has_land_use_data"])
            for item in data["lines"]] == [
        (False, True, False, False), (False, False, False, False), (False, False, True, False),
        (False, True, True, False), (False, True, False, True), (True, False, False, False)]


def test_cli_table_shows_land_use_not_assessed_and_credits_apart(bw_dir):
    done = run_cli("compute", str(EXAMPLES / "motorcycle-125cc.yaml"), bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    assert "land_use           not assessed" in done.stdout
    assert "(excluding credits)" in done.stdout and "(end of life: cut-off)" in done.stdout
    assert "lines with water data:" in done.stdout


def test_the_cff_example_is_the_formula_on_its_rows(assessor):
    result = assessor.assess(load_spec_file(EXAMPLES / "bicycle-frame-aluminium-cff.yaml"))
    frame = sum(line.carbon["total"] for line in result.lines if line.cff)
    per_kg = (0.7 * 15.947 + 0.3 * (0.2 * 0.845 + 0.8 * 15.947)
              + 0.8 * 0.8 * (0.845 - 15.947) + 0.2 * 0.0)  # 5.3756 kg CO2e per kg
    assert frame == pytest.approx(1.8 * per_kg, rel=1e-6)  # 9.676
    assert result.to_dict()["carbon"]["credits"] == pytest.approx(-1.8 * 0.8 * 0.8 * 15.947,
                                                                 rel=1e-6)  # -18.37
