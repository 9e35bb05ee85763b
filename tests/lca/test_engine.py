"""The engine (amount x characterised unit score) against a plain bw2calc LCA of each product
(footprint/lca/reference.py), on a small synthetic background of ecoinvent-like structure
(bench/synthetic_background.py, 500 activities) and on the open dataset."""
import shutil

import numpy as np
import pytest

from bench import synthetic_background
from footprint.lca import load_spec_file, parse_spec, project, reference, unit_scores
from footprint.lca.assessor import Assessor
from tests.lca.test_examples_and_cli import EXAMPLES

N_ACTIVITIES = 500
REL = 1e-9  # the same numbers up to the order of floating-point sums


@pytest.fixture(scope="session")
def synthetic_dir(bw_dir, tmp_path_factory):
    """A copy of the prepared project with the synthetic background written into it."""
    from footprint.lca import get_assessor

    get_assessor(bw_dir)  # the shared project is built before it is copied
    copy = tmp_path_factory.mktemp("synthetic") / "brightway"
    shutil.copytree(bw_dir, copy, ignore=shutil.ignore_patterns(f"{unit_scores.FILE_PREFIX}*"))
    background = synthetic_background.build(copy, N_ACTIVITIES)
    project.open_project(bw_dir)
    return copy, background


@pytest.fixture(scope="module")
def synthetic(synthetic_dir, bw_dir):
    """An Assessor on the synthetic background, its Brightway directory current for the module
    (the reference LCA reads the project); the shared one is current again afterwards."""
    directory, background = synthetic_dir
    assessor = Assessor(directory, background=background)
    yield assessor
    project.open_project(bw_dir)


def assert_same_results(fast: dict, slow: dict) -> None:
    assert len(fast["lines"]) == len(slow["lines"])
    for a, b in zip(fast["lines"], slow["lines"]):
        for key in ("carbon", "water", "water_scarcity_m3_world_eq"):
            assert a[key] == pytest.approx(b[key], rel=REL, abs=0), (a["name"], key)
        for key, value in b["carbon_detail"].items():
            assert a["carbon_detail"][key] == pytest.approx(value, rel=REL, abs=0)
    for key in ("total", "fossil", "biogenic", "land_use", "credits"):
        assert fast["carbon"][key] == pytest.approx(slow["carbon"][key], rel=REL, abs=1e-15)
    for key in ("consumption_m3", "scarcity_m3_world_eq"):
        assert fast["water"][key] == pytest.approx(slow["water"][key], rel=REL, abs=1e-15)


def test_the_synthetic_background_has_ecoinvent_like_structure(synthetic):
    import bw2data

    database = bw2data.Database(synthetic.background.database)
    assert len(database) == N_ACTIVITIES
    technosphere = sum(len(a.technosphere()) for a in database)
    biosphere = sum(len(a.biosphere()) for a in database)
    assert 12 <= technosphere / N_ACTIVITIES <= 15  # 15 inputs drawn, repeats merged
    assert biosphere / N_ACTIVITIES == 10
    scores = synthetic.unit_scores.scores
    assert scores.shape == (N_ACTIVITIES, len(synthetic.unit_scores.method_keys))
    # every activity emits fossil CO2, and carries its suppliers' emissions on top of its own
    assert (scores[:, 0] > 0).all()


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_on_the_synthetic_background_equal_a_bw2calc_lca(synthetic, example):
    spec = load_spec_file(EXAMPLES / example)
    assert_same_results(synthetic.assess(spec).to_dict(),
                        reference.reference_assess(synthetic, spec).to_dict())


@pytest.mark.parametrize("seed", range(4))
def test_random_specs_on_the_synthetic_background_equal_a_bw2calc_lca(synthetic, seed):
    rng = np.random.default_rng(seed)
    spec = parse_spec(synthetic_background.random_spec(rng, synthetic.catalogue, 60))
    kinds = {"supplier" if (line.factor or "").startswith("supplier") else
             "background" if line.factor else "emission" if line.emission else "water"
             for line in spec.lines}
    assert kinds == {"background", "supplier", "emission", "water"}  # every kind of line drawn
    assert_same_results(synthetic.assess(spec).to_dict(),
                        reference.reference_assess(synthetic, spec).to_dict())


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_examples_on_the_open_dataset_equal_a_bw2calc_lca(assessor, example):
    spec = load_spec_file(EXAMPLES / example)
    assert_same_results(assessor.assess(spec).to_dict(),
                        reference.reference_assess(assessor, spec).to_dict())


def test_unit_scores_are_kept_per_dataset_version_and_rebuilt_for_a_new_one(synthetic,
                                                                              monkeypatch):
    import bw2data

    project_dir = bw2data.projects.dir
    version = synthetic.dataset_version
    kept = unit_scores.path_for(project_dir, version)
    assert kept.exists()
    computed = []
    real_compute = unit_scores.compute
    monkeypatch.setattr(unit_scores, "compute",
                        lambda database: computed.append(database) or real_compute(database))
    again = unit_scores.load_or_build(project_dir, synthetic.background.database, version)
    assert computed == []  # read from the file
    np.testing.assert_array_equal(again.scores, synthetic.unit_scores.scores)
    unit_scores.load_or_build(project_dir, synthetic.background.database, "next-version")
    assert computed == [synthetic.background.database]
    assert unit_scores.path_for(project_dir, "next-version").exists()
    assert not kept.exists()  # the old version's file is removed
    unit_scores.load_or_build(project_dir, synthetic.background.database, version)  # restore


def test_a_unit_score_file_of_other_methods_is_rebuilt(synthetic, monkeypatch):
    """A file written before a method was added (issue 9 adds one) is not read as current."""
    import dataclasses

    import bw2data

    from footprint.lca import methods

    project_dir = bw2data.projects.dir
    stale = dataclasses.replace(synthetic.unit_scores, scores=synthetic.unit_scores.scores[:, :1],
                                cfs=synthetic.unit_scores.cfs[:, :1],
                                method_keys=(methods.ALL[0].key,))
    unit_scores.save(stale, unit_scores.path_for(project_dir, "stale-version"))
    computed = []
    real_compute = unit_scores.compute
    monkeypatch.setattr(unit_scores, "compute",
                        lambda database: computed.append(database) or real_compute(database))
    rebuilt = unit_scores.load_or_build(project_dir, synthetic.background.database,
                                        "stale-version")
    assert computed == [synthetic.background.database]
    assert rebuilt.method_keys == tuple(m.key for m in methods.ALL)
    assert rebuilt.scores.shape == (N_ACTIVITIES, len(methods.ALL))
    unit_scores.load_or_build(project_dir, synthetic.background.database,
                              synthetic.dataset_version)  # restore the current file


def test_unit_scores_are_rebuilt_when_the_background_is_written_again(synthetic, monkeypatch):
    """`dataset build --force` rewrites the databases under the same version: ids may change."""
    import bw2data

    project_dir = bw2data.projects.dir
    database = synthetic.background.database
    computed = []
    real_compute = unit_scores.compute
    monkeypatch.setattr(unit_scores, "compute",
                        lambda name: computed.append(name) or real_compute(name))
    unit_scores.load_or_build(project_dir, database, synthetic.dataset_version)
    assert computed == []
    metadata = bw2data.databases[database]
    monkeypatch.setitem(metadata, "modified", "2099-01-01T00:00:00")  # as a new write sets it
    unit_scores.load_or_build(project_dir, database, synthetic.dataset_version)
    assert computed == [database]
