"""The published quality guarantees of a unit, as residents read them (public)."""

import uuid

from fastapi import APIRouter
from pydantic import BaseModel, Field

from servicekit.auth import public
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import stockholm_today

from feedback import organisation
from feedback.guarantees import repository
from feedback.problems import problems

router = APIRouter(route_class=TransactionalRoute, tags=["guarantees"])


class Promise(BaseModel):
    id: uuid.UUID = Field(description="Stable across versions; name it as guarantee_promise_id in a case.")
    text: str


class PublishedGuarantee(BaseModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    year: int
    version: int
    business_idea: str = Field(description="Verksamhetsidé.")
    feedback_routine: str = Field(description="Rutin för synpunkter och klagomål.")
    promises: list[Promise] = Field(description="Våra löften till dig.")


@router.get(
    "/units/{unit_id}/guarantees", response_model=list[PublishedGuarantee], dependencies=[public],
    summary="List the quality guarantees a unit has published",
    description="Publicerade kvalitetsgarantier för enheten och enheterna ovanför, with their promises, so a "
    "complaint can name the promise that was not kept. Public.",
    responses=problems(422),
)
async def list_unit_guarantees(unit_id: uuid.UUID, session: Session) -> list[PublishedGuarantee]:
    place = await organisation.require_place(session, unit_id=unit_id, on=stockholm_today())
    found: dict[uuid.UUID, PublishedGuarantee] = {}
    for row in await repository.published_for(session, unit_ids=place.lineage):
        guarantee = found.setdefault(row.id, PublishedGuarantee(
            id=row.id, unit_id=row.unit_id, year=row.year, version=row.version, business_idea=row.business_idea,
            feedback_routine=row.feedback_routine, promises=[],
        ))
        if row.promise_id is not None:
            guarantee.promises.append(Promise(id=row.promise_id, text=row.text))
    return list(found.values())
