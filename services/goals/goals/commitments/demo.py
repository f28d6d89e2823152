"""Demo business plans of Enheten för verksamhetsutveckling: 2014 (§5.1) and 2015 (§6.2) of seed 004.

Each commitment is drafted by the unit's manager, submitted, approved by a controller and adopted
with the plan by the committee's decision, all through the API. The application names no
diarienummer or dates of adoption; the demo's decisions say so in their reference. Idempotent:
commitments are found by title in the unit's plan, and an adopted plan is left as it is.
"""

from goals.commitments.seed_004 import (
    COMMITMENTS_2015,
    RESULTS_2014,
    WORK_ENVIRONMENT_CHECKLIST,
    WORK_ENVIRONMENT_TITLE,
    SeedCommitment,
    SeedResult,
)
from goals.demo import SEED_COMMITTEE_CODE, DemoLoadError, DemoTree

PLANS, COMMITMENTS = "/goals/v1/business-plans", "/goals/v1/commitments"
UNIT_CODE = "SDF-SPT-STAB-VU"  # Enheten för verksamhetsutveckling
DEMO_MANAGER, DEMO_CONTROLLER, DEMO_COMMITTEE = "demo-enhetschef-vu", "demo-controller-spt", "demo-namnd-spt"
ADOPTED_ON = {2014: "2014-02-20", 2015: "2015-02-19"}  # after the unit's January planning days (§6.1)
# The application describes the unit's model, not the 2014 plan's ways of working or follow-up plan.
MODEL_2014 = "Enhetens arbete utgår alltid från verksamhetsidén om att planera styra, stödja och följa upp."
FOLLOW_UP_2014 = "Årets uppföljning genomförs enligt den plan vi beskrev i samband med verksamhetsplanen för 2014."


def _expected(title: str, text: str) -> dict:
    if title == WORK_ENVIRONMENT_TITLE:
        return {"type": "checklist", "description": text,
                "items": [{"id": item_id, "text": item} for item_id, item in WORK_ENVIRONMENT_CHECKLIST]}
    return {"type": "target_picture", "description": text}


def _body(seed: SeedCommitment | SeedResult, *, plan_id: str, goal_id: str, unit_id: str) -> dict:
    if isinstance(seed, SeedCommitment):
        ways, follow_up = seed.ways_of_working, {"how": seed.follow_up}
    else:
        ways, follow_up = {"general": MODEL_2014}, {"how": FOLLOW_UP_2014, "when": "Verksamhetsberättelse 2014"}
    return {
        "business_plan_id": plan_id, "title": seed.title, "committee_goal_id": goal_id,
        "expected_result": _expected(seed.title, seed.expected_result), "ways_of_working": ways, "follow_up_plan": follow_up,
        "responsible": {"subject_id": DEMO_MANAGER, "unit_id": unit_id},
    }


async def _call(client, method: str, path: str, *, expect: int, etag: str | None = None, **kwargs) -> dict:
    headers = {"if-match": etag} if etag else {}
    response = await client.request(method, path, headers=headers, **kwargs)
    if response.status_code != expect:
        raise DemoLoadError(f"{method} {path} answered {response.status_code}: {response.text}")
    return response.json()


async def _plan(manager, *, unit_id: str, year: int) -> dict:
    listed = await _call(manager, "GET", PLANS, expect=200, params={"unit_id": unit_id, "year": year})
    if listed["items"]:
        return listed["items"][0]
    return await _call(manager, "POST", PLANS, expect=201, json={"unit_id": unit_id, "year": year})


async def load(api, tree: DemoTree, committee_goals: dict[tuple[int, str], str]) -> None:
    unit_id, committee = str(tree.ids[UNIT_CODE]), tree.ids[SEED_COMMITTEE_CODE]
    async with (
        api.client(roles=("unit_manager",), org=(unit_id,), subject=DEMO_MANAGER) as manager,
        api.client(roles=("controller",), org=(committee,), subject=DEMO_CONTROLLER) as controller,
        api.client(roles=("committee",), org=(committee,), subject=DEMO_COMMITTEE) as member,
    ):
        for year, seeds in ((2014, RESULTS_2014), (2015, COMMITMENTS_2015)):
            plan = await _plan(manager, unit_id=unit_id, year=year)
            if plan["status"] == "adopted":
                continue
            present = {c["title"]: c for c in plan["commitments"]}
            for seed in seeds:
                commitment = present.get(seed.title)
                if commitment is None:
                    body = _body(seed, plan_id=plan["id"], goal_id=committee_goals[(year, seed.committee_goal)], unit_id=unit_id)
                    commitment = await _call(manager, "POST", COMMITMENTS, expect=201, json=body)
                await _approve(manager, controller, commitment["id"])
            plan = await _call(member, "GET", f"{PLANS}/{plan['id']}", expect=200)
            decision = {"reference": f"Verksamhetsplan {year} (demo; ansökan anger inget diarienummer)",
                        "decided_on": ADOPTED_ON[year], "body_id": str(committee)}
            await _call(member, "POST", f"{PLANS}/{plan['id']}/adoption", expect=200, etag=f'"{plan["revision"]}"',
                        json={"decision": decision})


async def _approve(manager, controller, commitment_id: str) -> None:
    """Submit (if still a draft) and approve (if still submitted): resumes a load that stopped half-way."""
    path = f"{COMMITMENTS}/{commitment_id}"
    current = await _call(manager, "GET", path, expect=200)
    if current["status"] in ("draft", "returned"):
        current = await _call(manager, "POST", f"{path}/submission", expect=200, etag=f'"{current["revision"]}"')
    if current["status"] == "submitted":
        await _call(controller, "POST", f"{path}/assessment", expect=200, etag=f'"{current["revision"]}"',
                    json={"outcome": "approved", "comment": "Trovärdigt: förväntat resultat, arbetssätt och uppföljning hänger ihop."})
