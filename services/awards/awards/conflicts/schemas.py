"""Bodies of conflicts of interest (jäv)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class DeclaredKind(StrEnum):
    personal_tie = "personal_tie"  # personlig relation
    earlier_employment = "earlier_employment"  # tidigare anställning
    other = "other"


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class DeclaredConflictCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examiner_id: uuid.UUID
    unit_id: uuid.UUID = Field(description="The unit the examiner must not examine (e.g. a former workplace).")
    kind: DeclaredKind
    description: Text = Field(description="Why, in the declarer's words; shown to the award office and the examiner only.")


class Lifting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="Why the declared conflict no longer holds; recorded and shown.")


class Lifted(BaseModel):
    lifted_at: datetime
    lifted_by: str
    reason: str


class DeclaredConflict(BaseModel):
    id: uuid.UUID
    examiner_id: uuid.UUID
    unit_id: uuid.UUID
    kind: DeclaredKind
    description: str
    declared_by: str
    created_at: datetime
    lifted: Lifted | None


class Conflict(BaseModel):
    """One reason why an examiner may not examine an application, explaining itself."""

    application_id: uuid.UUID
    examiner_id: uuid.UUID
    source: str = Field(description="organisation (computed from the tree; never overridden) or declared.")
    kind: str
    blocking: bool = Field(description="False only for a declared conflict that has been lifted.")
    on_date: date | None = Field(description="The round date the organisation tree was read on.")
    explanation: str
    declared_conflict_id: uuid.UUID | None = None
    lifted: Lifted | None = None
