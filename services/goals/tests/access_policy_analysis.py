"""Access policy rows of the comparison index and economy beside fulfilment, for goals' access test.

The comparison index and the analysis model are readable by every staff role and goals key
(comparing is their purpose; they show committees' aggregated figures only); a unit's economy
is read in its scope (admin and city controllers anywhere, goals keys).
"""

from collections.abc import Iterable, Mapping

from access_policy_indicators import KEYS, P, _both


def policy(roles: Iterable[str]) -> dict[str, set[str]]:
    roles = tuple(roles)
    readers = _both(*roles) | KEYS
    scoped = {f"{role}:in" for role in roles} | _both("admin", "city_controller") | KEYS
    return {
        f"get_comparison_index{P}comparison_index_get": readers,
        f"get_unit_economy{P}organisation_units__unit_id__economy_get": scoped,
        f"get_economy_analysis{P}economy_analysis_get": readers,
    }


def calls(ids: Mapping[str, object]) -> dict[str, dict]:
    """Valid requests: ``ids`` holds the committee goal (goal_id) and an indicator (indicator_id)."""
    return {
        f"get_comparison_index{P}comparison_index_get": {"params": {"period": "2015-T1", "goal_id": str(ids["goal_id"])}},
        f"get_unit_economy{P}organisation_units__unit_id__economy_get": {"params": {"from_year": 2015, "to_year": 2015}},
        f"get_economy_analysis{P}economy_analysis_get": {"params": {"from_year": 2015, "to_year": 2015}},
    }
