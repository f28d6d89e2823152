"""HTTP API of other services' figures in goals: complaint statistics beside a unit's commitments and
guarantees, a committee's lex Sarah yearly summary, award results and good examples."""

import uuid
from typing import Annotated

from contracts.awards import GoodExample
from contracts.feedback import UnitStatistics
from contracts.lex_sarah import LexSarahYearlySummary
from fastapi import APIRouter, Path, Query

from servicekit.auth import CurrentPrincipal
from servicekit.db import Session, TransactionalRoute
from servicekit.problems import ProblemError

from goals.follow_ups.rules import PERIOD_PATTERN
from goals.foreign_figures import service
from goals.foreign_figures.schemas import AwardResult, QualityOverview
from goals.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["figures from other services"])

Period = Annotated[str, Query(pattern=PERIOD_PATTERN, description="Uppföljningsperiod: YYYY-T1, YYYY-T2 or YYYY-VB.")]
Year = Annotated[int, Query(ge=1990, le=2200, description="År (verksamhetsår).")]
CommitteeId = Annotated[uuid.UUID, Path(description="Nämnden (stadsdelsnämnd, facknämnd or bolagsstyrelse).")]
FROM_FEEDBACK = (
    " The figures are feedback's (feedback.unit-statistics.changed), computed once there for every level of the tree: "
    "cells under the minimum cell size are suppressed (null) and protected against recovery by subtraction, so goals "
    "shows them as they came and never adds units up."
)


@router.get(
    "/organisation-units/{unit_id}/complaint-figures",
    response_model=list[UnitStatistics],
    summary="A unit's complaint figures for a period",
    description="Enhetens klagomålsstatistik (synpunkter och klagomål) för en uppföljningsperiod: ärenden per slag, "
    "median och 90:e percentil arbetsdagar till bekräftelse och svar, andel inom tidsfrist, garantier som inte hållits "
    "per löfte, upprepade klagomål, nöjdhet med hanteringen. Empty before feedback has published the period. Readable "
    "in the unit's scope (admin and city controllers anywhere, goals keys)." + FROM_FEEDBACK,
    responses=problems(403, 422),
)
async def get_complaint_figures(unit_id: uuid.UUID, period: Period, session: Session, principal: CurrentPrincipal) -> list[dict]:
    return await service.complaint_figures(session, principal, unit_id=unit_id, period=period)


@router.get(
    "/organisation-units/{unit_id}/quality-overview",
    response_model=QualityOverview,
    summary="A unit's commitments and quality guarantees with its complaint figures beside them",
    description="Enhetens åtaganden och kvalitetsgarantier för året med klagomålsstatistiken för årets perioder "
    "(T1, T2, VB) bredvid, so the unit and its committee read what residents say next to what was promised. Readable in "
    "the unit's scope." + FROM_FEEDBACK,
    responses=problems(403, 422),
)
async def get_quality_overview(unit_id: uuid.UUID, year: Year, session: Session, principal: CurrentPrincipal) -> QualityOverview:
    return await service.quality_overview(session, principal, unit_id=unit_id, year=year)


@router.get(
    "/committees/{committee_id}/lex-sarah-summary",
    response_model=LexSarahYearlySummary,
    summary="A committee's lex Sarah yearly summary",
    description="Årssammanställning av rapporter enligt lex Sarah för nämndens verksamhetsberättelse, as audit published "
    "it (audit.lex-sarah.yearly-summary, the newest publication): antal rapporter per verksamhetsområde och utförare, "
    "andel allvarliga (missförhållande eller påtaglig risk), anmälningar till IVO, tid till varje steg, ändrade rutiner. "
    "Figures only, never a case. 404 before audit has published the year. Readable in the committee's scope.",
    responses=problems(403, 404, 422),
)
async def get_lex_sarah_summary(committee_id: CommitteeId, year: Year, session: Session, principal: CurrentPrincipal) -> dict:
    summary = await service.lex_sarah_summary(session, principal, committee_id=committee_id, year=year)
    if summary is None:
        raise ProblemError(404, f"Audit has published no lex Sarah summary of {year} for the committee.", kind="summary-not-found")
    return summary


@router.get(
    "/committees/{committee_id}/award-results",
    response_model=list[AwardResult],
    summary="Award results of a committee's units",
    description="Utmärkelser (Kvalitetsutmärkelsen, Förnyelsepriset) som nämndens enheter fått, from the jury's decisions "
    "(awards.round.decided): vinnare and hedersomnämnanden with domarkommitténs motivering, per round; `year` narrows to "
    "one year. The decision is public record, so readable by every staff role and goals key.",
    responses=problems(403, 404, 422),
)
async def list_award_results(
    committee_id: CommitteeId, session: Session, principal: CurrentPrincipal,
    year: Annotated[int | None, Query(ge=1990, le=2200, description="Only the rounds of this year (utmärkelseåret).")] = None,
) -> list[AwardResult]:
    return await service.award_results(session, principal, committee_id=committee_id, year=year)


@router.get(
    "/committees/{committee_id}/good-examples",
    response_model=list[GoodExample],
    summary="Good examples of a committee's units",
    description="Goda exempel från nämndens enheter, published by awards with the unit's consent "
    "(awards.good-example.published), newest first; a withdrawn example is not listed. Readable by every committee, "
    "every staff role and goals key: spreading good examples between committees is their purpose.",
    responses=problems(403, 404, 422),
)
async def list_good_examples(committee_id: CommitteeId, session: Session, principal: CurrentPrincipal) -> list[dict]:
    return await service.good_examples(session, principal, committee_id=committee_id)
