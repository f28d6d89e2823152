"""The worker's periodic jobs: overdue escalation, retention of contact details, key rotation, and
the unit statistics published when cases change.

Each runs in its own transaction per batch and takes the clock as an argument, so a test runs
the same code at any date.
"""

import asyncio
import time
import uuid
from datetime import datetime

import asyncpg

from servicekit.dburl import plain_url
from servicekit.service import PeriodicJob

from feedback.config import FeedbackSettings
from feedback.contacts import service as contacts
from feedback.contacts.crypto import ContactCipher
from feedback.deadlines.overdue import BATCH, escalate_overdue
from feedback.statistics.publisher import NOTIFY_CHANNEL, deferred, marked_committees, next_deferred_in, publish_marked, store_deferred


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


async def run_statistics(settings: FeedbackSettings, sessions, now: datetime, *, committees: list | None = None) -> int:
    """Publishes the unit statistics changed since the last round (feedback.unit-statistics.changed):
    each marked committee (``committees``: those known to be marked; None: asked of the table) in
    a transaction of its own, up to ``statistics_concurrency`` at once; a committee whose last
    round began less than ``statistics_coalesce_seconds`` ago waits for a later run (its marks
    stay, nothing is lost)."""
    published, _ = await _round(settings, sessions, now, committees)
    return published


async def _round(settings: FeedbackSettings, sessions, now: datetime, committees: list | None) -> tuple[int, list]:
    """(events published, the marked committees left for a later round by the coalescing)."""
    if committees is None:
        async with sessions() as session:
            committees = await marked_committees(session)
    clock, window = time.monotonic(), settings.statistics_coalesce_seconds
    due = [committee_id for committee_id in committees if clock - _last_round.get(committee_id, -window) >= window]
    later = [committee_id for committee_id in committees if committee_id not in due]
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

    return sum(await asyncio.gather(*(one(committee_id) for committee_id in due))), later


class MarkListener:
    """The committees the ``cases`` trigger has marked since the last look, as its NOTIFY
    (``feedback_statistics``, the committee as payload, sent at commit) tells: the worker wakes
    when a case changes instead of polling. The table stays the truth: it is read at the start,
    after a lost connection and every ``statistics_interval_seconds`` anyway."""

    def __init__(self) -> None:
        self.connection = None
        self.marked: set = set()
        self.wake = asyncio.Event()
        self.complete = False  # whether ``marked`` is known to hold every marked committee

    def _notified(self, _connection, _pid, _channel, payload: str) -> None:
        if payload:
            self.marked.add(uuid.UUID(payload))
        else:
            self.complete = False
        self.wake.set()

    async def ensure(self, settings: FeedbackSettings) -> None:
        if self.connection is not None and not self.connection.is_closed():
            return
        self.complete = False
        try:
            self.connection = await asyncpg.connect(plain_url(settings.database_url))
            await self.connection.add_listener(NOTIFY_CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError):
            self.connection = None  # polled meanwhile; tried again next time

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.wake.wait(), timeout)
        except TimeoutError:
            self.complete = False  # the fallback look at the table

    def take(self) -> list | None:
        """The committees notified since the last take, or None when the table must be asked."""
        self.wake.clear()
        if not self.complete:
            self.marked.clear()
            self.complete = self.connection is not None and not self.connection.is_closed()
            return None
        taken, self.marked = list(self.marked), set()
        return taken


_listener = MarkListener()


async def run_statistics_when_marked(settings: FeedbackSettings, sessions, now: datetime) -> int:
    """The worker's job: a round for the committees marked (woken by the trigger's NOTIFY), then a
    wait for the next mark — or, while the coalescing holds committees back, for the first of
    them to come due; at most ``statistics_interval_seconds`` (the fallback poll)."""
    await _listener.ensure(settings)
    published, later = await _round(settings, sessions, now, _listener.take())
    if later:
        _listener.marked.update(later)
        window = settings.statistics_coalesce_seconds
        due_in = min(_last_round[committee_id] + window for committee_id in later) - time.monotonic()
        await asyncio.sleep(max(0.0, due_in))
        return published
    for state in deferred():  # quiet committees: their statistics stored for the requests
        async with sessions() as session, session.begin():
            await store_deferred(session, state)
    store_in = next_deferred_in()
    await _listener.wait(settings.statistics_poll_seconds if store_in is None else min(store_in, settings.statistics_poll_seconds))
    return published


def _statistics_interval(settings: FeedbackSettings) -> float:
    return 0.0  # the job waits for marks itself (run_statistics_when_marked)


def _interval(settings: FeedbackSettings) -> float:
    return settings.jobs_interval_seconds


JOBS = (
    PeriodicJob("feedback-overdue", run_overdue, _interval),
    PeriodicJob("feedback-contact-retention", run_retention, _interval),
    PeriodicJob("feedback-contact-key-rotation", run_key_rotation, _interval),
    PeriodicJob("feedback-unit-statistics", run_statistics_when_marked, _statistics_interval),
)
