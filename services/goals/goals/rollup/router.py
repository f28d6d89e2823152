"""HTTP API of the roll-up (sammanvägd måluppfyllelse) with its explanation, its rules and the committee's verdict."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag, with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.problems import ProblemError

from goals import access
from goals.follow_ups.rules import PERIOD_PATTERN
from goals.problems import problems
from goals.rollup import service
from goals.rollup.schemas import RollUp, RuleVersion, RuleVersionCreate, Verdict, VerdictPut

router = APIRouter(route_class=TransactionalRoute, tags=["roll-up"])

Period = Annotated[str, Query(pattern=PERIOD_PATTERN, description="YYYY-T1, YYYY-T2 or YYYY-VB.")]
RuleCode = Annotated[str | None, Query(max_length=50, description="Roll-up rule; default equal-weights.")]
RuleNumber = Annotated[int | None, Query(ge=1, description="Rule version; default the newest.")]
METHOD = (
    " Method: each input below (the commitments supporting the goal in the period, by the version in force on the "
    "period's last day, and the goals one level below) counts with its verdict: a commitment's follow-up assessment, a "
    "goal's committee verdict when there is one (an override), else its own computed fulfilment; without either it is "
    "not yet reported. The score is the weighted mean of the reported inputs' scores (default uppfyllt 1, delvis 0.5, "
    "ej 0, equal weights), classified by the rule's thresholds; nothing is computed under the rule's minimum coverage. "
    "Computed on read from the current follow-ups. The explanation lists the rule and version, every input with its "
    "source commitment or goal, and the overrides applied."
)


@router.get(
    "/rollup-rules",
    response_model=list[RuleVersion],
    summary="List the roll-up rules and their versions",
    description="Regler för sammanvägning: scores per verdict, thresholds, minimum coverage and weighting; every version.",
    responses=problems(403),
)
async def list_rollup_rules(session: Session, principal: CurrentPrincipal) -> list[RuleVersion]:
    access.require_reader(principal)
    return [service.render_rule(row) for row in await service.repository.list_rules(session)]


@router.post(
    "/rollup-rules",
    status_code=201,
    response_model=RuleVersion,
    dependencies=[Depends(idempotency_key)],
    summary="Add a version of a roll-up rule",
    description="Ny version av en sammanvägningsregel (admin). Versions never change, so a roll-up names what it used. "
    "Scores and thresholds lie in 0–1, scores fall with the verdict, partly_from ≤ fulfilled_from. Accepts Idempotency-Key.",
    responses=problems(403, 422),
)
async def create_rollup_rule(body: RuleVersionCreate, session: Session, principal: CurrentPrincipal) -> RuleVersion:
    access.require_staff_role(principal, ("admin",))
    return await service.create_rule_version(session, principal=principal, data=body)


@router.get(
    "/goals/{goal_id}/rollup",
    response_model=RollUp,
    summary="Roll a goal up for a period, with its explanation",
    description="Sammanvägd måluppfyllelse för ett mål (nämndmål, KF:s mål, inriktningsmål) och en period: the "
    "distribution of what lies below (uppfyllt / delvis / ej uppfyllt / inte rapporterat, täckningsgrad), the computed "
    "fulfilment by a named, versioned rule and the committee's own verdict beside it. Readable in the goal's unit's "
    "scope (admin and city controllers anywhere, goals keys)." + METHOD,
    responses=problems(403, 404, 422),
)
async def get_goal_rollup(
    goal_id: uuid.UUID, period: Period, session: Session, principal: CurrentPrincipal, rule: RuleCode = None,
    rule_version: RuleNumber = None,
) -> RollUp:
    goal = await service.goal_for(session, goal_id=goal_id)
    parsed = service.period_of(period)
    service.check_period_in_goal(goal, parsed)  # goals are readable by every reader, so this tells no secret
    await service.authorise_goal(session, principal, goal=goal, period=parsed, roles=None)
    chosen = await service.rule_for(session, code=rule, version=rule_version)
    return await service.goal_roll_up(session, goal=goal, period=parsed, rule=chosen)


@router.get(
    "/rollup",
    response_model=RollUp,
    summary="Roll the city up for a period, with its explanation",
    description="Stadens sammanvägda måluppfyllelse för en period, over the goals just below the top goals (the "
    "inriktningsmål under the vision). Readable with the city in scope: admin, city controllers, goals keys." + METHOD,
    responses=problems(403, 404, 422),
)
async def get_city_rollup(
    period: Period, session: Session, principal: CurrentPrincipal, rule: RuleCode = None, rule_version: RuleNumber = None,
) -> RollUp:
    parsed = service.period_of(period)
    city = await service.city_unit(session)
    await access.require_unit_access(session, principal, unit_id=city, year=parsed.year, roles=None)
    chosen = await service.rule_for(session, code=rule, version=rule_version)
    return await service.city_roll_up(session, city_id=city, period=parsed, rule=chosen)


@router.get(
    "/goals/{goal_id}/verdicts/{period}",
    response_model=Verdict,
    summary="Read the committee's verdict on a goal for a period",
    description="Nämndens bedömning av målet för perioden, med analys. ETag for the next PUT.",
    responses=problems(403, 404, 422),
)
async def get_goal_verdict(goal_id: uuid.UUID, period: str, session: Session, principal: CurrentPrincipal, response: Response) -> Verdict:
    goal = await service.goal_for(session, goal_id=goal_id)
    parsed = service.period_of(period)
    service.check_period_in_goal(goal, parsed)
    await service.authorise_goal(session, principal, goal=goal, period=parsed, roles=None)
    row = await service.repository.get_verdict(session, goal_id=goal_id, period=parsed.text)
    if row is None:
        raise ProblemError(404, f"No verdict on the goal for {period}.", kind="verdict-not-found")
    set_etag(response, row.revision)
    return service.render_verdict(row)


@router.put(
    "/goals/{goal_id}/verdicts/{period}",
    response_model=Verdict,
    summary="Record or correct the committee's verdict on a goal for a period",
    description="Nämndens bedömning (uppfyllt / delvis uppfyllt / ej uppfyllt) och analys, by the committee role in the "
    "goal's unit's scope. Shown beside the computed fulfilment; in the goal above it counts instead of it. "
    "Requires If-Match: \"0\" the first time, then the ETag last read.",
    responses=problems(403, 404, 412, 422, 428),
)
async def put_goal_verdict(
    goal_id: uuid.UUID, period: str, body: VerdictPut, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Verdict:
    goal = await service.goal_for(session, goal_id=goal_id)
    parsed = service.period_of(period)
    service.check_period_in_goal(goal, parsed)
    await service.authorise_goal(session, principal, goal=goal, period=parsed, roles=service.VERDICT_ROLES)
    current = await service.repository.get_verdict(session, goal_id=goal_id, period=parsed.text, lock=True)
    require_if_match(request, current.revision if current else 0)
    verdict = await service.put_verdict(session, principal=principal, goal=goal, period=parsed, current=current, data=body)
    return with_etag(response, verdict)
