"""Domain rules of the organisation tree: dated versions, parent rules, no cycles, no orphans.

A change takes an effective date and never rewrites history: it ends the latest version the day
before and starts a new one (a change on the latest version's own first day corrects it).
Every change records one event carrying the unit's full state, in the request's transaction.
"""

import uuid
from datetime import date

from contracts.organisation import (
    SCHEMA_VERSION,
    UNIT_CLOSED,
    UNIT_CREATED,
    UNIT_UPDATED,
    OrganisationUnitChanged,
    OrganisationUnitState,
    OrganisationUnitType,
    OrganisationUnitVersion,
)
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import stockholm_today
from servicekit.problems import ProblemError

from goals.organisation import repository
from goals.organisation.rules import check_parent_type
from goals.organisation.schemas import UnitChange, UnitCreate

events = EventPublisher("goals")


async def lock_unit(session: AsyncSession, *, unit_id: uuid.UUID) -> OrganisationUnitState:
    state = await repository.lock_unit(session, unit_id=unit_id)
    if state is None:
        raise ProblemError(404, f"No organisation unit {unit_id}.", kind="unit-not-found")
    return state


async def create_unit(session: AsyncSession, *, data: UnitCreate) -> OrganisationUnitState:
    valid_from = data.effective_date or stockholm_today()
    if data.type == OrganisationUnitType.city and await repository.city_exists(session):
        raise ProblemError(422, "The city already exists; there is one root.", kind="city-exists")
    await _check_parent(session, unit_type=data.type, parent_id=data.parent_id, start=valid_from, end=None)
    state = OrganisationUnitState(
        id=uuid.uuid4(),
        revision=1,
        versions=[
            OrganisationUnitVersion(
                valid_from=valid_from, code=data.code, name=data.name, type=data.type, parent_id=data.parent_id
            )
        ],
    )
    await repository.insert_unit(session, state=state)
    await _publish(session, UNIT_CREATED, state, valid_from, changed=[])
    return state


async def change_unit(session: AsyncSession, *, state: OrganisationUnitState, change: UnitChange) -> OrganisationUnitState:
    """Rename, recode and/or move a locked unit from ``change.effective_date``."""
    latest = state.versions[-1]
    start = change.effective_date
    _check_not_before_latest(latest, start, inclusive=True)
    if latest.valid_to is not None and start >= latest.valid_to:
        raise ProblemError(422, f"The unit is closed from {latest.valid_to}; it cannot change after that.", kind="unit-closed")
    given = change.model_fields_set
    new = latest.model_copy(
        update={
            "valid_from": start,
            "name": change.name if "name" in given else latest.name,
            "code": change.code if "code" in given else latest.code,
            "parent_id": change.parent_id if "parent_id" in given else latest.parent_id,
        }
    )
    changed = [
        attribute for attribute, field in (("name", "name"), ("code", "code"), ("parent", "parent_id"))
        if getattr(new, field) != getattr(latest, field)
    ]
    if not changed:
        raise ProblemError(422, "The change is the unit's current state; nothing to do.", kind="no-change")
    if "parent" in changed:
        await repository.lock_moves(session)
        await _check_parent(session, unit_type=latest.type, parent_id=new.parent_id, start=start, end=latest.valid_to)
        if new.parent_id is not None and await repository.is_below(
            session, unit_id=new.parent_id, ancestor_id=state.id, from_date=start
        ):
            raise ProblemError(
                422, "The new parent is the unit itself or lies below it; the tree cannot loop.", kind="cycle",
            )
    earlier = state.versions[:-1]
    if start > latest.valid_from:
        earlier = [*earlier, latest.model_copy(update={"valid_to": start})]
    updated = OrganisationUnitState(id=state.id, revision=state.revision + 1, versions=[*earlier, new])
    await repository.save_unit(session, state=updated)
    await _publish(session, UNIT_UPDATED, updated, start, changed=changed)
    return updated


async def close_unit(session: AsyncSession, *, state: OrganisationUnitState, effective_date: date) -> OrganisationUnitState:
    """Close a locked unit from ``effective_date`` (nedläggning); its children must be gone by then."""
    latest = state.versions[-1]
    if latest.valid_to is not None:
        raise ProblemError(422, f"The unit is already closed from {latest.valid_to}.", kind="unit-closed")
    # Closing on the latest version's first day would leave that version with no day at all.
    _check_not_before_latest(latest, effective_date, inclusive=False)
    children = await repository.open_children(session, unit_id=state.id, from_date=effective_date)
    if children:
        raise ProblemError(
            422, f"The unit still has units under it on or after {effective_date}; close or move them first.",
            kind="unit-has-children",
            children=[{"id": str(child.unit_id), "code": child.code, "name": child.name} for child in children],
        )
    closed = OrganisationUnitState(
        id=state.id,
        revision=state.revision + 1,
        versions=[*state.versions[:-1], latest.model_copy(update={"valid_to": effective_date})],
    )
    await repository.save_unit(session, state=closed)
    await _publish(session, UNIT_CLOSED, closed, effective_date, changed=["closed"])
    return closed


def _check_not_before_latest(latest: OrganisationUnitVersion, effective_date: date, *, inclusive: bool) -> None:
    if effective_date > latest.valid_from or (inclusive and effective_date == latest.valid_from):
        return
    limit = "on or after" if inclusive else "after"
    raise ProblemError(
        422, f"The change must take effect {limit} {latest.valid_from}, when the unit's latest version starts; history is not rewritten.",
        kind="effective-date-too-early", latest_valid_from=latest.valid_from,
    )


async def _check_parent(
    session: AsyncSession, *, unit_type: OrganisationUnitType, parent_id: uuid.UUID | None, start: date, end: date | None
) -> None:
    """The parent exists, has an allowed type and stays in effect for the whole period [start, end)."""
    if parent_id is None:
        check_parent_type(unit_type, None)
        return
    parent = await repository.lock_unit(session, unit_id=parent_id, shared=True)
    if parent is None:
        raise ProblemError(422, f"The parent {parent_id} does not exist.", kind="parent-not-found")
    check_parent_type(unit_type, parent.versions[0].type)
    parent_start, parent_end = parent.versions[0].valid_from, parent.versions[-1].valid_to
    if start < parent_start or (parent_end is not None and (end is None or end > parent_end)):
        raise ProblemError(
            422, f"The parent exists from {parent_start}" + (f" until {parent_end}" if parent_end else "")
            + f"; it must exist for the whole period from {start}" + (f" until {end}." if end else "."),
            kind="parent-not-in-effect",
        )


async def _publish(session: AsyncSession, type: str, state: OrganisationUnitState, effective_date: date, *, changed: list[str]) -> None:
    await events.record(
        session, type=type, subject=str(state.id), schema_version=SCHEMA_VERSION,
        data=OrganisationUnitChanged(unit=state, effective_date=effective_date, changed=changed),
    )
