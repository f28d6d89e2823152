"""HTTP API of the examination's quality (bedömningens kvalitet): alpha on given data and the round report."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from servicekit.db import Session, TransactionalRoute

from awards.access import award_admin, problems
from awards.quality import service
from awards.quality.schemas import Agreement, AgreementRequest, QualityReport

router = APIRouter(route_class=TransactionalRoute, tags=["quality"], dependencies=[award_admin])


@router.post(
    "/agreement-calculations", response_model=Agreement, summary="Krippendorff's alpha of given scores",
    description="Bedömarsamstämmighet för valfria poäng, e.g. a calibration exercise in examiner training: Krippendorff's "
    "alpha at the interval level over (examiner, unit, value) triples, with how much data it rests on; 'not enough data' "
    "below min_units pairable units. Nothing is stored. award_admin.", responses=problems(403, 422),
)
async def calculate_agreement(body: AgreementRequest) -> Agreement:
    return service.calculate(body)


@router.get(
    "/rounds/{round_id}/quality-report", response_model=QualityReport, summary="The round's quality report",
    description="Omgångens kvalitetsrapport för kansliet: Krippendorff's alpha (interval) per bedömningsområde over the "
    "individual assessments' submitted scores and for all areas together, how far scores moved in consensus, the spread "
    "(spridning) of each team's scores, each examiner's offset from consensus (not enough data below min_sample scores), "
    "and notes on what to look at when the award is evaluated and updated after the round. award_admin.",
    responses=problems(403, 404),
)
async def get_quality_report(
    round_id: uuid.UUID, session: Session,
    min_sample: Annotated[int, Query(ge=1, le=1000, description="Minsta antal poäng för en examinators avvikelse.")] = service.MIN_OFFSET_SAMPLE,
) -> QualityReport:
    return await service.round_report(session, round_id=round_id, min_sample=min_sample)
