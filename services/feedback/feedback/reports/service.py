"""Rules of the committee's statistics report (ARCHITECTURE.md, "Reports are snapshots").

Submitting freezes the committee's statistics of the period as they are now into a JSON document
(stored as text, with its SHA-256 and registration number) that never changes; XLSX and CSV are
rendered from it. A period has one report in force: submitting again is refused unless the new
report names the one it corrects, with a reason; the corrected one is kept, marked superseded.
"""

import uuid
from datetime import datetime

import orjson
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.orgtree import stockholm_today
from servicekit import snapshots
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.reports import repository
from feedback.reports.schemas import Report, ReportSubmission
from feedback.statistics import periods
from feedback.statistics import service as statistics

SNAPSHOT_VERSION = 1


def render(row: Row) -> Report:
    return Report(**{key: getattr(row, key) for key in Report.model_fields})


async def submit(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, data: ReportSubmission, min_cell: int, now: datetime,
) -> Row:
    committee = await organisation.require_committee(session, committee_id=committee_id, on=stockholm_today())
    access.require_configure(principal, committee_lineage=committee.lineage)
    period = periods.parse(data.period)
    in_force = await repository.current(session, committee_id=committee_id, period=period.name)
    if data.corrects is None and in_force is not None:
        raise ProblemError(
            409, f"The committee's {period.name} report is submitted ({in_force.registration_number}); "
            "submit a correction naming it (corrects) to replace it.", kind="report-submitted", report_id=str(in_force.id),
        )
    if data.corrects is not None:
        if in_force is None or in_force.id != data.corrects:
            raise ProblemError(422, f"{data.corrects} is not the committee's {period.name} report in force.",
                               kind="not-the-report-in-force", field="corrects")
        if not data.correction_reason:
            raise ProblemError(422, "A correction says why (correction_reason).", kind="reason-missing", field="correction_reason")
    if await repository.by_registration_number(session, registration_number=data.registration_number):
        raise ProblemError(409, f"A report is already registered as {data.registration_number}.", kind="registration-number-taken")
    figures = await statistics.current(session, committee_id=committee_id, period=period, min_cell=min_cell)
    report_id = uuid.uuid4()
    document = {
        "snapshot_version": SNAPSHOT_VERSION, "report_id": str(report_id), "title": f"Synpunkter och klagomål {period.name}",
        "registration_number": data.registration_number,
        "committee": {"id": str(committee_id), "name": committee.name},
        "period": period.name, "frozen_at": now.isoformat(),
        "corrects": str(data.corrects) if data.corrects else None, "correction_reason": data.correction_reason,
        "statistics": figures.model_dump(mode="json"),
    }
    text, digest = snapshots.freeze(document)
    if in_force is not None:
        # The one in force steps aside first: one submitted report per committee and period.
        await repository.supersede(session, report_id=in_force.id, by=report_id)
    return await repository.insert_report(session, values={
        "id": report_id, "committee_id": committee_id, "period": period.name, "registration_number": data.registration_number,
        "status": "submitted", "snapshot": text, "sha256": digest, "submitted_by": principal.subject, "submitted_at": now,
        "corrects_id": data.corrects, "correction_reason": data.correction_reason if data.corrects else None,
    })


async def read(session: AsyncSession, *, principal: Principal, report_id: uuid.UUID) -> Row:
    row = await repository.get(session, report_id=report_id)
    if row is None:
        raise ProblemError(404, f"No report {report_id}.", kind="report-not-found")
    await statistics.require_committee_in_scope(session, principal=principal, committee_id=row.committee_id)
    return row


async def list_reports(session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, period: str | None) -> list[Row]:
    await statistics.require_committee_in_scope(session, principal=principal, committee_id=committee_id)
    return await repository.list_reports(session, committee_id=committee_id, period=periods.parse(period).name if period else None)


def load(row: Row) -> dict:
    return orjson.loads(row.snapshot)
