"""Rules of business plans and commitments (verksamhetsplan och åtaganden).

Workflow: draft → submitted → approved | returned (trovärdighetsbedömning, by a controller or the
committee, never an author) → adopted (fastställt: with the unit's plan by one decision, or on its
own by a later decision when the plan was adopted already) → followed_up → closed. Before adoption
there is one version, edited in place. After adoption every change needs a decision and becomes a
new version holding from the decision's date; the earlier versions stay, so the version in force
on any day, and the decision behind it, is one read. Every change records a full-state event.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from contracts.decisions import DecisionRef
from contracts.goals import (
    BUSINESS_PLAN_ADOPTED,
    COMMITMENT_ADOPTED,
    COMMITMENT_ASSESSED,
    COMMITMENT_CHANGED,
    COMMITMENT_CLOSED,
    COMMITMENT_DRAFTED,
    COMMITMENT_SUBMITTED,
    SCHEMA_VERSION,
    BusinessPlanAdopted,
    BusinessPlanState,
    BusinessPlanStatus,
    CommitmentChanged,
    CommitmentState,
    CommitmentStatus,
    CommitmentVersion,
    Comparison,
    CredibilityOutcome,
    FollowUpPlan,
    GoalStatus,
    WaysOfWorking,
)
from sqlalchemy import Row, func
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.assertion import Principal
from servicekit.events.outbox import EventPublisher
from servicekit.orgtree import stockholm_today
from servicekit.pagination import PageParams, build_page
from servicekit.problems import ProblemError

from goals import access, cursors
from goals.commitments import repository
from goals.guarantees import service as guarantees_service
from goals.structure import repository as structure_repository
from goals.structure import service as structure_service
from goals.structure.schemas import CommitmentSight, LineOfSight
from goals.commitments.schemas import (
    AssessmentInput,
    BusinessPlan,
    Commitment,
    CommitmentChangeByDecision,
    CommitmentContent,
    CommitmentCreate,
    CommitmentEdit,
    CommitmentSummary,
    CommitmentVersionOut,
    DecisionInput,
    ResponsiblePerson,
)

events = EventPublisher("goals")

AUTHOR_ROLES = ("unit_manager",)  # draft, edit, submit (enhetschef)
ASSESSOR_ROLES = ("controller", "committee")  # trovärdighetsbedömning
DECIDER_ROLES = ("committee",)  # fastställa, besluta om ändring
CLOSER_ROLES = ("unit_manager", "committee")
EDITABLE = {CommitmentStatus.draft, CommitmentStatus.returned, CommitmentStatus.approved}
IN_FORCE = {CommitmentStatus.adopted, CommitmentStatus.followed_up}
_POLARITY_COMPARISONS = {
    "higher_is_better": {Comparison.at_least, Comparison.more_than},
    "lower_is_better": {Comparison.at_most, Comparison.less_than},
}
_CONTENT_FIELDS = ("description", "expected_result", "ways_of_working", "resource_use", "follow_up_plan")


@dataclass(frozen=True)
class Loaded:
    """A commitment row and all its versions, oldest first."""

    row: Row
    versions: list[Row]

    @property
    def newest(self) -> Row:
        return self.versions[-1]

    @property
    def status(self) -> CommitmentStatus:
        return CommitmentStatus(self.row.status)


# --- rendering ---

def _content(version: Row) -> CommitmentContent:
    stored = version.content
    responsible = (
        ResponsiblePerson(subject_id=version.responsible_subject, unit_id=version.responsible_unit_id)
        if version.responsible_subject else None
    )
    return CommitmentContent.model_validate(
        {
            "title": version.title, "committee_goal_id": version.committee_goal_id, "responsible": responsible,
            **{field: stored.get(field) for field in _CONTENT_FIELDS},
        }
    )


def render_version(version: Row) -> CommitmentVersionOut:
    content = _content(version)
    return CommitmentVersionOut(
        version=version.version, effective_from=version.effective_from,
        decision=DecisionRef.model_validate(version.decision) if version.decision else None,
        title=content.title, description=content.description, committee_goal_id=content.committee_goal_id,
        expected_result=content.expected_result, ways_of_working=content.ways_of_working or WaysOfWorking(),
        resource_use=content.resource_use, follow_up_plan=content.follow_up_plan or FollowUpPlan(),
        responsible=content.responsible,
    )


def render(loaded: Loaded, *, as_of: date | None = None) -> Commitment:
    """The commitment with its newest version, or the version in force on ``as_of`` (404 if none held then)."""
    version = loaded.newest
    if as_of is not None:
        version = version_in_force(loaded.versions, as_of)
        if version is None:
            raise ProblemError(
                404, f"No adopted version of commitment {loaded.row.id} held on {as_of}.", kind="no-version-in-force",
            )
    row = loaded.row
    return Commitment(
        id=row.id, revision=row.revision, business_plan_id=row.business_plan_id, unit_id=row.unit_id, year=row.year,
        status=row.status, proposed_from_finding_id=row.proposed_from_finding_id, assessment=row.assessment,
        as_of=as_of, version=render_version(version), versions=len(loaded.versions),
    )


def event_state(loaded: Loaded) -> CommitmentState:
    """The full state as events carry it: no subject ids (the responsible person travels as a unit)."""
    row = loaded.row
    versions = []
    for version in loaded.versions:
        out = render_version(version)
        versions.append(
            CommitmentVersion(
                **out.model_dump(exclude={"responsible"}),
                responsible_unit_id=out.responsible.unit_id if out.responsible else None,
            )
        )
    return CommitmentState(
        id=row.id, revision=row.revision, business_plan_id=row.business_plan_id, unit_id=row.unit_id, year=row.year,
        status=row.status, proposed_from_finding_id=row.proposed_from_finding_id, assessment=row.assessment,
        versions=versions,
    )


def version_in_force(versions: list[Row], on: date) -> Row | None:
    """The adopted version holding on ``on``: the latest effective_from on or before it (the higher version on a tie)."""
    held = [v for v in versions if v.effective_from is not None and v.effective_from <= on]
    return max(held, key=lambda v: (v.effective_from, v.version)) if held else None


async def render_plan(session: AsyncSession, plan: Row) -> BusinessPlan:
    rows = await repository.plan_commitments(session, plan_id=plan.id)
    return BusinessPlan(
        id=plan.id, revision=plan.revision, unit_id=plan.unit_id, year=plan.year, status=plan.status,
        decision=DecisionRef.model_validate(plan.decision) if plan.decision else None,
        commitments=[CommitmentSummary(id=row.id, title=row.title, status=row.status) for row in rows],
    )


# --- loading and authorisation ---

async def load(session: AsyncSession, *, commitment_id: uuid.UUID, lock: bool = False) -> Loaded:
    row = await repository.get_commitment(session, commitment_id=commitment_id, lock=lock)
    if row is None:
        raise ProblemError(404, f"No commitment {commitment_id}.", kind="commitment-not-found")
    versions = (await repository.versions_of(session, commitment_ids=[row.id]))[row.id]
    return Loaded(row=row, versions=versions)


async def authorise(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID, year: int, roles) -> None:
    await access.require_unit_access(session, principal, unit_id=unit_id, year=year, roles=roles)


def _not_an_author(principal: Principal, loaded: Loaded, what: str) -> None:
    if principal.subject in loaded.row.authors:
        raise ProblemError(
            403, f"You wrote this commitment; someone else must {what} it (nobody approves or decides their own).",
            kind="own-submission",
        )


async def get_plan(session: AsyncSession, *, plan_id: uuid.UUID, lock: bool = False) -> Row:
    plan = await repository.get_plan(session, plan_id=plan_id, lock=lock)
    if plan is None:
        raise ProblemError(404, f"No business plan {plan_id}.", kind="business-plan-not-found")
    return plan


# --- business plans ---

async def create_plan(session: AsyncSession, *, principal: Principal, unit_id: uuid.UUID, year: int) -> Row:
    await authorise(session, principal, unit_id=unit_id, year=year, roles=AUTHOR_ROLES + DECIDER_ROLES + ("controller",))
    plan_id = uuid.uuid4()
    if not await repository.insert_plan(session, plan_id=plan_id, unit_id=unit_id, year=year):
        existing = await repository.find_plan(session, unit_id=unit_id, year=year)
        raise ProblemError(
            422, f"The unit already has a business plan for {year}.", kind="business-plan-exists", business_plan_id=str(existing.id),
        )
    return await repository.get_plan(session, plan_id=plan_id)


async def list_plans(
    session: AsyncSession, *, principal: Principal, params: PageParams, unit_id: uuid.UUID | None, within: uuid.UUID | None,
    year: int | None, status: str | None,
) -> tuple[list[BusinessPlan], str | None]:
    access.require_reader(principal)
    plans = repository.PLANS
    where = access.list_filters(
        principal, plans.c.unit_id, within=within, equal={plans.c.unit_id: unit_id, plans.c.year: year, plans.c.status: status},
    )
    after = cursors.position(params, year=cursors.whole, id=uuid.UUID)
    rows = await repository.list_plans(session, limit=params.limit, after=after, where=where)
    rows, next_cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    return [await render_plan(session, row) for row in rows], next_cursor


async def adopt_plan(session: AsyncSession, *, principal: Principal, plan: Row, decision: DecisionInput) -> Row:
    """Fastställ verksamhetsplanen: one decision adopts the plan with its approved commitments (and guarantees)."""
    if plan.status == BusinessPlanStatus.adopted:
        raise ProblemError(422, "The business plan is adopted already; later commitments are adopted one by one.", kind="plan-adopted")
    lineage = await access.unit_lineage(session, unit_id=plan.unit_id, year=plan.year)
    ref = _decision_ref(decision, principal=principal, lineage=lineage)
    rows = await repository.plan_commitments(session, plan_id=plan.id, lock=True)
    approved = [row for row in rows if row.status == CommitmentStatus.approved]
    adopted = []
    for row in approved:
        loaded = await load(session, commitment_id=row.id)
        _not_an_author(principal, loaded, "adopt")
        adopted.append(await _adopt(session, loaded=loaded, decision=ref))
    await repository.touch_plan(
        session, plan_id=plan.id, values={"status": BusinessPlanStatus.adopted.value, "decision": ref.model_dump(mode="json"),
                                          "adopted_at": func.now()},
    )
    # Quality guarantees (kvalitetsgarantier) are adopted by the same decision as the plan.
    await guarantees_service.adopt_with_plan(session=session, unit_id=plan.unit_id, year=plan.year, decision=ref, actor=principal.subject)
    adopted_plan = await repository.get_plan(session, plan_id=plan.id)
    state = BusinessPlanState(
        id=adopted_plan.id, revision=adopted_plan.revision, unit_id=adopted_plan.unit_id, year=adopted_plan.year,
        status=adopted_plan.status, decision=ref, adopted_commitment_ids=[loaded.row.id for loaded in adopted],
    )
    await events.record(
        session, type=BUSINESS_PLAN_ADOPTED, subject=str(plan.id), schema_version=SCHEMA_VERSION,
        data=BusinessPlanAdopted(business_plan=state),
    )
    return adopted_plan


def _decision_ref(decision: DecisionInput, *, principal: Principal, lineage: list[uuid.UUID]) -> DecisionRef:
    if decision.body_id not in lineage:
        raise ProblemError(
            422, "The deciding body must be the plan's unit or a unit above it (normally the committee, nämnden).",
            kind="decision-body-outside",
        )
    return DecisionRef(
        reference=decision.reference, decided_on=decision.decided_on, body_id=decision.body_id, recorded_by=principal.subject,
    )


async def _adopt(session: AsyncSession, *, loaded: Loaded, decision: DecisionRef) -> Loaded:
    await repository.update_version(
        session, commitment_id=loaded.row.id, version=loaded.newest.version,
        values={"effective_from": decision.decided_on, "decision": decision.model_dump(mode="json")},
    )
    return await _save(session, loaded, values={"status": CommitmentStatus.adopted.value}, event=COMMITMENT_ADOPTED)


# --- commitments ---

async def create_commitment(session: AsyncSession, *, principal: Principal, data: CommitmentCreate) -> Loaded:
    plan = await get_plan(session, plan_id=data.business_plan_id, lock=True)
    await authorise(session, principal, unit_id=plan.unit_id, year=plan.year, roles=AUTHOR_ROLES)
    content = CommitmentContent.model_validate(data.model_dump(exclude={"business_plan_id"}, exclude_unset=True))
    await _check_content(session, unit_id=plan.unit_id, year=plan.year, content=content, complete=False)
    return await _insert(session, plan=plan, content=content, author=principal.subject, finding_id=None)


async def _insert(
    session: AsyncSession, *, plan: Row, content: CommitmentContent, author: str, finding_id: uuid.UUID | None, person: bool = True,
) -> Loaded | None:
    commitment_id = uuid.uuid4()
    inserted = await repository.insert_commitment(
        session,
        values={
            "id": commitment_id, "revision": 1, "business_plan_id": plan.id, "unit_id": plan.unit_id, "year": plan.year,
            "status": CommitmentStatus.draft.value, "proposed_from_finding_id": finding_id,
            "authors": [author] if person else [],
        },
    )
    if not inserted:
        return None
    await repository.insert_version(session, values={"commitment_id": commitment_id, "version": 1, **_version_values(content), "created_by": author})
    await repository.touch_plan(session, plan_id=plan.id)
    loaded = await load(session, commitment_id=commitment_id)
    await _publish(session, COMMITMENT_DRAFTED, loaded)
    return loaded


async def edit_commitment(session: AsyncSession, *, principal: Principal, loaded: Loaded, edit: CommitmentEdit) -> Loaded:
    """Edit before adoption; an approved commitment goes back to draft and needs a new assessment."""
    status = loaded.status
    if status == CommitmentStatus.submitted:
        raise ProblemError(422, "The commitment is being assessed; it can be edited once it is returned.", kind="under-assessment")
    if status in IN_FORCE:
        raise ProblemError(
            422, "The commitment is adopted: a change needs a decision (POST .../changes with the decision).",
            kind="decision-required",
        )
    if status == CommitmentStatus.closed:
        raise ProblemError(422, "The commitment is closed.", kind="commitment-closed")
    content = _merge(loaded.newest, edit)
    await _check_content(session, unit_id=loaded.row.unit_id, year=loaded.row.year, content=content, complete=False)
    await repository.update_version(
        session, commitment_id=loaded.row.id, version=loaded.newest.version, values=_version_values(content),
    )
    values = {"authors": _with_author(loaded, principal.subject)}
    if status == CommitmentStatus.approved:  # what was assessed is no longer what stands
        values |= {"status": CommitmentStatus.draft.value, "assessment": None}
    # A returned commitment stays returned, its comment visible, until it is submitted again.
    return await _save(session, loaded, values=values, event=COMMITMENT_DRAFTED)


async def submit(session: AsyncSession, *, principal: Principal, loaded: Loaded) -> Loaded:
    if loaded.status not in {CommitmentStatus.draft, CommitmentStatus.returned}:
        raise ProblemError(422, f"Only a draft or returned commitment can be submitted; this one is {loaded.status}.", kind="invalid-status")
    await _check_content(session, unit_id=loaded.row.unit_id, year=loaded.row.year, content=_content(loaded.newest), complete=True)
    values = {"status": CommitmentStatus.submitted.value, "authors": _with_author(loaded, principal.subject)}
    return await _save(session, loaded, values=values, event=COMMITMENT_SUBMITTED)


async def assess(session: AsyncSession, *, principal: Principal, loaded: Loaded, data: AssessmentInput) -> Loaded:
    """Trovärdighetsbedömning by a controller or the committee, never an author."""
    if loaded.status != CommitmentStatus.submitted:
        raise ProblemError(422, f"Only a submitted commitment is assessed; this one is {loaded.status}.", kind="invalid-status")
    _not_an_author(principal, loaded, "assess")
    status = CommitmentStatus.approved if data.outcome == CredibilityOutcome.approved else CommitmentStatus.returned
    assessment = {
        "outcome": data.outcome.value, "comment": data.comment, "assessed_on": stockholm_today().isoformat(),
        "assessed_by": principal.subject,
    }
    return await _save(session, loaded, values={"status": status.value, "assessment": assessment}, event=COMMITMENT_ASSESSED)


async def adopt_commitment(session: AsyncSession, *, principal: Principal, loaded: Loaded, decision: DecisionInput) -> Loaded:
    """A commitment added after its plan was adopted is adopted by a decision of its own."""
    plan = await get_plan(session, plan_id=loaded.row.business_plan_id, lock=True)
    if plan.status != BusinessPlanStatus.adopted:
        raise ProblemError(
            422, "The business plan is not adopted yet; its approved commitments are adopted with it (POST .../adoption on the plan).",
            kind="plan-not-adopted",
        )
    if loaded.status != CommitmentStatus.approved:
        raise ProblemError(422, f"Only an approved commitment is adopted; this one is {loaded.status}.", kind="invalid-status")
    _not_an_author(principal, loaded, "adopt")
    lineage = await access.unit_lineage(session, unit_id=plan.unit_id, year=plan.year)
    return await _adopt(session, loaded=loaded, decision=_decision_ref(decision, principal=principal, lineage=lineage))


async def change_by_decision(
    session: AsyncSession, *, principal: Principal, loaded: Loaded, change: CommitmentChangeByDecision
) -> Loaded:
    """Ändring efter fastställande: a new version holding from the decision's date; earlier versions stay."""
    if loaded.status not in IN_FORCE:
        raise ProblemError(
            422, f"Only an adopted commitment is changed by decision; this one is {loaded.status} (edit it instead).",
            kind="invalid-status",
        )
    newest = loaded.newest
    if change.decision.decided_on < newest.effective_from:
        raise ProblemError(
            422, f"The version in force holds from {newest.effective_from}; a change takes effect on or after it.",
            kind="effective-date-too-early", latest_effective_from=newest.effective_from.isoformat(),
        )
    content = _merge(newest, change)
    if content == _content(newest):
        raise ProblemError(422, "The change is the commitment's current content; nothing to decide.", kind="no-change")
    await _check_content(session, unit_id=loaded.row.unit_id, year=loaded.row.year, content=content, complete=True)
    lineage = await access.unit_lineage(session, unit_id=loaded.row.unit_id, year=loaded.row.year)
    ref = _decision_ref(change.decision, principal=principal, lineage=lineage)
    await repository.insert_version(
        session,
        values={
            "commitment_id": loaded.row.id, "version": newest.version + 1, **_version_values(content),
            "effective_from": ref.decided_on, "decision": ref.model_dump(mode="json"), "created_by": principal.subject,
        },
    )
    return await _save(session, loaded, values={}, event=COMMITMENT_CHANGED)


async def close(session: AsyncSession, *, principal: Principal, loaded: Loaded) -> Loaded:
    """Avsluta: after the annual follow-up (verksamhetsberättelse) of its year."""
    if loaded.status not in IN_FORCE:
        raise ProblemError(422, f"Only an adopted commitment is closed; this one is {loaded.status}.", kind="invalid-status")
    period = f"{loaded.row.year}-VB"
    if not await repository.has_follow_up(session, commitment_id=loaded.row.id, period=period):
        raise ProblemError(
            422, f"Report the annual follow-up ({period}) before closing the commitment.", kind="annual-follow-up-missing",
        )
    return await _save(session, loaded, values={"status": CommitmentStatus.closed.value}, event=COMMITMENT_CLOSED)


async def mark_followed_up(session: AsyncSession, *, loaded: Loaded) -> Loaded:
    """A reported follow-up moves an adopted commitment to followed_up (uppföljt)."""
    if loaded.status == CommitmentStatus.followed_up:
        return loaded
    return await _save(session, loaded, values={"status": CommitmentStatus.followed_up.value}, event=None)


async def list_commitments(
    session: AsyncSession, *, principal: Principal, params: PageParams, unit_id: uuid.UUID | None, within: uuid.UUID | None,
    year: int | None, status: str | None, business_plan_id: uuid.UUID | None,
) -> tuple[list[Commitment], str | None]:
    access.require_reader(principal)
    table = repository.COMMITMENTS
    where = access.list_filters(principal, table.c.unit_id, within=within, equal={
        table.c.unit_id: unit_id, table.c.year: year, table.c.status: status, table.c.business_plan_id: business_plan_id,
    })
    after = cursors.position(params, year=cursors.whole, id=uuid.UUID)
    rows = await repository.list_commitments(session, limit=params.limit, after=after, where=where)
    rows, next_cursor = build_page(rows, params, lambda row: {"year": row.year, "id": str(row.id)})
    versions = await repository.versions_of(session, commitment_ids=[row.id for row in rows])
    return [render(Loaded(row=row, versions=versions[row.id])) for row in rows], next_cursor


# --- carry-over from internal control (called by goals/carryover, audit's consumer) ---

async def propose_from_finding(
    session: AsyncSession, *, finding_id: uuid.UUID, unit_id: uuid.UUID, year: int, title: str,
    description: str | None = None, actor: str = "audit",
) -> CommitmentState:
    """A proposed draft commitment in the unit's business plan for ``year``, from an internal-control finding.

    Idempotent on ``finding_id``: a second call returns the commitment proposed the first time.
    The draft may lack a committee goal and a responsible person (submission requires them). When
    that year's plan is adopted already, the draft waits there and, once submitted and approved,
    is adopted by a decision of its own. Raises ``ProblemError`` (422) when the unit is not in
    effect in ``year``. ``actor`` is recorded as the version's creator (not a person).
    """
    existing = await repository.find_by_finding(session, finding_id=finding_id)
    if existing is None:
        await access.unit_lineage(session, unit_id=unit_id, year=year)
        plan = await _plan_for(session, unit_id=unit_id, year=year)
        content = CommitmentContent(title=title.strip()[:500] or "Åtgärd efter internkontroll", description=description)
        loaded = await _insert(session, plan=plan, content=content, author=actor, finding_id=finding_id, person=False)
        if loaded is not None:
            return event_state(loaded)
        existing = await repository.find_by_finding(session, finding_id=finding_id)  # proposed concurrently
    return event_state(await load(session, commitment_id=existing.id))


async def _plan_for(session: AsyncSession, *, unit_id: uuid.UUID, year: int) -> Row:
    await repository.insert_plan(session, plan_id=uuid.uuid4(), unit_id=unit_id, year=year)
    return await repository.find_plan(session, unit_id=unit_id, year=year, lock=True)


# --- content rules ---

def _merge(version: Row, change: CommitmentContent) -> CommitmentContent:
    given = change.model_dump(exclude_unset=True, exclude={"decision"})
    return CommitmentContent.model_validate({**_content(version).model_dump(), **given})


def _with_author(loaded: Loaded, subject: str) -> list[str]:
    return list(loaded.row.authors) if subject in loaded.row.authors else [*loaded.row.authors, subject]


def _version_values(content: CommitmentContent) -> dict:
    expected = content.expected_result
    return {
        "title": content.title,
        "committee_goal_id": content.committee_goal_id,
        "indicator_id": expected.indicator_id if expected is not None and expected.type == "target_value" else None,
        "responsible_subject": content.responsible.subject_id if content.responsible else None,
        "responsible_unit_id": content.responsible.unit_id if content.responsible else None,
        "content": content.model_dump(mode="json", include=set(_CONTENT_FIELDS)),
    }


async def _check_content(session: AsyncSession, *, unit_id: uuid.UUID, year: int, content: CommitmentContent, complete: bool) -> None:
    if complete:
        missing = [
            field for field, present in (
                ("committee_goal_id", content.committee_goal_id is not None),
                ("expected_result", content.expected_result is not None),
                ("ways_of_working", content.ways_of_working is not None and any(content.ways_of_working.model_dump().values())),
                ("follow_up_plan", content.follow_up_plan is not None and any(content.follow_up_plan.model_dump().values())),
                ("responsible", content.responsible is not None),
            ) if not present
        ]
        if missing:
            raise ProblemError(
                422, f"A commitment needs {', '.join(missing)} before it is submitted or decided.", kind="incomplete-commitment",
                missing=missing,
            )
    if content.committee_goal_id is not None:
        await _check_committee_goal(session, goal_id=content.committee_goal_id, unit_id=unit_id, year=year)
    expected = content.expected_result
    if expected is not None and expected.type == "target_value":
        indicator = await repository.get_indicator(session, indicator_id=expected.indicator_id)
        if indicator is None:
            raise ProblemError(422, f"No indicator {expected.indicator_id}.", kind="indicator-not-found")
        if expected.comparison not in _POLARITY_COMPARISONS[indicator.polarity]:
            raise ProblemError(
                422, f"Indicator {indicator.code} is {indicator.polarity.replace('_', ' ')}; a target compared {expected.comparison} "
                "would count getting worse as fulfilment.", kind="comparison-against-polarity",
            )
    if content.responsible is not None:
        await access.unit_lineage(session, unit_id=content.responsible.unit_id, year=year)


async def _check_committee_goal(session: AsyncSession, *, goal_id: uuid.UUID, unit_id: uuid.UUID, year: int) -> None:
    goal = await repository.committee_goal(session, goal_id=goal_id)
    if goal is None:
        raise ProblemError(422, f"No goal {goal_id}.", kind="goal-not-found")
    if goal.level_rank != goal.lowest_rank:
        raise ProblemError(
            422, f"A commitment supports a goal at the lowest level (nämndmål); {goal.title!r} is at {goal.level_code}.",
            kind="not-a-committee-goal",
        )
    if goal.status != GoalStatus.active:
        raise ProblemError(422, "The committee goal is withdrawn.", kind="goal-withdrawn")
    if not goal.from_year <= year <= goal.to_year:
        raise ProblemError(
            422, f"The commitment is for {year}; the committee goal holds {goal.from_year}–{goal.to_year}.",
            kind="commitment-outside-year",
        )
    if goal.unit_id not in await access.unit_lineage(session, unit_id=unit_id, year=year):
        raise ProblemError(
            422, "The committee goal belongs to a committee that is not above the commitment's unit.", kind="goal-outside-organisation",
        )


async def _save(session: AsyncSession, loaded: Loaded, *, values: dict, event: str | None) -> Loaded:
    await repository.update_commitment(session, commitment_id=loaded.row.id, values={**values, "revision": loaded.row.revision + 1})
    await repository.touch_plan(session, plan_id=loaded.row.business_plan_id)
    saved = await load(session, commitment_id=loaded.row.id)
    if event is not None:
        await _publish(session, event, saved)
    return saved


async def _publish(session: AsyncSession, type: str, loaded: Loaded) -> None:
    await events.record(
        session, type=type, subject=str(loaded.row.id), schema_version=SCHEMA_VERSION,
        data=CommitmentChanged(commitment=event_state(loaded)),
    )


# --- line of sight (den röda tråden) ---

async def line_of_sight(
    session: AsyncSession, *, principal: Principal, unit_id: uuid.UUID, year: int, include_below: bool
) -> LineOfSight:
    """For a unit and year, each commitment with the chain of goals from the top level down to its committee goal."""
    await authorise(session, principal, unit_id=unit_id, year=year, roles=None)
    table = repository.COMMITMENTS
    unit_clause = table.c.unit_id.in_(access.units_below([unit_id])) if include_below else table.c.unit_id == unit_id
    rows = await repository.list_commitments(session, limit=10_000, after=None, where=[unit_clause, table.c.year == year])
    versions = await repository.versions_of(session, commitment_ids=[row.id for row in rows])
    newest = {row.id: versions[row.id][-1] for row in rows}
    goals_by_id = await structure_repository.chains(
        session, goal_ids=list({v.committee_goal_id for v in newest.values() if v.committee_goal_id})
    )
    sights = []
    for row in sorted(rows, key=lambda r: (r.unit_id, r.position)):
        chain, goal_id = [], newest[row.id].committee_goal_id
        while goal_id is not None and goal_id in goals_by_id and len(chain) < len(goals_by_id):
            goal = goals_by_id[goal_id]
            chain.insert(0, goal)
            goal_id = goal.parent_id
        sights.append(
            CommitmentSight(
                id=row.id, title=newest[row.id].title, status=row.status, unit_id=row.unit_id,
                chain=[structure_service.chain_link(goal) for goal in chain],
                complete=bool(chain) and chain[0].level_rank == 1,
            )
        )
    return LineOfSight(unit_id=unit_id, year=year, commitments=sights)
