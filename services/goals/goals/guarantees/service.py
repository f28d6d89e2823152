"""Rules of quality guarantees (kvalitetsgarantier): versions, adoption, publication, withdrawal.

A guarantee belongs to one unit and year. Its first version is a draft the unit writes; the
draft is adopted (fastställd) with the unit's business plan, by the plan's decision, and then
published for residents. A change after adoption starts a new version (a draft again) that needs
a decision of its own before it can be published; the published version stays public until the
new one replaces it. Promises keep their ids across versions, so a complaint about a promise
refers to the same promise whatever version the resident read. Publication and withdrawal each
record an event with the version's full state.
"""

import uuid
from datetime import UTC, datetime

from contracts.decisions import DecisionRef
from contracts.guarantees import (
    GUARANTEE_PUBLISHED, GUARANTEE_WITHDRAWN, SCHEMA_VERSION, ContactChannel, GuaranteePromise, GuaranteeStatus,
    QualityGuaranteeChanged, QualityGuaranteeState,
)
from contracts.organisation import OrganisationUnitType
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import get_unit_state, stockholm_today
from servicekit.pagination import PageParams, build_page
from servicekit.problems import ProblemError

from goals import cursors
from goals.access import require_unit_access, unit_lineage, units_below
from goals.commitments.schemas import DecisionInput
from goals.guarantees import repository
from goals.guarantees.schemas import GuaranteeChange, GuaranteeCreate, PromiseInput, PublishedQualityGuarantee
from goals.models import commitments, org_tables

events = EventPublisher("goals")
WRITER_ROLES = ("unit_manager", "controller")  # the unit writes its guarantee; its controller may help
DECIDER_ROLES = ("committee",)
PUBLISHER_ROLES = ("unit_manager", "controller", "committee")
COMMITTEE_TYPES = {OrganisationUnitType.district_committee, OrganisationUnitType.specialist_committee, OrganisationUnitType.company_board}


def _not_found(guarantee_id: uuid.UUID) -> ProblemError:
    return ProblemError(404, f"No quality guarantee {guarantee_id}.", kind="guarantee-not-found")


async def load(session: AsyncSession, principal: Principal, *, guarantee_id: uuid.UUID, roles, lock: bool = False) -> list[QualityGuaranteeState]:
    """The guarantee's versions, after checking role and scope on its unit (``roles`` None: any reader)."""
    versions = await repository.load(session, guarantee_id=guarantee_id, lock=lock)
    if not versions:
        raise _not_found(guarantee_id)
    await require_unit_access(session, principal, unit_id=versions[0].unit_id, year=versions[0].year, roles=roles)
    return versions


async def create(session: AsyncSession, principal: Principal, *, data: GuaranteeCreate) -> QualityGuaranteeState:
    await require_unit_access(session, principal, unit_id=data.unit_id, year=data.year, roles=WRITER_ROLES)
    existing = await repository.find_id(session, unit_id=data.unit_id, year=data.year)
    if existing is not None:
        raise ProblemError(
            422, f"The unit already has a quality guarantee for {data.year}; change that one.",
            kind="guarantee-exists", guarantee_id=str(existing),
        )
    promises = await _promises(session, data.promises, known=set(), unit_id=data.unit_id, year=data.year)
    state = QualityGuaranteeState(
        id=uuid.uuid4(), unit_id=data.unit_id, year=data.year, version=1, revision=1, status=GuaranteeStatus.draft,
        business_idea=data.business_idea, promises=promises, feedback_routine=data.feedback_routine,
        contact_channel=ContactChannel(**data.contact_channel.model_dump()),
    )
    await repository.insert_guarantee(session, state=state, authors=[principal.subject])
    return state


async def change(session: AsyncSession, principal: Principal, *, versions: list[QualityGuaranteeState], data: GuaranteeChange) -> QualityGuaranteeState:
    """Edit the draft, or start a new draft version when the newest one is adopted or later."""
    latest = versions[-1]
    given = data.model_fields_set
    update: dict = {}
    if "business_idea" in given:
        update["business_idea"] = data.business_idea
    if "feedback_routine" in given:
        update["feedback_routine"] = data.feedback_routine
    if "contact_channel" in given:
        update["contact_channel"] = ContactChannel(**data.contact_channel.model_dump())
    if "promises" in given:
        known = {promise.id for version in versions for promise in version.promises}
        update["promises"] = await _promises(session, data.promises, known=known, unit_id=latest.unit_id, year=latest.year)
    revision = latest.revision + 1
    if latest.status == GuaranteeStatus.draft:
        new = latest.model_copy(update={**update, "revision": revision})
        await repository.update_version(session, state=new, add_author=principal.subject)
    else:
        new = latest.model_copy(update={
            **update, "revision": revision, "version": latest.version + 1, "status": GuaranteeStatus.draft,
            "adopted_by": None, "published_at": None, "withdrawn_at": None, "withdrawal_reason": None,
        })
        await repository.insert_version(session, state=new, authors=[principal.subject])
    await repository.set_revision(session, guarantee_id=new.id, revision=revision)
    return new


async def adopt(session: AsyncSession, principal: Principal, *, versions: list[QualityGuaranteeState], decision: DecisionInput) -> QualityGuaranteeState:
    """Fastställ the newest draft by a decision of a body at or above the unit."""
    latest = versions[-1]
    lineage = await unit_lineage(session, unit_id=latest.unit_id, year=latest.year)
    if decision.body_id not in lineage:
        raise ProblemError(
            422, "The deciding body must be the guarantee's unit or a unit above it (normally the committee, nämnden).",
            kind="decision-body-outside",
        )
    ref = DecisionRef(**decision.model_dump(), recorded_by=principal.subject)
    adopted = await _adopt_latest(session, versions=versions, decision=ref, actor=principal.subject)
    if adopted is None:
        raise ProblemError(422, f"Version {latest.version} is {latest.status.value}; there is no draft to adopt.", kind="nothing-to-adopt")
    return adopted


async def adopt_with_plan(
    session: AsyncSession, *, unit_id: uuid.UUID, year: int, decision: DecisionRef, actor: str
) -> QualityGuaranteeState | None:
    """Called by the business plan's adoption: adopt the unit's guarantee for the year with the plan's decision.

    Nothing happens when the unit has no guarantee for the year or its newest version is already
    adopted (or published); a draft written by ``actor`` is refused, as for any adoption.
    """
    guarantee_id = await repository.find_id(session, unit_id=unit_id, year=year)
    if guarantee_id is None:
        return None
    versions = await repository.load(session, guarantee_id=guarantee_id, lock=True)
    return await _adopt_latest(session, versions=versions, decision=decision, actor=actor)


async def _adopt_latest(
    session: AsyncSession, *, versions: list[QualityGuaranteeState], decision: DecisionRef, actor: str
) -> QualityGuaranteeState | None:
    latest = versions[-1]
    if latest.status != GuaranteeStatus.draft:
        return None
    if actor in await repository.authors(session, guarantee_id=latest.id, version=latest.version):
        raise ProblemError(
            403, "You wrote this version of the quality guarantee; someone else must adopt it.", kind="own-submission",
        )
    adopted = latest.model_copy(update={"status": GuaranteeStatus.adopted, "adopted_by": decision, "revision": latest.revision + 1})
    await repository.update_version(session, state=adopted)
    await repository.set_revision(session, guarantee_id=adopted.id, revision=adopted.revision)
    return adopted


async def publish(session: AsyncSession, *, versions: list[QualityGuaranteeState]) -> QualityGuaranteeState:
    """Publish the newest adopted version; the version published before it is superseded."""
    published = next((v for v in reversed(versions) if v.status == GuaranteeStatus.published), None)
    candidate = next((v for v in reversed(versions) if v.status == GuaranteeStatus.adopted), None)
    if candidate is None or (published is not None and candidate.version < published.version):
        raise ProblemError(
            422, "There is no adopted version to publish; a version is adopted with the business plan or by a decision.",
            kind="not-adopted",
        )
    revision = versions[-1].revision + 1
    if published is not None:
        await repository.update_version(session, state=published.model_copy(update={"status": GuaranteeStatus.superseded}))
    new = candidate.model_copy(update={"status": GuaranteeStatus.published, "published_at": datetime.now(UTC), "revision": revision})
    await repository.update_version(session, state=new)
    await repository.set_revision(session, guarantee_id=new.id, revision=revision)
    await _record(session, GUARANTEE_PUBLISHED, new)
    return new


async def withdraw(session: AsyncSession, *, versions: list[QualityGuaranteeState], reason: str) -> QualityGuaranteeState:
    published = next((v for v in versions if v.status == GuaranteeStatus.published), None)
    if published is None:
        raise ProblemError(422, "The quality guarantee is not published; there is nothing to withdraw.", kind="not-published")
    revision = versions[-1].revision + 1
    new = published.model_copy(update={
        "status": GuaranteeStatus.withdrawn, "withdrawn_at": datetime.now(UTC), "withdrawal_reason": reason, "revision": revision,
    })
    await repository.update_version(session, state=new)
    await repository.set_revision(session, guarantee_id=new.id, revision=revision)
    await _record(session, GUARANTEE_WITHDRAWN, new)
    return new


async def _record(session: AsyncSession, type: str, state: QualityGuaranteeState) -> None:
    await events.record(session, type=type, subject=str(state.id), schema_version=SCHEMA_VERSION, data=QualityGuaranteeChanged(guarantee=state))


async def _promises(
    session: AsyncSession, given: list[PromiseInput], *, known: set[uuid.UUID], unit_id: uuid.UUID, year: int
) -> list[GuaranteePromise]:
    """Keep known ids, give new promises new ids; linked commitments must be the unit's, that year."""
    ids = [promise.id for promise in given if promise.id is not None]
    unknown = sorted(str(promise_id) for promise_id in set(ids) - known)
    if unknown:
        raise ProblemError(
            422, "Promise ids must come from an earlier version of this guarantee; omit the id for a new promise.",
            kind="unknown-promise", promise_ids=unknown,
        )
    if len(ids) != len(set(ids)):
        raise ProblemError(422, "A promise appears twice.", kind="duplicate-promise")
    linked = {promise.commitment_id for promise in given if promise.commitment_id is not None}
    if linked:
        found = set(await session.scalars(
            select(commitments.c.id).where(commitments.c.id.in_(linked), commitments.c.unit_id == unit_id, commitments.c.year == year)
        ))
        if linked - found:
            raise ProblemError(
                422, f"A promise can rest only on the unit's own commitments for {year}.", kind="commitment-not-of-unit",
                commitment_ids=sorted(str(c) for c in linked - found),
            )
    return [GuaranteePromise(id=promise.id or uuid.uuid4(), text=promise.text, commitment_id=promise.commitment_id) for promise in given]


def _cursor(params: PageParams) -> tuple[int, uuid.UUID] | None:
    return cursors.position(params, year=cursors.whole, id=uuid.UUID)


def _position(state) -> dict:
    return {"year": state.year, "id": str(state.id)}


async def list_latest(session: AsyncSession, *, where: list[ColumnElement[bool]], params: PageParams):
    rows = await repository.list_latest(session, where=where, after=_cursor(params), limit=params.limit + 1)
    return build_page(rows, params, _position)


async def list_published(
    session: AsyncSession, *, unit_id: uuid.UUID | None, committee_id: uuid.UUID | None, year: int | None, params: PageParams,
) -> tuple[list[PublishedQualityGuarantee], str | None]:
    """A unit's or a committee's published guarantees, as residents read them."""
    if (unit_id is None) == (committee_id is None):
        raise ProblemError(422, "Give exactly one of unit_id and committee_id.", kind="unit-or-committee-required")
    where = []
    if committee_id is not None:
        committee = await get_unit_state(session, org_tables, unit_id=committee_id)
        if committee is None or committee.versions[0].type not in COMMITTEE_TYPES:
            raise ProblemError(422, f"{committee_id} is not a committee (nämnd).", kind="not-a-committee")
        where.append(repository.GUARANTEES.c.unit_id.in_(units_below([committee_id])))
    else:
        where.append(repository.GUARANTEES.c.unit_id == unit_id)
    if year is not None:
        where.append(repository.GUARANTEES.c.year == year)
    rows = await repository.list_published(session, where=where, after=_cursor(params), limit=params.limit + 1)
    rows, next_cursor = build_page(rows, params, _position)
    names = await repository.unit_names(session, unit_ids={row.unit_id for row in rows}, as_of=stockholm_today())
    return [public_view(row, names[row.unit_id]) for row in rows], next_cursor


def public_view(state: QualityGuaranteeState, unit: tuple[str, str]) -> PublishedQualityGuarantee:
    """What a resident sees: no one's subject id, only the decision's reference and date."""
    decision = state.adopted_by
    return PublishedQualityGuarantee(
        id=state.id, unit_id=state.unit_id, unit_code=unit[0], unit_name=unit[1], year=state.year, version=state.version,
        business_idea=state.business_idea, promises=state.promises, feedback_routine=state.feedback_routine,
        contact_channel=state.contact_channel, adopted_on=decision.decided_on if decision else None,
        decision_reference=decision.reference if decision else None, published_at=state.published_at,
    )


async def published_one(session: AsyncSession, *, guarantee_id: uuid.UUID) -> PublishedQualityGuarantee:
    versions = await repository.load(session, guarantee_id=guarantee_id)
    published = next((v for v in versions if v.status == GuaranteeStatus.published), None)
    if published is None:
        raise ProblemError(404, f"No published quality guarantee {guarantee_id}.", kind="guarantee-not-found")
    names = await repository.unit_names(session, unit_ids={published.unit_id}, as_of=stockholm_today())
    return public_view(published, names[published.unit_id])
