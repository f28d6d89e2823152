"""Lex Sarah's route class: refused attempts — reads included — in the audit log, their contents hashed.

Like ``audit.auditlog.route.AuditedRoute`` the refusal is appended in a transaction of its own
after the request's has rolled back; unlike it, what was sent is kept only as its SHA-256 (a
refused report still carries lex Sarah contents), validation errors without their details (they
quote the input), and refused reads are logged too: every attempt to read a case is on record.
"""

import hashlib

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError

from servicekit.assertion import Principal
from servicekit.db import TransactionalRoute
from servicekit.problems import ProblemError

from audit.auditlog import service as log


class LexSarahRoute(TransactionalRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()
        operation = self.name

        async def logged_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except ProblemError as exc:
                await _record_refusal(request, operation, exc.status, exc.kind)
                raise
            except RequestValidationError:
                await _record_refusal(request, operation, 422, "validation-error")
                raise
            if response.status_code >= 400:
                await _record_refusal(request, operation, response.status_code, None)
            return response

        return logged_handler


async def _record_refusal(request: Request, operation: str, status: int, kind: str | None) -> None:
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return
    body = await request.body()
    async with request.app.state.sessionmaker() as session:
        await log.append(
            session, principal, action=operation, entity_type="lex_sarah_case" if "case_id" in request.path_params else None,
            entity_id=request.path_params.get("case_id") or request.path_params.get("committee_id"), committee_id=None,
            before={"method": request.method, "path": request.url.path,
                    "attempt_sha256": hashlib.sha256(body).hexdigest() if body else None},
            after={"status": status, "problem": kind}, outcome="refused",
        )
        await session.commit()
