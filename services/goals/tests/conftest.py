import sys
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from contracts.organisation import OrganisationUnitType
from sqlalchemy import func, select

from servicekit.tables import OutboxEvent
from servicekit.testing.harness import service_fixtures

from goals.definition import SERVICE
from goals.demo import CITY_CODE, DemoTree, UnitSpec, load_units, seed_committee

service_db, harness = service_fixtures(SERVICE)

# Helper modules beside the tests (access_policy_indicators) import by plain name: with
# --import-mode=importlib pytest does not put this folder on sys.path itself.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

UNITS = "/goals/v1/organisation-units"
START = date(2015, 1, 1)


def _json(body: dict) -> dict:
    return {key: str(value) if isinstance(value, uuid.UUID | date) else value for key, value in body.items()}


@dataclass
class OrgApi:
    """The organisation endpoints as an admin calls them; each call asserts the status it expects."""

    client: httpx.AsyncClient

    async def create(self, *, expect: int = 201, **body) -> dict:
        body.setdefault("effective_date", START)
        response = await self.client.post(UNITS, json=_json(body))
        assert response.status_code == expect, response.text
        return response.json()

    async def read(self, unit_id, *, as_of: date | None = None, expect: int = 200) -> httpx.Response:
        response = await self.client.get(f"{UNITS}/{unit_id}", params={"as_of": as_of.isoformat()} if as_of else {})
        assert response.status_code == expect, response.text
        return response

    async def change(self, unit_id, *, expect: int = 200, **body) -> dict:
        etag = (await self.read(unit_id)).headers["etag"]
        response = await self.client.patch(f"{UNITS}/{unit_id}", json=_json(body), headers={"if-match": etag})
        assert response.status_code == expect, response.text
        return response.json()

    async def close(self, unit_id, effective_date: date, *, expect: int = 200) -> dict:
        etag = (await self.read(unit_id)).headers["etag"]
        response = await self.client.post(
            f"{UNITS}/{unit_id}/closure", json={"effective_date": effective_date.isoformat()}, headers={"if-match": etag}
        )
        assert response.status_code == expect, response.text
        return response.json()

    async def subtree(self, unit_id, *, as_of: date, **params) -> list[dict]:
        response = await self.client.get(f"{UNITS}/{unit_id}/subtree", params={"as_of": as_of.isoformat(), **params})
        assert response.status_code == 200, response.text
        return response.json()["items"]


@pytest.fixture
async def admin(harness):
    async with harness.client(roles=("admin",), subject="admin-1") as client:
        yield client


@pytest.fixture
def api(admin) -> OrgApi:
    return OrgApi(admin)


@pytest.fixture
async def tree(admin) -> DemoTree:
    """Stockholms stad and Spånga-Tensta as seed 004 names it, all from 2015-01-01."""
    return await load_units(
        admin, [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()], effective_date=START
    )


@pytest.fixture
def outbox_count(harness):
    async def count(subject=None) -> int:
        query = select(func.count()).select_from(OutboxEvent)
        if subject is not None:
            query = query.where(OutboxEvent.subject == str(subject))
        return await harness.session.scalar(query)

    return count


GOALS = "/goals/v1/goals"


@dataclass(frozen=True)
class GoalChain:
    """Vision → inriktningsmål → KF:s mål för verksamhetsområdet → nämndmål 2015 of Spånga-Tensta."""

    vision: dict
    direction: dict
    area: dict
    committee: dict


async def _create_goal(client: httpx.AsyncClient, *, expect: int = 201, **body) -> dict:
    response = await client.post(GOALS, json=_json(body))
    assert response.status_code == expect, response.text
    return response.json()


@pytest.fixture
def create_goal():
    """``await create_goal(client, expect=201, **body)`` posts a goal and asserts the status."""
    return _create_goal


@pytest.fixture
async def committee(harness, tree):
    """A member of Spånga-Tensta stadsdelsnämnd (the committee role, scoped to the committee)."""
    async with harness.client(roles=("committee",), org=(tree.ids["SDN-SPT"],), subject="committee-1") as client:
        yield client


@pytest.fixture
async def chain(admin, committee, tree, create_goal) -> GoalChain:
    city, spt = tree.ids[CITY_CODE], tree.ids["SDN-SPT"]
    vision = await create_goal(admin, level="vision", unit_id=city, from_year=2007, to_year=2030, title="Ett Stockholm i världsklass")
    direction = await create_goal(
        admin, level="direction_goal", unit_id=city, from_year=2015, to_year=2018, parent_id=vision["id"],
        title="Ett ekonomiskt hållbart Stockholm",
    )
    area = await create_goal(
        admin, level="area_goal", unit_id=city, from_year=2015, to_year=2018, parent_id=direction["id"],
        title="Stockholms stads verksamheter är effektiva och håller hög kvalitet",
    )
    goal = await create_goal(
        committee, level="committee_goal", unit_id=spt, from_year=2015, parent_id=area["id"],
        title="Planering, stöd, styrning och uppföljning ökar effektiviteten och skapar en hållbar kvalitet",
    )
    return GoalChain(vision=vision, direction=direction, area=area, committee=goal)


@pytest.fixture
async def sick_leave_indicator(harness) -> uuid.UUID:
    """An indicator definition, written straight into the table (its API belongs to the indicators package)."""
    from goals.models import indicators

    indicator_id = uuid.uuid4()
    await harness.session.execute(
        indicators.insert().values(
            id=indicator_id, revision=1, code="SJUKFRANVARO", title="Sjukfrånvaro", unit_of_measure="procent",
            polarity="lower_is_better", source="internal", by_gender=True, decimals=1, measures_volume=False,
        )
    )
    return indicator_id


@pytest.fixture
async def manager(harness, tree):
    """The manager (enhetschef) of Enheten för verksamhetsutveckling."""
    async with harness.client(roles=("unit_manager",), org=(tree.ids["SDF-SPT-STAB-VU"],), subject="manager-vu") as client:
        yield client


@pytest.fixture
async def controller(harness, tree):
    """A business controller (verksamhetscontroller) of Spånga-Tensta."""
    async with harness.client(roles=("controller",), org=(tree.ids["SDN-SPT"],), subject="controller-1") as client:
        yield client


@pytest.fixture
def full_commitment(tree, chain, sick_leave_indicator):
    """A complete commitment body of seed 004 §6.2 ("Arbetsmiljön är god"), for the unit's 2015 plan."""

    def body(plan_id, **overrides) -> dict:
        return {
            "business_plan_id": str(plan_id),
            "title": "Arbetsmiljön är god",
            "description": "Medarbetarna har en god arbetsmiljö.",
            "committee_goal_id": chain.committee["id"],
            "expected_result": {
                "type": "target_value", "description": "Sjukfrånvaron är lägre än 2 procent.",
                "indicator_id": str(sick_leave_indicator), "comparison": "less_than", "target": 2,
            },
            "ways_of_working": {"plan": "Enheten tar fram en verksamhetsplan.", "follow_up": "Veckomöten och APT."},
            "resource_use": "Medarbetarnas tid på veckomöten.",
            "follow_up_plan": {"what": "AMI och sjukfrånvaro", "when": "juni och december", "how": "Medarbetarenkäten", "who": "Enhetschefen"},
            "responsible": {"subject_id": "manager-vu", "unit_id": str(tree.ids["SDF-SPT-STAB-VU"])},
        } | overrides

    return body


@pytest.fixture
async def plan(manager, tree) -> dict:
    response = await manager.post("/goals/v1/business-plans", json={"unit_id": str(tree.ids["SDF-SPT-STAB-VU"]), "year": 2015})
    assert response.status_code == 201, response.text
    return response.json()


class Workflow:
    """Moves a commitment through its workflow with fresh ETags, asserting each step."""

    def __init__(self, manager, controller, committee, tree) -> None:
        self.manager, self.controller, self.committee, self.tree = manager, controller, committee, tree

    @staticmethod
    async def etag(client, path: str) -> str:
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return response.headers["etag"]

    async def act(self, client, path: str, body: dict | None = None, *, expect: int = 200, etag_of: str | None = None) -> dict:
        etag = await self.etag(client, etag_of or path.rsplit("/", 1)[0])
        response = await client.post(path, json=body, headers={"if-match": etag})
        assert response.status_code == expect, response.text
        return response.json()

    def decision(self, decided_on: str, reference: str = "SDN 2015/12 § 7") -> dict:
        return {"reference": reference, "decided_on": decided_on, "body_id": str(self.tree.ids["SDN-SPT"])}

    async def create(self, body: dict) -> dict:
        response = await self.manager.post("/goals/v1/commitments", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def approve(self, commitment_id) -> dict:
        path = f"/goals/v1/commitments/{commitment_id}"
        await self.act(self.manager, f"{path}/submission")
        return await self.act(self.controller, f"{path}/assessment", {"outcome": "approved"})

    async def adopt_plan(self, plan_id, decided_on: str = "2014-12-15", *, expect: int = 200) -> dict:
        return await self.act(
            self.committee, f"/goals/v1/business-plans/{plan_id}/adoption", {"decision": self.decision(decided_on)}, expect=expect,
        )


@pytest.fixture
def workflow(manager, controller, committee, tree) -> Workflow:
    return Workflow(manager, controller, committee, tree)


# --- the access test's tables (test_access.py, test_access_organisation.py) ---
# Every operation of goals' OpenAPI document needs a row; each area adds its own dict below.


def _op(name: str, path: str, method: str) -> str:
    """FastAPI's operation id: function name, then the path and method."""
    return f"{name}_goals_v1_{path}_{method}"


@pytest.fixture
async def bromma(admin, tree) -> uuid.UUID:
    """A second committee, so "out of scope" is a real unit."""
    created = await admin.post(UNITS, json={
        "code": "SDN-BRO", "name": "Bromma stadsdelsnämnd", "type": "district_committee",
        "parent_id": str(tree.city_id), "effective_date": "2015-01-01",
    })
    assert created.status_code == 201, created.text
    tree.ids["SDN-BRO"] = uuid.UUID(created.json()["id"])
    return tree.ids["SDN-BRO"]


@pytest.fixture
def access_callers(tree, bromma):
    from servicekit.testing.access import standard_callers

    # In scope: Spånga-Tensta's committee (so its committee, controllers and units); out: Bromma's.
    return standard_callers("goals", in_scope=(tree.ids["SDN-SPT"],), out_of_scope=(bromma,))


@pytest.fixture
def access_policy(access_callers) -> dict[str, set[str]]:
    from servicekit.testing.access import ALL_ROLES, in_and_out

    staff = {name for name, caller in access_callers.items() if caller.actor == "staff" and caller.roles}
    readers = staff | {"system:read", "system:write"}
    # Any staff role in scope (the city-wide roles anywhere) or a goals key.
    in_scope_readers = {f"{role}:in" for role in ALL_ROLES} | in_and_out("admin", "city_controller") | {"system:read", "system:write"}
    admin = in_and_out("admin")
    manager, controller, committee = {"unit_manager:in"}, {"controller:in"}, {"committee:in"}
    organisation = {
        _op("list_organisation_units", "organisation_units", "get"): readers,
        _op("get_organisation_unit", "organisation_units__unit_id_", "get"): readers,
        _op("get_organisation_subtree", "organisation_units__unit_id__subtree", "get"): readers,
        _op("list_unit_types", "unit_types", "get"): readers,
        _op("create_organisation_unit", "organisation_units", "post"): admin | {"system:write"},
        _op("change_organisation_unit", "organisation_units__unit_id_", "patch"): admin | {"system:write"},
        _op("close_organisation_unit", "organisation_units__unit_id__closure", "post"): admin | {"system:write"},
    }
    structure = {
        _op("list_goal_levels", "goal_levels", "get"): readers,
        _op("create_goal_level", "goal_levels", "post"): admin,
        _op("change_goal_level", "goal_levels__code_", "patch"): admin,
        _op("list_goals", "goals", "get"): readers,
        _op("get_goal", "goals__goal_id_", "get"): readers,
        _op("create_goal", "goals", "post"): admin | committee,  # a nämndmål of Spånga-Tensta
        _op("change_goal", "goals__goal_id_", "patch"): admin | committee,
        _op("get_line_of_sight", "line_of_sight", "get"): in_scope_readers,
    }
    commitments = {
        _op("create_business_plan", "business_plans", "post"): admin | manager | controller | committee,
        _op("list_business_plans", "business_plans", "get"): readers,
        _op("get_business_plan", "business_plans__plan_id_", "get"): in_scope_readers,
        _op("adopt_business_plan", "business_plans__plan_id__adoption", "post"): admin | committee,
        _op("create_commitment", "commitments", "post"): admin | manager,
        _op("list_commitments", "commitments", "get"): readers,
        _op("get_commitment", "commitments__commitment_id_", "get"): in_scope_readers,
        _op("list_commitment_versions", "commitments__commitment_id__versions", "get"): in_scope_readers,
        _op("edit_commitment", "commitments__commitment_id_", "patch"): admin | manager,
        _op("submit_commitment", "commitments__commitment_id__submission", "post"): admin | manager,
        _op("assess_commitment", "commitments__commitment_id__assessment", "post"): admin | controller | committee,
        _op("adopt_commitment", "commitments__commitment_id__adoption", "post"): admin | committee,
        _op("change_commitment", "commitments__commitment_id__changes", "post"): admin | committee,
        _op("close_commitment", "commitments__commitment_id__closure", "post"): admin | manager | committee,
    }
    follow_ups = {
        _op("report_follow_up", "commitments__commitment_id__follow_ups", "post"): admin | manager,
        _op("list_follow_ups", "follow_ups", "get"): readers,
        _op("get_follow_up", "follow_ups__follow_up_id_", "get"): in_scope_readers,
        _op("correct_follow_up", "follow_ups__follow_up_id_", "patch"): admin | manager,
    }
    from access_policy_indicators import policy as indicators_budget_guarantees

    # The audit log's chain heads kept outside audit (audit.log.head): its internal auditors and admin.
    audit_log_heads = {_op("list_audit_log_heads", "audit_log_heads", "get"): in_and_out("internal_auditor", "admin")}
    # Roll-up (test_rollup.py): a goal's in its unit's scope, the city's with the city in scope; the committee's verdict.
    city_readers = in_and_out("admin", "city_controller") | {"system:read", "system:write"}
    rollup = {
        _op("list_rollup_rules", "rollup_rules", "get"): readers,
        _op("create_rollup_rule", "rollup_rules", "post"): admin,
        _op("get_goal_rollup", "goals__goal_id__rollup", "get"): in_scope_readers,
        _op("get_city_rollup", "rollup", "get"): city_readers,
        _op("get_goal_verdict", "goals__goal_id__verdicts__period_", "get"): in_scope_readers,
        _op("put_goal_verdict", "goals__goal_id__verdicts__period_", "put"): admin | committee,
    }
    from access_policy_foreign import policy as foreign_figures

    return (
        organisation | structure | commitments | follow_ups | indicators_budget_guarantees(ALL_ROLES) | audit_log_heads | rollup
        | foreign_figures(ALL_ROLES)
    )


@pytest.fixture
async def access_requests(harness, admin, tree, chain, plan, workflow, full_commitment) -> dict:
    """Valid requests for every operation, on a 2015 plan with an adopted commitment (followed up at T1),
    a submitted one, and the committee goal they support."""
    from servicekit.testing.access import Call

    leaf = tree.ids["SDF-SPT-STAB-VU"]  # Enheten för verksamhetsutveckling: no children, so it may close
    adopted = await workflow.create(full_commitment(plan["id"]))
    await workflow.approve(adopted["id"])
    submitted = await workflow.create(full_commitment(plan["id"], title="Budgetprocessen är tydlig"))
    await workflow.act(workflow.manager, f"/goals/v1/commitments/{submitted['id']}/submission")
    await workflow.adopt_plan(plan["id"], "2014-12-15")
    follow_up = (await workflow.manager.post(
        f"/goals/v1/commitments/{adopted['id']}/follow-ups", json={"period": "2015-T1", "outcome_value": 1.8, "assessment": "fulfilled"},
    )).json()

    async def etag(path: str) -> dict[str, str]:
        return {"if-match": (await admin.get(path)).headers["etag"]}

    unit_etag = await etag(f"{UNITS}/{leaf}")
    adopted_etag = await etag(f"/goals/v1/commitments/{adopted['id']}")
    submitted_etag = await etag(f"/goals/v1/commitments/{submitted['id']}")
    decision = workflow.decision("2015-06-01", "SDN 2015/88 § 4")
    by_submitted = {"commitment_id": submitted["id"]}
    calls = {
        _op("create_organisation_unit", "organisation_units", "post"): Call(json={
            "code": "SDF-SPT-IOF-01", "name": "Mottagningsenheten", "type": "unit",
            "parent_id": str(tree.ids["SDF-SPT-IOF"]), "effective_date": "2016-01-01",
        }),
        _op("change_organisation_unit", "organisation_units__unit_id_", "patch"): Call(
            json={"effective_date": "2016-01-01", "name": "Utvecklingsenheten"}, headers=unit_etag,
        ),
        _op("close_organisation_unit", "organisation_units__unit_id__closure", "post"): Call(
            json={"effective_date": "2016-01-01"}, headers=unit_etag,
        ),
        _op("create_goal_level", "goal_levels", "post"): Call(json={
            "code": "unit_goal", "rank": 5, "name_sv": "Enhetsmål", "name_en": "Unit goal", "horizon": "year",
            "owner_unit_types": ["unit"], "writer_roles": ["unit_manager"],
        }),
        _op("change_goal_level", "goal_levels__code_", "patch"): Call(json={"name_sv": "Vision 2040"}, headers={"if-match": '"1"'}),
        _op("create_goal", "goals", "post"): Call(json={
            "level": "committee_goal", "unit_id": str(tree.ids["SDN-SPT"]), "from_year": 2015, "parent_id": chain.area["id"],
            "title": "Prognoserna är rättvisande",
        }),
        _op("change_goal", "goals__goal_id_", "patch"): Call(json={"description": "Nämndens mål 2015."}, headers={"if-match": '"1"'}),
        _op("get_line_of_sight", "line_of_sight", "get"): Call(params={"unit_id": str(leaf), "year": 2015}),
        _op("create_business_plan", "business_plans", "post"): Call(json={"unit_id": str(leaf), "year": 2016}),
        _op("adopt_business_plan", "business_plans__plan_id__adoption", "post"): Call(
            json={"decision": decision}, headers=await etag(f"/goals/v1/business-plans/{plan['id']}"),
        ),
        _op("create_commitment", "commitments", "post"): Call(json=full_commitment(plan["id"], title="Senare tillkommet")),
        _op("edit_commitment", "commitments__commitment_id_", "patch"): Call(
            json={"resource_use": "Mindre."}, headers=adopted_etag,
        ),
        _op("submit_commitment", "commitments__commitment_id__submission", "post"): Call(headers=adopted_etag),
        _op("assess_commitment", "commitments__commitment_id__assessment", "post"): Call(
            json={"outcome": "approved"}, headers=submitted_etag, path_params=by_submitted,
        ),
        _op("adopt_commitment", "commitments__commitment_id__adoption", "post"): Call(
            json={"decision": decision}, headers=submitted_etag, path_params=by_submitted,
        ),
        _op("change_commitment", "commitments__commitment_id__changes", "post"): Call(
            json={"decision": decision, "resource_use": "Mindre."}, headers=adopted_etag,
        ),
        _op("close_commitment", "commitments__commitment_id__closure", "post"): Call(headers=adopted_etag),
        _op("report_follow_up", "commitments__commitment_id__follow_ups", "post"): Call(
            json={"period": "2015-T2", "outcome_value": 1.9, "assessment": "fulfilled"},
        ),
        _op("correct_follow_up", "follow_ups__follow_up_id_", "patch"): Call(
            json={"outcome_value": 1.7}, headers={"if-match": '"1"'},
        ),
    }
    import access_policy_indicators as indicators_area

    ids = await indicators_area.prepare(
        admin, workflow.manager, workflow.committee, unit_id=leaf, committee_id=tree.ids["SDN-SPT"], commitment_id=adopted["id"],
    )
    calls |= {op: Call(**parts) for op, parts in indicators_area.calls(ids).items()}
    verdict = {"assessment": "fulfilled", "analysis": "Nämnden bedömer målet uppfyllt."}
    recorded = await workflow.committee.put(
        f"/goals/v1/goals/{chain.committee['id']}/verdicts/2015-T1", json=verdict, headers={"if-match": '"0"'},
    )
    assert recorded.status_code == 200, recorded.text
    calls |= {
        _op("create_rollup_rule", "rollup_rules", "post"): Call(json={
            "code": "strict", "name_sv": "Sträng", "fulfilled_from": 0.9, "partly_from": 0.5,
            "scores": {"fulfilled": 1, "partly_fulfilled": 0.5, "not_fulfilled": 0},
        }),
        _op("get_goal_rollup", "goals__goal_id__rollup", "get"): Call(params={"period": "2015-T1"}),
        _op("get_city_rollup", "rollup", "get"): Call(params={"period": "2015-T1"}),
        _op("put_goal_verdict", "goals__goal_id__verdicts__period_", "put"): Call(json=verdict, headers={"if-match": '"1"'}),
    }
    import access_policy_foreign as foreign_area  # other services' figures (goals/foreign_figures)

    await foreign_area.prepare(harness.session, unit_id=leaf, committee_id=tree.ids["SDN-SPT"])
    calls |= {op: Call(**parts) for op, parts in foreign_area.calls().items()}
    return {
        "path_params": {
            "unit_id": leaf, "code": "vision", "goal_id": chain.committee["id"], "plan_id": plan["id"],
            "commitment_id": adopted["id"], "follow_up_id": follow_up["id"], "period": "2015-T1",
            **{name: ids[name] for name in indicators_area.PATH_PARAMS}, "committee_id": tree.ids["SDN-SPT"],
        },
        "calls": calls,
    }
