"""The demo's budget tables, indicator values and published preschool guarantee, loaded twice."""

from datetime import date

import pytest
from contracts.organisation import OrganisationUnitType as T

from goals.budget import demo as budget_demo
from goals.demo import CITY_CODE, UnitSpec, load_units, seed_committee
from goals.guarantees import demo as guarantee_demo
from goals.indicators import demo as indicator_demo


@pytest.fixture
async def units(admin):
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", T.city, None), *seed_committee()]
    return (await load_units(admin, specs, effective_date=date(2012, 1, 1))).ids


async def test_the_seed_budget_tables_load_with_the_2015_deviations_reported(harness, admin, units):
    first = await budget_demo.load(harness)
    again = await budget_demo.load(harness)

    assert (first["created"], again["unchanged"]) == (4, 4)
    reported = {item["year"]: [d["line"] for d in item["discrepancies"]] for item in first["items"]}
    # Seed §5.2 as printed: only 2015 states deviations that are not budget − outcome.
    assert reported == {2012: [], 2013: [], 2014: [], 2015: ["costs", "salaries", "other"]}
    table = (await admin.get(f"/goals/v1/organisation-units/{units['SDF-SPT-STAB-VU']}/budget-figures/2012")).json()
    # 4.4 − 3.2 = 1.2, 4.2 − 2.9 = 1.3, 0.2 − 0.3 = −0.1 (the seed's own figures)
    assert [round(line["deviation"], 1) for line in table["lines"]] == [0.0, 1.2, 1.3, -0.1, 1.2]


async def test_the_demo_indicators_carry_the_seed_figures(harness, admin, units):
    ids = await indicator_demo.load(harness)
    await indicator_demo.load(harness)

    values = (await admin.get("/goals/v1/indicator-values", params={"indicator_id": ids["AMI"], "period": "2014"})).json()["items"]
    by_unit = {v["unit_id"]: v["value"] for v in values}
    assert by_unit == {str(units["SDF-SPT-STAB-VU"]): 98, str(units["SDF-SPT-STAB"]): 88, str(units["SDF-SPT"]): 83}
    versions = (await admin.get("/goals/v1/indicator-values/versions", params={"indicator_id": ids["AMI"]})).json()["items"]
    assert len(versions) == 4  # loading twice added no version


async def test_the_demo_preschool_guarantee_is_published_once(harness, units):
    guarantee_id = await guarantee_demo.load(harness)
    assert await guarantee_demo.load(harness) == guarantee_id

    async with harness.client(actor="portal", roles=(), scopes=("goals:read",), subject="key-portal") as portal:
        shown = (await portal.get("/goals/v1/published-quality-guarantees", params={"committee_id": str(units["SDN-SPT"])})).json()["items"]
    assert [(g["id"], g["unit_name"], g["year"]) for g in shown] == [(guarantee_id, "Förskolan Tenstaparken", 2015)]
    assert len(shown[0]["promises"]) == len(guarantee_demo.GUARANTEE["promises"])
