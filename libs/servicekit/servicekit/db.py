"""Async SQLAlchemy engine, metadata conventions and the request-owned transaction.

The transaction belongs to the request: ``TransactionalRoute`` opens a session before the
endpoint runs and commits it *before* the response is returned to the server, so a failed
commit becomes an error response instead of following a 201 the client already saw.
Endpoints get the session with ``Depends(get_session)`` and never commit themselves.
"""

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from servicekit.dburl import async_url


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    """Declarative base for tables every service has (outbox, inbox, idempotency)."""

    metadata = new_metadata()


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    # No overflow: overflow connections are closed on check-in, so a burst above the pool size
    # opened and closed a PostgreSQL backend per request (measured in bench/ as pool churn).
    # Above ``pool_size`` concurrent transactions a request waits for a connection instead.
    return create_async_engine(
        async_url(url), pool_size=pool_size, max_overflow=0, pool_timeout=10, pool_pre_ping=False,
        pool_recycle=1800,
    )


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


class TransactionalRoute(APIRoute):
    """Route class that owns the request's transaction.

    Commits when the endpoint returned a success response, rolls back on an exception or an
    error status. Routers that touch the database use ``APIRouter(route_class=TransactionalRoute)``.
    """

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def transactional_handler(request: Request) -> Response:
            factory: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
            async with factory() as session:
                request.state.db_session = session
                request.state.before_commit = []
                try:
                    response = await handler(request)
                except BaseException:
                    await session.rollback()
                    raise
                if response.status_code >= 400:
                    await session.rollback()
                    return response
                for hook in request.state.before_commit:
                    await hook(request, response, session)
                await session.commit()
                return response

        return transactional_handler


async def single_statement_writes(session: AsyncSession) -> None:
    """Each of the request's statements commits on its own: no BEGIN and COMMIT round trips. For a
    route whose reads need no common snapshot and whose writes are one statement (atomic by
    itself), called before its first statement. Where the session is bound to a connection already
    in a transaction (the tests' harness, which rolls each test back) they run in that instead."""
    if isinstance(session.bind, AsyncEngine):
        await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


async def get_session(request: Request) -> AsyncSession:
    try:
        return request.state.db_session
    except AttributeError:  # pragma: no cover - a programming error, not user input
        raise RuntimeError("route does not use TransactionalRoute") from None


Session = Annotated[AsyncSession, Depends(get_session)]
