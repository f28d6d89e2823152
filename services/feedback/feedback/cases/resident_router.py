"""The resident's own two operations (mitt ärende): the secret token is the credential.

Public: whoever forwards the call (a portal, or anyone through the gateway) needs no rights of
their own; without the right token the case does not exist for them (404, nothing to probe).
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path

from servicekit.auth import public
from servicekit.db import Session, TransactionalRoute

from feedback.cases import render, service
from feedback.cases.schemas import RatingSet, ResidentCase
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["resident"], dependencies=[public])
Number = Annotated[str, Path(max_length=20, description="Ärendenummer, e.g. SYN-2026-000123.")]
Token = Annotated[str | None, Header(alias="Case-Token", description="The secret token handed out when the case was registered.")]


@router.get(
    "/my-cases/{registration_number}", response_model=ResidentCase, summary="Read my case (by its secret token)",
    description="Mitt ärende: status, svar och vidtagna åtgärder, for the sender, with the token from the "
    "`Case-Token` header of the registration. Public: the token is the credential.",
    responses=problems(404),
)
async def read_my_case(registration_number: Number, session: Session, case_token: Token = None) -> ResidentCase:
    return render.resident(await service.resident_case(session, registration_number=registration_number, token=case_token))


@router.post(
    "/my-cases/{registration_number}/rating", response_model=ResidentCase, summary="Rate the handling of my case",
    description="Betygsätt handläggningen (1–5) once the case is answered, once: a second rating is refused (409). "
    "Without the right token the case does not exist (404). Public: the token is the credential.",
    responses=problems(404, 409, 422),
)
async def rate_my_case(registration_number: Number, body: RatingSet, session: Session, case_token: Token = None) -> ResidentCase:
    row = await service.resident_case(session, registration_number=registration_number, token=case_token)
    return render.resident(await service.rate(session, row=row, change=body, now=datetime.now(UTC)))
