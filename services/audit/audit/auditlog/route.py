"""The route class of every audit router: the request's transaction, and refused attempts logged.

A write request refused with a problem document (bad input, a broken rule, no access) has its
own transaction rolled back by ``TransactionalRoute``; the attempt is then appended to the audit
log in a new transaction, so the log shows what was tried, by whom, and why it was refused,
while nothing the attempt touched is changed.
"""

import orjson
from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError

from servicekit.assertion import Principal
from servicekit.db import TransactionalRoute
from servicekit.problems import ProblemError

from audit.auditlog import service

MAX_ATTEMPT_BYTES = 16_384  # what was sent is kept in the entry unless it is larger than this


class AuditedRoute(TransactionalRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()
        operation = self.name

        async def audited_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except ProblemError as exc:
                await _record_refusal(request, operation, exc.status, exc.kind, exc.detail)
                raise
            except RequestValidationError as exc:
                await _record_refusal(request, operation, 422, "validation-error", str(exc.errors())[:2000])
                raise
            if response.status_code >= 400:
                await _record_refusal(request, operation, response.status_code, None, None)
            return response

        return audited_handler


async def _record_refusal(request: Request, operation: str, status: int, kind: str | None, detail: str | None) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return
    body = await request.body()
    attempt = None
    if body and len(body) <= MAX_ATTEMPT_BYTES:
        try:
            attempt = orjson.loads(body)
        except orjson.JSONDecodeError:
            attempt = {"unparsed_bytes": len(body)}
    params = request.path_params
    async with request.app.state.sessionmaker() as session:
        await service.append(
            session, principal, action=operation, entity_type=None,
            entity_id=next(iter(params.values()), None), committee_id=None,
            before={"method": request.method, "path": request.url.path, "attempt": attempt},
            after={"status": status, "problem": kind, "detail": detail}, outcome="refused",
        )
        await session.commit()
