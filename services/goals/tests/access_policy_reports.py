"""Access policy rows of the annual wheel and the reports, for goals' access test.

A committee's wheel, what is due and its reports (live or submitted) are read in the committee's
scope only (admin and city controllers everywhere, goals keys); the committee role in scope sets
its deadlines and submits its reports (admin always); keys never write them.
"""

P = "_goals_v1_"
KEYS = {"system:read", "system:write"}


def _both(*roles: str) -> set[str]:
    return {f"{role}:{where}" for role in roles for where in ("in", "out")}


def policy(roles) -> dict[str, set[str]]:
    staff = _both(*roles)
    readers = staff | KEYS
    scoped = {f"{role}:in" for role in roles} | _both("admin", "city_controller") | KEYS
    deciders = {"committee:in"} | _both("admin")
    return {
        f"list_annual_wheel_defaults{P}annual_wheel_defaults_get": readers,
        f"get_annual_wheel{P}committees__committee_id__annual_wheel_get": scoped,
        f"put_annual_wheel_deadline{P}committees__committee_id__annual_wheel__period__put": deciders,
        f"get_committee_due{P}committees__committee_id__due_get": scoped,
        f"get_live_report{P}committees__committee_id__reports_live_get": scoped,
        f"submit_report{P}committees__committee_id__reports_post": deciders,
        f"list_committee_reports{P}committees__committee_id__reports_get": scoped,
        f"get_report{P}reports__report_id__get": scoped,
        f"get_report_document{P}reports__report_id__document_get": scoped,
    }


async def prepare(committee_client, *, committee_id) -> dict[str, object]:
    """The committee's 2015 annual report, submitted, so its registration and document can be read."""
    submitted = await committee_client.post(f"/goals/v1/committees/{committee_id}/reports", json={"period": "2015-VB"})
    assert submitted.status_code == 201, submitted.text
    return {"committee_id": committee_id, "report_id": submitted.json()["id"]}


PATH_PARAMS = ("committee_id", "report_id")


def calls() -> dict[str, dict]:
    return {
        f"get_annual_wheel{P}committees__committee_id__annual_wheel_get": {"params": {"year": 2015}},
        f"put_annual_wheel_deadline{P}committees__committee_id__annual_wheel__period__put": {
            "json": {"due_date": "2015-05-20"}, "headers": {"if-match": "*"},
        },
        f"get_committee_due{P}committees__committee_id__due_get": {"params": {"period": "2015-T1"}},
        f"get_live_report{P}committees__committee_id__reports_live_get": {"params": {"period": "2015-T1"}},
        f"submit_report{P}committees__committee_id__reports_post": {"json": {"period": "2015-T1"}},
    }
