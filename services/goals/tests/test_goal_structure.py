"""The goal structure as data: configurable levels, links that keep the levels, line of sight."""

from sqlalchemy import select

from servicekit.tables import OutboxEvent

GOALS, LEVELS = "/goals/v1/goals", "/goals/v1/goal-levels"


async def test_the_default_levels_run_from_the_vision_to_committee_goals(admin):
    levels = (await admin.get(LEVELS)).json()

    assert [(level["rank"], level["code"], level["name_sv"]) for level in levels] == [
        (1, "vision", "Vision"),
        (2, "direction_goal", "Kommunfullmäktiges inriktningsmål"),
        (3, "area_goal", "Kommunfullmäktiges mål för verksamhetsområdet"),
        (4, "committee_goal", "Nämndmål"),
    ]
    assert levels[3]["writer_roles"] == ["committee"] and "district_committee" in levels[3]["owner_unit_types"]


async def test_a_chain_of_goals_is_stored_with_each_link_and_published(harness, chain):
    read = await harness_get(harness, f"{GOALS}/{chain.committee['id']}")
    events = (await harness.session.execute(select(OutboxEvent.type, OutboxEvent.envelope))).all()

    assert read["parent_id"] == chain.area["id"] and read["level"] == "committee_goal" and read["level_rank"] == 4
    assert (read["from_year"], read["to_year"]) == (2015, 2015)
    published = [envelope["data"]["goal"]["title"] for type, envelope in events if type == "goals.goal.created"]
    assert published == [chain.vision["title"], chain.direction["title"], chain.area["title"], chain.committee["title"]]


async def harness_get(harness, path: str) -> dict:
    async with harness.client(roles=("city_controller",)) as reader:
        response = await reader.get(path)
    assert response.status_code == 200, response.text
    return response.json()


async def test_links_that_skip_or_invert_levels_cross_years_or_loop_are_refused(admin, committee, tree, chain, outbox_count, create_goal):
    city, spt = tree.ids["STHLM"], tree.ids["SDN-SPT"]
    before = await outbox_count()

    skipped = await create_goal(
        committee, expect=422, level="committee_goal", unit_id=spt, from_year=2015, parent_id=chain.direction["id"], title="Hoppar",
    )
    inverted = await create_goal(
        admin, expect=422, level="direction_goal", unit_id=city, from_year=2015, parent_id=chain.committee["id"], title="Uppochner",
    )
    top_with_parent = await create_goal(
        admin, expect=422, level="vision", unit_id=city, from_year=2015, parent_id=chain.vision["id"], title="Vision 2040",
    )
    orphan = await create_goal(admin, expect=422, level="area_goal", unit_id=city, from_year=2015, title="Utan mål ovanför")
    outside_years = await create_goal(
        committee, expect=422, level="committee_goal", unit_id=spt, from_year=2019, parent_id=chain.area["id"], title="2019",
    )
    etag = (await admin.get(f"{GOALS}/{chain.area['id']}")).headers["etag"]
    loop = await admin.patch(f"{GOALS}/{chain.area['id']}", json={"parent_id": chain.area["id"]}, headers={"if-match": etag})

    assert skipped["type"].endswith("/level-skipped")
    assert inverted["type"].endswith("/level-inverted") and top_with_parent["type"].endswith("/level-inverted")
    assert orphan["type"].endswith("/parent-required")
    assert outside_years["type"].endswith("/years-outside-parent") and outside_years["parent_to_year"] == 2018
    assert loop.status_code == 422 and loop.json()["type"].endswith("/cycle")
    assert (await admin.get(f"{GOALS}/{chain.area['id']}")).json()["parent_id"] == chain.direction["id"]
    assert await outbox_count() == before


async def test_a_committee_goal_belongs_to_a_committee_for_one_year(committee, admin, tree, chain, create_goal):
    by_city = await create_goal(
        admin, expect=422, level="committee_goal", unit_id=tree.ids["STHLM"], from_year=2015, parent_id=chain.area["id"], title="X",
    )
    two_years = await create_goal(
        committee, expect=422, level="committee_goal", unit_id=tree.ids["SDN-SPT"], from_year=2015, to_year=2016,
        parent_id=chain.area["id"], title="Y",
    )

    assert by_city["type"].endswith("/wrong-goal-owner") and two_years["type"].endswith("/invalid-years")


async def test_city_levels_are_written_by_admin_and_committee_goals_by_the_committee_in_scope(harness, tree, chain):
    spt = tree.ids["SDN-SPT"]
    body = {"level": "committee_goal", "unit_id": str(spt), "from_year": 2015, "parent_id": chain.area["id"], "title": "Z"}
    kf_body = {"level": "area_goal", "unit_id": str(tree.ids["STHLM"]), "from_year": 2015, "parent_id": chain.direction["id"], "title": "K"}
    async with harness.client(roles=("committee",), org=(spt,)) as member:
        kf_by_committee = await member.post(GOALS, json=kf_body)
    async with harness.client(roles=("committee",), org=(tree.ids["SDF-SPT-IOF"],)) as elsewhere:
        out_of_scope = await elsewhere.post(GOALS, json=body)
    async with harness.client(roles=("unit_manager", "controller"), org=(spt,)) as staff:
        not_a_committee = await staff.post(GOALS, json=body)
        read = await staff.get(f"{GOALS}/{chain.committee['id']}")
    async with harness.client(actor="system", roles=(), scopes=("goals:write",)) as key:
        by_key = await key.post(GOALS, json=body)
    async with harness.client(actor="portal", roles=(), scopes=("feedback:submit",)) as portal:
        by_portal = await portal.get(GOALS)

    assert kf_by_committee.status_code == 403
    assert out_of_scope.status_code == 403 and out_of_scope.json()["type"].endswith("/out-of-scope")
    assert not_a_committee.status_code == by_key.status_code == by_portal.status_code == 403
    assert read.status_code == 200


async def test_goals_are_listed_by_level_unit_and_year(admin, tree, chain):
    in_2016 = (await admin.get(GOALS, params={"year": 2016})).json()["items"]
    committee_goals = (await admin.get(GOALS, params={"level": "committee_goal", "unit_id": str(tree.ids["SDN-SPT"])})).json()
    first = (await admin.get(GOALS, params={"limit": 2})).json()
    second = (await admin.get(GOALS, params={"limit": 2, "cursor": first["next_cursor"]})).json()

    assert [goal["id"] for goal in in_2016] == [chain.vision["id"], chain.direction["id"], chain.area["id"]]
    assert [goal["id"] for goal in committee_goals["items"]] == [chain.committee["id"]]
    assert [goal["level"] for goal in first["items"] + second["items"]] == ["vision", "direction_goal", "area_goal", "committee_goal"]
    assert second["next_cursor"] is None


async def test_a_goal_is_retitled_with_if_match_and_withdrawn_only_without_active_goals_below(admin, chain):
    path = f"{GOALS}/{chain.area['id']}"
    missing = await admin.patch(path, json={"title": "Ny titel"})
    stale = await admin.patch(path, json={"title": "Ny titel"}, headers={"if-match": '"99"'})
    retitled = await admin.patch(path, json={"title": "Ny titel"}, headers={"if-match": '"1"'})
    withdrawn = await admin.patch(path, json={"status": "withdrawn"}, headers={"if-match": retitled.headers["etag"]})
    widened = await admin.patch(path, json={"from_year": 2014}, headers={"if-match": retitled.headers["etag"]})
    shortened = await admin.patch(path, json={"from_year": 2016}, headers={"if-match": retitled.headers["etag"]})

    assert (missing.status_code, stale.status_code, retitled.status_code) == (428, 412, 200)
    assert retitled.json()["title"] == "Ny titel" and retitled.headers["etag"] == '"2"'
    assert withdrawn.status_code == 422 and withdrawn.json()["type"].endswith("/goal-has-children")
    assert widened.status_code == 422 and widened.json()["type"].endswith("/years-outside-parent")
    # The committee goal for 2015 below it would fall outside 2016–2018.
    assert shortened.status_code == 422 and shortened.json()["type"].endswith("/children-outside-years")


async def test_levels_are_configuration_a_new_level_goes_only_where_no_goal_would_skip_it(admin, chain):
    in_use = await admin.post(LEVELS, json={
        "code": "strategy", "rank": 3, "name_sv": "Strategi", "name_en": "Strategy", "horizon": "term",
        "owner_unit_types": ["city"], "writer_roles": ["admin"],
    })
    below = await admin.post(LEVELS, json={
        "code": "unit_goal", "rank": 5, "name_sv": "Enhetsmål", "name_en": "Unit goal", "horizon": "year",
        "owner_unit_types": ["administration", "department"], "writer_roles": ["unit_manager"],
    })
    gap = await admin.post(LEVELS, json={
        "code": "far_down", "rank": 9, "name_sv": "Långt ner", "name_en": "Far down", "horizon": "year",
        "owner_unit_types": ["unit"], "writer_roles": ["unit_manager"],
    })
    renamed = await admin.patch(f"{LEVELS}/vision", json={"name_sv": "Vision 2040"}, headers={"if-match": '"1"'})
    stale = await admin.patch(f"{LEVELS}/vision", json={"name_sv": "Vision 2050"}, headers={"if-match": '"1"'})

    assert in_use.status_code == 422 and in_use.json()["type"].endswith("/level-in-use")
    assert below.status_code == 201 and below.json()["rank"] == 5
    assert gap.status_code == 422 and gap.json()["type"].endswith("/rank-gap")
    assert renamed.status_code == 200 and renamed.json()["name_sv"] == "Vision 2040"
    assert stale.status_code == 412
    assert [level["code"] for level in (await admin.get(LEVELS)).json()][-1] == "unit_goal"


async def test_a_level_is_inserted_above_others_while_no_goals_exist(admin, committee):
    created = await admin.post(LEVELS, json={
        "code": "strategy", "rank": 2, "name_sv": "Strategi", "name_en": "Strategy", "horizon": "term",
        "owner_unit_types": ["city"], "writer_roles": ["admin"],
    })
    by_committee = await committee.post(LEVELS, json={
        "code": "other", "rank": 6, "name_sv": "Annat", "name_en": "Other", "horizon": "term",
        "owner_unit_types": ["city"], "writer_roles": ["admin"],
    })

    assert created.status_code == 201, created.text
    assert [(level["rank"], level["code"]) for level in (await admin.get(LEVELS)).json()] == [
        (1, "vision"), (2, "strategy"), (3, "direction_goal"), (4, "area_goal"), (5, "committee_goal"),
    ]
    assert by_committee.status_code == 403


async def test_a_cursor_of_another_list_or_tampered_with_is_a_400(admin, chain):
    from servicekit.pagination import encode_cursor

    of_plans = encode_cursor({"year": 2015, "id": str(chain.vision["id"])})
    tampered = encode_cursor({"year": "2015", "id": "not-an-id"})
    goals = await admin.get(GOALS, params={"cursor": of_plans})
    commitments = await admin.get("/goals/v1/commitments", params={"cursor": tampered})
    follow_ups = await admin.get("/goals/v1/follow-ups", params={"cursor": of_plans})

    assert goals.status_code == commitments.status_code == follow_ups.status_code == 400
    assert goals.json()["type"].endswith("/invalid-cursor")
