"""Rules of the goal structure (målstrukturen).

Levels are configuration: each has a rank (1 at the top), the unit types that own its goals and
the roles that write them. A goal names the goal one rank above it; the link must not skip or
invert levels, must lie within the parent's years, must come from the parent's unit or one
below it, and must not loop. Each change records a ``goals.goal.*`` event with the full state.
"""

import uuid

from contracts.goals import GOAL_CREATED, GOAL_UPDATED, SCHEMA_VERSION, GoalChanged, GoalState, GoalStatus
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.pagination import PageParams, build_page
from servicekit.problems import ProblemError

from goals import access, cursors
from goals.structure import repository
from goals.structure.schemas import ChainLink, GoalChange, GoalCreate, GoalLevel, GoalLevelChange, GoalLevelCreate, Horizon

events = EventPublisher("goals")


def render_level(row: Row) -> GoalLevel:
    return GoalLevel(
        code=row.code, revision=row.revision, rank=row.rank, name_sv=row.name_sv, name_en=row.name_en, horizon=row.horizon,
        owner_unit_types=row.owner_unit_types, writer_roles=row.writer_roles,
    )


def render_goal(row: Row) -> GoalState:
    return GoalState(
        id=row.id, revision=row.revision, level=row.level_code, level_rank=row.level_rank, unit_id=row.unit_id,
        from_year=row.from_year, to_year=row.to_year, parent_id=row.parent_id, title=row.title,
        description=row.description, status=row.status,
    )


def chain_link(row: Row) -> ChainLink:
    return ChainLink(
        id=row.id, level=row.level_code, level_name_sv=row.level_name_sv, unit_id=row.unit_id,
        from_year=row.from_year, to_year=row.to_year, title=row.title,
    )


# --- levels ---

async def create_level(session: AsyncSession, *, data: GoalLevelCreate) -> GoalLevel:
    levels = await repository.lock_levels(session)
    if any(level.code == data.code for level in levels):
        raise ProblemError(422, f"A goal level {data.code} exists already.", kind="level-exists")
    lowest = len(levels)
    if data.rank > lowest + 1:
        raise ProblemError(
            422, f"Ranks run 1–{lowest} today; a new level goes at rank {lowest + 1} at most.", kind="rank-gap",
        )
    in_use = await repository.goals_at_or_below_rank(session, rank=data.rank)
    if in_use:
        raise ProblemError(
            422, f"{in_use} goals exist at rank {data.rank} or below; a level inserted there would make their links skip it.",
            kind="level-in-use",
        )
    await repository.shift_ranks_down(session, from_rank=data.rank)
    await repository.insert_level(session, values={**data.model_dump(mode="json"), "revision": 1})
    return render_level(await repository.get_level(session, code=data.code))


async def lock_level(session: AsyncSession, *, code: str) -> Row:
    level = await repository.get_level(session, code=code, lock=True)
    if level is None:
        raise ProblemError(404, f"No goal level {code}.", kind="level-not-found")
    return level


async def change_level(session: AsyncSession, *, level: Row, change: GoalLevelChange) -> GoalLevel:
    values = change.model_dump(mode="json", exclude_unset=True)
    if None in values.values():
        raise ProblemError(422, "Fields of a level cannot be set to null.", kind="validation-error")
    await repository.update_level(session, code=level.code, values={**values, "revision": level.revision + 1})
    return render_level(await repository.get_level(session, code=level.code))


# --- goals ---

async def get_goal(session: AsyncSession, *, goal_id: uuid.UUID, lock: bool = False) -> Row:
    goal = await repository.get_goal(session, goal_id=goal_id, lock=lock)
    if goal is None:
        raise ProblemError(404, f"No goal {goal_id}.", kind="goal-not-found")
    return goal


async def list_goals(session: AsyncSession, *, params: PageParams, **filters) -> tuple[list[GoalState], str | None]:
    after = cursors.position(params, rank=cursors.whole, title=cursors.text, id=uuid.UUID)
    rows = await repository.list_goals(session, limit=params.limit, after=after, **filters)
    rows, next_cursor = build_page(rows, params, lambda row: {"rank": row.level_rank, "title": row.title, "id": str(row.id)})
    return [render_goal(row) for row in rows], next_cursor


async def create_goal(session: AsyncSession, *, principal: Principal, data: GoalCreate) -> GoalState:
    level = await repository.get_level(session, code=data.level)
    if level is None:
        raise ProblemError(422, f"No goal level {data.level}.", kind="level-not-found")
    to_year = data.to_year if data.to_year is not None else data.from_year
    await _check_writer(session, principal, level=level, unit_id=data.unit_id, year=data.from_year, to_year=to_year)
    await _check_owner_and_years(session, level=level, unit_id=data.unit_id, from_year=data.from_year, to_year=to_year)
    goal_id = uuid.uuid4()
    await _check_parent(
        session, goal_id=goal_id, level=level, unit_id=data.unit_id, parent_id=data.parent_id,
        from_year=data.from_year, to_year=to_year,
    )
    await repository.insert_goal(
        session,
        values={
            "id": goal_id, "revision": 1, "level_code": level.code, "unit_id": data.unit_id, "from_year": data.from_year,
            "to_year": to_year, "parent_id": data.parent_id, "title": data.title, "description": data.description,
            "status": GoalStatus.active.value,
        },
    )
    state = render_goal(await repository.get_goal(session, goal_id=goal_id))
    await _publish(session, GOAL_CREATED, state)
    return state


async def authorise_goal_write(session: AsyncSession, principal: Principal, *, goal: Row) -> None:
    level = await repository.get_level(session, code=goal.level_code)
    await _check_writer(session, principal, level=level, unit_id=goal.unit_id, year=goal.from_year, to_year=goal.to_year)


async def change_goal(session: AsyncSession, *, goal: Row, change: GoalChange) -> GoalState:
    """Change a locked goal whose writer was authorised (``authorise_goal_write``)."""
    level = await repository.get_level(session, code=goal.level_code)
    given = change.model_fields_set
    values = {field: getattr(change, field) for field in given}
    from_year = values.get("from_year", goal.from_year)
    to_year = values.get("to_year", goal.to_year)
    if to_year < from_year:
        raise ProblemError(422, "to_year must not be before from_year.", kind="invalid-years")
    parent_id = values.get("parent_id", goal.parent_id)
    if {"from_year", "to_year"} & given:
        await _check_owner_and_years(session, level=level, unit_id=goal.unit_id, from_year=from_year, to_year=to_year)
        await _check_dependants_within(session, goal_id=goal.id, from_year=from_year, to_year=to_year)
    if {"from_year", "to_year", "parent_id"} & given:
        await _check_parent(
            session, goal_id=goal.id, level=level, unit_id=goal.unit_id, parent_id=parent_id,
            from_year=from_year, to_year=to_year,
        )
    if values.get("status") == GoalStatus.withdrawn and goal.status != GoalStatus.withdrawn:
        children = await repository.active_children(session, goal_id=goal.id)
        if children:
            raise ProblemError(
                422, "Goals below still support this goal; withdraw or relink them first.", kind="goal-has-children",
                children=[{"id": str(child.id), "title": child.title} for child in children],
            )
    if "status" in values:
        values["status"] = values["status"].value
    await repository.update_goal(session, goal_id=goal.id, values={**values, "revision": goal.revision + 1})
    state = render_goal(await repository.get_goal(session, goal_id=goal.id))
    await _publish(session, GOAL_UPDATED, state)
    return state


async def _check_writer(
    session: AsyncSession, principal: Principal, *, level: Row, unit_id: uuid.UUID, year: int, to_year: int
) -> None:
    """The level names who writes its goals; they write only for units in their scope."""
    await access.require_unit_access(session, principal, unit_id=unit_id, year=year, to_year=to_year, roles=level.writer_roles)


async def _check_owner_and_years(session: AsyncSession, *, level: Row, unit_id: uuid.UUID, from_year: int, to_year: int) -> None:
    unit_type = await repository.unit_type(session, unit_id=unit_id)
    if unit_type is None:
        raise ProblemError(422, f"No organisation unit {unit_id}.", kind="unit-not-found")
    if unit_type not in level.owner_unit_types:
        raise ProblemError(
            422, f"Goals at level {level.code} ({level.name_sv}) belong to a unit of type {', '.join(level.owner_unit_types)}, "
            f"not a {unit_type}.", kind="wrong-goal-owner", allowed_unit_types=list(level.owner_unit_types),
        )
    if level.horizon == Horizon.year and to_year != from_year:
        raise ProblemError(422, f"Goals at level {level.code} hold for one year.", kind="invalid-years")
    # The unit must exist during the span, not throughout it: a vision predates today's tree.
    await access.unit_lineage(session, unit_id=unit_id, year=from_year, to_year=to_year)


async def _check_parent(
    session: AsyncSession, *, goal_id: uuid.UUID, level: Row, unit_id: uuid.UUID, parent_id: uuid.UUID | None,
    from_year: int, to_year: int,
) -> None:
    if level.rank == 1:
        if parent_id is not None:
            raise ProblemError(422, f"Level {level.code} is the top of the structure; its goals have no parent.", kind="level-inverted")
        return
    if parent_id is None:
        raise ProblemError(
            422, f"A goal at level {level.code} must name the goal one level above it that it supports (parent_id).",
            kind="parent-required",
        )
    parent = await repository.get_goal(session, goal_id=parent_id)
    if parent is None:
        raise ProblemError(422, f"The parent goal {parent_id} does not exist.", kind="parent-not-found")
    if goal_id in await repository.ancestor_ids(session, goal_id=parent_id):
        raise ProblemError(422, "The parent is this goal or lies below it; the structure cannot loop.", kind="cycle")
    if parent.level_rank >= level.rank:
        raise ProblemError(
            422, f"The parent is at level {parent.level_code} (rank {parent.level_rank}), not above {level.code} (rank {level.rank}).",
            kind="level-inverted",
        )
    if parent.level_rank < level.rank - 1:
        raise ProblemError(
            422, f"The parent is at level {parent.level_code} (rank {parent.level_rank}); a goal at {level.code} "
            f"(rank {level.rank}) links to the level directly above it, without skipping one.",
            kind="level-skipped",
        )
    if parent.status != GoalStatus.active:
        raise ProblemError(422, "The parent goal is withdrawn.", kind="parent-withdrawn")
    if from_year < parent.from_year or to_year > parent.to_year:
        raise ProblemError(
            422, f"The goal holds {from_year}–{to_year}, outside its parent's years {parent.from_year}–{parent.to_year}.",
            kind="years-outside-parent", parent_from_year=parent.from_year, parent_to_year=parent.to_year,
        )
    lineage = await access.unit_lineage(session, unit_id=unit_id, year=from_year, to_year=to_year)
    if parent.unit_id not in lineage:
        raise ProblemError(
            422, "The parent goal belongs to a unit that is neither this goal's unit nor above it.",
            kind="parent-outside-organisation",
        )


async def _check_dependants_within(session: AsyncSession, *, goal_id: uuid.UUID, from_year: int, to_year: int) -> None:
    children = await repository.children_outside_years(session, goal_id=goal_id, from_year=from_year, to_year=to_year)
    if children:
        raise ProblemError(
            422, f"Goals below hold outside {from_year}–{to_year}.", kind="children-outside-years",
            children=[{"id": str(c.id), "title": c.title, "from_year": c.from_year, "to_year": c.to_year} for c in children],
        )
    outside = await repository.commitments_outside_years(session, goal_id=goal_id, from_year=from_year, to_year=to_year)
    if outside:
        raise ProblemError(
            422, f"Commitments supporting this goal are for years outside {from_year}–{to_year}.",
            kind="commitments-outside-years", commitments=[{"id": str(c.id), "year": c.year} for c in outside],
        )


async def _publish(session: AsyncSession, type: str, state: GoalState) -> None:
    await events.record(session, type=type, subject=str(state.id), schema_version=SCHEMA_VERSION, data=GoalChanged(goal=state))
