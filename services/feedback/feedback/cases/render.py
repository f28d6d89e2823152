"""Case rows → API shapes. Free text only for those who handle or read cases, never for portals."""

from sqlalchemy import Row

from feedback.broken_promises.schemas import PromiseAssessment
from feedback.cases.lifecycle import SWEDISH
from feedback.cases.schemas import CaseEventView, CaseReceipt, CaseSummary, CaseView, Location, Redaction, ResidentCase
from feedback.repeats.schemas import RepeatFlag

_SUMMARY_FIELDS = tuple(CaseSummary.model_fields)


def summary(row: Row) -> CaseSummary:
    return CaseSummary(**{name: getattr(row, name) for name in _SUMMARY_FIELDS})


# Where the registration number goes in a receipt rendered before the insert draws it: nothing
# else in a receipt is free text, so the mark cannot occur by chance.
_NUMBER_MARK = "@registration-number@"


def receipt_parts(row) -> tuple[bytes, bytes]:
    """The new case's reply body (JSON) before and after its registration number."""
    body = receipt_body(row, registration_number=_NUMBER_MARK)
    head, tail = body.split(_NUMBER_MARK.encode())
    return head, tail


def receipt_body(row, *, registration_number: str | None = None) -> bytes:
    return CaseReceipt(
        id=row.id, registration_number=registration_number or row.registration_number, status=row.status,
        unit_id=row.unit_id, routed_by=row.routed_by, received_at=row.received_at, acknowledge_due=row.acknowledge_due,
        answer_due=row.answer_due,
    ).model_dump_json().encode()


def location(row: Row) -> Location | None:
    values = {name: getattr(row, name) for name in ("lat", "long", "address", "address_id", "zipcode")}
    return Location(**values) if any(value is not None for value in values.values()) else None


def full(
    row: Row, *, history: list[Row] | None, with_text: bool, repeat: Row | None = None, assessment: Row | None = None,
) -> CaseView:
    return CaseView(
        **summary(row).model_dump(),
        routed_by=row.routed_by, location=location(row), media_url=row.media_url, attributes=row.attributes,
        guarantee_promise_id=row.guarantee_promise_id, parent_case_id=row.parent_case_id, assignee=row.assignee,
        rating=row.rating, legal_hold=row.legal_hold,
        promise_assessment=PromiseAssessment.model_validate(assessment, from_attributes=True) if assessment is not None else None,
        repeat=RepeatFlag.model_validate(repeat, from_attributes=True) if repeat is not None else None,
        description=row.description if with_text else None,
        answer=row.answer if with_text else None,
        measures=row.measures if with_text else None,
        history=[CaseEventView.model_validate(event, from_attributes=True) for event in history] if history is not None else None,
    )


def resident(row: Row) -> ResidentCase:
    return ResidentCase(
        registration_number=row.registration_number, kind=row.kind, category_code=row.category_code, status=row.status,
        status_sv=SWEDISH[row.status], description=row.description, received_at=row.received_at,
        acknowledged_at=row.acknowledged_at, answered_at=row.answered_at, closed_at=row.closed_at,
        answer_due=row.answer_due, answer=row.answer, measures=row.measures, rating=row.rating,
    )


def redaction(row: Row) -> Redaction:
    return Redaction.model_validate(row, from_attributes=True)
