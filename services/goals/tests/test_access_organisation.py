"""Who may call the organisation endpoints: every operation of goals' OpenAPI document, every caller.

Reads: any staff role (the tree is not secret) or a goals key; writes: admin or goals:write.
Portals, the anonymous actor and callers without an assertion get nothing.
The later tests prove that the access helper itself catches what it must.
"""

import uuid

import pytest

from servicekit.testing.access import AccessPolicyViolation, Call, check_access, in_and_out, policy_skeleton, standard_callers

UNITS = "/goals/v1/organisation-units"
LIST = "list_organisation_units_goals_v1_organisation_units_get"
CREATE = "create_organisation_unit_goals_v1_organisation_units_post"
READ = "get_organisation_unit_goals_v1_organisation_units__unit_id__get"
CHANGE = "change_organisation_unit_goals_v1_organisation_units__unit_id__patch"
SUBTREE = "get_organisation_subtree_goals_v1_organisation_units__unit_id__subtree_get"
CLOSE = "close_organisation_unit_goals_v1_organisation_units__unit_id__closure_post"
UNIT_TYPES = "list_unit_types_goals_v1_unit_types_get"


@pytest.fixture
def callers(tree):
    # In scope: Spånga-Tensta's administration (the leaf below is inside it); out: Bromma's committee.
    return standard_callers("goals", in_scope=(tree.ids["SDF-SPT"],), out_of_scope=(tree.ids["SDN-BRO"],))


@pytest.fixture
async def tree(tree, admin):
    """The seed committee plus a second committee, so "out of scope" is a real unit."""
    created = await admin.post(UNITS, json={
        "code": "SDN-BRO", "name": "Bromma stadsdelsnämnd", "type": "district_committee",
        "parent_id": str(tree.city_id), "effective_date": "2015-01-01",
    })
    assert created.status_code == 201, created.text
    tree.ids["SDN-BRO"] = uuid.UUID(created.json()["id"])
    return tree


def organisation_policy(callers) -> dict[str, set[str]]:
    staff = {name for name, caller in callers.items() if caller.actor == "staff" and caller.roles}
    readers = staff | {"system:read", "system:write"}
    writers = in_and_out("admin") | {"system:write"}
    return {
        LIST: readers, READ: readers, SUBTREE: readers, UNIT_TYPES: readers,
        CREATE: writers, CHANGE: writers, CLOSE: writers,
    }


@pytest.fixture
async def requests(tree, admin):
    leaf = tree.ids["SDF-SPT-STAB-VU"]  # Enheten för verksamhetsutveckling: no children, so it may close
    etag = (await admin.get(f"{UNITS}/{leaf}")).headers["etag"]
    return {
        "path_params": {"unit_id": leaf},
        "calls": {
            CREATE: Call(json={
                "code": "SDF-SPT-IOF-01", "name": "Mottagningsenheten", "type": "unit",
                "parent_id": str(tree.ids["SDF-SPT-IOF"]), "effective_date": "2016-01-01",
            }),
            CHANGE: Call(json={"effective_date": "2016-01-01", "name": "Utvecklingsenheten"}, headers={"if-match": etag}),
            CLOSE: Call(json={"effective_date": "2016-01-01"}, headers={"if-match": etag}),
        },
    }


async def test_every_organisation_operation_admits_exactly_its_callers(harness, callers, requests, outbox_count):
    before = await outbox_count()

    statuses = await check_access(harness, callers=callers, policy=organisation_policy(callers), **requests)

    # Allowed writes really succeeded (a valid request, not a validation error) ...
    assert statuses[CREATE]["admin:out"] == statuses[CREATE]["system:write"] == 201
    assert statuses[CHANGE]["admin:in"] == statuses[CLOSE]["system:write"] == 200
    assert statuses[LIST]["portal"] == 403 and statuses[LIST]["nobody"] == 401
    # ... and each call was rolled back: every caller met the same tree, and nothing was kept.
    assert await outbox_count() == before


async def test_an_operation_without_a_policy_row_fails_the_test(harness, callers, requests):
    policy = organisation_policy(callers)
    del policy[CLOSE]
    policy["delete_everything"] = {"admin:in"}

    with pytest.raises(AccessPolicyViolation) as failure:
        await check_access(harness, callers=callers, policy=policy, **requests)

    assert f"operation {CLOSE} has no policy row" in str(failure.value)
    assert "policy row 'delete_everything' names no operation" in str(failure.value)


async def test_every_mismatch_is_reported_at_once(harness, callers, requests):
    policy = organisation_policy(callers)
    policy[CREATE] = policy[CREATE] | {"unit_manager:in"}  # wrongly claims a unit manager may create
    policy[UNIT_TYPES] = policy[UNIT_TYPES] - {"system:read"}  # wrongly claims a read key is refused
    policy[LIST] = policy[LIST] | {"portal"}

    with pytest.raises(AccessPolicyViolation) as failure:
        await check_access(harness, callers=callers, policy=policy, **requests)

    report = str(failure.value)
    assert "in 3 of " in report
    assert f"POST {UNITS} ({CREATE}) as unit_manager:in: expected allowed, got 403" in report
    assert f"({UNIT_TYPES}) as system:read: expected denied, got 200" in report
    assert f"({LIST}) as portal: expected allowed, got 403" in report


async def test_a_write_without_a_body_or_an_unknown_caller_is_refused(harness, callers, requests):
    calls = dict(requests["calls"])
    del calls[CREATE]
    with pytest.raises(AccessPolicyViolation, match="requires a body"):
        await check_access(harness, callers=callers, policy=organisation_policy(callers), path_params=requests["path_params"], calls=calls)

    policy = organisation_policy(callers) | {READ: {"admn:in"}}
    with pytest.raises(AccessPolicyViolation, match="unknown caller 'admn:in'"):
        await check_access(harness, callers=callers, policy=policy, **requests)


async def test_a_404_counts_as_denied_only_where_the_service_hides_resources(harness, callers, requests):
    unknown = {"unit_id": "00000000-0000-4000-8000-000000000000"}
    reads = {name: caller for name, caller in callers.items() if name in ("admin:in", "nobody")}
    policy = {op: {"admin:in"} for op in organisation_policy(callers)}
    calls = {op: Call(json=call.json, headers=call.headers, path_params=unknown) for op, call in requests["calls"].items()}
    calls[READ] = Call(path_params=unknown)

    with pytest.raises(AccessPolicyViolation) as failure:
        await check_access(harness, callers=reads, policy=policy, path_params=requests["path_params"], calls=calls,
                           not_found_denies={READ})

    assert f"({READ}) as admin:in: expected allowed, got 404" in str(failure.value)
    assert str(failure.value).count("expected") == 1  # the same 404 elsewhere counts as allowed


def test_the_policy_skeleton_lists_every_operation(callers):
    skeleton = policy_skeleton("goals")

    assert {line.split("'")[1] for line in skeleton.splitlines()[1:-1]} == set(organisation_policy(callers))
    assert f"'{CHANGE}': set(),  # PATCH {UNITS}/{{unit_id}}" in skeleton
