"""Responses of the foreign figures: the producers' payloads as they came, and goals' views around them."""

import uuid
from datetime import date

from contracts.awards import RoundAward
from contracts.feedback import UnitStatistics
from contracts.guarantees import QualityGuaranteeState
from pydantic import BaseModel, Field

from goals.commitments.schemas import Commitment


class AwardResult(RoundAward):
    """En utmärkelse ur domarkommitténs beslut (public record), with its round."""

    round_id: uuid.UUID
    year: int = Field(description="The round's year (utmärkelseåret).")
    decided_on: date = Field(description="Domarkommitténs beslutsdag.")


class QualityOverview(BaseModel):
    """A unit's commitments and quality guarantees for a year with its complaint figures beside them."""

    unit_id: uuid.UUID
    year: int
    complaint_figures: list[UnitStatistics] = Field(
        description="Klagomålsstatistik per period of the year (T1, T2, VB) as feedback published it, small cells suppressed."
    )
    commitments: list[Commitment] = Field(description="Enhetens åtaganden för året, each with its newest version.")
    quality_guarantees: list[QualityGuaranteeState] = Field(description="Enhetens kvalitetsgarantier för året (newest version).")
