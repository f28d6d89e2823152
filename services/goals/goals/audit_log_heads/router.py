"""Read API of the anchored audit-log heads (förankrade kedjehuvuden)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy import select

from servicekit.auth import require_access
from servicekit.db import Session, TransactionalRoute
from servicekit.pagination import Page, PageParams, build_page, page_params

from goals.models import audit_log_heads

router = APIRouter(route_class=TransactionalRoute, tags=["audit log heads"])


class AnchoredHead(BaseModel):
    """A head of audit's hash chain as audit published it (audit.log.head)."""

    sequence: int = Field(description="Position of the entry in audit's log.")
    hash: str = Field(description="SHA-256 of that entry, covering every entry before it.")
    recorded_at: datetime
    published_at: datetime
    received_at: datetime = Field(description="When goals anchored it.")


@router.get(
    "/audit-log-heads", response_model=Page[AnchoredHead],
    dependencies=[require_access(roles=("internal_auditor",))],
    summary="List the audit log's anchored heads",
    description="Förankrade kedjehuvuden från audits loggbok, kept append-only outside audit's database, oldest first. "
    "Send them to POST /audit/v1/audit-log/verification to detect a rewritten log.",
)
async def list_audit_log_heads(session: Session, params: Annotated[PageParams, Depends(page_params)]) -> Page[AnchoredHead]:
    query = select(audit_log_heads).order_by(audit_log_heads.c.sequence, audit_log_heads.c.hash).limit(params.limit + 1)
    if params.cursor is not None:
        after = (int(params.cursor["sequence"]), str(params.cursor["hash"]))
        query = query.where(
            (audit_log_heads.c.sequence > after[0])
            | ((audit_log_heads.c.sequence == after[0]) & (audit_log_heads.c.hash > after[1]))
        )
    rows = list(await session.execute(query))
    rows, cursor = build_page(rows, params, lambda row: {"sequence": row.sequence, "hash": row.hash})
    return Page[AnchoredHead](
        items=[AnchoredHead(**{k: v for k, v in row._mapping.items() if k != "event_id"}) for row in rows], next_cursor=cursor,
    )
