"""Rules of the good-examples bank (goda exempel).

An award administrator drafts an example from an application (a winner's practice or a strong
finding), tagged by rubric area and lens. It is published only after the jury's decision (the
round in ``feedback_reports_released`` or later) and only while the unit's latest recorded
decision in the round is consent given; without it the publication is refused and nothing
changes. Publication and withdrawal each publish ``awards.good-example.published`` carrying the
example's full state. A unit that declines (or takes back) its consent has its published
examples of that round withdrawn in the same transaction. Every staff role reads published
examples; committees and units record that they have taken one up, once per unit.
"""

import uuid
from datetime import UTC, datetime

from contracts.awards import GOOD_EXAMPLE_PUBLISHED, SCHEMA_VERSION, RoundPhase
from contracts.awards import GoodExample as GoodExampleState
from contracts.awards import GoodExamplePublished
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import get_unit, load_states, render_unit, stockholm_today, unit_and_ancestor_ids
from servicekit.problems import ProblemError

from awards.access import is_award_admin, unit_in_scope
from awards.applications import repository as applications
from awards.good_examples import repository
from awards.good_examples.schemas import (
    Consent,
    ConsentDecision,
    ConsentIn,
    ExampleStatus,
    GoodExample,
    GoodExampleChange,
    GoodExampleIn,
    Uptake,
    UptakeIn,
)
from awards.models import org_tables
from awards.rounds import service as rounds
from awards.rubrics import repository as rubrics

events = EventPublisher("awards")
COMMITTEE_TYPES = frozenset({"district_committee", "specialist_committee", "company_board"})
PUBLISHING_PHASES = (RoundPhase.feedback_reports_released, RoundPhase.good_examples_published)
UPTAKE_ROLES = frozenset({"committee", "unit_manager", "controller"})


async def committee_above(session: AsyncSession, *, unit_id: uuid.UUID) -> uuid.UUID | None:
    """The nearest committee (nämnd) at or above the unit today, from the organisation read model."""
    today = stockholm_today()
    for candidate in await unit_and_ancestor_ids(session, org_tables, unit_id=unit_id, as_of=today):
        unit = await get_unit(session, org_tables, unit_id=candidate, as_of=today)
        if unit is not None and unit.type in COMMITTEE_TYPES:
            return candidate
    return None


# ------------------------------------------------------------------------------------ consents

def _render_consent(row: Row, *, current: bool, withdrawn: list[uuid.UUID] = ()) -> Consent:
    return Consent(
        id=row.id, round_id=row.round_id, unit_id=row.unit_id, decision=row.decision, decided_by=row.decided_by,
        decided_on=row.decided_on, note=row.note, recorded_by=row.recorded_by, recorded_at=row.recorded_at,
        current=current, withdrawn_examples=list(withdrawn),
    )


async def record_consent(session: AsyncSession, principal: Principal, *, round_id: uuid.UUID, data: ConsentIn) -> Consent:
    """The unit's decision on publishing (samtycke): by its manager, or recorded by the award office for them."""
    round_row = await rounds.lock_round(session, round_id=round_id)
    if is_award_admin(principal):
        if data.decided_by is None:
            raise ProblemError(422, "Say who decided for the unit (decided_by): the office records someone else's consent.",
                               kind="consent-decider-missing")
        decided_by = data.decided_by
    elif principal.actor_kind == "staff" and "unit_manager" in principal.roles and await unit_in_scope(session, principal, data.unit_id):
        decided_by = principal.subject
    else:
        raise ProblemError(403, "Consent is given by the unit's manager, or recorded by the award office.", kind="forbidden")
    if await applications.find_for_unit(session, round_id=round_row.id, unit_id=data.unit_id) is None:
        raise ProblemError(422, f"Unit {data.unit_id} has no application in this round.", kind="no-application")
    decided_on = data.decided_on or stockholm_today()
    if decided_on > stockholm_today():
        raise ProblemError(422, "A consent cannot be decided in the future.", kind="consent-in-future")
    row = await repository.insert_consent(
        session, id=uuid.uuid4(), round_id=round_row.id, unit_id=data.unit_id, decision=data.decision.value,
        decided_by=decided_by, decided_on=decided_on, note=data.note, recorded_by=principal.subject,
        recorded_at=datetime.now(UTC),
    )
    withdrawn = []
    if data.decision is ConsentDecision.declined:
        reason = "Enheten har återtagit sitt samtycke till publicering."
        for example in await repository.published_of_unit(session, round_id=round_row.id, unit_id=data.unit_id):
            await _withdraw(session, principal, row=example, reason=reason)
            withdrawn.append(example.id)
    return _render_consent(row, current=True, withdrawn=withdrawn)


async def list_consents(session: AsyncSession, principal: Principal, *, round_id: uuid.UUID) -> list[Consent]:
    await rounds.get_round(session, round_id=round_id)
    rows = await repository.list_consents(session, round_id=round_id, unit_ids=None)
    if not is_award_admin(principal):
        rows = [row for row in rows if await unit_in_scope(session, principal, row.unit_id)]
    latest = {row.unit_id: row.id for row in rows}  # ordered by recording time: the last per unit counts
    return [_render_consent(row, current=latest[row.unit_id] == row.id) for row in rows]


# ------------------------------------------------------------------------------------ examples

def _rendered(row: Row, *, unit_name: str | None, uptake_count: int, rank: float | None) -> GoodExample:
    return GoodExample(
        id=row.id, revision=row.revision, round_id=row.round_id, application_id=row.application_id, unit_id=row.unit_id,
        unit_name=unit_name, committee_id=row.committee_id, year=row.year, kind=row.kind, title=row.title,
        summary=row.summary, body=row.body, areas=row.areas, lenses=row.lenses, status=row.status,
        uptake_count=uptake_count, published_at=row.published_at, withdrawn_at=row.withdrawn_at,
        withdrawal_reason=row.withdrawal_reason, created_at=row.created_at,
        rank=None if rank is None else round(float(rank), 6),
    )


async def render(session: AsyncSession, rows: list[Row]) -> list[GoodExample]:
    counts = await repository.uptake_counts(session, example_ids=[row.id for row in rows])
    states = await load_states(session, org_tables, list({row.unit_id for row in rows}))  # one query for the page
    today = stockholm_today()
    names = {unit_id: render_unit(state, today).name for unit_id, state in states.items()}
    return [_rendered(row, unit_name=names.get(row.unit_id), uptake_count=counts.get(row.id, 0), rank=None) for row in rows]


def render_found(rows: list[Row]) -> list[GoodExample]:
    """A search's page: its rows already carry rank, uptake count and unit name (``repository.search``)."""
    return [_rendered(row, unit_name=row.unit_name, uptake_count=row.uptake_count, rank=row.rank) for row in rows]


async def render_one(session: AsyncSession, row: Row) -> GoodExample:
    return (await render(session, [row]))[0]


def _require_admin(principal: Principal) -> None:
    if not is_award_admin(principal):
        raise ProblemError(403, "Only the award office (award_admin) writes good examples.", kind="forbidden")


async def _check_areas(session: AsyncSession, application: Row, areas: list[str]) -> None:
    rubric = await rubrics.get_version(session, round_id=application.round_id, version=application.rubric_version)
    known = {str(area["number"]) for area in rubric.areas}
    unknown = sorted(set(areas) - known, key=int)
    if unknown:
        raise ProblemError(422, f"The round's rubric has no areas {', '.join(unknown)}.", kind="unknown-areas", areas=unknown)


async def create_example(session: AsyncSession, principal: Principal, *, data: GoodExampleIn) -> Row:
    _require_admin(principal)
    application = await applications.get_application(session, application_id=data.application_id)
    if application is None:
        raise ProblemError(422, f"No application {data.application_id}.", kind="application-not-found")
    if application.status != "submitted":
        raise ProblemError(422, "Good examples come from submitted applications only.", kind="application-not-submitted")
    await _check_areas(session, application, data.areas)
    round_row = await rounds.get_round(session, round_id=application.round_id)
    return await repository.insert_example(
        session, id=uuid.uuid4(), revision=1, round_id=application.round_id, application_id=application.id,
        unit_id=application.unit_id, committee_id=await committee_above(session, unit_id=application.unit_id),
        year=round_row.year, kind=data.kind.value, title=data.title, summary=data.summary, body=data.body,
        areas=sorted(set(data.areas), key=int), lenses=sorted({lens.value for lens in data.lenses}),
        status=ExampleStatus.draft.value, created_by=principal.subject,
    )


async def visible_example(session: AsyncSession, principal: Principal, *, example_id: uuid.UUID, lock: bool = False) -> Row:
    """Published examples are read by everyone; drafts and withdrawn ones only by the award office (404 otherwise)."""
    row = await repository.get_example(session, example_id=example_id, lock=lock)
    if row is None or (row.status != ExampleStatus.published and not is_award_admin(principal)):
        raise ProblemError(404, f"No good example {example_id}.", kind="good-example-not-found")
    return row


def _require_draft(row: Row) -> None:
    if row.status != ExampleStatus.draft:
        raise ProblemError(409, f"The example is {row.status}; only a draft changes or is published.", kind="good-example-not-draft")


async def change_example(session: AsyncSession, principal: Principal, *, row: Row, change: GoodExampleChange) -> Row:
    _require_admin(principal)
    _require_draft(row)
    values = {field: getattr(change, field) for field in change.model_fields_set}
    if not values or any(value is None for value in values.values()):
        raise ProblemError(422, "Give at least one field to change (and none as null).", kind="no-change")
    if "areas" in values:
        await _check_areas(session, await applications.get_application(session, application_id=row.application_id), values["areas"])
        values["areas"] = sorted(set(values["areas"]), key=int)
    if "lenses" in values:
        values["lenses"] = sorted({lens.value for lens in values["lenses"]})
    if "kind" in values:
        values["kind"] = values["kind"].value
    return await repository.update_example(session, example_id=row.id, revision=row.revision + 1, **values)


async def _record_event(session: AsyncSession, row: Row) -> None:
    state = GoodExampleState(
        id=row.id, revision=row.revision, round_id=row.round_id, year=row.year, unit_id=row.unit_id,
        committee_id=row.committee_id, title=row.title, summary=row.summary, areas=list(row.areas), lenses=list(row.lenses),
        withdrawn=row.status == ExampleStatus.withdrawn, published_at=row.published_at,
    )
    await events.record(session, type=GOOD_EXAMPLE_PUBLISHED, subject=str(row.id), schema_version=SCHEMA_VERSION,
                        data=GoodExamplePublished(example=state))


async def publish(session: AsyncSession, principal: Principal, *, row: Row) -> Row:
    _require_admin(principal)
    _require_draft(row)
    rounds.require_phase(await rounds.get_round(session, round_id=row.round_id), *PUBLISHING_PHASES,
                         action="Good examples are published (after the jury's decision)")
    consent = await repository.current_consent(session, round_id=row.round_id, unit_id=row.unit_id)
    if consent is None or consent.decision != ConsentDecision.given:
        raise ProblemError(
            409, "The unit has not given its consent to publishing (record it first: POST /rounds/{round_id}/consents).",
            kind="consent-not-given", unit_id=str(row.unit_id),
            consent=None if consent is None else {"decision": consent.decision, "decided_on": consent.decided_on.isoformat()},
        )
    updated = await repository.update_example(
        session, example_id=row.id, revision=row.revision + 1, status=ExampleStatus.published.value, consent_id=consent.id,
        published_by=principal.subject, published_at=datetime.now(UTC),
    )
    await _record_event(session, updated)
    return updated


async def _withdraw(session: AsyncSession, principal: Principal, *, row: Row, reason: str) -> Row:
    updated = await repository.update_example(
        session, example_id=row.id, revision=row.revision + 1, status=ExampleStatus.withdrawn.value,
        withdrawn_by=principal.subject, withdrawn_at=datetime.now(UTC), withdrawal_reason=reason,
    )
    await _record_event(session, updated)
    return updated


async def withdraw(session: AsyncSession, principal: Principal, *, row: Row, reason: str) -> Row:
    _require_admin(principal)
    if row.status != ExampleStatus.published:
        raise ProblemError(409, f"The example is {row.status}; only a published example is withdrawn.", kind="good-example-not-published")
    return await _withdraw(session, principal, row=row, reason=reason)


async def search(session: AsyncSession, principal: Principal, *, status: ExampleStatus | None, offset: int, limit: int,
                 **filters) -> list[Row]:
    if is_award_admin(principal):
        statuses = [status.value] if status else [s.value for s in ExampleStatus]
    elif status in (None, ExampleStatus.published):
        statuses = [ExampleStatus.published.value]
    else:
        return []
    return await repository.search(session, statuses=statuses, offset=offset, limit=limit, today=stockholm_today(), **filters)


async def record_uptake(session: AsyncSession, principal: Principal, *, row: Row, data: UptakeIn) -> Uptake:
    """A committee or unit took the example up (användning); counted once per unit."""
    allowed = principal.actor_kind == "staff" and (
        "admin" in principal.roles
        or (principal.roles & UPTAKE_ROLES and await unit_in_scope(session, principal, data.unit_id))
    )
    if not allowed:
        raise ProblemError(403, "A committee, controller or unit manager records uptake for a unit in their own scope.", kind="forbidden")
    if await get_unit(session, org_tables, unit_id=data.unit_id, as_of=stockholm_today()) is None:
        raise ProblemError(422, f"No organisation unit {data.unit_id} in effect today.", kind="unit-not-found")
    uptake, new = await repository.record_uptake(
        session, example_id=row.id, unit_id=data.unit_id, note=data.note, recorded_by=principal.subject,
        recorded_at=datetime.now(UTC),
    )
    return Uptake(example_id=uptake.example_id, unit_id=uptake.unit_id, note=uptake.note, recorded_at=uptake.recorded_at, counted=new)


async def list_uptakes(session: AsyncSession, *, row: Row) -> list[Uptake]:
    return [Uptake(example_id=u.example_id, unit_id=u.unit_id, note=u.note, recorded_at=u.recorded_at, counted=True)
            for u in await repository.list_uptakes(session, example_id=row.id)]


async def consent_condition(session: AsyncSession, *, round_id: uuid.UUID, unit_ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Units among ``unit_ids`` that have not been asked (no consent decision recorded in the round)."""
    asked = await repository.units_with_consent_decision(session, round_id=round_id)
    return [unit for unit in unit_ids if unit not in asked]
