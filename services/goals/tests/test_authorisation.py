"""Writes need the admin role or goals:write; reads need any staff role or goals:read."""

UNITS = "/goals/v1/organisation-units"
BODY = {"code": "SDF-SPT-IOF-01", "name": "Mottagningsenheten", "type": "unit"}


async def test_a_unit_manager_reads_but_cannot_change_the_tree(harness, tree, outbox_count):
    before = await outbox_count()
    async with harness.client(roles=("unit_manager",), org=(tree.ids["SDF-SPT-STAB-VU"],)) as manager:
        created = await manager.post(UNITS, json=BODY | {"parent_id": str(tree.ids["SDF-SPT-IOF"])})
        renamed = await manager.patch(f"{UNITS}/{tree.ids['SDF-SPT-STAB-VU']}", json={"effective_date": "2016-01-01", "name": "X"}, headers={"if-match": '"1"'})
        closed = await manager.post(f"{UNITS}/{tree.ids['SDF-SPT-STAB-VU']}/closure", json={"effective_date": "2016-01-01"}, headers={"if-match": '"1"'})
        # The tree is not secret: a unit manager reads units outside their own scope too.
        read = await manager.get(f"{UNITS}/{tree.ids['SDF-SPT-IOF']}")

    assert created.status_code == renamed.status_code == closed.status_code == 403
    assert created.json()["type"].endswith("/forbidden")
    assert read.status_code == 200
    assert await outbox_count() == before


async def test_a_read_key_reads_but_cannot_write(harness, tree):
    async with harness.client(actor="system", roles=(), scopes=("goals:read",), subject="key-budget") as key:
        created = await key.post(UNITS, json=BODY | {"parent_id": str(tree.ids["SDF-SPT-IOF"])})
        renamed = await key.patch(f"{UNITS}/{tree.ids['SDF-SPT']}", json={"effective_date": "2016-01-01", "name": "X"}, headers={"if-match": '"1"'})
        listed = await key.get(UNITS)
        subtree = await key.get(f"{UNITS}/{tree.ids['SDN-SPT']}/subtree")
        types = await key.get("/goals/v1/unit-types")

    assert created.status_code == renamed.status_code == 403
    assert listed.status_code == subtree.status_code == types.status_code == 200


async def test_a_write_key_creates(harness, tree):
    async with harness.client(actor="system", roles=(), scopes=("goals:write",), subject="key-hr") as key:
        created = await key.post(UNITS, json=BODY | {"parent_id": str(tree.ids["SDF-SPT-IOF"])})

    assert created.status_code == 201, created.text


async def test_other_services_keys_and_unauthenticated_calls_are_refused(harness, tree):
    async with harness.client(actor="system", roles=(), scopes=("feedback:read", "feedback:write")) as key:
        listed = await key.get(UNITS)
        types = await key.get("/goals/v1/unit-types")
    async with harness.client(roles=()) as no_role:
        no_role_list = await no_role.get(UNITS)
    async with harness.anonymous_client() as anonymous:
        unauthenticated = await anonymous.get(UNITS)

    assert listed.status_code == types.status_code == no_role_list.status_code == 403
    assert unauthenticated.status_code == 401
