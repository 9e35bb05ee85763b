"""The example specs in datasets/examples and the command line that computes them."""
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
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


def test_battery_pack_is_within_published_range(assessor):
    value = total(assessor, "ev-battery-pack-lfp.yaml")
    assert 61 <= value <= 106            # IVL C444: 61-106 kg CO2e/kWh pack production
    assert abs(value / 73.51 - 1) < 0.15  # CPCD 46420X0172021C LFP pack: 73.51 kg CO2e/kWh


def test_sedan_is_below_but_near_the_cpcd_sedan(assessor):
    value = total(assessor, "sedan-gasoline.yaml")
    assert 0.7 * 6120 <= value <= 6120   # CPCD 49113X0552020A: 6.12 t; dataset lacks paint, ICs


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
