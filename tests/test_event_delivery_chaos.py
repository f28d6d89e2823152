"""Event delivery under chaos: real goals relays and feedback consumers, killed and restarted.

Two relay processes (``goals worker --no-consumers``) publish goals' outbox to Redis and two
consumer processes (``feedback worker --no-relay``) keep feedback's organisation read model,
while the test commits well over 1,000 ``organisation.unit.*`` events into goals' outbox in real
transactions (plus a few rolled back). Phase 1 SIGKILLs the leading relay and a consumer twice,
mid-stream, and restarts them. Phase 2 pauses the consumers, lets the relay hand a batch to
Redis, restarts Redis with its data gone, and refills it with ``goals replay``.

What must hold afterwards (ARCHITECTURE.md, "Events"):
- every committed event is processed exactly once: feedback's ``processed_events`` equals the
  set of goals' outbox ids; nothing from a rolled-back transaction appears anywhere;
- feedback's read model holds, for every unit, exactly the versions of its newest revision;
- nothing was dead-lettered, nothing stays pending, and after Redis lost its data the consumers
  recreated their group by themselves (same processes, not restarted).

Timing figures are printed (run with ``-s``), not asserted. The test uses only servicekit's
plugin fixtures (``qm_postgres``, ``qm_run_id``) and its own databases, Redis and stream prefix.
"""

import asyncio
import os
import re
import signal
import socket
import sys
import time
import uuid
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import orjson
import psutil
import pytest
import redis.asyncio as aioredis
from contracts.organisation import OrganisationUnitState, OrganisationUnitVersion

from servicekit.db import create_engine, sessionmaker
from servicekit.dburl import plain_url
from servicekit.events.envelope import ENVELOPE_FIELD, dead_letter_stream, stream_name
from servicekit.events.outbox import EventPublisher
from servicekit.events.relay import RELAY_LOCK_KEY

sys.path.insert(0, str(Path(__file__).parent))  # the helper module beside this file (no package here)
from chaos_support import (  # noqa: E402
    OrganisationSimulator,
    SimUnit,
    Supervisor,
    Worker,
    percentile,
    run_checked,
    run_parallel_checked,
    wait_until,
)

SEED = 20260522
LEAVES = 210  # + 90 committees, administrations and departments = 300 units in phase 1
CHANGES_PER_UNIT = (1, 4)  # updates after each creation: 1,047 events in phase 1 with this seed
BATCH = 20  # events per producing transaction
PRODUCERS = 2  # concurrent producing transactions (commit order ≠ outbox position order)
PHASE1_RATE = 260.0  # events/s offered in phase 1, so that the kills fall mid-stream
# (processed events that trigger a kill round, committed events at which production waits for it)
KILL_ROUNDS = [(250, 450), (600, 800)]
RESTART_AFTER_SECONDS = 0.8
LOST_BATCH = 200  # events handed to Redis just before it loses its data (≫ 2 consumer batches)
AFTER_BATCH = 100  # events committed after Redis came back (10 of them create new units)
NEW_UNITS_AFTER = 10
ROLLBACK_EVERY = 12  # every n-th batch of a producer is followed by a rolled-back transaction
WAIT = 60.0  # generous bound for every convergence
STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONSUMER_BATCH = 10  # one read batch must take well under CONSUMER_CLAIM_IDLE_MS, or consumers steal from each other

publisher = EventPublisher("goals")


@dataclass
class Chaos:
    goals_url: str
    feedback_url: str
    redis: object  # servicekit.infra.RedisServer
    prefix: str
    supervisor: Supervisor
    setup_seconds: float

    @property
    def stream(self) -> str:
        return stream_name(self.prefix, "goals")

    @property
    def dead_letters(self) -> str:
        return dead_letter_stream(self.prefix, "feedback")


@pytest.fixture
def chaos(qm_postgres, qm_run_id, tmp_path):
    """Fresh goals and feedback databases, migrated by the services' own command, a private Redis
    and a supervisor whose processes are all killed at the end, whatever happened."""
    from servicekit.infra import create_database, drop_database, start_owned_redis
    from servicekit.testing.keys import public_key_pem_for_tests

    started = time.monotonic()
    names = {service: f"qmt_{qm_run_id}_chaos_{service}" for service in ("goals", "feedback")}
    redis_server = None
    supervisor = None
    try:
        for name in names.values():
            create_database(qm_postgres.admin_url, name)
        redis_server = start_owned_redis(tmp_path / "redis")
        prefix = f"qmt{qm_run_id}chaos:"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GOALS_", "FEEDBACK_"))}
        env["PYTHONUNBUFFERED"] = "1"
        for service, name in names.items():
            p = service.upper() + "_"
            env.update({
                p + "DATABASE_URL": qm_postgres.url_for(name),
                p + "REDIS_URL": redis_server.url,
                p + "STREAM_PREFIX": prefix,
                p + "LOG_LEVEL": "INFO",
                p + "ASSERTION_PUBLIC_KEY": public_key_pem_for_tests(),
                p + "RELAY_POLL_SECONDS": "0.2",
                p + "CONSUMER_CLAIM_IDLE_MS": "1000",
                p + "CONSUMER_BLOCK_MS": "200",
                p + "CONSUMER_MAX_DELIVERIES": "5",
                p + "CONSUMER_BATCH_SIZE": str(CONSUMER_BATCH),
            })
        supervisor = Supervisor(tmp_path / "logs", env)
        run_parallel_checked([["goals", "migrate"], ["feedback", "migrate"]], env)
        yield Chaos(
            goals_url=qm_postgres.url_for(names["goals"]), feedback_url=qm_postgres.url_for(names["feedback"]),
            redis=redis_server, prefix=prefix, supervisor=supervisor, setup_seconds=time.monotonic() - started,
        )
    finally:
        if supervisor is not None:
            supervisor.kill_all()
        if redis_server is not None:
            redis_server.stop()
        for name in names.values():
            with suppress(Exception):
                drop_database(qm_postgres.admin_url, name)


@dataclass
class Ledger:
    """What the producers did: committed and rolled-back event ids, per phase."""

    committed: list[uuid.UUID] = field(default_factory=list)
    rolled_back: set[uuid.UUID] = field(default_factory=set)
    rollback_markers: int = 0
    gate_wait: float = 0.0  # producer-seconds spent waiting for a kill round


@pytest.mark.timeout(300)
async def test_every_event_is_applied_exactly_once_through_killed_processes_and_a_redis_that_lost_its_data(chaos):
    test_started = time.monotonic()
    sup = chaos.supervisor
    goals_db = await asyncpg.create_pool(plain_url(chaos.goals_url), min_size=1, max_size=3)
    feedback_db = await asyncpg.create_pool(plain_url(chaos.feedback_url), min_size=1, max_size=3)
    engine = create_engine(chaos.goals_url, pool_size=PRODUCERS + 1)
    sessions = sessionmaker(engine)
    redis = aioredis.from_url(chaos.redis.url, decode_responses=True)
    figures: list[str] = [f"setup (2 databases, migrations, Redis): {chaos.setup_seconds:.1f} s"]
    try:
        sim = OrganisationSimulator(SEED)
        sim.build(LEAVES)
        ledger = Ledger()
        live: dict[str, Worker] = {}
        for role, args in [
            ("relay-1", ("goals", "worker", "--no-consumers")),
            ("consumer-1", ("feedback", "worker", "--no-relay")),
            ("relay-2", ("goals", "worker", "--no-consumers")),
            ("consumer-2", ("feedback", "worker", "--no-relay")),
        ]:
            live[role] = sup.start(role, *args)
        roles_args = {role: live[role].argv[2:] for role in live}

        async def processed_count() -> int:
            return await feedback_db.fetchval("SELECT count(*) FROM processed_events")

        async def producing_transaction(units: list[SimUnit]) -> None:
            async with sessions() as session, session.begin():
                for unit in units:
                    planned = sim.plan_change(unit)
                    envelope = await publisher.record(
                        session, type=planned.type, subject=str(unit.id), data=planned.payload,
                    )
                    sim.apply(planned)  # this transaction must commit, or the test fails here
                    ledger.committed.append(envelope.id)

        async def rolled_back_transaction(number: int) -> None:
            """Changes (and a whole new unit) that are rolled back: none may ever be seen."""
            existing = [u for u in sim.units if u.revision > 0]
            targets = [*sim.rng.sample(existing, 2), sim.phantom()] if existing else [sim.phantom()]
            async with sessions() as session:
                try:
                    async with session.begin():
                        for unit in targets:
                            planned = sim.plan_change(unit, marker="ÅNGRAD" if unit.revision else None)
                            envelope = await publisher.record(
                                session, type=planned.type, subject=str(unit.id), data=planned.payload,
                            )
                            ledger.rolled_back.add(envelope.id)
                        ledger.rollback_markers += 1
                        if number % 2:
                            await session.rollback()  # an explicit rollback ...
                        else:
                            raise _Abort  # ... and a failure inside the transaction
                except _Abort:
                    pass

        async def produce(turns: list[SimUnit], *, rate: float | None,
                          gates: list[tuple[int, asyncio.Event]] = ()) -> float:
            for number, start in enumerate(range(0, len(turns), BATCH)):
                for threshold, done in gates:
                    if len(ledger.committed) >= threshold and not done.is_set():
                        waited = time.monotonic()
                        await asyncio.wait_for(done.wait(), WAIT)
                        ledger.gate_wait += time.monotonic() - waited
                began = time.monotonic()
                await producing_transaction(turns[start:start + BATCH])
                if number % ROLLBACK_EVERY == ROLLBACK_EVERY - 1:
                    await rolled_back_transaction(number // ROLLBACK_EVERY)
                if rate:
                    await asyncio.sleep(max(0.0, BATCH / rate - (time.monotonic() - began)))
            return time.monotonic()

        async def leader() -> Worker:
            """The relay holding the advisory lock: its backend's client port → the process."""
            found: list[Worker] = []

            async def check() -> bool:
                port = await goals_db.fetchval(
                    "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1"
                    " AND l.objid::bigint = $2 AND l.database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())",
                    RELAY_LOCK_KEY >> 32, RELAY_LOCK_KEY & 0xFFFFFFFF,
                )
                relays = [live["relay-1"], live["relay-2"]]
                if port is None or port < 0:  # a Unix-socket server: go by the relays' own logs
                    worker = _latest_leader_by_log(relays)
                    found.extend([worker] if worker else [])
                    return worker is not None
                for worker in relays:
                    with suppress(psutil.Error):
                        if any(c.laddr and c.laddr.port == port
                               for c in psutil.Process(worker.pid).net_connections(kind="tcp")):
                            found.append(worker)
                            return True
                return False

            await wait_until(check, timeout=WAIT, what="a relay process holds the leader lock")
            return found[0]

        async def consumer_pending(worker: Worker) -> int:
            with suppress(Exception):
                for consumer in await redis.xinfo_consumers(chaos.stream, "feedback"):
                    if consumer["name"] == consumer_name(worker):
                        return consumer["pending"]
            return 0

        async def snapshot() -> str:
            published = await goals_db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")
            return (f"committed {len(ledger.committed)}, published {published}, "
                    f"processed {await processed_count()}")

        # ------------------------------------------------------------------ phase 1
        since = datetime.now(STOCKHOLM) - timedelta(seconds=1)  # for the replay in phase 2
        gates = [(gate, asyncio.Event()) for _, gate in KILL_ROUNDS]
        turns = sim.schedule(list(sim.units), CHANGES_PER_UNIT)
        owner = {unit.id: index % PRODUCERS for index, unit in enumerate(sim.units)}
        kills: list[dict] = []

        async def chaos_rounds() -> None:
            for round_no, ((threshold, _), (_, done)) in enumerate(zip(KILL_ROUNDS, gates, strict=True)):
                await wait_until(lambda t=threshold: _ge(processed_count(), t), timeout=WAIT,
                                 what=f"{threshold} events were processed", explain=snapshot)
                relay = await leader()
                consumer = live[f"consumer-{round_no % 2 + 1}"]
                held = await consumer_pending(consumer)
                state = await snapshot()
                killed_at = datetime.now(UTC)
                sup.kill(relay)
                sup.kill(consumer)
                done.set()
                kills.append({"at": killed_at, "relay": relay.label, "consumer": consumer.label,
                              "held": held, "state": state})
                await asyncio.sleep(RESTART_AFTER_SECONDS)
                for victim in (relay, consumer):
                    live[victim.role] = sup.start(victim.role, *roles_args[victim.role])

        production_started = time.monotonic()
        producers = [
            asyncio.ensure_future(produce([u for u in turns if owner[u.id] == p], rate=PHASE1_RATE / PRODUCERS,
                                          gates=gates))
            for p in range(PRODUCERS)
        ]
        await _all_or_first_failure([*producers, asyncio.ensure_future(chaos_rounds())])
        production_seconds = max(task.result() for task in producers) - production_started
        phase1_ids = set(ledger.committed)
        assert len(phase1_ids) == len(ledger.committed) >= 1000

        await wait_until(lambda: _ge(processed_count(), len(phase1_ids)), timeout=WAIT,
                         what=f"all {len(phase1_ids)} committed events were processed", explain=snapshot)
        all_processed_after = time.monotonic() - production_started
        # Messages a killed consumer had read but not acknowledged are reclaimed and acknowledged.
        await wait_until(lambda: _group_settled(redis, chaos.stream), timeout=WAIT,
                         what="the consumer group has nothing pending (stalled messages reclaimed)",
                         explain=lambda: _group_info(redis, chaos.stream))
        sup.assert_alive(list(live.values()))

        outbox_ids = await _ids(goals_db, "SELECT event_id FROM outbox")
        processed_ids = await _ids(feedback_db, "SELECT event_id FROM processed_events")
        assert outbox_ids == phase1_ids, "goals' outbox differs from what was committed"
        assert processed_ids == outbox_ids, (
            f"lost: {len(outbox_ids - processed_ids)}, unexpected: {len(processed_ids - outbox_ids)}"
        )
        assert not ledger.rolled_back & (outbox_ids | processed_ids)
        assert await goals_db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
        entries = await _stream_event_ids(redis, chaos.stream)
        assert set(entries) >= outbox_ids, "a committed event never reached the stream"
        assert not ledger.rolled_back & set(entries), "an event of a rolled-back transaction was published"
        assert await redis.xlen(chaos.dead_letters) == 0, await redis.xrange(chaos.dead_letters, count=3)
        await _assert_read_model(feedback_db, sim)
        latencies = await _latencies(goals_db, feedback_db, phase1_ids)
        first_applied, last_applied = await feedback_db.fetchrow(
            "SELECT min(processed_at), max(processed_at) FROM processed_events")
        applying = (last_applied - first_applied).total_seconds()

        figures.append(
            f"phase 1: {len(phase1_ids)} events for {len(sim.expected())} units committed in "
            f"{production_seconds:.1f} s ({len(phase1_ids) / production_seconds:.0f} events/s; the producers "
            f"waited {ledger.gate_wait:.1f} s in all for the kill rounds; {ledger.rollback_markers} rolled-back "
            f"transactions with {len(ledger.rolled_back)} events); all processed {all_processed_after:.1f} s "
            f"after production began ({len(phase1_ids) / all_processed_after:.0f} events/s end to end, "
            f"worker start-up included)"
        )
        figures.append(
            f"consumers applied {len(phase1_ids)} events in {applying:.1f} s between first and last apply "
            f"({len(phase1_ids) / applying:.0f} events/s for 2 consumers, one durable commit per event)"
        )
        figures.append(
            "phase 1 commit → applied latency: p50 {:.0f} ms, p95 {:.0f} ms, p99 {:.0f} ms, max {:.0f} ms "
            "(includes the kill windows)".format(*(1000 * percentile(latencies, p) for p in (50, 95, 99)),
                                                1000 * max(latencies))
        )
        for number, kill in enumerate(kills, 1):
            takeover = await goals_db.fetchval(
                "SELECT min(published_at) FROM outbox WHERE published_at > $1", kill["at"])
            takeover_s = (takeover - kill["at"]).total_seconds() if takeover else float("nan")
            figures.append(
                f"kill {number}: SIGKILLed leader {kill['relay']} and {kill['consumer']} "
                f"(holding {kill['held']} unacknowledged) at {kill['state']}; "
                f"next publish by the standby after {takeover_s:.2f} s"
            )
        figures.append(
            f"stream entries {len(entries)} for {len(outbox_ids)} events "
            f"({len(entries) - len(set(entries))} duplicates re-published by killed relays)"
        )

        # ------------------------------------------------------------------ phase 2
        consumers = [live["consumer-1"], live["consumer-2"]]
        consumer_pids = [w.pid for w in consumers]
        for worker in consumers:  # paused (not restarted): what Redis gets now, they do not see
            sup.signal(worker, signal.SIGSTOP)
        existing = [u for u in sim.units if u.revision > 0]
        before_lost = len(ledger.committed)
        await produce([sim.rng.choice(existing) for _ in range(LOST_BATCH)], rate=None)
        lost_batch = set(ledger.committed[before_lost:])
        await wait_until(
            lambda: _eq(goals_db.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"), 0),
            timeout=WAIT, what="the relay handed the whole batch to Redis", explain=snapshot,
        )
        redis_restarted = time.monotonic()
        await asyncio.to_thread(chaos.redis.restart_empty)  # SIGKILL, back empty on the same port
        await redis.aclose()
        redis = aioredis.from_url(chaos.redis.url, decode_responses=True)
        for worker in consumers:
            sup.signal(worker, signal.SIGCONT)

        before_after = len(ledger.committed)
        new_units = [sim.add_leaf() for _ in range(NEW_UNITS_AFTER)]
        existing = [u for u in sim.units if u.revision > 0]
        after_turns = new_units + [sim.rng.choice(existing) for _ in range(AFTER_BATCH - NEW_UNITS_AFTER)]
        await produce(after_turns, rate=None)
        after_batch = set(ledger.committed[before_after:])

        async def after_batch_processed() -> bool:
            done = await _ids(feedback_db, "SELECT event_id FROM processed_events WHERE event_id = ANY($1::uuid[])",
                              list(after_batch))
            return done == after_batch

        await wait_until(
            after_batch_processed, timeout=WAIT, explain=snapshot,
            what="events committed after the Redis restart were processed (consumers recreated their group)",
        )
        recovered_in = time.monotonic() - redis_restarted
        processed_ids = await _ids(feedback_db, "SELECT event_id FROM processed_events")
        lost_with_redis = lost_batch - processed_ids
        assert lost_with_redis, "Redis lost nothing: the replay below would prove nothing"

        replay_started = time.monotonic()
        output = await asyncio.to_thread(
            run_checked, ["goals", "replay", "--since", since.isoformat()], sup.env, WAIT,
        )
        replay_seconds = time.monotonic() - replay_started
        match = re.search(r"re-published (\d+) events", output)
        assert match, output
        total = len(ledger.committed)
        assert int(match.group(1)) == total, output

        async def caught_up() -> bool:
            return await _ge(processed_count(), total) and await _group_settled(redis, chaos.stream)

        catch_up = await wait_until(caught_up, timeout=WAIT, explain=snapshot,
                                    what="the replayed stream was consumed to its end")

        all_ids = set(ledger.committed)
        outbox_ids = await _ids(goals_db, "SELECT event_id FROM outbox")
        processed_ids = await _ids(feedback_db, "SELECT event_id FROM processed_events")
        assert outbox_ids == all_ids
        assert processed_ids == outbox_ids, (
            f"lost: {len(outbox_ids - processed_ids)}, unexpected: {len(processed_ids - outbox_ids)}"
        )
        assert await processed_count() == await goals_db.fetchval("SELECT count(*) FROM outbox") == total
        assert not ledger.rolled_back & (outbox_ids | processed_ids)
        await _assert_read_model(feedback_db, sim)
        assert await redis.xlen(chaos.dead_letters) == 0, await redis.xrange(chaos.dead_letters, count=3)
        # The group on the new, empty Redis was created by the same two consumer processes.
        sup.assert_alive(consumers + [live["relay-1"], live["relay-2"]])
        assert [w.pid for w in consumers] == consumer_pids
        groups = {g["name"]: g for g in await redis.xinfo_groups(chaos.stream)}
        assert "feedback" in groups, groups
        members = {c["name"] for c in await redis.xinfo_consumers(chaos.stream, "feedback")}
        assert {consumer_name(w) for w in consumers} <= members, members
        replayed_entries = await _stream_event_ids(redis, chaos.stream)
        assert set(replayed_entries) == all_ids

        figures.append(
            f"phase 2: {len(lost_batch)} events handed to Redis while consumers were paused, Redis restarted "
            f"empty; {len(lost_with_redis)} of them were lost with it. {len(after_batch)} events committed "
            f"afterwards processed {recovered_in:.1f} s after the restart (no process restarted)"
        )
        figures.append(
            f"replay: {total} events re-published in {replay_seconds:.1f} s including interpreter start "
            f"({total / replay_seconds:.0f} events/s); consumed to the stream's end {catch_up:.1f} s later; "
            f"stream now {len(replayed_entries)} entries"
        )
        figures.append("worker warnings/errors: " + _log_summary(sup.started))
        codes = sup.stop_gracefully()
        figures.append("SIGTERM exit codes: " + ", ".join(f"{k}={v}" for k, v in codes.items()))
        figures.append(
            f"total: {total} events, {len(sup.started)} worker processes started, "
            f"test body {time.monotonic() - test_started:.1f} s"
        )
    except BaseException:
        print("\n===== worker logs (tails) =====\n" + sup.tails(), file=sys.stderr)
        raise
    finally:
        print("\n" + "\n".join(f"[chaos] {line}" for line in figures))
        sup.kill_all()
        await redis.aclose()
        await engine.dispose()
        await goals_db.close()
        await feedback_db.close()


class _Abort(Exception):
    """Raised inside a producing transaction to roll it back."""


def _latest_leader_by_log(relays: list[Worker]) -> Worker | None:
    """The live relay that most recently logged taking the lead (INFO "relay is the leader")."""
    latest: tuple[str, Worker] | None = None
    for worker in relays:
        for line in worker.log_path.read_text(errors="replace").splitlines():
            if '"relay is the leader"' in line:
                stamp = orjson.loads(line)["time"]
                if latest is None or stamp > latest[0]:
                    latest = (stamp, worker)
    return latest[1] if latest else None


def _log_summary(workers: list[Worker]) -> str:
    """Warnings and errors per process, by message (e.g. reconnects after the Redis restart)."""
    parts = []
    for worker in workers:
        counts: dict[str, int] = defaultdict(int)
        for line in worker.log_path.read_text(errors="replace").splitlines():
            with suppress(ValueError, KeyError, TypeError):
                entry = orjson.loads(line)
                if entry["level"] in ("warning", "error", "critical"):
                    counts[f"{entry['level']}: {entry['message']}"] += 1
        if counts:
            parts.append(f"{worker.label}: " + "; ".join(f"{k} ×{v}" for k, v in counts.items()))
    return " | ".join(parts) or "none"


async def _all_or_first_failure(tasks: list[asyncio.Future]) -> None:
    """Wait for all tasks; on the first failure cancel the others and raise it."""
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        task.result()


def consumer_name(worker: Worker) -> str:
    return f"{socket.gethostname()}-{worker.pid}"  # EventConsumer's default name


async def _ge(value, threshold: int) -> bool:
    return await value >= threshold


async def _eq(value, expected) -> bool:
    return await value == expected


async def _ids(pool: asyncpg.Pool, query: str, *args) -> set[uuid.UUID]:
    return {uuid.UUID(str(row[0])) for row in await pool.fetch(query, *args)}


async def _stream_event_ids(redis: aioredis.Redis, stream: str) -> list[uuid.UUID]:
    return [uuid.UUID(orjson.loads(fields[ENVELOPE_FIELD.decode()])["id"]) for _, fields in await redis.xrange(stream)]


async def _group_info(redis: aioredis.Redis, stream: str) -> str:
    with suppress(Exception):
        return f"groups: {await redis.xinfo_groups(stream)}; stream: {await redis.xinfo_stream(stream)}"
    return "no stream or group"


async def _group_settled(redis: aioredis.Redis, stream: str) -> bool:
    """The group has delivered the stream's last entry and has nothing pending."""
    try:
        info = await redis.xinfo_stream(stream)
        groups = {g["name"]: g for g in await redis.xinfo_groups(stream)}
    except Exception:  # noqa: BLE001 - not there yet (e.g. just after the Redis restart)
        return False
    group = groups.get("feedback")
    return bool(group) and group["pending"] == 0 and group["last-delivered-id"] == info["last-generated-id"]


async def _latencies(goals_db, feedback_db, ids: set[uuid.UUID]) -> list[float]:
    created = {uuid.UUID(str(r[0])): r[1] for r in await goals_db.fetch("SELECT event_id, created_at FROM outbox")}
    applied = {uuid.UUID(str(r[0])): r[1]
               for r in await feedback_db.fetch("SELECT event_id, processed_at FROM processed_events")}
    return [(applied[i] - created[i]).total_seconds() for i in ids if i in applied and i in created]


async def _assert_read_model(feedback_db: asyncpg.Pool, sim: OrganisationSimulator) -> None:
    """feedback's read model equals, unit by unit, the newest state goals committed."""
    revisions = {uuid.UUID(str(r["id"])): r["revision"]
                 for r in await feedback_db.fetch("SELECT id, revision FROM org_units")}
    versions: dict[uuid.UUID, list[OrganisationUnitVersion]] = defaultdict(list)
    for r in await feedback_db.fetch(
        "SELECT unit_id, valid_from, valid_to, code, name, type, parent_id FROM org_unit_versions"
        " ORDER BY unit_id, valid_from"
    ):
        versions[uuid.UUID(str(r["unit_id"]))].append(OrganisationUnitVersion(
            valid_from=r["valid_from"], valid_to=r["valid_to"], code=r["code"], name=r["name"], type=r["type"],
            parent_id=uuid.UUID(str(r["parent_id"])) if r["parent_id"] else None,
        ))
    actual = {uid: OrganisationUnitState(id=uid, revision=rev, versions=versions.get(uid, []))
              for uid, rev in revisions.items()}
    expected = sim.expected()
    assert set(actual) == set(expected), (
        f"units missing: {len(set(expected) - set(actual))}, unexpected: {len(set(actual) - set(expected))}"
    )
    assert not set(versions) - set(revisions), "versions of units the read model does not know"
    wrong = [uid for uid in expected if actual[uid] != expected[uid]]
    assert not wrong, (
        f"{len(wrong)} units differ from their newest state, e.g. expected {expected[wrong[0]]!r}, "
        f"stored {actual[wrong[0]]!r}"
    )
    assert not any(v.name.startswith("ÅNGRAD") for vs in versions.values() for v in vs)
