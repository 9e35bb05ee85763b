"""Reassessing an organisation's products, one product at a time.

`reassess_products` has the signature of the engine's batch function
(footprint.assessments.operations.reassess_products, which shares one factorisation between
products); until that is merged this is a plain loop over run_assessment, and the job runner
(footprint.jobs.runner) calls only this function, so swapping it is a one-line change. What the
runner needs of it: `product_ids` (the job's fixed work list) and `skip` (products already done
in an earlier run), and `on_progress(product_id, product, assessment, error)` called after each product,
inside the transaction that holds the product's assessment, where the runner stores the job
item and commits.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from sqlmodel import Session

from ..assessments.models import Assessment
from ..assessments.operations import run_assessment
from ..lca import SpecError
from ..products.models import Product

Progress = Callable[[int, Product | None, Assessment | None, Exception | None], None]


def reassess_products(session: Session, actor, *, organisation_id: int, bw_dir: Path,
                      on_progress: Progress | None = None,
                      product_ids: Iterable[int] | None = None,
                      skip: frozenset[int] = frozenset()) -> list[Assessment]:
    """Assess each listed (default: every active) product of the organisation as it is now.
    A product whose spec is invalid, or that was archived or deleted since the list was made,
    is passed to on_progress with its error and stores nothing; the others go on."""
    from .operations import active_product_ids

    ids = list(product_ids) if product_ids is not None else \
        active_product_ids(session, organisation_id)
    stored = []
    for product_id in ids:
        if product_id in skip:
            continue
        product = session.get(Product, product_id)
        assessment, error = None, None
        if product is None or product.organisation_id != organisation_id:
            error = LookupError(f"product {product_id} no longer exists")
        elif product.archived_dt is not None:
            error = LookupError(f"product {product_id} was archived")
        else:
            try:  # a refused spec raises before anything is stored
                assessment = run_assessment(session, actor, product=product, bw_dir=bw_dir)
            except SpecError as exc:
                error = exc
        if assessment is not None:
            stored.append(assessment)
        if on_progress is not None:
            on_progress(product_id, product, assessment, error)
    return stored
