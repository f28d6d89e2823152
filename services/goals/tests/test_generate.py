"""``python -m goals generate``: reproducible from its seed, the sizes asked for, and a city the
analysis model and the comparison index can work on (the generator's known relation is found).

A small city is written into a database of its own (the generator commits, so it cannot share
the tests' rolled-back one), then read through the HTTP API.
"""

import hashlib

import asyncpg
import pytest

from servicekit.dburl import plain_url
from servicekit.migrations import upgrade
from servicekit.testing.harness import open_harness

from goals.definition import SERVICE
from goals.generate import BETA, generate_city, main, write_city

SMALL = {"seed": 7, "committees": 3, "units": 219, "commitments": 2000, "indicators": 40, "indicators_per_unit": 10}


def _digest(city) -> str:
    return hashlib.sha256(repr(sorted((table, rows) for table, rows in city.rows.items())).encode()).hexdigest()


def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    assert _digest(generate_city(**SMALL)) == _digest(generate_city(**SMALL))
    assert _digest(generate_city(**(SMALL | {"seed": 8}))) != _digest(generate_city(**SMALL))


def test_too_few_units_for_the_committees_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["--committees", "30", "--units", "100", "--database-url", "postgresql://unused"])
    assert "too few" in capsys.readouterr().err


@pytest.fixture
def city_db(qm_postgres, qm_run_id, service_db):  # service_db: the env (assertion key) the app reads
    name = f"qmt_{qm_run_id}_goals_generated"
    qm_postgres.create_database(name)
    url = qm_postgres.url_for(name)
    upgrade(SERVICE.migrations_dir, url)
    yield url
    qm_postgres.drop_database(name)


async def test_a_generated_city_is_written_and_read_through_the_api(city_db, qm_redis, qm_run_id):
    city = generate_city(**SMALL)
    await write_city(city_db, city)
    connection = await asyncpg.connect(plain_url(city_db))
    try:
        counts = {table: await connection.fetchval(f"SELECT count(*) FROM {table}") for table in (
            "org_units", "commitments", "follow_ups", "indicators", "business_plans",
        )}
        per_unit = await connection.fetchval(
            "SELECT min(n) FROM (SELECT count(DISTINCT indicator_id) AS n FROM indicator_values"
            " WHERE source = 'generated' GROUP BY unit_id) AS reported"
        )
        periods = await connection.fetch("SELECT DISTINCT period FROM follow_ups ORDER BY period")
    finally:
        await connection.close()
    # 219 units: the city, 3 committees with an administration and 4 departments each (18), 200 units.
    leaves = 219 - 1 - 3 * 6
    assert counts == {"org_units": 219, "commitments": 2000, "follow_ups": 2000 * 3, "indicators": 40, "business_plans": leaves * 2}
    assert per_unit == 10  # 9 of the committee's pool and its volume measure
    assert [row["period"] for row in periods] == ["2014-T1", "2014-T2", "2014-VB", "2015-T1", "2015-T2", "2015-VB"]

    async with open_harness(SERVICE, city_db, qm_redis.url, f"qmt{qm_run_id}g:") as harness:
        async with harness.client(roles=("city_controller",), subject="controller-city") as client:
            analysis = await client.get("/goals/v1/economy/analysis", params={"from_year": 2014, "to_year": 2015, "change_percent": 20})
            with_rows = await client.get("/goals/v1/rollup", params={"period": "2015-VB"})
            index_params = {"period": "2015-VB", "goal_id": city.summary["area_goal_ids"][0]}
            # The index is built from submitted reports only: two of the three committees first, then the third.
            async with harness.client(roles=("admin",), subject="admin-generated") as admin:
                for committee in city.summary["committee_ids"][:2]:
                    submitted = await admin.post(f"/goals/v1/committees/{committee}/reports", json={"period": "2015-VB"})
                    assert submitted.status_code == 201, submitted.text
                two = await client.get("/goals/v1/comparison-index", params=index_params)
                last = city.summary["committee_ids"][2]
                submitted = await admin.post(f"/goals/v1/committees/{last}/reports", json={"period": "2015-VB"})
                assert submitted.status_code == 201, submitted.text
            index = await client.get("/goals/v1/comparison-index", params=index_params)
    assert analysis.status_code == 200, analysis.text
    result = analysis.json()
    assert result["n"] == leaves * 2 and result["enough_data"] is True
    # The generator's relation is positive (β = 0.8 per commitment); rolled up per unit-year it stays positive.
    assert result["coefficient"]["low"] > 0 and BETA > 0
    assert result["what_if"]["difference"]["fulfilled"]["low"] > 0
    assert index.status_code == 200, index.text
    assert two.status_code == 200, two.text
    assert [(c["rank"], c["submitted"]) for c in two.json()["committees"]] == [(1, True), (2, True), (None, False)]
    assert two.json()["committees"][2]["committee_id"] == last
    assert [(c["rank"], c["submitted"]) for c in index.json()["committees"]] == [(1, True), (2, True), (3, True)]
    assert with_rows.status_code == 200 and with_rows.json()["commitments"]["total"] == 1000
