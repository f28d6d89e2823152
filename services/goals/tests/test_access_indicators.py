"""Who may call the indicator, budget and quality-guarantee operations: each one as every caller.

goals' whole-document access test (the commitments slice's) takes its rows for these operations
from ``access_policy_indicators``; this test runs the same rows on these operations alone, so
they are proven whatever the rest of the document holds.
"""

import uuid
from types import SimpleNamespace

import pytest

from servicekit.testing.access import Call, check_access, standard_callers

from access_policy_indicators import calls, policy

TAGS = {"indicators", "budget figures", "quality guarantees"}
GUARANTEES = "/goals/v1/quality-guarantees"


class OnlyTheseTags:
    """The harness, with an OpenAPI document narrowed to some tags."""

    def __init__(self, harness, tags: set[str]) -> None:
        self._harness, self.client, self.anonymous_client = harness, harness.client, harness.anonymous_client
        self.rolled_back = harness.rolled_back
        self.app = SimpleNamespace(openapi=lambda: self._narrowed(tags))

    def _narrowed(self, tags: set[str]) -> dict:
        document = self._harness.app.openapi()
        paths = {
            path: {method: op for method, op in ops.items() if isinstance(op, dict) and set(op.get("tags", ())) & tags}
            for path, ops in document["paths"].items()
        }
        return {**document, "paths": {path: ops for path, ops in paths.items() if ops}}


@pytest.fixture
async def fixtures(admin, tree, workflow, plan, full_commitment, manager, committee):
    """An indicator, a commitment with a target, budget figures and a published guarantee of the development unit."""
    out = await admin.post("/goals/v1/organisation-units", json={
        "code": "SDN-BRO", "name": "Bromma stadsdelsnämnd", "type": "district_committee",
        "parent_id": str(tree.city_id), "effective_date": "2015-01-01",
    })
    assert out.status_code == 201, out.text
    vu, spt = tree.ids["SDF-SPT-STAB-VU"], tree.ids["SDN-SPT"]
    indicator = (await admin.post("/goals/v1/indicators", json={
        "code": "AMI", "title": "Aktivt medskapandeindex", "unit_of_measure": "index", "polarity": "higher_is_better",
    })).json()
    commitment = await workflow.create(full_commitment(plan["id"]))
    target = (await manager.post("/goals/v1/indicator-targets", json={
        "indicator_id": indicator["id"], "commitment_id": commitment["id"], "period": "2015", "target_value": 93,
    })).json()
    budget = await admin.post("/goals/v1/budget-figures/imports", json={
        "items": [{"unit_id": str(vu), "year": 2015, "lines": {"net": {"budget": 6.8, "outcome": 6.8}}}],
    })
    assert budget.status_code == 200, budget.text
    guarantee = (await manager.post(GUARANTEES, json={
        "unit_id": str(vu), "year": 2015, "business_idea": "Idé.", "promises": [{"text": "Löfte."}],
        "feedback_routine": "Rutin.", "contact_channel": {"phone": "08-508 00 508"},
    })).json()
    path = f"{GUARANTEES}/{guarantee['id']}"
    adopted = await committee.post(f"{path}/adoption", headers={"if-match": '"1"'}, json={
        "decision": {"reference": "SDN 2014/1 § 1", "decided_on": "2014-12-11", "body_id": str(spt)},
    })
    assert adopted.status_code == 200, adopted.text
    assert (await manager.post(f"{path}/publication", headers={"if-match": '"2"'})).status_code == 200
    return {
        "in_scope": tree.ids["SDF-SPT"], "out_of_scope": uuid.UUID(out.json()["id"]),
        "unit_id": vu, "committee_id": spt, "commitment_id": commitment["id"], "indicator_id": indicator["id"],
        "target_id": target["id"], "guarantee_id": guarantee["id"],
    }


async def test_every_indicator_budget_and_guarantee_operation_admits_exactly_its_callers(harness, fixtures):
    callers = standard_callers("goals", in_scope=(fixtures["in_scope"],), out_of_scope=(fixtures["out_of_scope"],),
                               portal_scopes=("goals:read",))
    roles = sorted({name.rsplit(":", 1)[0] for name in callers if name.endswith(":in")})
    requests = {op: Call(**parts) for op, parts in calls(fixtures).items()}

    statuses = await check_access(
        OnlyTheseTags(harness, TAGS), callers=callers, policy=policy(roles), calls=requests,
        path_params={name: fixtures[name] for name in ("unit_id", "indicator_id", "target_id", "guarantee_id")},
    )

    published = "list_published_quality_guarantees_goals_v1_published_quality_guarantees_get"
    assert statuses[published]["portal"] == 200 and statuses[published]["anonymous"] == 401
    assert statuses["import_budget_figures_goals_v1_budget_figures_imports_post"]["system:write"] == 200
    assert statuses["create_quality_guarantee_goals_v1_quality_guarantees_post"]["unit_manager:in"] == 201
