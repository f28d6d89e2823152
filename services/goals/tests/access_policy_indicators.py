"""Access policy rows of indicators, budget figures and quality guarantees, for goals' access test.

``policy(roles)`` maps each operationId to the caller names of ``servicekit.testing.access``
(``<role>:in`` / ``<role>:out``, ``system:read``, ``system:write``, ``portal``, ``anonymous``,
``nobody``) allowed to call it; ``prepare(...)`` makes the data the calls need and ``calls(ids)``
gives their bodies. Mutations send ``If-Match: *`` so that the check reaches authorisation.
"""

from collections.abc import Iterable, Mapping

P = "_goals_v1_"
KEYS = {"system:read", "system:write"}


def _both(*roles: str) -> set[str]:
    return {f"{role}:{where}" for role in roles for where in ("in", "out")}


def policy(roles: Iterable[str]) -> dict[str, set[str]]:
    roles = tuple(roles)
    staff = _both(*roles)
    readers = staff | KEYS  # lists filter by scope: out of scope is an empty page, not a refusal
    scoped = {f"{role}:in" for role in roles} | _both("admin", "city_controller") | KEYS
    recorders = _both("admin") | {"system:write"}
    catalogue = _both("admin", "city_controller") | {"system:write"}
    unit_writers = {"unit_manager:in", "controller:in"} | _both("admin")
    deciders = {"committee:in"} | _both("admin")
    publishers = {"unit_manager:in", "controller:in", "committee:in"} | _both("admin")
    public = readers | {"portal"}
    return {
        f"create_indicator{P}indicators_post": catalogue,
        f"list_indicators{P}indicators_get": readers,
        f"get_indicator{P}indicators__indicator_id__get": readers,
        f"change_indicator{P}indicators__indicator_id__patch": catalogue,
        f"create_indicator_target{P}indicator_targets_post": unit_writers,  # a commitment's target
        f"list_indicator_targets{P}indicator_targets_get": readers,
        f"get_indicator_target{P}indicator_targets__target_id__get": scoped,
        f"change_indicator_target{P}indicator_targets__target_id__patch": unit_writers,
        f"import_kolada_values{P}indicator_values_imports_kolada_post": recorders,
        f"import_csv_values{P}indicator_values_imports_csv_post": recorders,
        f"list_indicator_values{P}indicator_values_get": readers,
        f"list_indicator_value_versions{P}indicator_values_versions_get": readers,
        f"get_external_ids{P}organisation_units__unit_id__external_ids_get": readers,
        f"put_external_ids{P}organisation_units__unit_id__external_ids_put": recorders,
        f"import_budget_figures{P}budget_figures_imports_post": recorders,
        f"get_budget_figures{P}organisation_units__unit_id__budget_figures__year__get": scoped,
        f"list_budget_figures{P}budget_figures_get": readers,
        f"create_quality_guarantee{P}quality_guarantees_post": unit_writers,
        f"list_quality_guarantees{P}quality_guarantees_get": readers,
        f"get_quality_guarantee{P}quality_guarantees__guarantee_id__get": scoped,
        f"change_quality_guarantee{P}quality_guarantees__guarantee_id__patch": unit_writers,
        f"list_quality_guarantee_versions{P}quality_guarantees__guarantee_id__versions_get": scoped,
        f"adopt_quality_guarantee{P}quality_guarantees__guarantee_id__adoption_post": deciders,
        f"publish_quality_guarantee{P}quality_guarantees__guarantee_id__publication_post": publishers,
        f"withdraw_quality_guarantee{P}quality_guarantees__guarantee_id__withdrawal_post": publishers,
        f"list_published_quality_guarantees{P}published_quality_guarantees_get": public,
        f"get_published_quality_guarantee{P}published_quality_guarantees__guarantee_id__get": public,
    }


async def prepare(admin, manager, committee, *, unit_id, committee_id, commitment_id) -> dict[str, object]:
    """An indicator, a target on the commitment, the unit's 2015 budget table and its published 2015 guarantee."""
    indicator = await admin.post("/goals/v1/indicators", json={
        "code": "AMI", "title": "Aktivt medskapandeindex", "unit_of_measure": "index", "polarity": "higher_is_better",
    })
    assert indicator.status_code == 201, indicator.text
    target = await manager.post("/goals/v1/indicator-targets", json={
        "indicator_id": indicator.json()["id"], "commitment_id": str(commitment_id), "period": "2015", "target_value": 93,
    })
    assert target.status_code == 201, target.text
    budget = await admin.post("/goals/v1/budget-figures/imports", json={
        "items": [{"unit_id": str(unit_id), "year": 2015, "lines": {"net": {"budget": 6.8, "outcome": 6.8}}}],
    })
    assert budget.status_code == 200, budget.text
    guarantee = await manager.post("/goals/v1/quality-guarantees", json={
        "unit_id": str(unit_id), "year": 2015, "business_idea": "Idé.", "promises": [{"text": "Löfte."}],
        "feedback_routine": "Rutin.", "contact_channel": {"phone": "08-508 00 508"},
    })
    assert guarantee.status_code == 201, guarantee.text
    path = f"/goals/v1/quality-guarantees/{guarantee.json()['id']}"
    if (await manager.get(path)).json()["status"] == "draft":  # not adopted with a plan already
        adopted = await committee.post(f"{path}/adoption", headers={"if-match": "*"}, json={
            "decision": {"reference": "SDN 2014/1 § 1", "decided_on": "2014-12-11", "body_id": str(committee_id)},
        })
        assert adopted.status_code == 200, adopted.text
    published = await manager.post(f"{path}/publication", headers={"if-match": "*"})
    assert published.status_code == 200, published.text
    return {
        "unit_id": unit_id, "committee_id": committee_id, "commitment_id": commitment_id,
        "indicator_id": indicator.json()["id"], "target_id": target.json()["id"], "guarantee_id": guarantee.json()["id"],
        "year": 2015,  # of the budget table
    }


PATH_PARAMS = ("indicator_id", "target_id", "guarantee_id", "year")


def calls(ids: Mapping[str, object]) -> dict[str, dict]:
    """Request parts per operationId; ``ids`` holds unit_id, committee_id, commitment_id, indicator_id (and the path ids)."""
    match = {"if-match": "*"}
    unit, committee = str(ids["unit_id"]), str(ids["committee_id"])
    table = {"unit_id": unit, "year": 2015, "lines": {"costs": {"budget": 5.2, "outcome": 5.0}}}
    return {
        f"create_indicator{P}indicators_post": {"json": {"code": "ACCESS-1", "title": "t", "unit_of_measure": "antal", "polarity": "higher_is_better"}},
        f"change_indicator{P}indicators__indicator_id__patch": {"json": {"title": "Ny titel"}, "headers": match},
        f"create_indicator_target{P}indicator_targets_post": {"json": {
            "indicator_id": str(ids["indicator_id"]), "commitment_id": str(ids["commitment_id"]), "period": "2015-T2", "target_value": 1,
        }},
        f"change_indicator_target{P}indicator_targets__target_id__patch": {"json": {"target_value": 2}, "headers": match},
        f"import_kolada_values{P}indicator_values_imports_kolada_post": {"json": {"count": 0, "values": []}},
        f"import_csv_values{P}indicator_values_imports_csv_post": {
            # the helper sends a body as JSON; a JSON string is a (bad) CSV file, refused after the access check
            "json": "indicator,unit_code,period,value", "headers": {"content-type": "text/csv"},
        },
        f"put_external_ids{P}organisation_units__unit_id__external_ids_put": {"json": {}, "headers": match},
        f"import_budget_figures{P}budget_figures_imports_post": {"json": {"items": [table]}},
        f"create_quality_guarantee{P}quality_guarantees_post": {"json": {
            "unit_id": unit, "year": 2016, "business_idea": "Idé.", "promises": [{"text": "Löfte."}], "feedback_routine": "Rutin.",
            "contact_channel": {"phone": "08-508 00 508"},
        }},
        f"change_quality_guarantee{P}quality_guarantees__guarantee_id__patch": {"json": {"business_idea": "Ny idé."}, "headers": match},
        f"adopt_quality_guarantee{P}quality_guarantees__guarantee_id__adoption_post": {
            "json": {"decision": {"reference": "SDN 2015/1 § 1", "decided_on": "2015-01-15", "body_id": committee}}, "headers": match,
        },
        f"publish_quality_guarantee{P}quality_guarantees__guarantee_id__publication_post": {"headers": match},
        f"withdraw_quality_guarantee{P}quality_guarantees__guarantee_id__withdrawal_post": {"json": {"reason": "Skäl."}, "headers": match},
        f"list_published_quality_guarantees{P}published_quality_guarantees_get": {"params": {"committee_id": committee}},
    }
