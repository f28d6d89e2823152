"""Audit events, published by audit (intern kontroll): findings, control plans, the audit log's head.

Every payload carries the full new state with a ``revision`` (a read model keeps the highest).
No personal data: reviewers, responsible managers and action owners are staff, and their subject
ids stay in audit; only the organisation units they work in travel. What staff write in their
official role (a finding's description and root cause, what a control covers) is public record.
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from contracts.decisions import DecisionRef

SCHEMA_VERSION = 1

FINDING_OPENED = "audit.finding.opened"  # brist konstaterad vid granskning
FINDING_CLOSED = "audit.finding.closed"  # åtgärdens effekt verifierad, avslutad
FINDING_UNRESOLVED = "audit.finding.unresolved"  # kvarstående brist när nästa verksamhetsplan tas fram
PLAN_ADOPTED = "audit.plan.adopted"  # internkontrollplanen fastställd
LOG_HEAD = "audit.log.head"  # the audit log's chain head, for anchoring outside audit


class FindingSeverity(StrEnum):
    low = "low"  # låg
    medium = "medium"  # medel
    high = "high"  # hög
    critical = "critical"  # allvarlig


class FindingStatus(StrEnum):
    open = "open"  # öppen
    closure_requested = "closure_requested"  # avslut begärt
    closed = "closed"  # avslutad


class ActionPlanStatus(StrEnum):
    planned = "planned"  # planerad
    in_progress = "in_progress"  # pågår
    implemented = "implemented"  # genomförd (effect not yet verified)


class ActionEffect(StrEnum):
    not_verified = "not_verified"  # ej verifierad
    effective = "effective"  # verifierad, effektiv
    not_effective = "not_effective"  # verifierad, ej effektiv


class ActionPlanSummary(BaseModel):
    """Handlingsplan, without its owner (a person)."""

    deadline: date
    status: ActionPlanStatus
    effect: ActionEffect
    owner_unit_id: uuid.UUID = Field(description="The unit the owner of the action plan works in.")


class FindingState(BaseModel):
    """Brist (finding) from a review (granskning) of an internal-control plan's item."""

    id: uuid.UUID
    revision: int
    review_id: uuid.UUID
    control_plan_id: uuid.UUID
    committee_id: uuid.UUID = Field(description="The committee (nämnd) whose internal-control plan it belongs to.")
    unit_id: uuid.UUID = Field(description="The reviewed organisation unit (granskad enhet).")
    plan_year: int = Field(description="Year of the internal-control plan the review belongs to.")
    severity: FindingSeverity
    description: str
    root_cause: str | None = None
    status: FindingStatus
    action_plan: ActionPlanSummary | None = None
    carry_over_on: date = Field(
        description="Day the unit's next business plan is prepared; unresolved then, it is carried into that plan."
    )
    carry_over_year: int = Field(description="Year of the business plan an unresolved finding is carried into.")
    unresolved_on: date | None = Field(None, description="Day it was found unresolved (kvarstående), if it was.")
    closed_on: date | None = None


class FindingChanged(BaseModel):
    """Payload of audit.finding.opened / closed / unresolved."""

    finding: FindingState


class ControlItemSummary(BaseModel):
    """A row of the internal-control plan (kontrollmoment), without the reviewer (a person)."""

    id: uuid.UUID
    risk_id: uuid.UUID | None
    control_object: str = Field(description="Vad som kontrolleras.")
    method: str = Field(description="Kontrollmetod.")
    frequency: str = Field(description="Frekvens, e.g. 'en gång per år'.")
    responsible_unit_id: uuid.UUID = Field(description="The reviewed unit (ansvarig enhet).")
    reviewer_unit_id: uuid.UUID = Field(description="The unit the reviewer works in (granskare).")


class ControlPlanState(BaseModel):
    """Internkontrollplan of a committee for a year."""

    id: uuid.UUID
    revision: int
    committee_id: uuid.UUID
    year: int
    review_from: date
    review_to: date
    decision: DecisionRef
    items: list[ControlItemSummary]


class ControlPlanAdopted(BaseModel):
    """Payload of audit.plan.adopted."""

    plan: ControlPlanState


class AuditLogHead(BaseModel):
    """Payload of audit.log.head: the newest entry of the hash chain at publication."""

    sequence: int = Field(description="Position of the newest entry (1 for the first).")
    hash: str = Field(description="SHA-256 (hex) of that entry, covering every entry before it.")
    recorded_at: datetime = Field(description="When that entry was appended.")
    published_at: datetime


CONTRACT_DEFICIENCY_ESCALATED = "audit.contract.deficiency-escalated"  # allvarlig kvarstående brist hos en utförare


class ContractDeficiencyEscalated(BaseModel):
    """A serious deficiency remaining after a provider's action plan, escalated to the responsible city administration.

    What the follow-up found is public record (written by staff in their official role); who
    recorded or escalated it stays in audit.
    """

    finding_id: uuid.UUID
    revision: int
    contract_id: uuid.UUID
    contract_reference: str = Field(description="Avtalsnummer / diarienummer.")
    provider_unit_id: uuid.UUID = Field(description="Utföraren (entreprenör or egen regi).")
    provider_kind: str = Field(description="'contractor' or 'in_house'.")
    committee_id: uuid.UUID = Field(description="Beställande nämnd.")
    administration_id: uuid.UUID = Field(description="The responsible city administration (ansvarig förvaltning) it is escalated to.")
    requirement_code: str = Field(description="The contract requirement the deficiency concerns.")
    requirement_category: str
    severity: str
    description: str
    found_on: date = Field(description="Day of the follow-up that found it.")
    rechecked_on: date = Field(description="Day of the re-check that found it remaining.")
    escalated_on: date
    reported_to_unit_id: uuid.UUID | None = Field(
        None, description="A city-wide administration it is also reported to (e.g. Äldreförvaltningen), if one.")
