"""Rules of follow-ups (uppföljning): only adopted commitments, one per period, suggestion and verdict.

The suggestion is computed by the written rule in ``rules`` from the version of the commitment in
force on the period's last day; the person's verdict is stored beside it. A verdict that differs
from the suggestion, or any "not fulfilled", needs an analysis. A follow-up after the period's
deadline (in the committee's annual wheel: its own, else the city's default) is accepted and marked late. A follow-up
is reported today; an earlier day comes only with an import of an earlier register (a system key, ``access.is_import``).
Each report or correction records goals.follow-up.reported.
"""

import uuid
from datetime import date

from contracts.goals import (
    FOLLOW_UP_REPORTED,
    SCHEMA_VERSION,
    Assessment,
    CommitmentStatus,
    FollowUpReported,
    FollowUpState,
)
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import stockholm_today
from servicekit.pagination import PageParams, build_page
from servicekit.problems import ProblemError

from goals import access, cursors
from goals.annual_wheel import service as annual_wheel
from goals.commitments import service as commitments
from goals.commitments.schemas import CommitmentVersionOut
from goals.follow_ups import repository, rules
from goals.follow_ups.schemas import FollowUp, FollowUpChange, FollowUpCreate

events = EventPublisher("goals")
REPORTER_ROLES = ("unit_manager",)
_OUTCOME_FIELDS = ("outcome_value", "reached_item_ids", "result", "assessment", "analysis", "next_steps")


def render(row: Row) -> FollowUp:
    return FollowUp(
        id=row.id, revision=row.revision, commitment_id=row.commitment_id, commitment_version=row.commitment_version,
        unit_id=row.unit_id, period=row.period,
        outcome_value=float(row.outcome_value) if row.outcome_value is not None else None,
        reached_item_ids=row.reached_item_ids, result=row.result, suggested_assessment=row.suggested_assessment,
        suggestion_basis=row.suggestion_basis, assessment=row.assessment, analysis=row.analysis, next_steps=row.next_steps,
        deadline=row.deadline, reported_on=row.reported_on, late=row.late,
    )


async def get(session: AsyncSession, *, follow_up_id: uuid.UUID, lock: bool = False) -> Row:
    row = await repository.get(session, follow_up_id=follow_up_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No follow-up {follow_up_id}.", kind="follow-up-not-found")
    return row


async def authorise_report(
    session: AsyncSession, principal: Principal, *, loaded: commitments.Loaded, reported_on: date | None
) -> None:
    """Who records a follow-up: the unit's manager in scope (admin always), today; a system key only as an import of an
    earlier register's follow-ups (``access.is_import``) with the day each was reported there (see ``_reported_on``)."""
    roles = REPORTER_ROLES
    if principal.actor_kind == "system" and reported_on is not None:
        if not access.is_import(principal):
            raise access.forbidden("Importing past follow-ups needs a system key with goals:write for the whole city.")
        roles = None  # any reader in scope: the import key reads the whole city
    await commitments.authorise(session, principal, unit_id=loaded.row.unit_id, year=loaded.row.year, roles=roles)


async def report(
    session: AsyncSession, *, principal: Principal, loaded: commitments.Loaded, data: FollowUpCreate
) -> Row:
    """Record a commitment's follow-up for a period (the commitment is locked by the caller)."""
    period = rules.parse_period(data.period)
    if loaded.status not in commitments.IN_FORCE:
        raise ProblemError(
            422, f"Only an adopted commitment is followed up; this one is {loaded.status}.", kind="commitment-not-adopted",
        )
    if period.year != loaded.row.year:
        raise ProblemError(
            422, f"The commitment is for {loaded.row.year}; {data.period} belongs to another year.", kind="period-outside-year",
        )
    existing = await repository.find(session, commitment_id=loaded.row.id, period=data.period)
    if existing is not None:
        raise ProblemError(
            422, f"{data.period} is followed up already; correct it with PATCH.", kind="follow-up-exists", follow_up_id=str(existing.id),
        )
    version = commitments.version_in_force(loaded.versions, period.last_day)
    if version is None:
        raise ProblemError(
            422, f"No version of the commitment was in force on {period.last_day}, the last day of {data.period}.",
            kind="not-in-force-in-period",
        )
    reported_on = _reported_on(principal, data.reported_on)
    deadline = await annual_wheel.follow_up_deadline(
        session, unit_id=loaded.row.unit_id, period=data.period, default=period.deadline,
    )
    fields = data.model_dump(include=set(_OUTCOME_FIELDS))
    suggestion, basis = _evaluate(commitments.render_version(version), fields)
    follow_up_id = uuid.uuid4()
    await repository.insert_follow_up(
        session,
        values={
            "id": follow_up_id, "revision": 1, "commitment_id": loaded.row.id, "commitment_version": version.version,
            "unit_id": loaded.row.unit_id, "period": data.period, "year": period.year, **_stored(fields),
            "suggested_assessment": suggestion, "suggestion_basis": basis, "deadline": deadline,
            "reported_on": reported_on, "late": reported_on > deadline, "reported_by": principal.subject,
        },
    )
    await commitments.mark_followed_up(session, loaded=loaded)
    row = await repository.get(session, follow_up_id=follow_up_id)
    await _publish(session, row)
    return row


async def correct(session: AsyncSession, *, principal: Principal, row: Row, loaded: commitments.Loaded, change: FollowUpChange) -> Row:
    """Correct a reported follow-up; the suggestion and the analysis rule apply to the result."""
    if loaded.status == CommitmentStatus.closed:
        raise ProblemError(422, "The commitment is closed; its follow-ups are final.", kind="commitment-closed")
    given = change.model_dump(exclude_unset=True)
    if not given:
        raise ProblemError(422, "Give at least one field to change.", kind="no-change")
    if given.get("assessment", "") is None:
        raise ProblemError(422, "assessment cannot be null.", kind="validation-error")
    current = {field: getattr(row, field) for field in _OUTCOME_FIELDS}
    current["outcome_value"] = float(row.outcome_value) if row.outcome_value is not None else None
    fields = current | given
    version = next(v for v in loaded.versions if v.version == row.commitment_version)
    suggestion, basis = _evaluate(commitments.render_version(version), fields)
    await repository.update_follow_up(
        session, follow_up_id=row.id,
        values={**_stored(fields), "suggested_assessment": suggestion, "suggestion_basis": basis, "revision": row.revision + 1,
                "reported_by": principal.subject},
    )
    corrected = await repository.get(session, follow_up_id=row.id)
    await _publish(session, corrected)
    return corrected


async def list_follow_ups(
    session: AsyncSession, *, principal: Principal, params: PageParams, commitment_id: uuid.UUID | None,
    unit_id: uuid.UUID | None, within: uuid.UUID | None, period: str | None, year: int | None,
) -> tuple[list[FollowUp], str | None]:
    access.require_reader(principal)
    table = repository.FOLLOW_UPS
    where = access.list_filters(principal, table.c.unit_id, within=within, equal={
        table.c.commitment_id: commitment_id, table.c.unit_id: unit_id, table.c.period: period, table.c.year: year,
    })
    after = cursors.position(params, period=cursors.text, id=uuid.UUID)
    rows = await repository.list_follow_ups(session, limit=params.limit, after=after, where=where)
    rows, next_cursor = build_page(rows, params, lambda row: {"period": row.period, "id": str(row.id)})
    return [render(row) for row in rows], next_cursor


def _reported_on(principal: Principal, given: date | None) -> date:
    """The day a follow-up is recorded as reported: today; an earlier day only for an import (``access.is_import``), as
    a step taken here is recorded on the day it is taken; never a day still to come."""
    today = stockholm_today()
    if given is None or given == today:
        return today
    if given > today:
        raise ProblemError(422, "A follow-up cannot be reported in the future.", kind="reported-on-in-future")
    if not access.is_import(principal):
        raise ProblemError(
            422, "Only a system importing an earlier register's follow-ups gives an earlier reported_on (a past report); "
            "a follow-up reported here is recorded on the day it is reported.", kind="past-date-not-allowed",
        )
    return given


def _evaluate(version: CommitmentVersionOut, fields: dict) -> tuple[str | None, dict | None]:
    """Check the outcome fits the expected result's type; the suggestion and its basis; the analysis rule."""
    expected = version.expected_result
    suggestion: Assessment | None = None
    basis: dict | None = None
    if expected.type == "target_value":
        _only(fields, allowed="outcome_value", kind="target value (målvärde)")
        if fields["outcome_value"] is None:
            raise ProblemError(422, "A target value is followed up with its outcome (outcome_value).", kind="outcome-required")
        suggestion, basis = rules.suggest_for_target_value(
            outcome=fields["outcome_value"], comparison=expected.comparison, target=expected.target,
            partly_band=expected.partly_band,
        )
    elif expected.type == "checklist":
        _only(fields, allowed="reached_item_ids", kind="checklist")
        reached = fields["reached_item_ids"]
        if reached is None:
            raise ProblemError(422, "A checklist is followed up with the items reached (reached_item_ids).", kind="outcome-required")
        known = {item.id for item in expected.items}
        unknown = sorted(set(reached) - known)
        if unknown:
            raise ProblemError(422, f"Not items of the checklist: {', '.join(unknown)}.", kind="unknown-checklist-item", unknown=unknown)
        fields["reached_item_ids"] = sorted(set(reached))
        suggestion, basis = rules.suggest_for_checklist(reached=len(fields["reached_item_ids"]), total=len(known))
    else:
        _only(fields, allowed=None, kind="target picture (målbild)")
        if not fields["result"]:
            raise ProblemError(422, "A target picture is followed up with the result in words (result).", kind="outcome-required")
    verdict = Assessment(fields["assessment"])
    if not fields["analysis"] and (verdict == Assessment.not_fulfilled or (suggestion is not None and verdict != suggestion)):
        reason = "is not fulfilled" if verdict == Assessment.not_fulfilled else f"differs from the suggestion ({suggestion.value})"
        raise ProblemError(
            422, f"The verdict {reason}; write the analysis (analys) behind it.", kind="analysis-required",
            suggested_assessment=suggestion.value if suggestion else None,
        )
    return (suggestion.value if suggestion else None), basis


def _only(fields: dict, *, allowed: str | None, kind: str) -> None:
    for field in ("outcome_value", "reached_item_ids"):
        if field != allowed and fields[field] is not None:
            raise ProblemError(422, f"{field} does not apply to a {kind}.", kind="outcome-does-not-apply", field=field)


def _stored(fields: dict) -> dict:
    values = {field: fields[field] for field in _OUTCOME_FIELDS}
    values["assessment"] = Assessment(values["assessment"]).value
    return values


async def _publish(session: AsyncSession, row: Row) -> None:
    state = FollowUpState.model_validate(render(row).model_dump(exclude={"suggestion_basis"}))
    await events.record(
        session, type=FOLLOW_UP_REPORTED, subject=str(row.id), schema_version=SCHEMA_VERSION,
        data=FollowUpReported(follow_up=state),
    )

