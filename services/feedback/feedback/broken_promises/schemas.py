import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from feedback.models import REASON_LENGTH

# The history entry prefixes the reason with the outcome; both fit the history's reason column.
_REASON_ROOM = REASON_LENGTH - 20


class PromiseAssessmentSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    promise_id: uuid.UUID | None = Field(
        None, description="The promise (löfte) assessed; omitted: the one the sender named (guarantee_promise_id).",
    )
    broken: bool = Field(description="true: garantin hölls inte (confirmed broken); false: the promise was kept.")
    reason: str = Field(min_length=1, max_length=_REASON_ROOM, description="Handläggarens motivering.")


class PromiseAssessment(BaseModel):
    """The handler's assessment, with the guarantee and the promise's words as they were."""

    guarantee_id: uuid.UUID
    promise_id: uuid.UUID
    promise_text: str
    broken: bool
    assessed_by: str
    assessed_at: datetime
    reason: str
