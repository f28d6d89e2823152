"""The worker runs a service's periodic jobs with its clock, and a failing round does not stop it."""

import os
import signal
from datetime import UTC, datetime
from pathlib import Path

from sample_service import Base, SampleSettings
from sqlalchemy import text

from servicekit.service import PeriodicJob, ServiceDefinition
from servicekit.worker import run_worker


async def test_the_worker_runs_each_job_again_after_a_failure_until_stopped(sample_db):
    rounds: list[datetime] = []

    async def job(settings, sessions, now: datetime) -> None:
        rounds.append(now)
        if len(rounds) == 1:
            raise RuntimeError("the first round fails")
        async with sessions() as session:
            assert await session.scalar(text("SELECT 1")) == 1  # the job gets working sessions
        if len(rounds) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # as the supervisor stops the worker

    service = ServiceDefinition(
        name="sample", settings_factory=SampleSettings, app_factory="sample_service:create_app",
        metadata=Base.metadata, migrations_dir=Path("."), jobs=(PeriodicJob("test-job", job, lambda settings: 0.01),),
    )
    started = datetime.now(UTC)
    await run_worker(service, relay=False, consumers=False)
    assert len(rounds) == 3 and all(started <= moment <= datetime.now(UTC) for moment in rounds)
