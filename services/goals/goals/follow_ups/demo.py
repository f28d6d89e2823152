"""Demo follow-ups: the 2014 annual follow-ups (verksamhetsberättelse 2014) of seed 004 §5.1.

Result, analysis and the work planned for 2015 as the application writes them; the verdict is
our reading (see ``goals.commitments.seed_004``). They are reported on 30 January 2015, before the
annual report's deadline: a past report, so they come as an import of the unit's earlier register,
through a system key with goals:write for the whole city (only an import gives a past day).
"""

from goals.commitments.demo import COMMITMENTS, PLANS, UNIT_CODE
from goals.commitments.seed_004 import RESULTS_2014
from goals.demo import DemoLoadError, DemoTree

REPORTED_ON = "2015-01-30"
IMPORT_SUBJECT = "demo-import"


async def load(api, tree: DemoTree) -> None:
    async with api.client(roles=(), actor="system", scopes=("goals:write",), subject=IMPORT_SUBJECT) as importer:
        plans = (await importer.get(PLANS, params={"unit_id": str(tree.ids[UNIT_CODE]), "year": 2014})).json()["items"]
        if not plans:
            raise DemoLoadError("the 2014 business plan of Enheten för verksamhetsutveckling is missing")
        by_title = {c["title"]: c["id"] for c in plans[0]["commitments"]}
        for seed in RESULTS_2014:
            commitment_id = by_title[seed.title]
            existing = await importer.get("/goals/v1/follow-ups", params={"commitment_id": commitment_id, "period": "2014-VB"})
            if existing.status_code != 200:
                raise DemoLoadError(f"listing follow-ups answered {existing.status_code}: {existing.text}")
            if existing.json()["items"]:
                continue
            body = {
                "period": "2014-VB", "result": seed.result, "assessment": seed.assessment.value, "analysis": seed.analysis,
                "next_steps": seed.next_steps, "reported_on": REPORTED_ON,
            }
            if seed.reached_item_ids:
                body["reached_item_ids"] = list(seed.reached_item_ids)
            response = await importer.post(f"{COMMITMENTS}/{commitment_id}/follow-ups", json=body)
            if response.status_code != 201:
                raise DemoLoadError(f"following up {seed.title!r} answered {response.status_code}: {response.text}")
