import uuid
from datetime import date, datetime
from typing import Annotated

from contracts.feedback import CaseChannel, CaseKind, CaseStatus
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from feedback.broken_promises.schemas import PromiseAssessment
from feedback.contacts.schemas import ContactDetails, Privacy
from feedback.models import ANSWER_LENGTH, DESCRIPTION_LENGTH, REASON_LENGTH
from feedback.repeats.schemas import RepeatFlag

AttributeCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
AttributeValue = Annotated[str, StringConstraints(max_length=200)]


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat: float | None = Field(None, ge=-90, le=90, description="Latitud (WGS84).")
    long: float | None = Field(None, ge=-180, le=180, description="Longitud (WGS84).")
    address: str | None = Field(None, max_length=500, description="Adress (Open311 address_string).")
    address_id: str | None = Field(None, max_length=100)
    zipcode: str | None = Field(None, max_length=20, description="Postnummer.")


class CaseCreate(BaseModel):
    """En ny synpunkt: klagomål, förslag, beröm eller fråga."""

    model_config = ConfigDict(extra="forbid")
    kind: CaseKind = Field(description="complaint (klagomål), suggestion (förslag), praise (beröm), question (fråga).")
    channel: CaseChannel = Field(description="Where it arrived (kanal): portal, open311, phone, letter, e_mail, in_person.")
    category_code: str = Field(max_length=40, description="Kategori; decides the unit when none is named.")
    unit_id: uuid.UUID | None = Field(None, description="The unit the sender names (enhet), if any.")
    committee_id: uuid.UUID | None = Field(
        None, description="The committee (nämnd) whose routing of the category decides the unit, if no unit is named."
    )
    description: str = Field(min_length=1, max_length=DESCRIPTION_LENGTH, description="Synpunkten med avsändarens ord.")
    location: Location | None = None
    media_url: str | None = Field(None, max_length=2000, pattern=r"^https?://", description="Bild eller bilaga (länk).")
    privacy: Privacy = Field(
        description="anonymous (anonym), named (med namn) or confidential (namngiven, lämnas inte ut till enheten)."
    )
    contact: ContactDetails | None = Field(None, description="Kontaktuppgifter; required unless anonymous, refused if anonymous.")
    guarantee_promise_id: uuid.UUID | None = Field(None, description="A promise of a quality guarantee the sender says was broken.")
    attributes: dict[AttributeCode, AttributeValue] = Field(
        default_factory=dict, max_length=20, description="Open311 attributes, as sent (at most 20, short values).",
    )
    received_at: datetime | None = Field(
        None, description="When a letter, call or visit arrived, if registered later (staff and systems only). "
        "Deadlines count from this day. Default: now.",
    )


class CaseEventView(BaseModel):
    action: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    from_unit_id: uuid.UUID | None
    to_unit_id: uuid.UUID | None
    by_subject: str
    by_kind: str
    at: datetime
    reason: str | None


class CaseSummary(BaseModel):
    """What a list shows: no free text, no personal data."""

    id: uuid.UUID
    registration_number: str = Field(description="Diarienummer, e.g. SYN-2026-000123.")
    kind: CaseKind
    channel: CaseChannel
    category_code: str
    unit_id: uuid.UUID
    committee_id: uuid.UUID | None
    status: CaseStatus
    privacy: Privacy
    received_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    acknowledge_due: date = Field(description="Bekräftas senast (arbetsdag).")
    answer_due: date = Field(description="Besvaras senast (arbetsdag).")
    revision: int


class CaseView(CaseSummary):
    """A case as its handlers see it. Free text is left out for a portal key."""

    routed_by: str = Field(description="sender (named unit), category (committee routing), central_intake or transfer.")
    description: str | None
    location: Location | None
    media_url: str | None
    attributes: dict[str, str]
    guarantee_promise_id: uuid.UUID | None
    parent_case_id: uuid.UUID | None
    assignee: str | None
    answer: str | None = Field(description="Svaret till avsändaren.")
    measures: str | None = Field(description="Vidtagna åtgärder.")
    rating: int | None = Field(description="The resident's rating of the handling, 1–5.")
    legal_hold: bool
    promise_assessment: PromiseAssessment | None = Field(
        description="The handler's assessment whether a promise of a quality guarantee was broken (garantin hölls inte).",
    )
    repeat: RepeatFlag | None = Field(description="Set when the case resembles an earlier open case (möjlig upprepning).")
    history: list[CaseEventView] | None


class CaseReceipt(BaseModel):
    """The reply to a new case. The resident's secret token is in the ``Case-Token`` header,
    never in a body, so the stored idempotent reply holds no token."""

    id: uuid.UUID
    registration_number: str
    status: CaseStatus
    unit_id: uuid.UUID
    routed_by: str
    received_at: datetime
    acknowledge_due: date
    answer_due: date


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: CaseStatus = Field(description="The next status (nästa steg).")
    reason: str | None = Field(None, max_length=REASON_LENGTH, description="Varför; stored in the history.")
    answer: str | None = Field(None, min_length=1, max_length=ANSWER_LENGTH, description="Svaret (required to answer).")
    measures: str | None = Field(None, max_length=ANSWER_LENGTH, description="Vidtagna åtgärder.")
    assignee: str | None = Field(None, min_length=1, max_length=200, description="Handläggarens subject id (to assign).")
    parent_case_id: uuid.UUID | None = Field(None, description="The original case (for duplicate).")
    at: datetime | None = Field(
        None, description="When the step was taken, for an import of an earlier register's history (historik från ett "
        "tidigare register): only a system key with feedback:write passes it; staff get 422 invalid-step-time (a step "
        "taken here is recorded when it is taken). Needs a time-zone offset, not before the case's receipt or its "
        "earlier steps, not in the future. Default: now.",
    )


class TransferRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: uuid.UUID = Field(description="The unit (in this or another committee) taking over.")
    reason: str = Field(min_length=1, max_length=REASON_LENGTH, description="Varför ärendet överlämnas.")


class RedactionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: str = Field(pattern=r"^(description|answer|measures|rating_comment)$")
    passage: str | None = Field(
        None, min_length=1, max_length=DESCRIPTION_LENGTH,
        description="The passage to remove wherever it occurs; omitted: the whole field. Never stored.",
    )
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class Redaction(BaseModel):
    field: str
    removed_characters: int
    by_subject: str
    at: datetime
    reason: str


class LegalHoldSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hold: bool = Field(description="True keeps contact details past the retention period (e.g. a pending appeal).")
    reason: str = Field(min_length=1, max_length=REASON_LENGTH)


class ResidentCase(BaseModel):
    """Mitt ärende: what the sender sees with their token."""

    registration_number: str
    kind: CaseKind
    category_code: str
    status: CaseStatus
    status_sv: str
    description: str
    received_at: datetime
    acknowledged_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    answer_due: date
    answer: str | None
    measures: str | None
    rating: int | None


class RatingSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5, description="Betyg på handläggningen, 1 (dålig) – 5 (mycket bra).")
    comment: str | None = Field(None, max_length=2000, description="Kommentar.")
