"""What the statistics say: one figure set per unit (every level) and per breakdown, suppressed."""

import uuid
from datetime import datetime
from enum import StrEnum

from contracts.feedback import KindCount, PromiseNotKept
from pydantic import BaseModel, Field


class Figures(BaseModel):
    """Nyckeltal for one set of cases; counts below the minimum cell size are null, and further
    counts are nulled so that none is recovered by subtraction along any published sum."""

    cases: int | None = Field(description="Ärenden received in the period.")
    by_kind: list[KindCount] = Field(description="Per slag (klagomål, förslag, beröm, fråga); empty in a breakdown by kind.")
    median_working_days_to_acknowledgement: float | None = Field(
        description="Median arbetsdagar till bekräftelse; null with fewer acknowledged cases than the minimum cell size.")
    p90_working_days_to_acknowledgement: float | None = Field(description="90:e percentilen, arbetsdagar till bekräftelse.")
    median_working_days_to_answer: float | None = Field(description="Median arbetsdagar till svar.")
    p90_working_days_to_answer: float | None = Field(description="90:e percentilen, arbetsdagar till svar.")
    share_acknowledged_within_deadline: float | None = Field(description="Andel bekräftade i tid (0–1) among acknowledged cases.")
    share_answered_within_deadline: float | None = Field(description="Andel besvarade i tid (0–1) among answered cases.")
    guarantees_not_kept: int | None = Field(description="Garantin hölls inte: confirmed by the handler.")
    promises_not_kept: list[PromiseNotKept] = Field(description="Per guarantee and promise (units only).")
    repeats: int | None = Field(description="Upprepade klagomål confirmed by the handler.")
    satisfaction_ratings: int | None = Field(description="Invånarnas betyg på handläggningen.")
    satisfaction_mean: float | None = Field(description="Medelbetyg 1–5; null with fewer ratings than the minimum cell size.")


class UnitFigures(Figures):
    unit_id: uuid.UUID
    code: str
    name: str
    unit_kind: str = Field(description="committee, administration, department, unit or contractor.")
    parent_id: uuid.UUID | None


class BreakdownRow(Figures):
    key: str = Field(description="The category code, kind, channel or status.")


class RepeatCounts(BaseModel):
    """Upprepade klagomål among the period's cases: a signal, never hidden by merging them."""

    flagged: int | None = Field(description="Cases flagged as resembling an earlier open case.")
    confirmed: int | None = Field(description="Confirmed by the handler (now duplicates of the earlier case).")
    dismissed: int | None = Field(description="Dismissed by the handler: not a repeat.")
    undecided: int | None = Field(description="Flagged, no decision yet.")


class PromiseCounts(BaseModel):
    """One promise of a quality guarantee among the period's cases."""

    guarantee_id: uuid.UUID | None = Field(description="None: named by senders, the guarantee no longer published, never assessed.")
    promise_id: uuid.UUID
    promise_text: str | None
    named: int | None = Field(description="Cases whose sender said this promise was broken.")
    broken: int | None = Field(description="Garantin hölls inte: confirmed broken by the handler.")
    kept: int | None = Field(description="Assessed by the handler as kept.")


class CommitteeStatistics(BaseModel):
    committee_id: uuid.UUID
    period: str = Field(description="Uppföljningsperiod, e.g. 2015-T1.")
    year: int
    min_cell_size: int = Field(description="Minsta cellstorlek: counts from 1 to this minus one are null (suppressed).")
    computed_at: datetime
    figures: Figures = Field(description="The committee's own figures (every case of its units).")
    units: list[UnitFigures] = Field(description="Every unit under the committee, at every level, the committee first.")
    by_category: list[BreakdownRow]
    by_kind_figures: list[BreakdownRow]
    by_channel_figures: list[BreakdownRow]
    received: int | None = Field(description="Mottagna ärenden under perioden.")
    by_kind: dict[str, int | None]
    by_status: dict[str, int | None]
    by_channel: dict[str, int | None]
    overdue: int | None = Field(description="Försenade nu: a deadline passed and still unmet.")
    answered: int | None
    answered_in_time: int | None = Field(description="Besvarade senast sista svarsdag.")
    average_rating: float | None = Field(
        description="Residents' average rating (1–5) of the handling; null with fewer ratings than the minimum cell size.",
    )
    repeats: RepeatCounts
    guarantees_not_kept: int | None = Field(description="Cases where the handler confirmed a promise broken.")
    promises: list[PromiseCounts] = Field(description="Per guarantee and promise named or assessed.")


class RankingMeasure(StrEnum):
    share_answered_within_deadline = "share_answered_within_deadline"
    share_acknowledged_within_deadline = "share_acknowledged_within_deadline"
    median_working_days_to_answer = "median_working_days_to_answer"
    satisfaction_mean = "satisfaction_mean"


class RankedUnit(BaseModel):
    rank: int
    unit_id: uuid.UUID
    code: str
    name: str
    unit_kind: str
    cases: int
    value: float | None


class Ranking(BaseModel):
    committee_id: uuid.UUID
    period: str
    measure: RankingMeasure
    min_volume: int = Field(description="Only units with at least this many cases in the period are ranked.")
    units: list[RankedUnit] = Field(description="Best first; units without a value for the measure last.")
