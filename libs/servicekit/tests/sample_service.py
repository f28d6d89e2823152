"""A tiny service built only from servicekit, to test the plumbing the real services share.

Besides ``/sample/v1`` it serves a GeoReport-v2-like API under ``/open311/v2`` whose errors are
the spec's error list, as a real service (feedback) does with its own renderer.
"""

from typing import Annotated
from xml.sax.saxutils import escape

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.app import create_service_app
from servicekit.auth import CurrentPrincipal, PublicPrincipal, public, require_access
from servicekit.concurrency import require_if_match, set_etag
from servicekit.db import Session, TransactionalRoute, new_metadata
from servicekit.events.outbox import EventPublisher
from servicekit.idempotency import idempotency_key, record_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.prefixes import ApiError, PrefixedApi
from servicekit.problems import ProblemError
from servicekit.settings import ServiceSettings, service_config
from servicekit.tables import IdempotencyRecord


class SampleSettings(ServiceSettings):
    model_config = service_config("SAMPLE_")
    service_name: str = "sample"


class Base(DeclarativeBase):
    metadata = new_metadata()


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=100)


class NoteOut(BaseModel):
    id: int
    title: str
    version: int


class NoteCreated(BaseModel):
    id: int
    title: str


events = EventPublisher("sample")
router = APIRouter(route_class=TransactionalRoute)
readers = require_access(roles=["unit_manager"], key_scopes=["sample:read"])
writers = require_access(roles=["unit_manager"], key_scopes=["sample:write"])


@router.post("/notes", status_code=201, response_model=NoteOut, dependencies=[writers, Depends(idempotency_key)])
async def create_note(body: NoteIn, session: Session, request: Request, response: Response) -> NoteOut:
    if body.title == "raced":  # as if a first request with this key committed after this one looked
        key = record_key(request.state.principal.subject, request.method, request.url.path, request.headers["idempotency-key"])
        session.add(IdempotencyRecord(key_hash=key, fingerprint="first", status_code=201, headers={}, body=b"{}"))
        await session.flush()
    if body.title == "fail-after-write":
        session.add(Note(title=body.title))
        await events.record(session, type="sample.note.created", subject="x", data=NoteCreated(id=0, title=body.title))
        await session.flush()
        raise ProblemError(409, "Refused after writing, to prove the rollback.", kind="refused")
    note = Note(title=body.title, version=1)
    session.add(note)
    await session.flush()
    await events.record(session, type="sample.note.created", subject=str(note.id), data=NoteCreated(id=note.id, title=note.title))
    response.headers["location"] = f"/sample/v1/notes/{note.id}"
    set_etag(response, note.version)
    return NoteOut(id=note.id, title=note.title, version=note.version)


@router.get("/notes", response_model=Page[NoteOut], dependencies=[readers])
async def list_notes(session: Session, params: Annotated[PageParams, Depends(page_params)]) -> Page[NoteOut]:
    after = (params.cursor or {}).get("id", 0)
    rows = (await session.scalars(select(Note).where(Note.id > after).order_by(Note.id).limit(params.limit + 1))).all()
    items, next_cursor = build_page(list(rows), params, lambda note: {"id": note.id})
    return Page[NoteOut](items=[NoteOut(id=n.id, title=n.title, version=n.version) for n in items], next_cursor=next_cursor)


@router.patch("/notes/{note_id}", response_model=NoteOut, dependencies=[writers])
async def rename_note(note_id: int, body: NoteIn, session: Session, request: Request, response: Response) -> NoteOut:
    note = await session.get(Note, note_id)
    if note is None:
        raise ProblemError(404, "No such note.", kind="not-found")
    require_if_match(request, note.version)
    note.title = body.title
    note.version += 1
    set_etag(response, note.version)
    return NoteOut(id=note.id, title=note.title, version=note.version)


@router.get("/crash", dependencies=[readers])
async def crash() -> None:
    raise RuntimeError("a bug with a secret in it: 070-123 45 67")


@router.get("/public-notes/count", dependencies=[public])
async def count_public_notes(session: Session) -> dict:
    return {"count": await session.scalar(select(func.count()).select_from(Note))}


@router.get("/whoami")
async def whoami(principal: CurrentPrincipal) -> dict:
    return {"actor": principal.actor_kind}


georeport = APIRouter(route_class=TransactionalRoute)


@georeport.get("/requests/{request_id}.{format}")
async def get_request(request_id: int, format: str, principal: PublicPrincipal) -> dict:
    if request_id != 1:
        raise ProblemError(404, f"No request {request_id}.", kind="not-found")
    return {"service_request_id": "1", "seen_by": principal.actor_kind,
            "holding": sorted(principal.roles | principal.key_scopes | principal.org_scope)}


@georeport.get("/requests.{format}", dependencies=[public])
async def list_requests(format: str, start_date: Annotated[int, Query(ge=2000)] = 2026) -> list:
    return []


@georeport.post("/requests.{format}", dependencies=[writers])
async def post_request(format: str) -> list:
    return [{"service_request_id": "2"}]


@georeport.get("/crash.{format}", dependencies=[public])
async def crash_open311(format: str) -> None:
    raise RuntimeError("a bug with a secret in it: 070-123 45 67")


def render_georeport_error(request: Request, error: ApiError) -> Response:
    """GeoReport v2's error list; validation errors are its 400."""
    status = 400 if error.kind == "validation-error" else error.status
    description = error.description
    if error.issues:
        description += " " + "; ".join(f"{'.'.join(i['location'])}: {i['message']}" for i in error.issues)
    headers = dict(error.headers)
    if request.url.path.endswith(".xml"):
        body = (f'<?xml version="1.0" encoding="utf-8"?><errors><error><code>{status}</code>'
                f"<description>{escape(description)}</description></error></errors>")
        return Response(body, status_code=status, media_type="text/xml; charset=utf-8", headers=headers)
    return Response(orjson.dumps([{"code": status, "description": description}]), status_code=status,
                    media_type="application/json", headers=headers)


GEOREPORT_ERROR_RESPONSE = {
    "description": "GeoReport v2 error list.",
    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}},
}


def create_app():
    return create_service_app(
        SampleSettings(), title="Sample", description="servicekit test service", api_prefix="/sample/v1",
        routers=[router],
        extra_prefixes={"/open311/v2": PrefixedApi(routers=[georeport], render_error=render_georeport_error,
                                                   openapi_error_response=GEOREPORT_ERROR_RESPONSE)},
    )
