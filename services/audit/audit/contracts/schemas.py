"""Request and response bodies of contracts, their follow-ups and the findings per requirement."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from audit.decisions import DecisionInput

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]


class ProviderKind(StrEnum):
    contractor = "contractor"  # entreprenör (upphandlad, privat utförare)
    in_house = "in_house"  # egen regi (the city's own unit)


class ContractStatus(StrEnum):
    active = "active"  # gällande
    terminated = "terminated"  # hävt


class RequirementCategory(StrEnum):
    quality = "quality"  # kvalitetskrav
    complaint_routine = "complaint_routine"  # rutin för klagomålshantering (required in every contract)
    staffing = "staffing"  # bemanning och kompetens
    documentation = "documentation"  # dokumentation (genomförandeplaner, journaler)
    reporting = "reporting"  # rapportering till beställaren (avvikelser, lex Sarah)


class RequirementInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Short = Field(description="The requirement's number in the contract, e.g. '4.2'.")
    category: RequirementCategory = Field(description="Kravets kategori; 'complaint_routine' is rutinen för klagomål.")
    description: Text = Field(description="Kravet as the contract states it.")


class Requirement(RequirementInput):
    model_config = ConfigDict(extra="ignore")  # the row's own columns (position, contract_id) are not shown

    id: uuid.UUID


class ContractCreate(BaseModel):
    """Ett avtal: the governing document of an operation run by a provider unit."""

    model_config = ConfigDict(extra="forbid")

    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = Field(
        description="Avtalsnummer or diarienummer, e.g. 'SDN 2013/45'.")
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Avtalets namn, e.g. 'Drift av Tensta vård- och omsorgsboende'.")
    provider_unit_id: uuid.UUID = Field(description="Utföraren: a contractor (entreprenör) or an in-house unit of the organisation tree.")
    valid_from: date = Field(description="Avtalsperiodens första dag.")
    valid_to: date = Field(description="Avtalsperiodens sista dag (inclusive).")
    quality_follow_up: Text = Field(description="Hur kvaliteten följs upp: the contract's own words on follow-up (seed 003).")
    requirements: list[RequirementInput] = Field(
        min_length=1, max_length=200, description="Kvalitetskraven; at least one must be the complaint routine (klagomålsrutin).")
    annual_value_sek: int | None = Field(None, ge=0, le=100_000_000_000, description="Avtalets årsvärde i kronor (storlek i riskpoängen).")
    places: int | None = Field(None, ge=0, le=100_000, description="Antal platser eller brukare enligt avtalet (storlek i riskpoängen).")
    night_operations: bool = Field(False, description="Verksamhet dygnet runt (t.ex. vård- och omsorgsboende): nattbesök kan föreslås.")


class SanctionStep(StrEnum):
    """Sanktionstrappan, in order: each step decided, none skipped."""

    correction = "correction"  # krav på rättelse
    price_reduction = "price_reduction"  # prisavdrag
    penalty = "penalty"  # vite
    termination = "termination"  # hävning av avtalet


SANCTION_LADDER = list(SanctionStep)


class Contract(BaseModel):
    """Avtal with its quality requirements, ordering committee and responsible administration."""

    id: uuid.UUID
    reference: str
    title: str
    provider_unit_id: uuid.UUID
    provider_kind: ProviderKind = Field(description="Entreprenör or egen regi, from the unit's type in the organisation tree.")
    committee_id: uuid.UUID = Field(description="Beställande nämnd: the committee above the provider unit.")
    administration_id: uuid.UUID = Field(description="Ansvarig stadsdels- eller fackförvaltning.")
    valid_from: date
    valid_to: date
    quality_follow_up: str
    annual_value_sek: int | None = Field(description="Avtalets årsvärde i kronor.")
    places: int | None = Field(description="Antal platser eller brukare.")
    night_operations: bool = Field(description="Verksamhet dygnet runt.")
    status: ContractStatus
    sanction_step: SanctionStep | None = Field(description="The highest step of the sanction ladder decided so far.")
    sanctions: "list[Sanction]" = Field(description="Beslutade sanktioner, oldest first.")
    requirements: list[Requirement]
    created_by: str
    revision: int
    created_at: datetime


class FollowUpType(StrEnum):
    document_review = "document_review"  # dokumentgranskning
    visit = "visit"  # besök (anmält)
    unannounced_visit = "unannounced_visit"  # oanmält besök
    night_visit = "night_visit"  # oanmält nattbesök
    user_survey = "user_survey"  # brukarundersökning


class FollowUpKind(StrEnum):
    contract = "contract"  # avtalsuppföljning (a contractor)
    operations = "operations"  # verksamhetsuppföljning (an in-house unit)


class FollowUpCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: FollowUpType = Field(description="Uppföljningstyp: dokumentgranskning, besök, oanmält besök, nattbesök, brukarundersökning.")
    performed_on: date = Field(description="Uppföljningsdatum; must lie inside the contract period.")
    summary: Text = Field(description="Sammanfattning of what was followed up and seen.")


class FollowUp(FollowUpCreate):
    """Avtals- eller verksamhetsuppföljning."""

    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    contract_id: uuid.UUID
    kind: FollowUpKind = Field(description="Avtalsuppföljning for a contractor, verksamhetsuppföljning for egen regi.")
    performed_by: str
    created_at: datetime


class Severity(StrEnum):
    minor = "minor"  # mindre brist
    major = "major"  # brist
    serious = "serious"  # allvarlig brist


class FindingStatus(StrEnum):
    open = "open"  # brist konstaterad, handlingsplan väntas
    action_planned = "action_planned"  # utförarens handlingsplan inlämnad
    resolved = "resolved"  # åtgärdad vid återkontroll
    remaining = "remaining"  # kvarstående brist vid återkontroll


class FindingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requirement_id: uuid.UUID = Field(description="The contract requirement (avtalskrav) the deficiency concerns.")
    severity: Severity
    description: Text = Field(description="Bristen as found.")


class ActionPlanInput(BaseModel):
    """The provider's action plan (utförarens handlingsplan)."""

    model_config = ConfigDict(extra="forbid")

    action: Text = Field(description="Åtgärder the provider commits to.")
    deadline: date = Field(description="Sista dag för åtgärd; after the follow-up that found the deficiency.")
    submitted_on: date = Field(description="The day the provider submitted the plan.")


class RecheckInput(BaseModel):
    """Återkontroll after the action plan's deadline."""

    model_config = ConfigDict(extra="forbid")

    rechecked_on: date = Field(description="Återkontrollens datum; not before the plan was submitted.")
    resolved: bool = Field(description="Bristen åtgärdad (true) or kvarstående (false).")
    note: Text = Field(description="What the re-check showed.")


class ContractFinding(BaseModel):
    """A deficiency (brist) against one contract requirement, with its action plan and re-check."""

    id: uuid.UUID
    follow_up_id: uuid.UUID
    contract_id: uuid.UUID
    requirement_id: uuid.UUID
    severity: Severity
    description: str
    status: FindingStatus
    action_plan: ActionPlanInput | None
    recheck: RecheckInput | None
    escalation: "EscalationInput | None"
    revision: int
    created_at: datetime


class EscalationInput(BaseModel):
    """Eskalering of a serious remaining deficiency to the responsible city administration."""

    model_config = ConfigDict(extra="forbid")

    escalated_on: date = Field(description="Day of escalation; not before the re-check that found the deficiency remaining.")
    reason: Text = Field(description="Why the deficiency is escalated (e.g. risk for the residents' safety).")
    reported_to_unit_id: uuid.UUID | None = Field(
        None, description="Rapporteras även till: a city-wide administration (fackförvaltning), e.g. Äldreförvaltningen or "
        "Socialförvaltningen, whose internal auditors then see it too.")


class Escalation(BaseModel):
    """An escalated deficiency as the responsible administration's internal auditors see it."""

    finding: ContractFinding
    contract_reference: str
    provider_unit_id: uuid.UUID
    committee_id: uuid.UUID
    administration_id: uuid.UUID


class SanctionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: SanctionStep = Field(description="Steget i sanktionstrappan: rättelse → prisavdrag → vite → hävning; none skipped.")
    reason: Text = Field(description="Grunden för sanktionen.")
    finding_id: uuid.UUID | None = Field(None, description="The contract finding the sanction answers, if one.")
    decision: DecisionInput = Field(description="Beslutet: the ordering committee or a unit above the provider.")


class Sanction(BaseModel):
    """Sanktion enligt avtalet."""

    id: uuid.UUID
    contract_id: uuid.UUID
    step: SanctionStep
    reason: str
    finding_id: uuid.UUID | None
    decision: DecisionRef
    recorded_by: str
    created_at: datetime


ContractFinding.model_rebuild()
Contract.model_rebuild()
