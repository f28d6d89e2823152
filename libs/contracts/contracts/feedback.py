"""Feedback events (synpunkter och klagomål), published by feedback.

Every ``feedback.case.*`` event carries the case's full state as the city's systems may see it:
ids, kind, channel, category, unit, status, times and working-day deadlines. Never personal
data: no contact details, no resident's own words, no answer text, no staff names (staff are
known by subject id only where they act in their role, and not even that is carried here).
"""

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

CASE_RECEIVED = "feedback.case.received"
CASE_ACKNOWLEDGED = "feedback.case.acknowledged"
CASE_ANSWERED = "feedback.case.answered"
CASE_CLOSED = "feedback.case.closed"
CASE_REOPENED = "feedback.case.reopened"
CASE_OVERDUE = "feedback.case.overdue"
SCHEMA_VERSION = 1


class CaseKind(StrEnum):
    complaint = "complaint"  # klagomål
    suggestion = "suggestion"  # förslag
    praise = "praise"  # beröm
    question = "question"  # fråga


class CaseChannel(StrEnum):
    portal = "portal"  # e-tjänst / the city's portals
    open311 = "open311"  # any Open311 GeoReport v2 client
    phone = "phone"  # telefon
    letter = "letter"  # brev
    e_mail = "e_mail"  # e-post
    in_person = "in_person"  # besök


class CaseStatus(StrEnum):
    received = "received"  # mottagen
    acknowledged = "acknowledged"  # bekräftad
    assigned = "assigned"  # tilldelad
    in_progress = "in_progress"  # under handläggning
    answered = "answered"  # besvarad
    closed = "closed"  # avslutad
    reopened = "reopened"  # återöppnad
    duplicate = "duplicate"  # dubblett
    withdrawn = "withdrawn"  # återkallad


class DeadlineKind(StrEnum):
    acknowledge = "acknowledge"  # bekräftelse inom N arbetsdagar
    answer = "answer"  # svar inom M arbetsdagar


class CaseState(BaseModel):
    """A case's state without personal data."""

    id: uuid.UUID
    registration_number: str = Field(description="Diarienummer, e.g. SYN-2026-000123.")
    revision: int = Field(description="Increases with every change; the highest revision wins.")
    kind: CaseKind
    channel: CaseChannel
    category_code: str
    unit_id: uuid.UUID = Field(description="The unit handling the case now (the city's central intake until transferred).")
    committee_id: uuid.UUID | None = Field(description="The committee (nämnd) above the unit; None at the central intake.")
    status: CaseStatus
    parent_case_id: uuid.UUID | None = None
    received_at: datetime
    acknowledged_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    acknowledge_due: date = Field(description="Last working day (Europe/Stockholm) to acknowledge the case.")
    answer_due: date = Field(description="Last working day (Europe/Stockholm) to answer the case.")
    guarantee_promise_id: uuid.UUID | None = Field(
        default=None, description="The quality-guarantee promise the sender says was not kept, if any."
    )


class CaseChanged(BaseModel):
    """Payload of feedback.case.received / acknowledged / answered / closed / reopened."""

    case: CaseState
    occurred_at: datetime


class CaseOverdue(BaseModel):
    """Payload of feedback.case.overdue: a deadline passed and the unit's management was alerted."""

    case: CaseState
    deadline: DeadlineKind
    due: date
    escalated_to_unit_id: uuid.UUID = Field(description="The unit whose managers (unit_manager) were alerted.")
    occurred_at: datetime


UNIT_STATISTICS_CHANGED = "feedback.unit-statistics.changed"  # en enhets klagomålsstatistik för en period


class KindCount(BaseModel):
    kind: CaseKind
    cases: int | None = Field(description="None when suppressed (below the minimum cell size, or to protect one that is).")


class PromiseNotKept(BaseModel):
    """Garantier som inte hållits: confirmed by the handler, per promise of a published guarantee."""

    guarantee_id: uuid.UUID
    promise_id: uuid.UUID
    cases: int | None = Field(description="None when suppressed.")


class UnitStatistics(BaseModel):
    """One organisation unit's feedback figures for one period, suppression already applied.

    Published for every level (unit, department, administration, committee) so that no consumer
    adds up cells: a consumer shows the figures of the unit it is about, as they are.
    """

    unit_id: uuid.UUID
    unit_kind: str = Field(description="The unit's kind in the organisation tree: committee, administration, department, unit, contractor.")
    committee_id: uuid.UUID | None = Field(description="The committee (nämnd) above the unit, the unit itself for a committee.")
    period: str = Field(description="'2015-T1' (January–April), '2015-T2' (January–August) or '2015-VB' (the year).")
    revision: int = Field(description="Increases with every publication of this unit's period; the highest wins.")
    minimum_cell: int = Field(description="Cells below this count are suppressed (None) and protected against subtraction.")
    cases: int | None = Field(description="Ärenden received in the period, every kind.")
    by_kind: list[KindCount]
    median_working_days_to_acknowledgement: float | None
    p90_working_days_to_acknowledgement: float | None
    median_working_days_to_answer: float | None
    p90_working_days_to_answer: float | None
    share_acknowledged_within_deadline: float | None = Field(description="0–1, among acknowledged cases.")
    share_answered_within_deadline: float | None = Field(description="0–1, among answered cases.")
    guarantees_not_kept: int | None = Field(description="Cases where the handler confirmed a guarantee was not kept.")
    promises_not_kept: list[PromiseNotKept]
    repeats: int | None = Field(description="Cases confirmed as repeats of an earlier case (upprepade klagomål).")
    satisfaction_ratings: int | None = Field(description="Ratings residents gave at closure.")
    satisfaction_mean: float | None = Field(description="Mean rating 1–5; None when suppressed or no ratings.")
    computed_at: datetime


class UnitStatisticsChanged(BaseModel):
    """Payload of feedback.unit-statistics.changed: figures only, never a case or a resident."""

    statistics: UnitStatistics
