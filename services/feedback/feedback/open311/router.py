"""GeoReport v2 endpoints. Every resource answers in JSON or XML as its suffix says (.json, .xml)."""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from servicekit.auth import CurrentPrincipal, public
from servicekit.db import Session, TransactionalRoute
from servicekit.idempotency import idempotency_key
from servicekit.problems import ProblemError

from feedback import access, organisation
from feedback.cases import repository as case_repository
from feedback.cases import service as cases
from feedback.cases.router import IntakeDep
from feedback.categories import service as categories
from feedback.open311 import mapping
from feedback.open311.forms import case_from_form, read_form
from feedback.open311.render import respond

router = APIRouter(route_class=TransactionalRoute, tags=["open311"])
Format = Annotated[Literal["json", "xml"], Path(description="json or xml.")]
Jurisdiction = Annotated[str | None, Query(max_length=100, description="The city's jurisdiction_id (optional: one city).")]
SPEC = "http://wiki.open311.org/GeoReport_v2"
# Each resource answers in the format its suffix names, with the spec's element names.
FORMATS = {"application/json": {}, "text/xml": {}}
OK = {200: {"description": "The GeoReport v2 document, JSON or XML as the suffix says.", "content": FORMATS}}
CREATED = {201: {"description": "The new request: service_request_id, token, service_notice, account_id.", "content": FORMATS}}
MAX_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
CHANGESET = "2026-12-01T00:00:00Z"


def _check_jurisdiction(request: Request, jurisdiction_id: str | None) -> None:
    expected = request.app.state.settings.open311_jurisdiction_id
    if jurisdiction_id is not None and jurisdiction_id != expected:
        raise ProblemError(404, f"Unknown jurisdiction_id; this endpoint serves {expected}.", kind="unknown-jurisdiction")


@router.get(
    "/discovery.{format}", dependencies=[public], responses=OK, summary="Open311 service discovery",
    description="Tjänsteupptäckt (GeoReport v2 discovery): the endpoint, its specification and formats. Public.",
)
async def discovery(format: Format, request: Request):
    base = str(request.base_url).rstrip("/")
    return respond(format, root="discovery", record={
        "changeset": CHANGESET,
        "contact": "Stockholms stad, synpunkter och klagomål",
        "key_service": "API keys for posting are issued by the city's platform team.",
        "endpoints": [{
            "specification": SPEC, "url": f"{base}/open311/v2", "changeset": CHANGESET, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    })


async def _services(session) -> list[dict]:
    return [
        {"service_code": c.code, "service_name": c.name_sv, "description": c.description_sv, "metadata": True,
         "type": "realtime", "keywords": ", ".join(c.keywords), "group": c.group_sv}
        for c in await categories.list_categories(session, active_only=True)
    ]


@router.get(
    "/services.{format}", dependencies=[public], responses=OK, summary="Open311 service list (the categories)",
    description="Kategorierna som Open311-tjänster, en lista för hela staden. Public.",
)
async def list_services(format: Format, request: Request, session: Session, jurisdiction_id: Jurisdiction = None):
    _check_jurisdiction(request, jurisdiction_id)
    return respond(format, root="services", item="service", items=await _services(session))


@router.get(
    "/services/{service_code}.{format}", dependencies=[public], responses=OK, summary="Open311 service definition",
    description="Kategorins attribut (vilken sorts synpunkt, om namnet får lämnas ut till enheten). Public.",
)
async def service_definition(
    service_code: Annotated[str, Path(max_length=40)], format: Format, request: Request, session: Session,
    jurisdiction_id: Jurisdiction = None,
):
    _check_jurisdiction(request, jurisdiction_id)
    row = await categories.get_category(session, code=service_code)
    if not row.active:
        raise ProblemError(404, f"No service {service_code}.", kind="category-not-found")
    return respond(format, root="service_definition", record={"service_code": row.code, "attributes": mapping.ATTRIBUTES})


FORM_BODY = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["service_code"],
    "properties": {name: {"type": "string"} for name in (
        "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "service_object_type",
        "service_object_id", "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
        "media_url", "attribute[kind]", "attribute[confidential]", "api_key",
    )},
}}}}}


@router.post(
    "/requests.{format}", status_code=201, dependencies=[Depends(idempotency_key)], openapi_extra=FORM_BODY,
    responses=CREATED,
    summary="Open311: create a service request (register a case)",
    description="Lämna en synpunkt via Open311, form-encoded: service_code, a location (lat+long, address_string, "
    "address_id or the 6Aika service_object_id naming a unit), description, optional contact details "
    "(first_name, last_name, email, phone) and attribute[kind], attribute[confidential]. Needs an API key "
    "(api_key in the form or query, read by the gateway). Accepts Idempotency-Key.",
)
async def create_request(format: Format, request: Request, session: Session, principal: CurrentPrincipal, intake: IntakeDep):
    access.require_register(principal)  # who may post before what was posted
    form = await read_form(request)
    _check_jurisdiction(request, form.get("jurisdiction_id") or None)
    row, _ = await cases.create_case(session, principal=principal, data=case_from_form(form), intake=intake, now=datetime.now(UTC))
    created = {"service_request_id": row.registration_number, "token": row.open311_token,
               "service_notice": f"Tack! Ditt ärende har nummer {row.registration_number}.", "account_id": None}
    location = f"/open311/v2/requests/{row.registration_number}.{format}"
    return respond(format, root="service_requests", item="request", items=[created], status=201, headers={"location": location})


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _w3c(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProblemError(400, f"{name} must be a w3 datetime, e.g. 2026-01-01T00:00:00Z.", kind="invalid-request") from None
    if moment.tzinfo is None:
        raise ProblemError(400, f"{name} needs a time zone (Z or an offset).", kind="invalid-request")
    return moment


async def _public(session, rows) -> list[dict]:
    names = {c.code: c.name_sv for c in await categories.list_categories(session)}
    agencies = await organisation.unit_names(session, {row.unit_id for row in rows})
    return [mapping.public_request(row, service_name=names.get(row.category_code, row.category_code),
                                   agency=agencies.get(row.unit_id)) for row in rows]


@router.get(
    "/requests.{format}", dependencies=[public], responses=OK, summary="Open311: list service requests",
    description="Ärenden som tjänsteförfrågningar: status, kategori, plats och tider, aldrig beskrivning eller "
    "kontaktuppgifter. Filters: service_request_id (comma-separated; overrides the others), service_code, "
    "start_date, end_date (at most 90 days apart; default the last 90 days), status (open, closed). Public.",
)
async def list_requests(
    format: Format, request: Request, session: Session, jurisdiction_id: Jurisdiction = None,
    service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
    service_code: Annotated[str | None, Query(max_length=2000)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
):
    _check_jurisdiction(request, jurisdiction_id)
    statuses = _split(status)
    if statuses is not None and not set(statuses) <= {mapping.OPEN, mapping.CLOSED}:
        raise ProblemError(400, "status is open, closed or both (comma-separated).", kind="invalid-request")
    start, end = _w3c("start_date", start_date), _w3c("end_date", end_date)
    end = end or (start + MAX_SPAN if start else datetime.now(UTC))
    start = start or end - MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        raise ProblemError(400, "start_date and end_date may be at most 90 days apart, start first.", kind="invalid-request")
    rows = await case_repository.open311_requests(
        session, numbers=_split(service_request_id), codes=_split(service_code),
        statuses=mapping.statuses_for(set(statuses)) if statuses else None, start=start, end=end, limit=MAX_REQUESTS,
    )
    return respond(format, root="service_requests", item="request", items=await _public(session, rows))


@router.get(
    "/requests/{service_request_id}.{format}", dependencies=[public], responses=OK, summary="Open311: read one service request",
    description="Ett ärende (by registration number) in its public view. Public.",
)
async def get_request(
    service_request_id: Annotated[str, Path(max_length=40)], format: Format, request: Request, session: Session,
    jurisdiction_id: Jurisdiction = None,
):
    _check_jurisdiction(request, jurisdiction_id)
    row = await case_repository.find_case(session, registration_number=service_request_id)
    if row is None:
        raise ProblemError(404, f"No service request {service_request_id}.", kind="case-not-found")
    return respond(format, root="service_requests", item="request", items=await _public(session, [row]))


@router.get(
    "/tokens/{token}.{format}", dependencies=[public], responses=OK, summary="Open311: the request id behind a token",
    description="Open311-token → ärendenummer. This token is Open311's, not the resident's secret. Public.",
)
async def get_token(token: Annotated[str, Path(max_length=64)], format: Format, request: Request, session: Session,
                    jurisdiction_id: Jurisdiction = None):
    _check_jurisdiction(request, jurisdiction_id)
    row = await case_repository.find_case(session, open311_token=token)
    if row is None:
        raise ProblemError(404, f"No service request for token {token}.", kind="token-not-found")
    return respond(format, root="service_requests", item="request",
                   items=[{"service_request_id": row.registration_number, "token": row.open311_token}])
