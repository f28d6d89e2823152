"""Rules of reports: built live from the data, frozen as a snapshot when submitted, corrected by a new snapshot.

ARCHITECTURE.md "Reports are snapshots": a submitted report is stored as the JSON document it
was, with its SHA-256 and a registration number, and never changes; XLSX and CSV are rendered
from the stored document. Later edits to the data show up in the live report and the next
submission only. A second submission for the same committee and period is refused (409) unless
it is marked a correction: then it is a new snapshot (version + 1) that supersedes the earlier,
both kept. Each submission records goals.report.submitted.
"""

import uuid
from datetime import UTC, date, datetime

from contracts.goals import REPORT_SUBMITTED, SCHEMA_VERSION, ReportSubmitted
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.pagination import PageParams, build_page
from servicekit.problems import ProblemError
from servicekit.snapshots import freeze

from goals import cursors
from goals.annual_wheel import service as annual_wheel
from goals.follow_ups.rules import FollowUpPeriod, parse_period
from goals.reports import document, repository
from goals.reports.schemas import Report, ReportSubmission

events = EventPublisher("goals")
SUBMITTER_ROLES = ("committee",)
FIRST_YEAR = 1990
YEARS_AHEAD = 1


def period_of(text: str, *, today: date) -> FollowUpPeriod:
    """A report period (YYYY-T1, YYYY-T2, YYYY-VB) from 1990 up to next year; 422 otherwise."""
    period = parse_period(text) if text[:4].isdigit() and FIRST_YEAR <= int(text[:4]) <= today.year + YEARS_AHEAD else None
    if period is None:
        raise ProblemError(
            422, f"{text} is not a report period (YYYY-T1, YYYY-T2, YYYY-VB from {FIRST_YEAR} to {today.year + YEARS_AHEAD}).",
            kind="period-invalid",
        )
    return period


async def authorise(
    session: AsyncSession, principal: Principal, *, committee_id: uuid.UUID, year: int, roles, to_year: int | None = None,
) -> None:
    await annual_wheel.authorise_committee(session, principal, committee_id=committee_id, year=year, roles=roles, to_year=to_year)


def render(row: Row) -> Report:
    return Report(
        id=row.id, committee_id=row.committee_id, period=row.period, kind=row.kind, version=row.version,
        registration_number=row.registration_number, sha256=row.sha256, correction_reason=row.correction_reason,
        supersedes_id=row.supersedes_id, superseded_by_id=row.superseded_by_id, submitted_at=row.submitted_at,
    )


async def live(session: AsyncSession, *, committee_id: uuid.UUID, period: FollowUpPeriod) -> dict:
    built = await document.build(session, committee_id=committee_id, period=period)
    return {**built, "frozen": None}


async def submit(
    session: AsyncSession, *, principal: Principal, committee_id: uuid.UUID, period: FollowUpPeriod, data: ReportSubmission,
    today: date,
) -> Report:
    if period.last_day >= today:
        raise ProblemError(
            422, f"{period.text} ends on {period.last_day}; its report is submitted after that.", kind="period-not-ended",
        )
    await repository.lock_committee_period(session, committee_id=committee_id, period=period.text)
    earlier = await repository.current_snapshot(session, committee_id=committee_id, period=period.text)
    if earlier is not None and not data.correction:
        raise ProblemError(
            409, f"The committee's report for {period.text} is submitted already ({earlier.registration_number}); "
            "submit a correction (correction: true, with its reason) to supersede it.",
            kind="report-already-submitted", report_id=str(earlier.id),
        )
    if earlier is None and data.correction:
        raise ProblemError(422, f"No report for {period.text} is submitted yet; there is nothing to correct.", kind="nothing-to-correct")
    report_id, version = uuid.uuid4(), (earlier.version + 1 if earlier else 1)
    now = datetime.now(UTC)
    number = await repository.next_registration_number(session)
    registration = f"GR-{now.year}-{number:06d}"
    kind = annual_wheel.report_kind(period.kind)
    built = await document.build(session, committee_id=committee_id, period=period)
    built["frozen"] = {
        "report_id": str(report_id), "registration_number": registration, "version": version,
        "supersedes_id": str(earlier.id) if earlier else None, "correction_reason": data.correction_reason,
        "submitted_at": now.isoformat(),
    }
    text, digest = freeze(built)
    if earlier is not None:
        await repository.mark_superseded(session, report_id=earlier.id, by=report_id)
    await repository.insert_snapshot(session, values={
        "id": report_id, "committee_id": committee_id, "period": period.text, "year": period.year, "kind": kind.value,
        "version": version, "registration_number": registration, "document": text, "sha256": digest,
        "correction_reason": data.correction_reason, "supersedes_id": earlier.id if earlier else None,
        "submitted_by": principal.subject, "submitted_at": now,
    })
    report = render(await repository.get_snapshot(session, report_id=report_id))
    await events.record(
        session, type=REPORT_SUBMITTED, subject=str(report_id), schema_version=SCHEMA_VERSION,
        data=ReportSubmitted(
            report_id=report_id, committee_id=committee_id, period=period.text, kind=kind, version=version,
            registration_number=registration, sha256=digest, supersedes_id=report.supersedes_id,
        ),
    )
    return report


async def snapshot(session: AsyncSession, *, report_id: uuid.UUID) -> Row:
    row = await repository.get_snapshot(session, report_id=report_id)
    if row is None:
        raise ProblemError(404, f"No report {report_id}.", kind="report-not-found")
    return row


async def list_reports(
    session: AsyncSession, *, committee_id: uuid.UUID, period: str | None, params: PageParams,
) -> tuple[list[Report], str | None]:
    after = cursors.position(params, period=cursors.text, version=cursors.whole)
    rows = await repository.list_snapshots(session, committee_id=committee_id, period=period, after=after, limit=params.limit)
    rows, next_cursor = build_page(rows, params, lambda row: {"period": row.period, "version": row.version})
    return [render(row) for row in rows], next_cursor
