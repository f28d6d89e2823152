"""Read-only HTTP API of the organisation tree, mounted by goals and by every read model."""

import uuid
from datetime import date
from typing import Annotated

from contracts.organisation import OrganisationUnitType
from fastapi import APIRouter, Depends, Query, Response

from servicekit.auth import service_reader
from servicekit.concurrency import with_etag
from servicekit.db import Session, TransactionalRoute
from servicekit.orgtree import queries
from servicekit.orgtree.schemas import OrganisationUnit, Subtree
from servicekit.orgtree.tables import OrgTables
from servicekit.pagination import Page, PageParams, page_params
from servicekit.problems import ProblemError

MAX_SUBTREE_DEPTH = 20


# The tree is not secret: any staff role, or a key with <service>:read (or :write).
read_access = service_reader

AsOf = Annotated[
    date | None,
    Query(description="The date to read the tree as of (per datum), ISO 8601; default today in Europe/Stockholm."),
]


def _not_found(unit_id: uuid.UUID) -> ProblemError:
    return ProblemError(404, f"No organisation unit {unit_id}.", kind="unit-not-found")


def org_read_router(tables: OrgTables) -> APIRouter:
    router = APIRouter(route_class=TransactionalRoute, tags=["organisation"], dependencies=[read_access])

    @router.get(
        "/organisation-units",
        response_model=Page[OrganisationUnit],
        summary="List organisation units as of a date",
        description="Organisationsenheter i kraft per datum, i kodordning. A cursor keeps the as_of of its first page.",
    )
    async def list_organisation_units(
        session: Session,
        params: Annotated[PageParams, Depends(page_params)],
        as_of: AsOf = None,
        type: Annotated[list[OrganisationUnitType] | None, Query(description="Only these types (enhetstyp); repeatable.")] = None,
        parent_id: Annotated[uuid.UUID | None, Query(description="Only direct children of this unit.")] = None,
        code: Annotated[str | None, Query(description="Only the unit with this code (enhetskod).")] = None,
        within: Annotated[uuid.UUID | None, Query(description="Only this unit and the units below it.")] = None,
    ) -> Page[OrganisationUnit]:
        return await queries.list_units(
            session, tables, params=params, as_of=as_of, types=type, parent_id=parent_id, code=code, within=within
        )

    @router.get(
        "/organisation-units/{unit_id}",
        response_model=OrganisationUnit,
        name="get_organisation_unit",
        summary="Read an organisation unit as of a date",
        description="Organisationsenhet per datum med hela historiken. A unit closed by then is returned with status closed.",
    )
    async def get_organisation_unit(unit_id: uuid.UUID, session: Session, response: Response, as_of: AsOf = None) -> OrganisationUnit:
        unit = await queries.get_unit(session, tables, unit_id=unit_id, as_of=as_of or queries.stockholm_today())
        if unit is None:
            raise _not_found(unit_id)
        return with_etag(response, unit)

    @router.get(
        "/organisation-units/{unit_id}/subtree",
        response_model=Subtree,
        summary="Read the units below a unit as of a date",
        description="Enheten och alla underliggande enheter per datum, som en platt lista med djup (depth) och parent_id.",
    )
    async def get_organisation_subtree(
        unit_id: uuid.UUID,
        session: Session,
        as_of: AsOf = None,
        max_depth: Annotated[int | None, Query(ge=0, le=MAX_SUBTREE_DEPTH, description="Levels below the unit to include.")] = None,
    ) -> Subtree:
        as_of = as_of or queries.stockholm_today()
        items = await queries.subtree(session, tables, root_id=unit_id, as_of=as_of, max_depth=max_depth)
        if not items:
            unit = await queries.get_unit(session, tables, unit_id=unit_id, as_of=as_of)
            if unit is None:
                raise _not_found(unit_id)
            raise ProblemError(
                404, f"Organisation unit {unit_id} is not in effect on {as_of}.", kind="unit-not-in-effect",
                status_on_date=unit.status,
            )
        return Subtree(root_id=unit_id, as_of=as_of, items=items)

    return router
