"""Demo: the annual wheel's defaults in place, and Spånga-Tensta's verksamhetsberättelse 2014 submitted.

The wheel's defaults are data of migration 0006 (seed 004 §6.3's months); the seed gives no days
of its own, so the committee keeps the defaults and the loader only checks they are there (``load``).

The 2014 annual report is submitted by ``finish``, goals' second demo hook, which the stack runs
after every service's demo (``ServiceDefinition.demo_finish``): a submitted report is frozen, and
the verksamhetsberättelse carries audit's lex Sarah summary of the year, which audit's demo
publishes after goals' demo. So ``finish`` waits (bounded, on the condition itself) until goals
holds that summary for the committee, then submits once by the committee role, frozen from the
demo's 2014 goals, verdicts, follow-ups, budget table and the other services' figures, so
`make run` shows it and it downloads as XLSX; a report already submitted is left as it is.
"""

import asyncio
import time

from goals.demo import PATH, SEED_COMMITTEE_CODE, DEMO_START, DemoLoadError, DemoTree, existing_units

PERIOD = "2014-VB"
YEAR = 2014
DEMO_COMMITTEE = "demo-namnd-spt"
# How long ``finish`` waits for audit's lex Sarah summary 2014 to reach goals, and how often it looks.
LEX_SARAH_WAIT_SECONDS = 120.0
POLL_SECONDS = 0.5


async def load(api, tree: DemoTree) -> None:
    committee = tree.ids[SEED_COMMITTEE_CODE]
    async with api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member:
        defaults = await member.get("/goals/v1/annual-wheel/defaults")
        if defaults.status_code != 200 or {item["item"] for item in defaults.json()} != {"T1", "T2", "VB", "VP"}:
            raise DemoLoadError(f"the annual wheel's defaults are missing: {defaults.status_code} {defaults.text}")


async def finish(api, *, wait_seconds: float = LEX_SARAH_WAIT_SECONDS) -> None:
    """Submit the 2014 annual report once goals holds audit's lex Sarah summary 2014 of the committee."""
    async with api.client(roles=("admin",), subject="demo-admin") as admin:
        committee = (await existing_units(admin, as_of=DEMO_START)).get(SEED_COMMITTEE_CODE)
    if committee is None:
        raise DemoLoadError(f"{SEED_COMMITTEE_CODE} is not in the organisation tree ({PATH}): has goals' demo run?")
    reports = f"/goals/v1/committees/{committee}/reports"
    async with api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member:
        listed = await member.get(reports, params={"period": PERIOD})
        if listed.status_code != 200:
            raise DemoLoadError(f"listing reports answered {listed.status_code}: {listed.text}")
        if listed.json()["items"]:
            return
        deadline = time.monotonic() + wait_seconds
        while True:
            summary = await member.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": YEAR})
            if summary.status_code == 200:
                break
            if summary.status_code != 404:
                raise DemoLoadError(f"reading the lex Sarah summary answered {summary.status_code}: {summary.text}")
            if time.monotonic() >= deadline:
                raise DemoLoadError(
                    f"audit's lex Sarah summary {YEAR} of {SEED_COMMITTEE_CODE} has not reached goals in {wait_seconds:.0f}s "
                    f"(is audit's demo loaded and goals' worker running?); the {PERIOD} report is not submitted, "
                    "`make demo` tries again"
                )
            await asyncio.sleep(POLL_SECONDS)
        response = await member.post(reports, json={"period": PERIOD})
        if response.status_code != 201:
            raise DemoLoadError(f"submitting the 2014 annual report answered {response.status_code}: {response.text}")
