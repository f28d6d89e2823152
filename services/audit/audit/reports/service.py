"""Rules of reports: editable as drafts, frozen when sending is requested, sent by another person.

The snapshot is frozen at the request so that the approver approves exactly the document that
goes to the committee; from then on nothing about the report changes, and later edits to the
data show up only in the next report.
"""

import uuid
from datetime import UTC, datetime

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import snapshots
from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.reports import repository, snapshot
from audit.reports.schemas import Report, ReportChange, ReportCreate, ReportStatus, SendingRequest

SNAPSHOT_FIELDS = set(Report.model_fields)


def render(row) -> Report:
    return Report(**{key: value for key, value in row._mapping.items() if key in SNAPSHOT_FIELDS})


async def require(session: AsyncSession, report_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, report_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No report {report_id}.", kind="report-not-found")
    return row


async def read(session: AsyncSession, principal: Principal, *, report_id: uuid.UUID):
    row = await require(session, report_id)
    await access.require_reach(session, principal, committee_id=row.committee_id)
    return row


async def _log(session, principal, action: str, before: Report | None, after: Report) -> None:
    await log.append(session, principal, action=action, entity_type="report", entity_id=after.id,
                     committee_id=after.committee_id, before=before, after=after)


async def create(session: AsyncSession, principal: Principal, *, data: ReportCreate) -> Report:
    on = await access.recorded_date(session, unit_ids=[data.committee_id], on=stockholm_today())
    if await access.committee_of(session, unit_id=data.committee_id, as_of=on) != data.committee_id:
        raise ProblemError(422, f"{data.committee_id} is not a committee (nämnd).", kind="not-a-committee")
    await access.require_reach(session, principal, committee_id=data.committee_id)
    if await repository.find(session, committee_id=data.committee_id, year=data.year, period=data.period):
        raise ProblemError(409, f"The committee already has a {data.period} report for {data.year}.", kind="report-exists")
    report_id = uuid.uuid4()
    await repository.insert_report(session, data.model_dump() | {"id": report_id, "status": ReportStatus.draft.value, "revision": 1})
    report = render(await require(session, report_id))
    await _log(session, principal, "report.created", None, report)
    return report


def _require_draft(row) -> None:
    if row.status != ReportStatus.draft:
        raise ProblemError(409, f"The report is {row.status}; its snapshot is frozen and it no longer changes.", kind="report-frozen")


async def change(session: AsyncSession, principal: Principal, *, row, data: ReportChange) -> Report:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    values = {field: getattr(data, field) for field in data.model_fields_set}
    if not values or any(value is None for value in values.values()):
        raise ProblemError(422, "Give the title and/or meeting date to change.", kind="no-change")
    before = render(row)
    await repository.update_report(session, row.id, values | {"revision": row.revision + 1})
    after = render(await require(session, row.id))
    await _log(session, principal, "report.changed", before, after)
    return after


async def request_sending(session: AsyncSession, principal: Principal, *, row, data: SendingRequest) -> Report:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    _require_draft(row)
    before = render(row)
    document = await snapshot.build(session, row)
    document["registration_number"] = data.registration_number
    text, digest = snapshots.freeze(document)
    await repository.update_report(session, row.id, {
        "status": ReportStatus.sending_requested.value, "registration_number": data.registration_number,
        "snapshot": text, "sha256": digest, "requested_by": principal.subject, "revision": row.revision + 1,
    })
    after = render(await require(session, row.id))
    await _log(session, principal, "report.sending_requested", before, after)
    return after


async def send(session: AsyncSession, principal: Principal, *, row) -> Report:
    await access.require_reach(session, principal, committee_id=row.committee_id)
    if row.status != ReportStatus.sending_requested:
        raise ProblemError(409, f"The report is {row.status}; sending must be requested first.", kind="sending-not-requested")
    access.require_other_person(principal, row.requested_by, "sending this report")
    before = render(row)
    await repository.update_report(session, row.id, {
        "status": ReportStatus.sent.value, "sent_by": principal.subject, "sent_at": datetime.now(UTC), "revision": row.revision + 1,
    })
    after = render(await require(session, row.id))
    await _log(session, principal, "report.sent", before, after)
    return after


def frozen_snapshot(row) -> tuple[str, dict]:
    if row.snapshot is None:
        raise ProblemError(409, "The report is a draft; its snapshot is frozen when sending is requested.", kind="report-not-frozen")
    return row.snapshot, orjson.loads(row.snapshot)
