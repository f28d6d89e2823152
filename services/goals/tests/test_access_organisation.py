"""The access helper on goals' document: it catches missing rows, mismatches, bodies and 404s.

The organisation rows of the policy (conftest ``access_policy``): reads for any staff role (the
tree is not secret) or a goals key; writes for admin or goals:write. test_access.py runs the
whole matrix.
"""

import pytest

from servicekit.testing.access import AccessPolicyViolation, Call, check_access, policy_skeleton

UNITS = "/goals/v1/organisation-units"
LIST = "list_organisation_units_goals_v1_organisation_units_get"
CREATE = "create_organisation_unit_goals_v1_organisation_units_post"
READ = "get_organisation_unit_goals_v1_organisation_units__unit_id__get"
CHANGE = "change_organisation_unit_goals_v1_organisation_units__unit_id__patch"
SUBTREE = "get_organisation_subtree_goals_v1_organisation_units__unit_id__subtree_get"
CLOSE = "close_organisation_unit_goals_v1_organisation_units__unit_id__closure_post"
UNIT_TYPES = "list_unit_types_goals_v1_unit_types_get"


# The tables cover every operation of goals' document (conftest: access_callers, access_policy,
# access_requests); these tests look at the organisation rows and at the helper itself.
@pytest.fixture
def callers(access_callers):
    return access_callers


@pytest.fixture
def requests(access_requests):
    return access_requests


async def test_an_operation_without_a_policy_row_fails_the_test(harness, callers, access_policy, requests):
    policy = dict(access_policy)
    del policy[CLOSE]
    policy["delete_everything"] = {"admin:in"}

    with pytest.raises(AccessPolicyViolation) as failure:
        await check_access(harness, callers=callers, policy=policy, **requests)

    assert f"operation {CLOSE} has no policy row" in str(failure.value)
    assert "policy row 'delete_everything' names no operation" in str(failure.value)


async def test_every_mismatch_is_reported_at_once(harness, callers, access_policy, requests):
    # Three callers keep the run short; the whole matrix runs in test_access.py.
    callers = {name: callers[name] for name in ("unit_manager:in", "system:read", "portal")}
    policy = {op: set(names) & set(callers) for op, names in access_policy.items()}
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


async def test_a_write_without_a_body_or_an_unknown_caller_is_refused(harness, callers, access_policy, requests):
    calls = dict(requests["calls"])
    del calls[CREATE]
    with pytest.raises(AccessPolicyViolation, match="requires a body"):
        await check_access(harness, callers=callers, policy=access_policy, path_params=requests["path_params"], calls=calls)

    policy = access_policy | {READ: {"admn:in"}}
    with pytest.raises(AccessPolicyViolation, match="unknown caller 'admn:in'"):
        await check_access(harness, callers=callers, policy=policy, **requests)


async def test_a_404_counts_as_denied_only_where_the_service_hides_resources(harness, callers, access_policy, requests):
    unknown = {"unit_id": "00000000-0000-4000-8000-000000000000"}
    reads = {name: caller for name, caller in callers.items() if name in ("admin:in", "nobody")}
    policy = {op: {"admin:in"} for op in access_policy}
    calls = {op: Call(json=call.json, headers=call.headers, path_params=unknown) for op, call in requests["calls"].items()}
    calls[READ] = Call(path_params=unknown)

    with pytest.raises(AccessPolicyViolation) as failure:
        await check_access(harness, callers=reads, policy=policy, path_params=requests["path_params"], calls=calls,
                           not_found_denies={READ})

    assert f"({READ}) as admin:in: expected allowed, got 404" in str(failure.value)
    assert str(failure.value).count("expected") == 1  # the same 404 elsewhere counts as allowed


def test_the_policy_skeleton_lists_every_operation(access_policy):
    skeleton = policy_skeleton("goals")

    assert {line.split("'")[1] for line in skeleton.splitlines()[1:-1]} == set(access_policy)
    assert f"'{CHANGE}': set(),  # PATCH {UNITS}/{{unit_id}}" in skeleton
