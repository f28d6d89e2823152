"""A tiny service built only from servicekit, to test the plumbing the real services share."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.app import create_service_app
from servicekit.auth import require_access
from servicekit.concurrency import etag_for, require_if_match
from servicekit.db import Session, TransactionalRoute, new_metadata
from servicekit.events.outbox import EventPublisher
from servicekit.idempotency import idempotency_key
from servicekit.pagination import Page, PageParams, build_page, page_params
from servicekit.problems import ProblemError
from servicekit.settings import ServiceSettings, service_config


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
async def create_note(body: NoteIn, session: Session, response: Response) -> NoteOut:
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
    response.headers["etag"] = etag_for(note.version)
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
    response.headers["etag"] = etag_for(note.version)
    return NoteOut(id=note.id, title=note.title, version=note.version)


@router.get("/crash", dependencies=[readers])
async def crash() -> None:
    raise RuntimeError("a bug with a secret in it: 070-123 45 67")


def create_app():
    return create_service_app(
        SampleSettings(), title="Sample", description="servicekit test service", api_prefix="/sample/v1",
        routers=[router],
    )
