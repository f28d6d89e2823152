"""Bodies of the good-examples bank: consents (samtycke), good examples (goda exempel) and uptake (användning)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from awards.applications.schemas import AreaNumber
from awards.assessments.schemas import Lens

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2_000)]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ConsentDecision(StrEnum):
    given = "given"  # samtycke lämnat
    declined = "declined"  # samtycke nekat (or taken back)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID = Field(description="The unit whose practices would be published (enheten som tillfrågats).")
    decision: ConsentDecision = Field(description="given (samtycke lämnat) or declined (nekat eller återtaget).")
    decided_by: Subject | None = Field(
        None, description="Subject id of who decided for the unit (usually its manager); the caller when they are the unit's manager.",
    )
    decided_on: date | None = Field(None, description="The day the unit decided (Europe/Stockholm); today when left out.")
    note: Note = Field("", description="What the consent covers or why it was declined.")


class Consent(BaseModel):
    id: uuid.UUID
    round_id: uuid.UUID
    unit_id: uuid.UUID
    decision: ConsentDecision
    decided_by: str
    decided_on: date
    note: str
    recorded_by: str
    recorded_at: datetime
    current: bool = Field(description="True for the unit's latest decision in the round, the one that counts.")
    withdrawn_examples: list[uuid.UUID] = Field(
        default_factory=list, description="Published examples withdrawn because this decision declined consent.",
    )


class ExampleKind(StrEnum):
    practice = "practice"  # en vinnares arbetssätt
    finding = "finding"  # en stark styrka ur bedömningen


class ExampleStatus(StrEnum):
    draft = "draft"  # utkast
    published = "published"  # publicerat
    withdrawn = "withdrawn"  # tillbakadraget


class GoodExampleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    application_id: uuid.UUID = Field(description="The application (ansökan) the example comes from: its unit, round and year.")
    kind: ExampleKind = Field(ExampleKind.practice, description="practice (en vinnares arbetssätt) or finding (en stark styrka).")
    title: Title
    summary: Text = Field(description="Sammanfattning: what the practice is, in a few sentences.")
    body: Text = Field(description="Beskrivning: how it works and how others can take it up.")
    areas: list[AreaNumber] = Field(min_length=1, max_length=20, description="Bedömningsområden (area numbers of the round's rubric).")
    lenses: list[Lens] = Field(min_length=1, max_length=3, description="Utmärkelsens perspektiv the example speaks to.")


class GoodExampleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ExampleKind | None = None
    title: Title | None = None
    summary: Text | None = None
    body: Text | None = None
    areas: list[AreaNumber] | None = Field(None, min_length=1, max_length=20)
    lenses: list[Lens] | None = Field(None, min_length=1, max_length=3)


class Withdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="Why the example is withdrawn (skäl).")


class GoodExample(BaseModel):
    id: uuid.UUID
    revision: int
    round_id: uuid.UUID
    application_id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str | None
    committee_id: uuid.UUID | None = Field(description="The committee (nämnd) above the unit.")
    year: int
    kind: ExampleKind
    title: str
    summary: str
    body: str
    areas: list[str]
    lenses: list[Lens]
    status: ExampleStatus
    uptake_count: int = Field(description="Committees and units that have recorded taking the example up (each once).")
    published_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    created_at: datetime
    rank: float | None = Field(None, description="Full-text rank (ts_rank with weights title A, summary B, body C; Swedish) when searched with q.")


class UptakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID = Field(description="The committee or unit that has taken the example up (in the caller's scope).")
    note: Note = Field("", description="How the example was taken up (hur exemplet används).")


class Uptake(BaseModel):
    example_id: uuid.UUID
    unit_id: uuid.UUID
    note: str
    recorded_at: datetime
    counted: bool = Field(description="False when the unit had already recorded this example: it counts once per unit.")
