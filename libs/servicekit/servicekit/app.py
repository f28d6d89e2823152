"""The FastAPI application factory every service uses."""

from collections.abc import Sequence
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from fastapi import APIRouter, FastAPI

from servicekit.assertion import AssertionVerifier
from servicekit.db import create_engine, sessionmaker
from servicekit.health import router as health_router
from servicekit.idempotency import IdempotentReplay, replay_response
from servicekit.logging import configure_logging
from servicekit.middleware import ServiceMiddleware
from servicekit.openapi import install_problem_openapi
from servicekit.problems import install_problem_handlers
from servicekit.settings import ServiceSettings


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str,
    api_prefix: str,
    routers: Sequence[APIRouter],
    version: str = "1.0.0",
) -> FastAPI:
    """Wire a service: logging, engine, Redis, problem handlers, middleware, health and routers.

    ``api_prefix`` is e.g. ``/goals/v1``; the OpenAPI document is served at
    ``{api_prefix}/openapi.json`` so the gateway can merge it under the same path.
    """
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        app.state.sessionmaker = sessionmaker(app.state.engine)
        app.state.redis = aioredis.from_url(settings.redis_url)
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await app.state.engine.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        openapi_url=f"{api_prefix}/openapi.json",
        docs_url=f"{api_prefix}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    install_problem_handlers(app)

    @app.exception_handler(IdempotentReplay)
    async def _replay(request, exc: IdempotentReplay):
        return replay_response(exc)

    app.include_router(health_router)
    for router in routers:
        app.include_router(router, prefix=api_prefix)
    install_problem_openapi(app)
    verifier = AssertionVerifier(settings.public_key_pem(), audience=settings.service_name)
    app.add_middleware(ServiceMiddleware, verifier=verifier)
    return app
