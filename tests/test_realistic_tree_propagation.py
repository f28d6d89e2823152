"""The seed's committee inside a generated city of ~1,000 units, loaded into goals through the
gateway, reaches every read model whole: the same subtrees on the same dates in all services."""

import asyncio
import time

import httpx
from platform_support import READ_MODELS, count_units, wait_until

from goals.demo import SEED_COMMITTEE_CODE, load_demo

AS_OF = "2016-01-01"


def test_the_demo_city_propagates_to_every_read_model(gateway_url, api_key):
    async def load():
        async with httpx.AsyncClient(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as client:
            return await load_demo(client)

    started = time.monotonic()
    tree = asyncio.run(load())
    loaded = time.monotonic()
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as client:
        expected = count_units(client, "goals", within=str(tree.city_id), as_of=AS_OF)
        assert expected >= 950
        for service in READ_MODELS:
            wait_until(
                lambda s=service: count_units(client, s, within=str(tree.city_id), as_of=AS_OF) == expected,
                timeout=120, interval=0.5, what=f"the whole city in {service}",
            )
        caught_up = time.monotonic()
        committee = tree.ids[SEED_COMMITTEE_CODE]
        subtrees = {
            service: client.get(f"/{service}/v1/organisation-units/{committee}/subtree", params={"as_of": AS_OF}).json()
            for service in ("goals", *READ_MODELS)
        }
    print(f"\nloaded {len(tree.ids)} units in {loaded - started:.1f} s; read models complete "
          f"{caught_up - loaded:.1f} s after the last create")
    names = [node["name"] for node in subtrees["goals"]["items"]]
    assert names[:2] == ["Spånga-Tensta stadsdelsnämnd", "Spånga-Tensta stadsdelsförvaltning"]
    assert "Enheten för verksamhetsutveckling" in names
    for service in READ_MODELS:
        assert subtrees[service] == subtrees["goals"], service
