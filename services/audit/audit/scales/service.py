"""Rules of risk scales: consistent grids, versions by code, locked once an analysis uses them."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.problems import ProblemError

from audit import access
from audit.auditlog import service as log
from audit.scales import repository
from audit.scales.schemas import RiskScale, ScaleCell, ScaleContent, ScaleCreate
from servicekit.orgtree import stockholm_today


def render(row, *, locked: bool) -> RiskScale:
    data = dict(row._mapping)
    cells = [
        ScaleCell(probability=p, consequence=c, value=p * c, level=data["grid"][p - 1][c - 1])
        for p in range(1, len(data["probability_levels"]) + 1)
        for c in range(1, len(data["consequence_levels"]) + 1)
    ]
    return RiskScale(**data, locked=locked, cells=cells)


def assess(scale_row, *, probability: int, consequence: int) -> tuple[int, str]:
    """(riskvärde, risknivå) of a risk on a scale; 422 when a value is outside the scale."""
    problems = []
    if not 1 <= probability <= len(scale_row.probability_levels):
        problems.append(f"probability must be 1–{len(scale_row.probability_levels)}")
    if not 1 <= consequence <= len(scale_row.consequence_levels):
        problems.append(f"consequence must be 1–{len(scale_row.consequence_levels)}")
    if problems:
        raise ProblemError(
            422, f"Outside the risk scale {scale_row.code} v{scale_row.version}: {'; '.join(problems)}.",
            kind="outside-scale", scale_id=str(scale_row.id),
        )
    return probability * consequence, scale_row.grid[probability - 1][consequence - 1]


async def require(session: AsyncSession, scale_id: uuid.UUID, *, lock: bool = False):
    row = await repository.get(session, scale_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No risk scale {scale_id}.", kind="scale-not-found")
    return row


async def get_scale(session: AsyncSession, *, scale_id: uuid.UUID) -> RiskScale:
    row = await require(session, scale_id)
    return render(row, locked=await repository.is_used(session, scale_id))


async def _check_owner(session: AsyncSession, principal: Principal, owner_unit_id: uuid.UUID | None) -> uuid.UUID | None:
    if owner_unit_id is None:
        if "admin" not in principal.roles:
            raise ProblemError(403, "Only admin writes the city-wide scales; give owner_unit_id.", kind="forbidden")
        return None
    committee = await access.require_committee(session, unit_id=owner_unit_id, as_of=stockholm_today())
    await access.require_reach(session, principal, committee_id=committee, unit_id=owner_unit_id)
    return committee


async def create_scale(session: AsyncSession, principal: Principal, *, data: ScaleCreate) -> RiskScale:
    committee = await _check_owner(session, principal, data.owner_unit_id)
    values = data.model_dump(mode="json") | {
        "id": uuid.uuid4(), "version": await repository.next_version(session, data.code),
        "owner_unit_id": data.owner_unit_id, "is_default": False, "revision": 1,
    }
    await repository.insert_scale(session, values)
    scale = render(await require(session, values["id"]), locked=False)
    await log.append(
        session, principal, action="risk_scale.created", entity_type="risk_scale", entity_id=scale.id,
        committee_id=committee, before=None, after=scale,
    )
    return scale


async def change_scale(session: AsyncSession, principal: Principal, *, row, data: ScaleContent) -> RiskScale:
    committee = await _check_owner(session, principal, row.owner_unit_id)
    if await repository.is_used(session, row.id):
        raise ProblemError(
            409, f"Risk scale {row.code} v{row.version} is used by a risk analysis and is locked; create a new version.",
            kind="scale-locked",
        )
    before = render(row, locked=False)
    await repository.update_scale(session, row.id, data.model_dump(mode="json") | {"revision": row.revision + 1})
    scale = render(await require(session, row.id), locked=False)
    await log.append(
        session, principal, action="risk_scale.changed", entity_type="risk_scale", entity_id=row.id,
        committee_id=committee, before=before, after=scale,
    )
    return scale
