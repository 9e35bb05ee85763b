"""Database triggers that keep certificates as issued: never deleted (nor truncated), and the
signed columns (models.SIGNED_COLUMNS) never changed; the status columns may change.

Not the append-only triggers of footprint.audit.triggers: those refuse every UPDATE, and a
certificate's status must change. The ORM refuses the same (models._refuse_signed_changes); only
the database stops a script or a console session. Installed by revision 0012, removed by its
downgrade.
"""
from __future__ import annotations

from sqlalchemy import text

from .models import SIGNED_COLUMNS

_MESSAGE = "certificates keep what was signed: {} refused"


def _compared(prefix: str, postgres: bool) -> str:
    # json has no equality operator on PostgreSQL: payload is compared as text
    return ", ".join(f"{prefix}.{c}::text" if postgres and c == "payload" else f"{prefix}.{c}"
                     for c in SIGNED_COLUMNS)


_POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION footprint_certificate_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'certificates keep what was signed: % refused', TG_OP;
  END IF;
  IF ROW({_compared("OLD", True)}) IS DISTINCT FROM ROW({_compared("NEW", True)}) THEN
    RAISE EXCEPTION 'certificates keep what was signed: UPDATE of a signed column refused';
  END IF;
  RETURN NEW;
END $$
"""


def install(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text(_POSTGRES_FUNCTION))
        connection.execute(text(
            "CREATE TRIGGER certificates_guard BEFORE UPDATE OR DELETE ON certificates "
            "FOR EACH ROW EXECUTE FUNCTION footprint_certificate_guard()"))
        connection.execute(text(
            "CREATE TRIGGER certificates_no_truncate BEFORE TRUNCATE ON certificates "
            "FOR EACH STATEMENT EXECUTE FUNCTION footprint_certificate_guard()"))
        return
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in SIGNED_COLUMNS)
    connection.execute(text(
        f"CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE.format('DELETE')}'); END"))
    connection.execute(text(
        f"CREATE TRIGGER certificates_signed_fixed BEFORE UPDATE ON certificates WHEN {changed} "
        f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE.format('UPDATE of a signed column')}'); END"))


def remove(connection) -> None:
    if connection.dialect.name == "postgresql":
        for trigger in ("certificates_guard", "certificates_no_truncate"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON certificates"))
        connection.execute(text("DROP FUNCTION IF EXISTS footprint_certificate_guard()"))
        return
    for trigger in ("certificates_no_delete", "certificates_signed_fixed"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
