"""The worker's periodic jobs: each round in a transaction of its own, the clock passed in, a failure survived."""

import asyncio

from servicekit.db import create_engine
from servicekit.service import PeriodicJob
from servicekit.worker import _periodic


async def test_a_periodic_job_runs_round_after_round_and_outlives_a_failing_round(sample_db):
    engine = create_engine(sample_db, pool_size=1)
    stop = asyncio.Event()
    rounds = []

    async def run(session, settings, now):
        rounds.append((now, session.in_transaction(), settings))
        if len(rounds) == 1:
            raise RuntimeError("the first round fails")
        stop.set()

    job = PeriodicJob("sample", run, interval_seconds=lambda settings: 0)
    try:
        await asyncio.wait_for(_periodic(engine, job, "the settings", stop), timeout=10)
    finally:
        await engine.dispose()
    assert len(rounds) == 2, "the failing round did not end the job"
    assert all(in_transaction and settings == "the settings" for _, in_transaction, settings in rounds)
    assert all(now.tzinfo is not None for now, _, _ in rounds) and rounds[0][0] <= rounds[1][0]
