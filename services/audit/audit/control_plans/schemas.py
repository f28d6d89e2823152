"""Request and response bodies of internal-control plans."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from contracts.decisions import DecisionRef
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PlanStatus(StrEnum):
    draft = "draft"
    adoption_requested = "adoption_requested"
    adopted = "adopted"  # fastställd med nämndens verksamhetsplan


class PlanCreate(BaseModel):
    """A committee's internal-control plan for a year; reviews run April–November unless said otherwise."""

    model_config = ConfigDict(extra="forbid")

    committee_id: uuid.UUID = Field(description="The committee (nämnd).")
    year: int = Field(ge=2000, le=2100)
    review_from: date | None = Field(None, description="Granskningsperiodens första dag; default 1 April.")
    review_to: date | None = Field(None, description="Granskningsperiodens sista dag; default 30 November.")

    @model_validator(mode="after")
    def _window_in_year(self) -> "PlanCreate":
        start = self.review_from or date(self.year, 4, 1)
        end = self.review_to or date(self.year, 11, 30)
        if not (start.year == end.year == self.year and start <= end):
            raise ValueError("the review window must lie within the plan's year, first day before the last")
        self.review_from, self.review_to = start, end
        return self


class ItemInput(BaseModel):
    """A row of the plan (kontrollmoment)."""

    model_config = ConfigDict(extra="forbid")

    risk_id: uuid.UUID | None = Field(None, description="The risk from the year's risk analysis that the control addresses.")
    control_object: Text = Field(description="Vad som kontrolleras, e.g. 'Attest av leverantörsfakturor'.")
    method: Text = Field(description="Kontrollmetod, e.g. 'Stickprov mot attestordning'.")
    sample: Text = Field(description="Urval, e.g. '20 fakturor per halvår'.")
    frequency: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)] = Field(
        description="Frekvens, e.g. 'två gånger per år'."
    )
    responsible_unit_id: uuid.UUID = Field(description="The reviewed unit (ansvarig enhet).")
    reviewer_subject: Subject = Field(description="Granskare: their subject id (never a name).")
    reviewer_unit_id: uuid.UUID = Field(description="The unit the reviewer works in; must sit outside the reviewed unit.")


class ControlItem(ItemInput):
    id: uuid.UUID
    revision: int


class ControlPlan(BaseModel):
    """Internkontrollplan."""

    id: uuid.UUID
    committee_id: uuid.UUID
    year: int
    review_from: date
    review_to: date
    status: PlanStatus
    requested_by: str | None
    decision: DecisionRef | None
    adopted_by: str | None
    revision: int
    created_at: datetime
    items: list[ControlItem]
