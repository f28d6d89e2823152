"""The realistic tree: Spånga-Tensta from seed 004 inside a generated Stockholm of ~1,000 units."""

import time
from collections import Counter

import pytest

from goals.demo import SEED_COMMITTEE_CODE, demo_city, load_demo

UNITS = "/goals/v1/organisation-units"


@pytest.mark.slow
async def test_the_demo_city_loads_through_the_api_and_a_committee_reads_as_a_subtree(admin, outbox_count):
    specs = demo_city()
    started = time.perf_counter()
    tree = await load_demo(admin)
    elapsed = time.perf_counter() - started
    print(f"\nloaded {len(specs)} units through the API in {elapsed:.2f} s ({len(specs) / elapsed:.0f} creates/s)")
    events = await outbox_count()

    started = time.perf_counter()
    committee = (await admin.get(f"{UNITS}/{tree.seed_committee_id}/subtree", params={"as_of": "2016-01-01"})).json()["items"]
    print(f"read the committee's subtree in {(time.perf_counter() - started) * 1000:.1f} ms")
    city = (await admin.get(f"{UNITS}/{tree.city_id}/subtree", params={"as_of": "2016-01-01"})).json()["items"]
    district = (await admin.get(f"{UNITS}/{tree.ids['SDN-BRO']}/subtree", params={"as_of": "2016-01-01"})).json()["items"]
    before = await admin.get(f"{UNITS}/{tree.seed_committee_id}/subtree", params={"as_of": "2011-12-31"})  # the demo city starts on 2012-01-01
    again = await load_demo(admin)

    assert 950 <= len(specs) <= 1050 and len(city) == len(specs) == len(tree.ids) == events
    types = Counter(node["type"] for node in city)
    assert (types["city"], types["district_committee"], types["specialist_committee"], types["administration"]) == (1, 13, 15, 28)
    assert types["contractor"] > 0
    assert [(node["depth"], node["name"]) for node in committee[:3]] == [
        (0, "Spånga-Tensta stadsdelsnämnd"), (1, "Spånga-Tensta stadsdelsförvaltning"), (2, "Äldre och funktionsnedsättning"),
    ]
    staff_units = {node["name"] for node in committee if node["parent_id"] == str(tree.ids["SDF-SPT-STAB"])}
    assert staff_units == {"Enheten för verksamhetsutveckling", "Ekonomi och lokaler", "HR och IT", "Medborgarkontoret", "Stadsmiljö"}
    # The seed's 11, the demo preschool and the six providers audit's demo follows up.
    assert len(committee) == 18 and committee[0]["id"] == str(tree.ids[SEED_COMMITTEE_CODE])
    # A district: committee, administration, departments, förskoleenheter and their förskolor.
    assert max(node["depth"] for node in district) == 4 and len(district) == 63
    assert before.status_code == 404
    # Loading again finds every unit by its code and creates nothing.
    assert again.ids == tree.ids and await outbox_count() == events
