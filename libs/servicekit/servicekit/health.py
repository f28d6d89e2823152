"""/healthz (alive, depends on nothing), /readyz (database and Redis reachable), /metrics."""

import asyncio

from fastapi import APIRouter, Request
import orjson
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

router = APIRouter(include_in_schema=False)
CHECK_TIMEOUT_SECONDS = 2.0


def _json(body: dict, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


@router.get("/healthz")
async def healthz() -> Response:
    return _json({"status": "ok"})


async def _check_database(request: Request) -> None:
    async with request.app.state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check_redis(request: Request) -> None:
    await request.app.state.redis.ping()


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    checks = {}
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        try:
            await asyncio.wait_for(check(request), CHECK_TIMEOUT_SECONDS)
            checks[name] = "up"
        except Exception as exc:  # any failure means not ready; say which
            checks[name] = f"down: {type(exc).__name__}"
    ready = all(state == "up" for state in checks.values())
    return _json({"status": "ready" if ready else "not ready", "checks": checks}, 200 if ready else 503)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
