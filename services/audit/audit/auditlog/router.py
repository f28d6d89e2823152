"""HTTP API of the audit log (loggbok): read, verify, publish the head."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from servicekit.auth import CurrentPrincipal, require_access
from servicekit.db import Session, TransactionalRoute
from servicekit.pagination import PageParams, build_page, page_params

from audit import access
from audit.auditlog import repository, service
from audit.auditlog.chain import AnchoredHead
from audit.auditlog.schemas import LogEntry, LogPage, PublishedHead, TamperingReport, VerificationRequest, VerificationResult
from audit.web import cursor_position, problems

# Reading and verifying change nothing, so they are not logged themselves.
router = APIRouter(route_class=TransactionalRoute, tags=["audit log"])
log_access = require_access(roles=("internal_auditor",))
admin_access = require_access(roles=("admin",))


@router.get(
    "/audit-log", response_model=LogPage, dependencies=[log_access],
    summary="Read the audit log", description="Loggboken: every change and every refused attempt, oldest first; an internal "
    "auditor sees the entries of their committees (and refused attempts that named none).", responses=problems(403),
)
async def list_audit_log(
    session: Session, principal: CurrentPrincipal, params: Annotated[PageParams, Depends(page_params)],
    entity_id: Annotated[str | None, Query(description="Only entries about this record.")] = None,
) -> LogPage:
    committees = None if "admin" in principal.roles else await access.visible_committees(session, principal)
    after = (cursor_position(params, sequence=int) or (None,))[0]
    rows = await repository.list_entries(session, committee_ids=committees, entity_id=entity_id, after=after, limit=params.limit + 1)
    rows, cursor = build_page(rows, params, lambda row: {"sequence": row["sequence"]})
    return LogPage(items=[LogEntry(**row) for row in rows], next_cursor=cursor)


@router.post(
    "/audit-log/verification", response_model=VerificationResult, dependencies=[log_access],
    summary="Verify the audit log's hash chain",
    description="Verifiera loggboken: walks the whole chain and names the first altered, removed or reordered entry. "
    "Send the heads anchored outside audit (goals' /goals/v1/audit-log-heads) to detect a rewrite of the whole table "
    "with recomputed hashes.",
    responses=problems(403, 422),
)
async def verify_audit_log(body: VerificationRequest, session: Session) -> VerificationResult:
    anchored = [AnchoredHead(sequence=head.sequence, hash=head.hash) for head in body.anchored_heads]
    checked, head, tampering = await service.verify(session, anchored=anchored)
    return VerificationResult(
        intact=tampering is None, entries_checked=checked, anchored_heads_checked=len(anchored),
        head_sequence=head.sequence if head else None, head_hash=head.hash if head else None,
        first_tampering=TamperingReport(**tampering.__dict__) if tampering else None,
    )


@router.post(
    "/audit-log/head-publications", response_model=PublishedHead, dependencies=[admin_access],
    summary="Publish the audit log's head now",
    description="Publicera kedjans huvud (audit.log.head) now instead of waiting for the worker's next round.",
    responses=problems(403),
)
async def publish_audit_log_head(session: Session) -> PublishedHead:
    head = await service.publish_head(session, now=datetime.now(UTC))
    return PublishedHead(published=head is not None, sequence=head.sequence if head else None, hash=head.hash if head else None)
