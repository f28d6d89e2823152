"""Between Open311's words and feedback's: status, attributes, the public view of a case."""

from datetime import datetime, time

from contracts.feedback import CaseKind, CaseStatus
from sqlalchemy import Row

from feedback.cases.lifecycle import OPEN311_OPEN, SWEDISH
from feedback.deadlines.calendar import STOCKHOLM

OPEN, CLOSED = "open", "closed"
KIND_NAMES = {
    CaseKind.complaint: "Klagomål", CaseKind.suggestion: "Förslag", CaseKind.praise: "Beröm", CaseKind.question: "Fråga",
}
# Every category has the same two attributes: what kind of feedback, and whether the sender's
# name may be disclosed to the unit.
ATTRIBUTES = [
    {
        "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "Förvalt: klagomål.", "order": 1, "description": "Vad gäller din synpunkt?",
        "values": [{"key": kind.value, "name": name} for kind, name in KIND_NAMES.items()],
    },
    {
        "variable": True, "code": "confidential", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "Gäller bara om du lämnar kontaktuppgifter.", "order": 2,
        "description": "Får enheten se ditt namn?",
        "values": [{"key": "false", "name": "Ja"}, {"key": "true", "name": "Nej, bara stadens registratur"}],
    },
]
ATTRIBUTE_VALUES = {attribute["code"]: {value["key"] for value in attribute["values"]} for attribute in ATTRIBUTES}


def statuses_for(open311_statuses: set[str]) -> list[str]:
    chosen: set[str] = set()
    if OPEN in open311_statuses:
        chosen |= {status.value for status in OPEN311_OPEN}
    if CLOSED in open311_statuses:
        chosen |= {status.value for status in CaseStatus if status not in OPEN311_OPEN}
    return sorted(chosen)


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(STOCKHOLM).isoformat(timespec="seconds") if moment else None


def public_request(row: Row, *, service_name: str, agency: str | None) -> dict:
    """A case as anyone may see it: status, category, location, dates. Never the description,
    the answer, media or anything about the sender."""
    status = CaseStatus(row.status)
    is_open = status in OPEN311_OPEN
    expected = datetime.combine(row.answer_due, time(23, 59, 59), STOCKHOLM) if is_open else None
    return {
        "service_request_id": row.registration_number,
        "status": OPEN if is_open else CLOSED,
        "status_notes": SWEDISH[status],
        "service_name": service_name,
        "service_code": row.category_code,
        "agency_responsible": agency,
        "service_notice": None,
        "requested_datetime": _w3c(row.received_at),
        "updated_datetime": _w3c(row.updated_at),
        "expected_datetime": _w3c(expected),
        "address": row.address,
        "address_id": row.address_id,
        "zipcode": row.zipcode,
        "lat": row.lat,
        "long": row.long,
    }
