"""The worker's annual-wheel job: overdue items published once each, one committee per transaction.

Takes the clock as an argument (``PeriodicJob``), so a test runs the same code on any day.
"""

from datetime import datetime

from goals.annual_wheel import repository, service
from goals.config import GoalsSettings


async def run_overdue(settings: GoalsSettings, sessions, now: datetime) -> int:
    async with sessions() as session:
        committees = await repository.committee_ids(session)
    total = 0
    for committee_id in committees:
        async with sessions() as session, session.begin():
            total += await service.publish_overdue(
                session, committee_id=committee_id, now=now, lookback_days=settings.annual_wheel_lookback_days,
            )
    return total
