"""/healthz (alive, depends on nothing), /readyz (database and Redis reachable), /metrics."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import ORJSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(include_in_schema=False)
CHECK_TIMEOUT_SECONDS = 2.0


@router.get("/healthz")
async def healthz() -> ORJSONResponse:
    return ORJSONResponse({"status": "ok"})


async def _check_database(request: Request) -> None:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


@router.get("/readyz")
async def readyz(request: Request) -> ORJSONResponse:
    checks = {}
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_SECONDS)
            checks[name] = "up"
        except Exception as exc:  # any failure means not ready; say which
            checks[name] = f"down: {type(exc).__name__}"
    ready = all(state == "up" for state in checks.values())
    return ORJSONResponse({"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
