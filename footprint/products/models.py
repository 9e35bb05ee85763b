from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..lca.spec import allocated_per_unit
from ..timeutil import utcnow

LINE_KINDS = ("factor", "emission", "water")
ALLOCATION_BASES = ("units", "mass", "economic")
# ISO 14067 asks for one recorded recycling/end-of-life method per product (spec
# product.end_of_life_method); cut-off, the first, is the default.
END_OF_LIFE_METHODS = ("cut-off", "substitution", "cff")
# Pedigree-style data-quality ratings a user gives supplier data (1 = best, 3 = poorest).
DATA_QUALITY_ASPECTS = ("technological", "temporal", "geographical")
DATA_QUALITY_RATINGS = (1, 2, 3)


class Product(SQLModel, table=True):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "version"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    site_id: Optional[int] = Field(default=None, foreign_key="sites.id")
    name: str = Field(max_length=200)
    model: str = Field(default="", max_length=100)
    category: str = Field(default="", max_length=100)
    functional_unit: str = Field(default="1 piece", max_length=100)
    reference_flow: str = Field(default="", max_length=200)
    boundary: str = Field(default="cradle-to-gate", max_length=20)
    end_of_life_method: str = Field(default="cut-off", max_length=20)  # END_OF_LIFE_METHODS
    # The year the product data represent; None = the year of each assessment.
    reference_year: Optional[int] = None
    version: int = 1
    copied_from_id: Optional[int] = Field(default=None, foreign_key="products.id")
    created_dt: datetime = Field(default_factory=utcnow)
    updated_dt: datetime = Field(default_factory=utcnow)
    # Set instead of deleting a product that has assessments: they must stay explainable.
    archived_dt: Optional[datetime] = None
    # Optimistic locking: a save names the lock_version it started from.
    lock_version: int = 1


class SupplierFactor(SQLModel, table=True):
    """A supplier-specific (primary data) factor, usable by code in the product's lines."""
    __tablename__ = "supplier_factors"
    __table_args__ = (UniqueConstraint("product_id", "code"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    code: str = Field(max_length=80)
    name: str = Field(max_length=200)
    unit: str = Field(max_length=30)
    co2e_fossil: float = 0.0
    co2e_biogenic: float = 0.0
    co2e_land_use: float = 0.0
    water_m3: float = 0.0
    water_region: str = Field(default="GLO", max_length=20)  # AWARE region of the supplier
    source: str = Field(max_length=300)
    co2_biogenic_removal: float = 0.0  # kg CO2 taken up from air per unit (counted negative)
    # kg C contained per unit: content, never added to a total; None = not stated.
    biogenic_carbon_kg: Optional[float] = None
    # Whether co2e_land_use is a stated value (0 included) rather than "not assessed".
    land_use_assessed: bool = False
    # Data-quality ratings the user gives the supplier's data (DATA_QUALITY_RATINGS); None = not
    # rated.
    dq_technological: Optional[int] = None
    dq_temporal: Optional[int] = None
    dq_geographical: Optional[int] = None
    gsd: Optional[float] = None  # the supplier's own geometric standard deviation (>= 1)
    lock_version: int = 1


class Line(SQLModel, table=True):
    __tablename__ = "lines"
    __table_args__ = (UniqueConstraint("product_id", "position"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="products.id", index=True, ondelete="CASCADE")
    position: int = 0
    stage: str = Field(max_length=30)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # LINE_KINDS
    reference: str = Field(max_length=80)  # factor code, gas or water kind
    amount: Optional[float] = None  # per functional unit, unless allocated
    unit: str = Field(max_length=30)
    annual_amount: Optional[float] = None
    allocation_basis: Optional[str] = Field(default=None, max_length=20)
    product_quantity: Optional[float] = None
    plant_quantity: Optional[float] = None
    units_per_year: Optional[float] = None
    # The line's EU Circular Footprint Formula parameters (ProductSpec `cff`), when the
    # product's end-of-life method is cff.
    cff: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    lock_version: int = 1

    @property
    def is_allocated(self) -> bool:
        return self.annual_amount is not None

    @property
    def amount_per_unit(self) -> float:
        """The amount per functional unit, allocated from plant-level data where given."""
        if not self.is_allocated:
            return self.amount
        return allocated_per_unit(self.annual_amount, self.product_quantity,
                                  self.plant_quantity, self.units_per_year)
