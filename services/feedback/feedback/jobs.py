"""The worker's periodic jobs: overdue escalation, retention of contact details, key rotation, and
the unit statistics published when cases change.

Each runs in its own transaction per batch and takes the clock as an argument, so a test runs
the same code at any date.
"""

import asyncio
import time
from datetime import datetime

from servicekit.service import PeriodicJob

from feedback.config import FeedbackSettings
from feedback.contacts import service as contacts
from feedback.contacts.crypto import ContactCipher
from feedback.deadlines.overdue import BATCH, escalate_overdue
from feedback.statistics.publisher import marked_committees, publish_marked


async def run_overdue(settings: FeedbackSettings, sessions, now: datetime) -> int:
    total = 0
    while True:
        async with sessions() as session, session.begin():
            made = await escalate_overdue(session, now=now)
        total += made
        if made < BATCH:
            return total


async def run_retention(settings: FeedbackSettings, sessions, now: datetime) -> int:
    total = 0
    while True:
        async with sessions() as session, session.begin():
            erased = await contacts.erase_expired(session, now=now, retention_days=settings.contact_retention_days)
        total += erased
        if erased < contacts.BATCH:
            return total


async def run_key_rotation(settings: FeedbackSettings, sessions, now: datetime) -> int:
    cipher = ContactCipher(settings.contact_key_list())
    total = 0
    while True:
        async with sessions() as session, session.begin():
            resealed = await contacts.reseal_old_keys(session, cipher=cipher)
        total += resealed
        if resealed < contacts.BATCH:
            return total


# When this worker last began a round of each committee (time.monotonic()), for the coalescing.
_last_round: dict = {}


async def run_statistics(settings: FeedbackSettings, sessions, now: datetime) -> int:
    """Publishes the unit statistics changed since the last round (feedback.unit-statistics.changed):
    each marked committee in a transaction of its own, up to ``statistics_concurrency`` at once;
    a committee whose last round began less than ``statistics_coalesce_seconds`` ago waits for a
    later run (its marks stay, nothing is lost)."""
    async with sessions() as session:
        committees = await marked_committees(session)
    clock, window = time.monotonic(), settings.statistics_coalesce_seconds
    due = [committee_id for committee_id in committees if clock - _last_round.get(committee_id, -window) >= window]
    gate = asyncio.Semaphore(settings.statistics_concurrency)

    async def one(committee_id) -> int:
        async with gate:
            _last_round[committee_id] = time.monotonic()
            async with sessions() as session, session.begin():
                _, published = await publish_marked(
                    session, committee_id=committee_id, min_cell=settings.statistics_min_cell,
                    batch=settings.statistics_batch, now=now,
                )
        return published

    return sum(await asyncio.gather(*(one(committee_id) for committee_id in due)))


def _statistics_interval(settings: FeedbackSettings) -> float:
    return settings.statistics_interval_seconds


def _interval(settings: FeedbackSettings) -> float:
    return settings.jobs_interval_seconds


JOBS = (
    PeriodicJob("feedback-overdue", run_overdue, _interval),
    PeriodicJob("feedback-contact-retention", run_retention, _interval),
    PeriodicJob("feedback-contact-key-rotation", run_key_rotation, _interval),
    PeriodicJob("feedback-unit-statistics", run_statistics, _statistics_interval),
)
