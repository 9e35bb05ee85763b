"""Roles of users and kinds of organisations, defined once for the whole platform."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"  # factory staff of a manufacturer
    CERTIFIER = "certifier"  # staff of a certification body
    ADMIN = "admin"  # staff of the platform operator


class OrganisationKind(StrEnum):
    MANUFACTURER = "manufacturer"
    CERTIFICATION_BODY = "certification_body"
    PLATFORM = "platform"

    @property
    def role(self) -> Role:
        """The role of the users of an organisation of this kind."""
        return _ROLE_OF_KIND[self]

    @classmethod
    def for_role(cls, role: Role) -> "OrganisationKind":
        return next(kind for kind, kind_role in _ROLE_OF_KIND.items() if kind_role == role)


_ROLE_OF_KIND = {OrganisationKind.MANUFACTURER: Role.APPLICANT,
                 OrganisationKind.CERTIFICATION_BODY: Role.CERTIFIER,
                 OrganisationKind.PLATFORM: Role.ADMIN}
