"""HTTP API of individual assessments (individuell bedömning) and the scoring grid (poängintervall)."""

import csv
import io
import uuid

from fastapi import APIRouter, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute

from awards.access import examination_staff, problems, reader
from awards.assessments import service
from awards.assessments.schemas import Assessment, AssessmentIn, BandInfo, TeamAssessments
from awards.assessments.scoring import BANDS
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["assessments"], dependencies=[reader])
EXPORT_COLUMNS = ("application_id", "examiner_id", "status", "area_number", "band", "score", "strengths", "improvements")


@router.get(
    "/scoring-bands", response_model=list[BandInfo], summary="The scoring grid",
    description="Poängintervallen: 0–5, 10–25, 30–45, 50–65, 70–85 och 90–100 i steg om 5; the examiner picks the band "
    "first, then the score within it.",
)
async def list_scoring_bands() -> list[BandInfo]:
    return [BandInfo(key=b.key, low=b.low, high=b.high, scores=b.scores(), label_sv=b.label_sv) for b in BANDS]


@router.get(
    "/applications/{application_id}/assessments", response_model=TeamAssessments, responses=problems(404),
    summary="The team's assessments of an application",
    description="Teamets individuella bedömningar: for the application's examiners and the award office. A team-mate's "
    "scores and findings stay hidden (scores_hidden) until every member has submitted.",
)
async def list_assessments(application_id: uuid.UUID, session: Session, principal: CurrentPrincipal) -> TeamAssessments:
    team = await service.team_for(session, principal, application_id=application_id)
    return await service.render_team(session, team)


@router.get(
    "/applications/{application_id}/assessments/{examiner_id}", response_model=Assessment, responses=problems(403, 404),
    summary="One examiner's assessment",
    description="En examinators bedömning per område (poäng, styrkor, förbättringsområden). The examiner's own at any "
    "time; a team-mate's only once the whole team has submitted (403 scores-hidden before).",
)
async def get_assessment(
    application_id: uuid.UUID, examiner_id: uuid.UUID, session: Session, principal: CurrentPrincipal, response: Response,
) -> Assessment:
    team = await service.team_for(session, principal, application_id=application_id)
    row, shown = await service.get_assessment(session, team, examiner_id=examiner_id)
    set_etag(response, row.revision)
    return shown


@router.put(
    "/applications/{application_id}/assessments/{examiner_id}", response_model=Assessment,
    responses=problems(403, 404, 409, 412, 422, 428), summary="Save the examiner's draft assessment",
    description="Spara utkast till individuell bedömning: the areas scored so far, each with its band (poängintervall), "
    "its score in 5-point steps within the band, strengths (styrkor) and areas for improvement (förbättringsområden), "
    "each tagged by lens and pointing at the answers it rests on. Only by the examiner themselves, only in the phase "
    "individual assessment. Creates the draft; If-Match is required once it exists.",
)
async def save_assessment(
    application_id: uuid.UUID, examiner_id: uuid.UUID, body: AssessmentIn, session: Session, principal: CurrentPrincipal,
    request: Request, response: Response,
) -> Assessment:
    team = await service.team_for(session, principal, application_id=application_id)
    row = await service.lock_own(session, team, examiner_id=examiner_id)
    if row is not None:
        require_if_match(request, row.revision)
    row = await service.save_draft(session, team, row=row, examiner_id=examiner_id, data=body)
    set_etag(response, row.revision)
    return (await service.get_assessment(session, team, examiner_id=examiner_id))[1]


@router.post(
    "/applications/{application_id}/assessments/{examiner_id}/submission", response_model=Assessment,
    responses=problems(403, 404, 409, 412, 422, 428), summary="Submit the examiner's assessment",
    description="Lämna in den individuella bedömningen: every area scored, each with at least one finding; then locked. "
    "Only in the phase individual assessment. Requires If-Match.",
)
async def submit_assessment(
    application_id: uuid.UUID, examiner_id: uuid.UUID, session: Session, principal: CurrentPrincipal, request: Request,
    response: Response,
) -> Assessment:
    team = await service.team_for(session, principal, application_id=application_id)
    row = await service.lock_own(session, team, examiner_id=examiner_id)
    if row is not None:
        require_if_match(request, row.revision)
    row = await service.submit(session, team, row=row)
    set_etag(response, row.revision)
    return (await service.get_assessment(session, team, examiner_id=examiner_id))[1]


@router.get(
    "/rounds/{round_id}/assessments/export", dependencies=[examination_staff], summary="Export the scores the caller may see (CSV)",
    responses={200: {"content": {"text/csv": {}}, "description": "One row per examiner and area."}, **problems(403, 404)},
    description="Export av individuella poäng som CSV: the award office gets every team that has finished, an examiner "
    "their own scores and their finished teams'. Teams still scoring are left out (header x-hidden-teams); asking for "
    "one such application (application_id) is 403 scores-hidden.",
)
async def export_assessments(
    round_id: uuid.UUID, session: Session, principal: CurrentPrincipal, application_id: uuid.UUID | None = None,
) -> Response:
    round_row = await rounds.get_round(session, round_id=round_id)
    rows, hidden = await service.export_rows(session, principal, round_row=round_row, application_id=application_id)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={"x-hidden-teams": str(hidden)})
