"""The worker's periodic jobs: the carry-over check and the audit log's head publication."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree.queries import STOCKHOLM
from servicekit.service import PeriodicJob

from audit.auditlog import service as log
from audit.config import AuditSettings
from audit.reviews import service as reviews


async def carry_over(session: AsyncSession, settings: AuditSettings, now: datetime) -> None:
    await reviews.carry_over(session, as_of=now.astimezone(STOCKHOLM).date())


async def publish_log_head(session: AsyncSession, settings: AuditSettings, now: datetime) -> None:
    await log.publish_head(session, now=now)


def _one_transaction(round_):
    """Each round of an audit job is one transaction (the worker hands jobs a session factory)."""

    async def run(settings: AuditSettings, sessions, now: datetime) -> None:
        async with sessions() as session, session.begin():
            await round_(session, settings, now)

    return run


JOBS = (
    PeriodicJob("carry-over", _one_transaction(carry_over), lambda settings: settings.carry_over_check_seconds),
    PeriodicJob("log-head", _one_transaction(publish_log_head), lambda settings: settings.log_head_publish_seconds),
)
