"""The organisation tree through the HTTP API: dated versions, rules, concurrency, idempotency, paging."""

from datetime import date

UNITS = "/goals/v1/organisation-units"
MID_2016 = date(2016, 7, 1)
NEW_YEAR_2017 = date(2017, 1, 1)
NEW_YEAR_2018 = date(2018, 1, 1)


def day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


async def test_a_created_unit_reads_back_at_its_location(admin, tree):
    body = {
        "code": " sdf-spt-iof-01 ", "name": " Mottagningsenheten ", "type": "unit",
        "parent_id": str(tree.ids["SDF-SPT-IOF"]), "effective_date": "2015-03-01",
    }
    created = await admin.post(UNITS, json=body)

    assert created.status_code == 201, created.text
    unit = created.json()
    assert (unit["code"], unit["name"], unit["status"], unit["revision"]) == ("SDF-SPT-IOF-01", "Mottagningsenheten", "active", 1)
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{UNITS}/{unit['id']}"
    read = await admin.get(created.headers["location"], params={"as_of": "2015-03-01"})
    assert read.status_code == 200
    assert read.json() == unit
    assert read.headers["etag"] == '"1"'
    assert (await admin.get(created.headers["location"], params={"as_of": "2015-02-28"})).json()["status"] == "planned"


async def test_unknown_unit_is_a_404_problem(admin, tree):
    response = await admin.get(f"{UNITS}/00000000-0000-4000-8000-000000000000")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/unit-not-found")


async def test_as_of_shows_the_name_and_parent_valid_on_that_day(api, tree):
    unit_id, staff, admin_id = tree.ids["SDF-SPT-STAB-VU"], tree.ids["SDF-SPT-STAB"], tree.ids["SDF-SPT"]

    renamed = await api.change(unit_id, effective_date=MID_2016, name="Enheten för kvalitet och utveckling")
    await api.change(unit_id, effective_date=NEW_YEAR_2017, parent_id=admin_id)

    assert renamed["name"] == "Enheten för kvalitet och utveckling" and renamed["as_of"] == MID_2016.isoformat()
    before_rename = (await api.read(unit_id, as_of=day_before(MID_2016))).json()
    after_rename = (await api.read(unit_id, as_of=MID_2016)).json()
    after_move = (await api.read(unit_id, as_of=NEW_YEAR_2017)).json()
    assert (before_rename["name"], before_rename["parent_id"]) == ("Enheten för verksamhetsutveckling", str(staff))
    assert (after_rename["name"], after_rename["parent_id"]) == ("Enheten för kvalitet och utveckling", str(staff))
    assert (after_move["name"], after_move["parent_id"]) == ("Enheten för kvalitet och utveckling", str(admin_id))
    assert after_move["revision"] == 3
    assert [(v["valid_from"], v["valid_to"]) for v in after_move["versions"]] == [
        ("2015-01-01", "2016-07-01"), ("2016-07-01", "2017-01-01"), ("2017-01-01", None),
    ]


async def test_subtree_as_of_a_date_follows_a_move(api, tree):
    unit_id, staff, admin_id = tree.ids["SDF-SPT-STAB-VU"], tree.ids["SDF-SPT-STAB"], tree.ids["SDF-SPT"]
    await api.change(unit_id, effective_date=NEW_YEAR_2017, parent_id=admin_id)

    staff_2016 = await api.subtree(staff, as_of=day_before(NEW_YEAR_2017))
    staff_2017 = await api.subtree(staff, as_of=NEW_YEAR_2017)
    admin_2017 = await api.subtree(admin_id, as_of=NEW_YEAR_2017)
    admin_2017_shallow = await api.subtree(admin_id, as_of=NEW_YEAR_2017, max_depth=1)

    assert staff_2016[0]["id"] == str(staff) and staff_2016[0]["depth"] == 0
    assert str(unit_id) in {node["id"] for node in staff_2016}
    assert str(unit_id) not in {node["id"] for node in staff_2017}
    assert len(staff_2017) == 5
    depth_of = {node["id"]: node["depth"] for node in admin_2017}
    assert depth_of[str(unit_id)] == 1 and depth_of[str(tree.ids["SDF-SPT-STAB-HRIT"])] == 2
    assert len(admin_2017) == 1 + 4 + 5
    assert {node["depth"] for node in admin_2017_shallow} == {0, 1} and len(admin_2017_shallow) == 6
    # Depth-first: every node comes after its parent.
    seen: set[str] = set()
    for node in admin_2017:
        assert node["parent_id"] in seen or node["depth"] == 0
        seen.add(node["id"])


async def test_subtree_of_a_unit_not_in_effect_is_404(api, admin, tree):
    response = await admin.get(f"{UNITS}/{tree.ids['SDF-SPT']}/subtree", params={"as_of": "2014-12-31"})

    assert response.status_code == 404
    assert response.json()["type"].endswith("/unit-not-in-effect")


async def test_a_code_is_unique_on_every_day_and_free_again_after_closure(api, tree):
    department = tree.ids["SDF-SPT-IOF"]
    first = await api.create(code="SDF-SPT-IOF-01", name="Mottagningsenheten", type="unit", parent_id=department)

    clash = await api.create(expect=422, code="sdf-spt-iof-01", name="Vuxenenheten", type="unit", parent_id=department)
    await api.close(first["id"], NEW_YEAR_2018)
    overlapping = await api.create(
        expect=422, code="SDF-SPT-IOF-01", name="Vuxenenheten", type="unit", parent_id=department,
        effective_date=day_before(NEW_YEAR_2018),
    )
    reused = await api.create(
        code="SDF-SPT-IOF-01", name="Vuxenenheten", type="unit", parent_id=department, effective_date=NEW_YEAR_2018
    )
    recode_clash = await api.change(tree.ids["SDF-SPT-STAB-SM"], expect=422, effective_date=NEW_YEAR_2018, code="SDF-SPT-IOF-01")

    assert clash["type"].endswith("/code-in-use") and overlapping["type"].endswith("/code-in-use")
    assert recode_clash["type"].endswith("/code-in-use")
    assert reused["code"] == "SDF-SPT-IOF-01" and reused["id"] != first["id"]
    assert (await api.read(first["id"], as_of=day_before(NEW_YEAR_2018))).json()["code"] == "SDF-SPT-IOF-01"


async def test_parent_type_rules(api, tree):
    city, admin_id, staff = tree.ids["STHLM"], tree.ids["SDF-SPT"], tree.ids["SDF-SPT-STAB"]

    department_under_city = await api.create(expect=422, code="X-1", name="Avdelning", type="department", parent_id=city)
    orphan_unit = await api.create(expect=422, code="X-2", name="Enhet", type="unit")
    second_city = await api.create(expect=422, code="X-3", name="Stockholms stad 2", type="city")
    unknown_parent = await api.create(
        expect=422, code="X-4", name="Enhet", type="unit", parent_id="00000000-0000-4000-8000-000000000000"
    )
    before_parent = await api.create(
        expect=422, code="X-5", name="Enhet", type="unit", parent_id=staff, effective_date=date(2014, 12, 31)
    )
    administration_under_department = await api.change(tree.ids["SDF-SPT"], expect=422, effective_date=MID_2016, parent_id=staff)
    contractor = await api.create(code="X-6", name="Attendo Tensta (entreprenad)", type="contractor", parent_id=admin_id)
    nested_department = await api.create(code="X-7", name="Sektion", type="department", parent_id=staff)

    for problem in (department_under_city, orphan_unit, administration_under_department):
        assert problem["type"].endswith("/invalid-parent")
    assert "allowed_parent_types" in department_under_city
    assert second_city["type"].endswith("/city-exists")
    assert unknown_parent["type"].endswith("/parent-not-found")
    assert before_parent["type"].endswith("/parent-not-in-effect")
    assert contractor["parent_id"] == str(admin_id) and nested_department["parent_id"] == str(staff)


async def test_a_move_that_would_loop_is_refused_on_every_future_day(api, tree):
    staff, family = tree.ids["SDF-SPT-STAB"], tree.ids["SDF-SPT-IOF"]
    section = await api.create(code="SDF-SPT-STAB-SEK", name="Sektion", type="department", parent_id=staff)
    # From 2017 the section belongs to Individ och familj instead.
    await api.change(section["id"], effective_date=NEW_YEAR_2017, parent_id=family)

    # A team under Individ och familj that is already scheduled to join Strategiska staben in 2019.
    team = await api.create(code="SDF-SPT-IOF-TEAM", name="Team", type="department", parent_id=family)
    await api.change(team["id"], effective_date=date(2019, 1, 1), parent_id=staff)

    under_itself = await api.change(staff, expect=422, effective_date=MID_2016, parent_id=staff)
    under_own_child = await api.change(staff, expect=422, effective_date=MID_2016, parent_id=section["id"])
    under_future_child = await api.change(staff, expect=422, effective_date=NEW_YEAR_2018, parent_id=team["id"])
    after_child_left = await api.change(staff, effective_date=NEW_YEAR_2018, parent_id=section["id"])

    for problem in (under_itself, under_own_child, under_future_child):
        assert problem["type"].endswith("/cycle")
    assert after_child_left["parent_id"] == section["id"]


async def test_a_change_cannot_take_effect_before_the_latest_version(api, tree):
    unit_id = tree.ids["SDF-SPT-STAB-VU"]
    await api.change(unit_id, effective_date=MID_2016, name="Enheten för kvalitet")

    too_early = await api.change(unit_id, expect=422, effective_date=day_before(MID_2016), name="Något annat")
    correction = await api.change(unit_id, effective_date=MID_2016, name="Enheten för kvalitet och utveckling")
    closing_on_start = await api.close(unit_id, MID_2016, expect=422)
    nothing = await api.change(unit_id, expect=422, effective_date=NEW_YEAR_2017, name="Enheten för kvalitet och utveckling")

    assert too_early["type"].endswith("/effective-date-too-early")
    assert closing_on_start["type"].endswith("/effective-date-too-early")
    assert nothing["type"].endswith("/no-change")
    assert correction["revision"] == 3 and len(correction["versions"]) == 2
    assert (await api.read(unit_id, as_of=date(2015, 6, 1))).json()["name"] == "Enheten för verksamhetsutveckling"


async def test_closing_needs_the_units_below_closed_or_moved_first(api, admin, tree):
    staff = tree.ids["SDF-SPT-STAB"]
    units = [tree.ids[f"SDF-SPT-STAB-{code}"] for code in ("VU", "EKL", "HRIT", "MBK")]
    moved = tree.ids["SDF-SPT-STAB-SM"]

    refused = await api.close(staff, NEW_YEAR_2018, expect=422)
    for unit_id in units:
        await api.close(unit_id, NEW_YEAR_2018)
    await api.change(moved, effective_date=date(2019, 1, 1), parent_id=tree.ids["SDF-SPT"])
    still_refused = await api.close(staff, NEW_YEAR_2018, expect=422)
    closed = await api.close(staff, date(2019, 1, 1))

    assert refused["type"].endswith("/unit-has-children") and len(refused["children"]) == 5
    assert [child["id"] for child in still_refused["children"]] == [str(moved)]
    assert closed["status"] == "closed" and closed["valid_to"] == "2019-01-01"
    assert (await api.read(staff, as_of=date(2018, 12, 31))).json()["status"] == "active"
    assert (await api.read(staff, as_of=date(2019, 1, 1))).json()["status"] == "closed"
    listed = await admin.get(UNITS, params={"as_of": "2019-01-01", "limit": 500})
    assert str(staff) not in {unit["id"] for unit in listed.json()["items"]}
    already = await api.close(staff, date(2020, 1, 1), expect=422)
    after_closure = await api.change(staff, expect=422, effective_date=date(2020, 1, 1), name="Staben")
    child_of_closed = await api.create(expect=422, code="X-1", name="Enhet", type="unit", parent_id=staff, effective_date=date(2016, 1, 1))
    assert already["type"].endswith("/unit-closed") and after_closure["type"].endswith("/unit-closed")
    assert child_of_closed["type"].endswith("/parent-not-in-effect")


async def test_updates_need_a_current_if_match(api, admin, tree):
    unit_id = tree.ids["SDF-SPT-STAB-VU"]
    path = f"{UNITS}/{unit_id}"
    body = {"effective_date": "2016-07-01", "name": "Enheten för kvalitet"}
    stale_etag = (await api.read(unit_id)).headers["etag"]
    await api.change(unit_id, effective_date=MID_2016, name="Enheten för utveckling")

    missing = await admin.patch(path, json=body)
    stale = await admin.patch(path, json=body, headers={"if-match": stale_etag})
    closure_missing = await admin.post(f"{path}/closure", json={"effective_date": "2018-01-01"})
    current = await admin.patch(path, json=body, headers={"if-match": '"2"'})

    assert missing.status_code == 428 and closure_missing.status_code == 428
    assert stale.status_code == 412
    assert current.status_code == 200 and current.headers["etag"] == '"3"'
    assert (await api.read(unit_id, as_of=MID_2016)).json()["name"] == "Enheten för kvalitet"


async def test_idempotency_key_replays_the_first_reply_and_creates_once(admin, tree):
    body = {"code": "SDF-SPT-IOF-01", "name": "Mottagningsenheten", "type": "unit", "parent_id": str(tree.ids["SDF-SPT-IOF"])}
    headers = {"idempotency-key": "create-mottagningen"}

    first = await admin.post(UNITS, json=body, headers=headers)
    again = await admin.post(UNITS, json=body, headers=headers)
    other_body = await admin.post(UNITS, json=body | {"name": "Vuxenenheten"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"] and again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert other_body.status_code == 422
    listed = await admin.get(UNITS, params={"code": "SDF-SPT-IOF-01"})
    assert [unit["id"] for unit in listed.json()["items"]] == [first.json()["id"]]


async def test_pages_walk_every_unit_exactly_once(admin, tree):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 5, "as_of": "2016-01-01"} | ({"cursor": cursor} if cursor else {})
        if cursor:
            del params["as_of"]  # the cursor carries it
        page = (await admin.get(UNITS, params=params)).json()
        seen.extend(unit["id"] for unit in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert sorted(seen) == sorted(str(unit_id) for unit_id in tree.ids.values())
    codes = [code for code, unit_id in sorted(tree.ids.items())]
    assert len(codes) == len(seen)


async def test_a_cursor_keeps_its_date(admin, tree):
    page = (await admin.get(UNITS, params={"limit": 5, "as_of": "2016-01-01"})).json()

    other_date = await admin.get(UNITS, params={"cursor": page["next_cursor"], "as_of": "2017-01-01"})
    forged = await admin.get(UNITS, params={"cursor": "bm90LWEtY3Vyc29y"})

    assert other_date.status_code == 400 and forged.status_code == 400
    assert other_date.json()["type"].endswith("/invalid-cursor")


async def test_list_filters(admin, tree):
    async def ids(**params) -> set[str]:
        response = await admin.get(UNITS, params={"as_of": "2016-01-01", **params})
        assert response.status_code == 200, response.text
        return {unit["id"] for unit in response.json()["items"]}

    departments = await ids(type="department")
    committees_and_city = await ids(type=["city", "district_committee"])
    below_admin = await ids(parent_id=str(tree.ids["SDF-SPT"]))
    within_staff = await ids(within=str(tree.ids["SDF-SPT-STAB"]))
    by_code = await ids(code="SDF-SPT-STAB-VU")
    before_start = await ids(as_of="2014-12-31")

    assert departments == below_admin == {str(tree.ids[f"SDF-SPT-{code}"]) for code in ("STAB", "AOF", "FSK", "IOF")}
    assert committees_and_city == {str(tree.ids["STHLM"]), str(tree.ids["SDN-SPT"])}
    assert within_staff == {str(unit_id) for code, unit_id in tree.ids.items() if code.startswith("SDF-SPT-STAB")}
    assert by_code == {str(tree.ids["SDF-SPT-STAB-VU"])}
    assert before_start == set()


async def test_bad_input_is_a_problem_not_an_error(admin, tree):
    bad_type = await admin.post(UNITS, json={"code": "X", "name": "X", "type": "kommun"})
    bad_code = await admin.post(UNITS, json={"code": "no spaces", "name": "X", "type": "unit"})
    unknown_field = await admin.post(UNITS, json={"code": "X", "name": "X", "type": "city", "colour": "blue"})
    empty_change = await admin.patch(f"{UNITS}/{tree.ids['SDF-SPT']}", json={"effective_date": "2016-01-01"}, headers={"if-match": '"1"'})
    null_name = await admin.patch(
        f"{UNITS}/{tree.ids['SDF-SPT']}", json={"effective_date": "2016-01-01", "name": None}, headers={"if-match": '"1"'}
    )
    bad_date = await admin.get(UNITS, params={"as_of": "yesterday"})

    for response in (bad_type, bad_code, unknown_field, empty_change, null_name, bad_date):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"]


async def test_unit_types_list_each_type_with_its_swedish_name_and_parents(admin):
    response = await admin.get("/goals/v1/unit-types")

    assert response.status_code == 200
    types = {item["type"]: item for item in response.json()}
    assert list(types) == [
        "city", "district_committee", "specialist_committee", "company_board", "administration", "department", "unit", "contractor",
    ]
    assert types["district_committee"]["name_sv"] == "stadsdelsnämnd"
    assert types["administration"]["allowed_parent_types"] == ["district_committee", "specialist_committee", "company_board"]
    assert types["city"]["allowed_parent_types"] == []
