"""HTTP API of the jury (domarkommittén): blinded views, shortlist, decision; names to blind."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from servicekit.auth import CurrentPrincipal
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key

from awards.access import award_admin, jury_member, jury_or_office, problems, reader
from awards.jury import repository, service
from awards.jury.schemas import BlindingTerms, BlindingTermsIn, Decision, DecisionIn, JuryApplication, JuryBoard, ShortlistIn
from awards.rounds import service as rounds

router = APIRouter(route_class=TransactionalRoute, tags=["jury"])
CodePath = Annotated[str, Path(pattern=r"^[A-Z]{1,3}$", description="The application's neutral code, e.g. 'A'.")]


@router.get(
    "/rounds/{round_id}/jury/applications", response_model=JuryBoard, dependencies=[jury_or_office],
    responses=problems(403, 404, 409), summary="The jury's blinded list",
    description="Domarkommitténs underlag, avidentifierat: each application as a neutral code (Sökande A, ...) with its "
    "consensus per area and weighted score; no unit, administration, district or person is named. Before the shortlist "
    "every examined application, after it only the shortlisted ones. From the phase jury_shortlist on.",
)
async def get_jury_board(round_id: uuid.UUID, session: Session) -> JuryBoard:
    return await service.board(session, round_row=await rounds.get_round(session, round_id=round_id))


@router.get(
    "/rounds/{round_id}/jury/applications/{code}", response_model=JuryApplication, dependencies=[jury_or_office],
    responses=problems(403, 404, 409), summary="A shortlisted application, blinded",
    description="En ansökan på domarkommitténs urval i sin helhet, avidentifierad: answers, introductions, attachments' "
    "titles, consensus findings and site-visit notes with every known name replaced by neutral codes. Shortlisted only.",
)
async def get_jury_application(round_id: uuid.UUID, code: CodePath, session: Session) -> JuryApplication:
    return await service.application_view(session, round_row=await rounds.get_round(session, round_id=round_id), code=code)


@router.put(
    "/rounds/{round_id}/jury/shortlist", response_model=JuryBoard, dependencies=[jury_member],
    responses=problems(403, 404, 409, 412, 422, 428), summary="Set the jury's shortlist",
    description="Domarkommitténs urval: the codes of the applications to visit and decide among, by the jury, in the phase "
    "jury_shortlist, once every area has its consensus. If-Match with the round's ETag once a shortlist is set.",
)
async def set_shortlist(
    round_id: uuid.UUID, body: ShortlistIn, session: Session, principal: CurrentPrincipal, request: Request, response: Response,
) -> JuryBoard:
    round_row = await rounds.lock_round(session, round_id=round_id)
    if await repository.get_shortlist(session, round_id=round_id) is not None:
        require_if_match(request, round_row.revision)
    await service.set_shortlist(session, principal, round_row=round_row, data=body)
    round_row = await rounds.touch(session, row=round_row)
    set_etag(response, round_row.revision)
    return await service.board(session, round_row=round_row)


@router.post(
    "/rounds/{round_id}/jury/decision", status_code=201, response_model=Decision,
    dependencies=[jury_member, Depends(idempotency_key)],
    responses=problems(403, 404, 409, 422), summary="Record the jury's decision",
    description="Domarkommitténs beslut: winners (vinnare) and honourable mentions (hedersomnämnanden) among the shortlisted "
    "codes, each with a motivering, and the rationale for the round; by the jury, in the phase jury_decision, never before "
    "every area has its consensus, once per round (Kvalitetsutmärkelsen and Förnyelsepriset alike). Winners enter the "
    "award-winner register. Publishes awards.round.decided. Accepts Idempotency-Key.",
)
async def decide(round_id: uuid.UUID, body: DecisionIn, session: Session, principal: CurrentPrincipal) -> Decision:
    round_row = await rounds.lock_round(session, round_id=round_id)
    await service.decide(session, principal, round_row=round_row, data=body)
    return await service.decision(session, round_row=await rounds.get_round(session, round_id=round_id))


@router.get(
    "/rounds/{round_id}/jury/decision", response_model=Decision, dependencies=[reader], responses=problems(404),
    summary="Read the jury's decision",
    description="Domarkommitténs beslut, public once made: awarded units with their motivering (404 before the decision).",
)
async def get_decision(round_id: uuid.UUID, session: Session) -> Decision:
    return await service.decision(session, round_row=await rounds.get_round(session, round_id=round_id))


@router.put(
    "/applications/{application_id}/blinding-terms", response_model=BlindingTerms, dependencies=[award_admin],
    responses=problems(403, 404, 409, 422), summary="Names of people, places and organisations to blind for the jury",
    description="Personnamn, platser (ortnamn, områden) och organisationer som nämns i ansökan, recorded by the award office "
    "and replaced by 'Person n', 'Plats n' and 'Organisation n' in every jury view, as whole words (the organisation's "
    "names and their short forms are blinded from the organisation tree without this). Replaces the lists; "
    "'places' and 'organisations' may be left out.",
)
async def save_blinding_terms(
    application_id: uuid.UUID, body: BlindingTermsIn, session: Session, principal: CurrentPrincipal,
) -> BlindingTerms:
    return await service.save_blinding_terms(session, principal, application_id=application_id, data=body)
