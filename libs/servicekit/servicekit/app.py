"""The FastAPI application factory every service uses."""

import gc
from collections.abc import Mapping, Sequence
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
from servicekit.prefixes import PrefixedApi
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
    extra_prefixes: Mapping[str, PrefixedApi] | None = None,
) -> FastAPI:
    """Wire a service: logging, engine, Redis, problem handlers, middleware, health and routers.

    ``api_prefix`` is e.g. ``/goals/v1``; the OpenAPI document is served at
    ``{api_prefix}/openapi.json`` so the gateway can merge it under the same path. It describes
    every prefix the service serves.

    ``extra_prefixes`` maps a further prefix to the routers served under it and the renderer of
    its errors, e.g. ``{"/open311/v2": PrefixedApi(routers=[open311_router],
    render_error=render_open311_error)}``: errors of routes under ``/open311/v2`` (and 404s/405s
    and missing assertions on paths under it) are answered by ``render_open311_error``, all others
    stay RFC 9457 problem documents. See ``servicekit.prefixes``.
    """
    extra_prefixes = dict(extra_prefixes or {})
    renderers = {prefix: api.render_error for prefix, api in extra_prefixes.items()}
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        app.state.sessionmaker = sessionmaker(app.state.engine)
        app.state.redis = aioredis.from_url(settings.redis_url)
        # What exists now (modules, models, schemas, the OpenAPI document) lives as long as the
        # process: keep it out of the cyclic collector's scans. A full collection while a large
        # report was being built scanned all of it, the slowest of otherwise even requests.
        gc.freeze()
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
    install_problem_handlers(app, renderers)

    @app.exception_handler(IdempotentReplay)
    async def _replay(request, exc: IdempotentReplay):
        return replay_response(exc)

    app.include_router(health_router)
    for router in routers:
        app.include_router(router, prefix=api_prefix)
    for prefix, api in extra_prefixes.items():
        for router in api.routers:
            app.include_router(router, prefix=prefix)
    install_problem_openapi(app, extra_prefixes)
    verifier = AssertionVerifier(settings.public_key_pem(), audience=settings.service_name)
    app.add_middleware(ServiceMiddleware, verifier=verifier, renderers=renderers)
    return app
