"""``python -m feedback generate``: the same seed gives the same year, and what it writes is a register
the service itself reads as its own (cases, history, deadlines, repeats, tokens, statistics)."""

import hashlib
from datetime import datetime

import asyncpg
import pytest
from rapidfuzz import fuzz

from servicekit.dburl import plain_url
from servicekit.infra import create_database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing.harness import open_harness, service_env

from feedback.cases.lifecycle import ALLOWED, FINISHED
from feedback.cases.tokens import derive_token
from feedback.contacts.crypto import ContactCipher
from feedback.deadlines.calendar import STOCKHOLM, add_working_days, stockholm_date
from feedback.definition import SERVICE
from feedback.generate import generate_year, insert_year
from feedback.repeats.similarity import normalise

from .conftest import UnitStatisticsWorker

P = "/feedback/v1"
TOKEN_KEY = b"generator-test-key"
SIZE = 3000


def _fingerprint(generated) -> str:
    digest = hashlib.sha256()
    for unit in generated.units:
        digest.update(repr((unit.id, unit.code, unit.name, unit.type, unit.parent_id, unit.promises)).encode())
    for case in generated.cases:
        digest.update(repr((case.id, case.number, case.unit.id, case.category, case.kind, case.channel, case.privacy, case.received,
                            case.description, case.status, case.acknowledged, case.answered, case.closed, case.rating,
                            case.promise_id, case.parent_id, case.events)).encode())
    digest.update(repr((generated.repeats, generated.assessments, generated.escalations, generated.rules, generated.routes)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def year():
    return generate_year(seed=11, cases=SIZE, year=2015, token_key=TOKEN_KEY)


def test_the_same_seed_gives_the_same_year_and_another_seed_another(year):
    again = generate_year(seed=11, cases=SIZE, year=2015, token_key=TOKEN_KEY)
    other = generate_year(seed=12, cases=SIZE, year=2015, token_key=TOKEN_KEY)
    assert _fingerprint(again) == _fingerprint(year)
    assert _fingerprint(other) != _fingerprint(year)
    assert len(year.cases) == SIZE and len({case.id for case in year.cases}) == SIZE


def test_every_committee_gets_cases_of_every_kind_and_a_year_of_receipts(year):
    committees = {unit.id for unit in year.committees}
    assert len(committees) == 14 + 13  # the districts and the specialist committees
    assert {case.unit.committee_id for case in year.cases} == committees
    assert {case.kind for case in year.cases} == {"complaint", "suggestion", "praise", "question"}
    assert {case.channel for case in year.cases} == {"portal", "open311", "phone", "letter", "e_mail", "in_person"}
    months = {stockholm_date(datetime.fromtimestamp(case.received, STOCKHOLM)).month for case in year.cases}
    assert months == set(range(1, 13))
    assert {stockholm_date(datetime.fromtimestamp(case.received, STOCKHOLM)).year for case in year.cases} == {2015}
    numbers = [case.number for case in sorted(year.cases, key=lambda c: c.received)]
    assert numbers == list(range(1, SIZE + 1))  # numbers rise with receipt


def test_every_history_follows_the_lifecycle_and_the_deadlines_are_the_calendars(year):
    rules = {(committee, category): (ack, answer) for committee, category, ack, answer in year.rules}
    late = 0
    for case in year.cases:
        statuses = [event for event in case.events if event[0] in ("created", "transition")]
        assert statuses[0][0] == "created" and statuses[0][2] == "received"
        for event in statuses[1:]:
            assert event[2] in ALLOWED[event[1]], (case.id, event)
        assert str(case.status) == statuses[-1][2]
        times = [event[7] for event in case.events]
        assert times == sorted(times) and times[0] == case.received and max(times) < year.as_of.timestamp()
        assert (case.closed is not None) == (case.status in FINISHED)
        if case.answered is not None:
            assert case.acknowledged is not None and case.received < case.acknowledged <= case.answered
        committee = None if case.transferred_from_city else case.unit.committee_id
        ack, answer = rules.get((committee, case.category)) or rules.get((committee, "*")) or (2, 10)
        received_on = stockholm_date(datetime.fromtimestamp(case.received, STOCKHOLM))
        assert (case.acknowledge_due, case.answer_due) == (add_working_days(received_on, ack), add_working_days(received_on, answer))
        if case.answered is not None and stockholm_date(datetime.fromtimestamp(case.answered, STOCKHOLM)) > case.answer_due:
            late += 1
    answered = sum(1 for case in year.cases if case.answered is not None)
    assert 0.05 < late / answered < 0.35  # some late, most in time


def test_repeats_name_an_open_case_of_the_same_unit_and_category_that_is_as_alike_as_intake_requires(year):
    by_id = {case.id: case for case in year.cases}
    assert len(year.repeats) > 10
    for case_id, similar_id, similarity, flagged_at, decision, *_ in year.repeats:
        case, similar = by_id[case_id], by_id[similar_id]
        assert (case.unit.id, case.category) == (similar.unit.id, similar.category)
        assert 0 < case.received - similar.received <= 30 * 86400
        assert similar.answered is None or similar.answered > case.received
        assert similarity == pytest.approx(fuzz.token_sort_ratio(normalise(case.description), normalise(similar.description)), abs=0.01)
        assert similarity >= 80
        if decision == "confirmed":
            assert (case.status, case.parent_id) == ("duplicate", similar_id)


@pytest.fixture
def empty_db(qm_postgres, qm_run_id):
    name = f"qmt_{qm_run_id}_feedback_generated"
    create_database(qm_postgres.admin_url, name)
    url = qm_postgres.url_for(name)
    upgrade(SERVICE.migrations_dir, url)
    yield url
    drop_database(qm_postgres.admin_url, name)


async def _insert(url: str, year) -> dict[str, int]:
    cipher = ContactCipher(["ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZC11c2U="])
    connection = await asyncpg.connect(plain_url(url))
    try:
        counts = await insert_year(connection, year, sealed_contact=cipher.seal(b'{"name": "x"}'), key_id=cipher.current_key_id)
        with pytest.raises(SystemExit):  # the same city twice: refused, nothing written twice
            await insert_year(connection, year, sealed_contact=b"x", key_id="x")
        assert await connection.fetchval("SELECT count(*) FROM cases") == SIZE
        assert await connection.fetchval("SELECT count(DISTINCT committee_id) FROM statistics_dirty") == len(year.committees)
    finally:
        await connection.close()
    return counts


async def test_the_service_reads_the_generated_register_as_its_own(empty_db, qm_redis, qm_run_id, year, monkeypatch):
    url = empty_db
    counts = await _insert(url, year)
    assert counts["cases"] == SIZE and counts["case_events"] == sum(len(case.events) for case in year.cases)
    for name, value in service_env(SERVICE, url, qm_redis.url, f"qmt{qm_run_id}:").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FEEDBACK_RESIDENT_TOKEN_KEY", TOKEN_KEY.decode())
    async with open_harness(SERVICE, url, qm_redis.url, f"qmt{qm_run_id}:") as harness:
        harness.app.state.statistics_min_cell = 1
        committee = max(year.committees, key=lambda c: sum(1 for case in year.cases if case.unit.committee_id == c.id))
        mine = [case for case in year.cases if case.unit.committee_id == committee.id]
        expected_kinds: dict[str, int] = {}
        for case in mine:
            expected_kinds[case.kind] = expected_kinds.get(case.kind, 0) + 1
        sample = year.cases[:: SIZE // 15]
        async with harness.client(roles=["admin"], subject="admin-1") as admin:
            stats = (await admin.get(f"{P}/committees/{committee.id}/statistics", params={"period": "2015-VB"})).json()
            views = [(await admin.get(f"{P}/cases/{case.id}")) for case in sample]
        assert stats["received"] == len(mine)
        assert stats["figures"]["cases"] == len(mine)
        assert stats["by_kind"] == expected_kinds
        for case, response in zip(sample, views, strict=True):
            assert response.status_code == 200, response.text
            view = response.json()
            assert view["registration_number"] == f"SYN-2015-{case.number:06d}"
            assert (view["status"], view["unit_id"], view["committee_id"]) == (case.status, str(case.unit.id), str(case.unit.committee_id))
            assert [(event["action"], event["to_status"]) for event in view["history"]] == [(e[0], e[2]) for e in case.events]
        # The resident's token (HMAC of the case id with the service's key) opens the case.
        case = sample[3]
        async with harness.client(roles=[], actor="anonymous", scopes=[], subject="anonymous") as resident:
            mine_view = await resident.get(f"{P}/my-cases/SYN-2015-{case.number:06d}", headers={"Case-Token": derive_token(TOKEN_KEY, case.id)})
            wrong = await resident.get(f"{P}/my-cases/SYN-2015-{case.number:06d}", headers={"Case-Token": derive_token(b"other", case.id)})
        assert (mine_view.status_code, wrong.status_code) == (200, 404)
        assert (mine_view.json()["status"], mine_view.json()["description"]) == (case.status, case.description)
        # The load left one statistics mark per committee: the worker publishes every level's figures of the year.
        worker = UnitStatisticsWorker(harness)
        assert await worker.run() > 0
        published = {(event["unit_id"], event["period"]): event for event in await worker.published()}
        assert published[(str(committee.id), "2015-VB")]["cases"] == len(mine)
        first_third = sum(1 for case in mine if datetime.fromtimestamp(case.received, STOCKHOLM).month <= 4)
        assert published[(str(committee.id), "2015-T1")]["cases"] == first_third
        assert {period for _, period in published} == {"2015-T1", "2015-T2", "2015-VB"}
