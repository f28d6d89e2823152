"""A decision (beslut): how adoption and change after adoption are recorded in every service.

Adopting a business plan, an internal-control plan or a risk analysis, changing an adopted
commitment, a sanction step or a jury decision all carry one ``DecisionRef``.
"""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class DecisionRef(BaseModel):
    """Beslut: diarienummer or protocol paragraph, date, deciding body and who recorded it."""

    reference: str = Field(
        min_length=1,
        max_length=100,
        description="Diarienummer or protocol paragraph (protokollsparagraf), e.g. 'SDN 2014/123' or '§ 12'.",
    )
    decided_on: date = Field(description="The decision's date (beslutsdatum), Europe/Stockholm.")
    body_id: uuid.UUID = Field(description="The deciding body (beslutande organ): an organisation unit's id.")
    recorded_by: str = Field(
        min_length=1,
        max_length=200,
        description="Subject id of whoever recorded the decision (from the token, never a name).",
    )
