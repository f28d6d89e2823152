"""Rules of feedback reports (återkopplingsrapporter).

A report is drafted by the award office from the application's consensus (every area's band,
strengths and areas for improvement), edited, approved by an award administrator who has not
written or edited it, and released once the jury has decided (the round in
``feedback_reports_released`` or later). Release freezes it: the JSON document is stored with
its SHA-256 and registration number and never changes; PDF and DOCX are rendered from it. The
unit (and readers of its scope) see only a released report of their own; drafts are the office's.
A past round's approval and release (tidigare omgång) are imported by a system key with the days
they were taken; staff record the day they act.
"""

import uuid
from datetime import UTC, date, datetime, time

import orjson
from contracts.awards import RoundPhase
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit import snapshots
from servicekit.assertion import Principal
from servicekit.orgtree import get_unit, stockholm_today
from servicekit.orgtree.queries import STOCKHOLM
from servicekit.problems import ProblemError

from awards.access import is_award_admin, is_award_import, reads_everything, unit_in_scope
from awards.applications import repository as applications
from awards.applications import service as application_service
from awards.applications.service import SCOPED_READ_ROLES
from awards.assessments.scoring import BY_KEY
from awards.consensus import repository as consensus
from awards.feedback_reports import repository
from awards.feedback_reports.schemas import FeedbackReport, ReportArea, ReportChange, ReportStatus
from awards.models import org_tables
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics

SNAPSHOT_VERSION = 1
RELEASE_PHASES = (RoundPhase.feedback_reports_released, RoundPhase.good_examples_published)


async def _unit_name(session: AsyncSession, unit_id: uuid.UUID) -> tuple[str | None, str | None]:
    unit = await get_unit(session, org_tables, unit_id=unit_id, as_of=stockholm_today())
    return (unit.code, unit.name) if unit else (None, None)


async def render(session: AsyncSession, row: Row) -> FeedbackReport:
    return FeedbackReport(
        id=row.id, revision=row.revision, application_id=row.application_id, round_id=row.round_id, unit_id=row.unit_id,
        unit_name=(await _unit_name(session, row.unit_id))[1], status=row.status, summary=row.summary,
        areas=[ReportArea.model_validate(area) for area in row.areas], created_at=row.created_at, approved_at=row.approved_at,
        released_at=row.released_at, registration_number=row.registration_number, sha256=row.sha256,
    )


def _imports(principal: Principal, given: date | None) -> bool:
    """Whether the step is an import of a past round's record: a system key giving a day other than today."""
    return principal.actor_kind == "system" and given is not None and given != stockholm_today()


def _require_recorder(principal: Principal, given: date | None, action: str) -> None:
    """Who records an approval or release: the award office, as it happens; or a system key with awards:write
    importing a past round's records with the day each step was taken (a system never takes the step itself)."""
    if not _imports(principal, given):
        _require_admin(principal, action)
    elif not is_award_import(principal):
        raise ProblemError(403, "Importing a past round's feedback reports needs a system key with awards:write for "
                           "the whole city.", kind="forbidden")


def _when(principal: Principal, given: date | None, *, what: str) -> tuple[date, datetime]:
    """The day and time an approval or release is recorded with: now; or, for a system key importing a past round
    (see ``_require_recorder``), the start of that earlier day (Europe/Stockholm). Staff, admin included, record
    today only: a step taken here is recorded when it is taken."""
    today = stockholm_today()
    if given is None or given == today:
        return today, datetime.now(UTC)
    if given > today:
        raise ProblemError(422, f"A report cannot be {what} in the future.", kind="date-in-future")
    if principal.actor_kind != "system":
        raise ProblemError(422, f"Only a system importing a past round's records gives the day a report was {what}; "
                           "a report is recorded here on the day it is.", kind="past-date-not-allowed")
    return given, datetime.combine(given, time(), STOCKHOLM)


def _require_admin(principal: Principal, action: str) -> None:
    if not is_award_admin(principal):
        raise ProblemError(403, f"Only the award office (award_admin) {action}.", kind="forbidden")


async def can_read(session: AsyncSession, principal: Principal, row: Row) -> bool:
    """The office (and an import of its records) reads every report; city-wide readers and the unit's own scope only
    released ones."""
    if is_award_admin(principal) or is_award_import(principal):
        return True
    if row.status != ReportStatus.released:
        return False
    if reads_everything(principal):
        return True
    return principal.actor_kind == "staff" and bool(principal.roles & SCOPED_READ_ROLES) and await unit_in_scope(
        session, principal, row.unit_id)


async def visible_report(session: AsyncSession, principal: Principal, *, report_id: uuid.UUID, lock: bool = False) -> Row:
    row = await repository.get_report(session, report_id=report_id, lock=lock)
    if row is None or not await can_read(session, principal, row):
        raise ProblemError(404, f"No feedback report {report_id}.", kind="feedback-report-not-found")
    return row


async def create_report(session: AsyncSession, principal: Principal, *, application_id: uuid.UUID) -> Row:
    """A draft from the consensus: every area of the application's rubric needs a consensus score first."""
    _require_admin(principal, "drafts feedback reports")
    application = await applications.get_application(session, application_id=application_id)
    if application is None:
        raise ProblemError(422, f"No application {application_id}.", kind="application-not-found")
    if await repository.find_for_application(session, application_id=application_id) is not None:
        raise ProblemError(409, "The application already has a feedback report.", kind="feedback-report-exists")
    rubric = await rubrics.get_version(session, round_id=application.round_id, version=application.rubric_version)
    agreed = {row.area_number: row for row in await consensus.areas_of(session, application_id=application_id)}
    missing = [area["number"] for area in rubric.areas if area["number"] not in agreed]
    if missing:
        raise ProblemError(
            409, f"The team has no consensus yet for areas {', '.join(map(str, missing))}; the report is built from it.",
            kind="consensus-incomplete", missing_areas=missing,
        )
    areas = []
    for area in rubric.areas:
        row = agreed[area["number"]]
        band = BY_KEY.get(row.band)
        areas.append({
            "number": area["number"], "title": area["title"], "band": row.band, "band_label": band.label_sv if band else None,
            "strengths": row.strengths, "improvements": row.improvements,
        })
    round_row = await rounds.get_round(session, round_id=application.round_id)
    _, name = await _unit_name(session, application.unit_id)
    summary = (f"Återkoppling till {name or 'enheten'} på ansökan till {round_row.name}: styrkor och "
               "förbättringsområden per bedömningsområde, enligt examinatorsteamets konsensus.")
    return await repository.insert_report(
        session, id=uuid.uuid4(), revision=1, application_id=application.id, round_id=application.round_id,
        unit_id=application.unit_id, status=ReportStatus.draft.value, summary=summary, areas=areas,
        authors=[principal.subject], created_by=principal.subject,
    )


async def change_report(session: AsyncSession, principal: Principal, *, row: Row, change: ReportChange) -> Row:
    _require_admin(principal, "edits feedback reports")
    if row.status != ReportStatus.draft:
        raise ProblemError(409, f"The report is {row.status}; only a draft is edited.", kind="feedback-report-not-draft")
    if change.summary is None and not change.areas:
        raise ProblemError(422, "Give a summary or areas to change.", kind="no-change")
    areas = [dict(area) for area in row.areas]
    by_number = {area["number"]: area for area in areas}
    unknown = sorted({a.number for a in change.areas or []} - by_number.keys())
    if unknown:
        raise ProblemError(422, f"The report has no areas {', '.join(map(str, unknown))}.", kind="unknown-areas", areas=unknown)
    for edit in change.areas or []:
        for key in ("strengths", "improvements"):
            given = getattr(edit, key)
            if given is not None:
                by_number[edit.number][key] = [finding.model_dump(mode="json") for finding in given]
    authors = list(row.authors) + ([principal.subject] if principal.subject not in row.authors else [])
    return await repository.update_report(
        session, report_id=row.id, revision=row.revision + 1, summary=row.summary if change.summary is None else change.summary,
        areas=areas, authors=authors,
    )


async def approve(session: AsyncSession, principal: Principal, *, row: Row, approved_on: date | None = None) -> Row:
    _require_recorder(principal, approved_on, "approves feedback reports")
    if row.status != ReportStatus.draft:
        raise ProblemError(409, f"The report is {row.status}; only a draft is approved.", kind="feedback-report-not-draft")
    if principal.subject in row.authors:
        raise ProblemError(403, "Nobody approves a report they wrote or edited; another award administrator approves it.",
                           kind="own-report")
    _, approved_at = _when(principal, approved_on, what="approved")
    return await repository.update_report(
        session, report_id=row.id, revision=row.revision + 1, status=ReportStatus.approved.value,
        approved_by=principal.subject, approved_at=approved_at,
    )


async def release(session: AsyncSession, principal: Principal, *, row: Row, registration_number: str,
                  released_on: date | None = None) -> Row:
    _require_recorder(principal, released_on, "releases feedback reports")
    if row.status != ReportStatus.approved:
        raise ProblemError(409, f"The report is {row.status}; it is released once approved.", kind="feedback-report-not-approved")
    round_row = await rounds.get_round(session, round_id=row.round_id)
    rounds.require_phase(round_row, *RELEASE_PHASES, action="Feedback reports are released (after the jury's decision)")
    released_day, released_at = _when(principal, released_on, what="released")
    if released_at < row.approved_at:
        raise ProblemError(422, f"The report was approved on {row.approved_at.astimezone(STOCKHOLM).date()}; it is not "
                           "released before that.", kind="released-before-approval")
    code, name = await _unit_name(session, row.unit_id)
    document = {
        "snapshot_version": SNAPSHOT_VERSION, "report_id": str(row.id), "application_id": str(row.application_id),
        "title": f"Återkopplingsrapport – {round_row.name}",
        "round": {"id": str(round_row.id), "prize": round_row.prize, "name": round_row.name, "year": round_row.year},
        "unit": {"id": str(row.unit_id), "code": code, "name": name},
        "registration_number": registration_number, "released_on": released_day.isoformat(),
        "released_at": released_at.isoformat(), "summary": row.summary, "areas": row.areas,
    }
    text, digest = snapshots.freeze(document)
    return await repository.update_report(
        session, report_id=row.id, revision=row.revision + 1, status=ReportStatus.released.value, released_by=principal.subject,
        released_at=released_at, registration_number=registration_number, snapshot=text, sha256=digest,
    )


def frozen(row: Row) -> tuple[str, dict]:
    if row.snapshot is None:
        raise ProblemError(409, f"The report is {row.status}; documents exist once it is released.", kind="feedback-report-not-released")
    return row.snapshot, orjson.loads(row.snapshot)


async def list_reports(session: AsyncSession, principal: Principal, *, round_id, application_id, status, after, limit) -> list[Row]:
    """The office (and an import of its records) lists every report; everyone else released ones: city-wide readers
    all, others their scope's."""
    if is_award_admin(principal) or is_award_import(principal):
        statuses, roots = ([status.value] if status else [s.value for s in ReportStatus]), None
    elif status not in (None, ReportStatus.released):
        return []
    else:
        statuses, roots = [ReportStatus.released.value], None
        if not reads_everything(principal):
            _, roots, _ = application_service.list_filters(principal)
    return await repository.list_reports(session, round_id=round_id, application_id=application_id, statuses=statuses,
                                         scope_roots=roots, after=after, limit=limit)
