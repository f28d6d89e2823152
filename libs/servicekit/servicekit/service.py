"""What a service declares about itself, so the shared command line can run it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData

from servicekit.events.consumer import Handler
from servicekit.settings import ServiceSettings


@dataclass(frozen=True)
class PeriodicJob:
    """Work the worker runs every ``interval_seconds(settings)``: ``run(settings, sessions, now)``.

    ``sessions`` is an ``async_sessionmaker``; the job owns its transactions. ``now`` is the
    worker's clock, passed in so that tests can run the same job at any moment.
    """

    name: str
    run: Callable[[ServiceSettings, object, datetime], Awaitable[object]]
    interval_seconds: Callable[[ServiceSettings], float] = lambda settings: 300.0


@dataclass(frozen=True)
class ServiceDefinition:
    name: str  # also the consumer group, the stream name and the assertion audience
    settings_factory: Callable[[], ServiceSettings]
    app_factory: str  # import string for uvicorn, e.g. "goals.app:create_app"
    metadata: MetaData
    migrations_dir: Path
    # Producing service → {event type → handler}; the handler runs in the consumer's transaction.
    subscriptions: dict[str, dict[str, Handler]] = field(default_factory=dict)
    # First-start content (`python -m <name> demo`): import string of `async def load(api)`, where
    # `api.client(roles=..., subject=..., org=..., actor=..., scopes=...)` returns an httpx client on
    # the service's own app; the loader goes through the API and is idempotent. None: no demo.
    demo: str | None = None
    # A second first-start hook (`python -m <name> demo --finish`), same signature, run after every
    # service's demo has loaded and been delivered: content that needs the others' (goals submits its
    # annual report once audit's lex Sarah summary is there). Idempotent; None: none.
    demo_finish: str | None = None
    # Domain jobs the worker runs periodically beside housekeeping (deadlines, retention ...).
    jobs: tuple[PeriodicJob, ...] = ()
