"""Request and response bodies of the follow-up plan (avtals- och verksamhetsuppföljningsplan) and its risk weights."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from audit.contracts.schemas import FollowUpKind, FollowUpType, ProviderKind

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Weight = Annotated[float, Field(ge=0, le=100, description="Vikt 0–100 per enhet av faktorn.")]
Threshold = Annotated[float, Field(ge=0, le=10_000, description="Riskpoäng från vilken uppföljningstypen föreslås.")]


class Factor(StrEnum):
    open_findings = "open_findings"  # föregående års brister som inte är åtgärdade
    serious_findings = "serious_findings"  # föregående års allvarliga brister
    escalations = "escalations"  # föregående års brister eskalerade till ansvarig förvaltning
    lex_sarah_cases = "lex_sarah_cases"  # lex Sarah-rapporter föregående år hos utföraren (antal)
    places = "places"  # antal platser eller brukare enligt avtalet
    annual_value_msek = "annual_value_msek"  # avtalets årsvärde i miljoner kronor


class Weights(BaseModel):
    """Vikter: points per unit of each factor."""

    model_config = ConfigDict(extra="forbid")

    open_findings: Weight
    serious_findings: Weight
    escalations: Weight
    lex_sarah_cases: Weight
    places: Weight
    annual_value_msek: Weight


class Thresholds(BaseModel):
    """Tröskelvärden: a document review is always proposed; the others from these scores upwards."""

    model_config = ConfigDict(extra="forbid")

    visit: Threshold
    user_survey: Threshold
    unannounced_visit: Threshold
    night_visit: Threshold = Field(description="Oanmält nattbesök, proposed only where the contract records night operations.")


class WeightsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID = Field(description="Nämnden whose plans use this version from now on.")
    weights: Weights
    thresholds: Thresholds
    note: Text = Field(description="Varför vikterna ändras (motivering).")


class WeightSet(BaseModel):
    """En version av riskvikterna: the committee's own, or the city's default (committee_id null)."""

    id: uuid.UUID
    committee_id: uuid.UUID | None
    version: int
    weights: Weights
    thresholds: Thresholds
    note: str
    created_by: str
    created_at: datetime


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID = Field(description="Beställande nämnd whose contracts the plan covers.")
    year: int = Field(ge=2000, le=2100, description="Planåret; the risk score reads the year before.")


class ScorePart(BaseModel):
    """One line of a score's explanation: the factor's value × its weight = its points."""

    factor: Factor
    value: float | None = Field(description="The input; null when the contract does not record it (counts 0).")
    weight: float
    points: float


class TypeProgress(BaseModel):
    """Planerat mot genomfört per uppföljningstyp."""

    type: FollowUpType
    planned: bool
    follow_up_ids: list[uuid.UUID] = Field(description="The contract's follow-ups of this type done in the plan year.")


class PlanItem(BaseModel):
    """One contract in the plan, ranked by its risk score."""

    id: uuid.UUID
    contract_id: uuid.UUID
    contract_reference: str
    provider_unit_id: uuid.UUID
    provider_kind: ProviderKind
    kind: FollowUpKind = Field(description="Avtalsuppföljning (entreprenör) or verksamhetsuppföljning (egen regi).")
    rank: int = Field(description="1 is the highest risk score.")
    score: float = Field(description="Riskpoäng: the sum of the explanation's points.")
    explanation: list[ScorePart]
    proposed_types: list[FollowUpType] = Field(description="Föreslagna uppföljningstyper from the score and the thresholds.")
    planned_types: list[FollowUpType] = Field(description="Planerade uppföljningstyper (the proposal until changed).")
    note: str | None
    progress: list[TypeProgress]
    done: bool = Field(description="Every planned type has at least one follow-up in the plan year.")


class PlanSummary(BaseModel):
    """The plan's planned against done, and the year's follow-ups of its contracts."""

    planned: int = Field(description="Planned follow-ups (contract × type).")
    done: int = Field(description="Planned follow-ups with at least one follow-up done.")
    unplanned: int = Field(description="Follow-ups done of a type the plan did not plan for that contract.")
    follow_ups: int = Field(description="All follow-ups of the plan's contracts in the plan year.")
    by_kind: dict[FollowUpKind, int] = Field(description="Avtals- and verksamhetsuppföljningar in the plan year.")
    by_type: dict[FollowUpType, int]


class PlanStatus(StrEnum):
    draft = "draft"  # förslag
    adopted = "adopted"  # fastställd


class FollowUpPlan(BaseModel):
    """Avtals- och verksamhetsuppföljningsplan for a committee and year."""

    id: uuid.UUID
    committee_id: uuid.UUID
    year: int
    status: PlanStatus
    weights: WeightSet = Field(description="The version of the risk weights the scores were computed with.")
    decision: DecisionRef | None
    items: list[PlanItem]
    summary: PlanSummary
    created_by: str
    adopted_by: str | None
    computed_at: datetime
    revision: int
    created_at: datetime


class ItemChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    planned_types: list[FollowUpType] = Field(
        max_length=5, description="Planerade uppföljningstyper for this contract; empty: not followed up this year.")
    note: Text | None = Field(None, description="Why the plan departs from the proposal.")
