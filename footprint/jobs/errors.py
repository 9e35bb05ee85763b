"""Errors of submitting a job."""
from __future__ import annotations

from ..errors import FootprintError, InputError


class NothingToDo(InputError):
    """The job would have no work: no active product, no stored assessment."""

    default_code = "job_nothing_to_do"


class MonteCarloRefused(FootprintError):
    """The assessment cannot be run again: gone, changed, or computed on another dataset."""

    default_code = "monte_carlo_refused"
