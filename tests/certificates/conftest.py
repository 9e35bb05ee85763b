"""An application approved through the operations, with a stored assessment whose result holds
a footprint: the certificate issued on approval is what these tests read."""
from __future__ import annotations

import pytest

from footprint.assessments.models import Assessment
from footprint.assessments.operations import content_hash
from footprint.audit.operations import record
from tests.certs.test_workflow import in_state, world  # noqa: F401 (fixture)

SPEC = {"product": {"name": "p"}, "lines": []}
RESULT = {"carbon": {"total": 5.25, "fossil": 5.0, "biogenic": 0.2, "land_use": 0.05},
          "water": {"consumption_m3": 1e-05, "scarcity_m3_world_eq": 0.0004295, "region": "GLO"},
          "methods": {"carbon_total": ["IPCC 2021", "climate change", "GWP100"]},
          "dataset_version": "ds-1"}


@pytest.fixture
def approved(world):  # noqa: F811
    """(world, application) with the application approved (and so certified)."""
    s, applicant = world["session"], world["users"]["applicant"]
    assessment = Assessment(organisation_id=applicant.organisation_id,
                            product_id=world["product"].id, user_id=applicant.id, spec=SPEC,
                            result=RESULT, dataset_version="ds-1", carbon_total=5.25,
                            water_consumption_m3=1e-05, content_hash=content_hash(SPEC, RESULT))
    s.add(assessment)
    s.flush()
    record(s, actor=applicant, action="assessment.create", obj=assessment,
           after={"product_id": world["product"].id})
    world["assessments"][0] = assessment
    application, _ = in_state(world, "approved")
    return world, application
