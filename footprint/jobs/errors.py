"""Errors of submitting a job."""
from __future__ import annotations

from ..errors import InputError


class NothingToDo(InputError):
    """The job would have no work: no active product, no stored assessment."""

    default_code = "job_nothing_to_do"
