"""Request and reply bodies of quality guarantees (kvalitetsgarantier)."""

import uuid
from datetime import date, datetime
from typing import Annotated

from contracts.guarantees import ContactChannel, GuaranteePromise
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from goals.commitments.schemas import DecisionInput

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class PromiseInput(BaseModel):
    """Ett löfte; give the ``id`` of a promise from an earlier version to keep it the same promise."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = Field(None, description="Omit for a new promise; an earlier version's promise id keeps its identity.")
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)] = Field(
        description="E.g. 'Du får ett skriftligt svar på ditt klagomål inom tio arbetsdagar.'"
    )
    commitment_id: uuid.UUID | None = Field(None, description="The unit's commitment (åtagande) for the year that the promise rests on.")


class ContactChannelInput(BaseModel):
    """The unit's official public channel (expedition, funktionsbrevlåda, växel, webbsida); never a person."""

    model_config = ConfigDict(extra="forbid")

    description: Short | None = Field(None, description="E.g. 'Förskolans expedition'.")
    phone: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{5,30}$")] | None = None
    email: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)] | None = None
    web_url: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$", max_length=500)] | None = None
    postal_address: Short | None = None

    @model_validator(mode="after")
    def _reachable(self) -> "ContactChannelInput":
        if not any((self.phone, self.email, self.web_url, self.postal_address)):
            raise ValueError("give at least one of phone, email, web_url, postal_address")
        return self


Promises = Annotated[list[PromiseInput], Field(min_length=1, max_length=30, description="Våra löften till dig, in the order shown.")]


class GuaranteeCreate(BaseModel):
    """A unit's quality guarantee for a year on the city's template (version 1, a draft)."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    year: int = Field(ge=2000, le=2100, description="The business plan's year (verksamhetsår).")
    business_idea: Text = Field(description="Verksamhetsidé.")
    promises: Promises
    feedback_routine: Text = Field(description="Rutin för synpunkter och klagomål: how to give them and what happens next.")
    contact_channel: ContactChannelInput


class GuaranteeChange(BaseModel):
    """Change the content; after adoption this starts a new version (a draft), the earlier ones are kept."""

    model_config = ConfigDict(extra="forbid")

    business_idea: Text | None = None
    promises: Promises | None = None
    feedback_routine: Text | None = None
    contact_channel: ContactChannelInput | None = None

    @model_validator(mode="after")
    def _says_what_changes(self) -> "GuaranteeChange":
        given = self.model_fields_set
        if not given:
            raise ValueError("give at least one of business_idea, promises, feedback_routine, contact_channel")
        for name in given:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class GuaranteeAdoption(BaseModel):
    """Fastställ the newest draft version by a decision (a change after the business plan was adopted)."""

    model_config = ConfigDict(extra="forbid")

    decision: DecisionInput


class GuaranteeWithdrawal(BaseModel):
    """Återkalla the published guarantee."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="Why it is withdrawn, e.g. 'Förskolan flyttar till nya lokaler'.")


class PublishedQualityGuarantee(BaseModel):
    """A quality guarantee as residents read it (publicerad kvalitetsgaranti)."""

    id: uuid.UUID
    unit_id: uuid.UUID
    unit_code: str
    unit_name: str
    year: int
    version: int
    business_idea: str = Field(description="Verksamhetsidé.")
    promises: list[GuaranteePromise] = Field(description="Våra löften till dig.")
    feedback_routine: str = Field(description="Rutin för synpunkter och klagomål.")
    contact_channel: ContactChannel
    adopted_on: date | None = Field(description="Date of the decision that adopted this version.")
    decision_reference: str | None = Field(description="Diarienummer or paragraph of that decision.")
    published_at: datetime

