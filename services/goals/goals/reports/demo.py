"""Demo: the annual wheel's defaults in place, and Spånga-Tensta's verksamhetsberättelse 2014 submitted.

The wheel's defaults are data of migration 0006 (seed 004 §6.3's months); the seed gives no days
of its own, so the committee keeps the defaults and the loader only checks they are there. The
2014 annual report is submitted once by the committee role, frozen from the demo's 2014 goals,
verdicts, follow-ups and budget table, so `make run` shows it and it downloads as XLSX; a report
already submitted is left as it is.
"""

from goals.demo import SEED_COMMITTEE_CODE, DemoLoadError, DemoTree

PERIOD = "2014-VB"
DEMO_COMMITTEE = "demo-namnd-spt"


async def load(api, tree: DemoTree) -> None:
    committee = tree.ids[SEED_COMMITTEE_CODE]
    reports = f"/goals/v1/committees/{committee}/reports"
    async with api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member:
        defaults = await member.get("/goals/v1/annual-wheel/defaults")
        if defaults.status_code != 200 or {item["item"] for item in defaults.json()} != {"T1", "T2", "VB", "VP"}:
            raise DemoLoadError(f"the annual wheel's defaults are missing: {defaults.status_code} {defaults.text}")
        listed = await member.get(reports, params={"period": PERIOD})
        if listed.status_code != 200:
            raise DemoLoadError(f"listing reports answered {listed.status_code}: {listed.text}")
        if listed.json()["items"]:
            return
        response = await member.post(reports, json={"period": PERIOD})
        if response.status_code != 201:
            raise DemoLoadError(f"submitting the 2014 annual report answered {response.status_code}: {response.text}")
