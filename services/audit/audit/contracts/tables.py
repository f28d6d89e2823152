"""Contract follow-up's tables, in audit's metadata (imported at the end of ``audit.models``).

A contract (avtal) is the governing document of an operation run by a provider unit, a contractor
(entreprenör) or an in-house unit (egen regi); its quality requirements are rows of their own so a
follow-up's findings can name the requirement they concern.
"""

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, false, func
from sqlalchemy.dialects.postgresql import JSONB, UUID

from audit.models import SHORT, SUBJECT, TITLE, metadata


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp())


contracts = Table(
    "contracts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("reference", String(100), nullable=False),  # avtalsnummer / diarienummer
    Column("title", String(TITLE), nullable=False),
    Column("provider_unit_id", UUID(as_uuid=True), nullable=False),
    Column("provider_kind", String(SHORT), nullable=False),  # contractor | in_house
    Column("committee_id", UUID(as_uuid=True), nullable=False),  # beställande nämnd
    Column("administration_id", UUID(as_uuid=True), nullable=False),  # ansvarig förvaltning
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=False),  # inclusive: the contract's last day
    Column("quality_follow_up", Text, nullable=False),  # how quality is followed up
    Column("status", String(SHORT), nullable=False),  # active | terminated
    # Size as the contract records it (0006), an input of the follow-up plan's risk score.
    Column("annual_value_sek", BigInteger, nullable=True),  # avtalets årsvärde
    Column("places", Integer, nullable=True),  # antal platser eller brukare
    Column("night_operations", Boolean, nullable=False, server_default=false()),  # verksamhet dygnet runt
    Column("created_by", String(SUBJECT), nullable=False),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_contracts_committee", "committee_id"),
)

contract_requirements = Table(
    "contract_requirements",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("contracts.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("code", String(SHORT), nullable=False),
    Column("category", String(SHORT), nullable=False),
    Column("description", Text, nullable=False),
)

contract_follow_ups = Table(
    "contract_follow_ups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("contracts.id"), nullable=False),
    Column("type", String(SHORT), nullable=False),
    Column("performed_on", Date, nullable=False),
    Column("summary", Text, nullable=False),
    Column("performed_by", String(SUBJECT), nullable=False),
    _created_at(),
    Index("ix_contract_follow_ups_contract", "contract_id", "performed_on"),
)

contract_findings = Table(
    "contract_findings",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("follow_up_id", UUID(as_uuid=True), ForeignKey("contract_follow_ups.id"), nullable=False),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("contracts.id"), nullable=False),
    Column("requirement_id", UUID(as_uuid=True), ForeignKey("contract_requirements.id"), nullable=False),
    Column("severity", String(SHORT), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(SHORT), nullable=False),
    Column("action_plan", JSONB, nullable=True),
    Column("recheck", JSONB, nullable=True),
    Column("escalation", JSONB, nullable=True),
    Column("revision", Integer, nullable=False),
    _created_at(),
    Index("ix_contract_findings_contract", "contract_id"),
)

# The sanction ladder (sanktionstrappan): each step decided (DecisionRef), none skipped.
contract_sanctions = Table(
    "contract_sanctions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("contract_id", UUID(as_uuid=True), ForeignKey("contracts.id"), nullable=False),
    Column("step", String(SHORT), nullable=False),
    Column("finding_id", UUID(as_uuid=True), ForeignKey("contract_findings.id"), nullable=True),
    Column("reason", Text, nullable=False),
    Column("decision", JSONB, nullable=False),
    Column("recorded_by", String(SUBJECT), nullable=False),
    _created_at(),
    Index("ix_contract_sanctions_contract", "contract_id"),
)
