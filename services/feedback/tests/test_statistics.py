"""A committee follows up its feedback: counts computed by hand from the cases made here."""

P = "/feedback/v1"


async def test_a_committee_follows_up_the_year(api, org):
    api.harness.app.state.statistics_min_cell = 1  # figures this small are shown here (suppression: test_statistics)
    ugglan, park = str(org["FSK-UGGLAN"]), str(org["SDF-SPT-SM"])
    answered = (await api.create(unit_id=ugglan, received_at="2026-04-02T10:00:00+02:00")).json()["id"]
    await api.walk(answered, "acknowledged", "assigned", "in_progress", "answered")  # answered long after 20 April
    late = (await api.create(unit_id=park, category_code="park", kind="suggestion", channel="letter",
                             received_at="2026-06-18T10:00:00+02:00")).json()["id"]  # never acknowledged: overdue
    await api.create(unit_id=ugglan, kind="praise", channel="e_mail")  # today: nothing due yet
    await api.create(unit_id=ugglan, received_at="2025-12-23T10:00:00+01:00")  # last year
    await api.create(unit_id=str(org["BRO-PARK"]), category_code="park", received_at="2026-04-02T10:00:00+02:00")  # Bromma
    async with api.staff("SDN-SPT", roles=["controller"]) as controller, api.staff("FSK-UGGLAN") as handler:
        stats = await controller.get(f"/feedback/v1/committees/{org['SDN-SPT']}/statistics", params={"year": 2026})
        refused = await handler.get(f"/feedback/v1/committees/{org['SDN-SPT']}/statistics")
    assert refused.status_code == 403
    body = stats.json()
    assert (body["received"], body["overdue"], body["answered"], body["answered_in_time"]) == (3, 1, 1, 0)
    assert body["by_kind"] == {"complaint": 1, "suggestion": 1, "praise": 1}
    assert body["by_channel"] == {"phone": 1, "letter": 1, "e_mail": 1}
    assert body["by_status"] == {"answered": 1, "received": 2}
    assert late and body["average_rating"] is None


def _splits(total: int, cells: int) -> list[tuple[int, ...]]:
    """Every way of sharing ``total`` cases among ``cells`` suppressed cells of at least 1 each."""
    if cells == 1:
        return [(total,)] if total >= 1 else []
    return [(first, *rest) for first in range(1, total) for rest in _splits(total - first, cells - 1)]


def _recoverable(breakdown: dict, received: int) -> set[str]:
    """The suppressed cells an outsider could work out from the total and the cells shown."""
    hidden = [key for key, value in breakdown.items() if value is None]
    if not hidden:
        return set()
    splits = _splits(received - sum(value for value in breakdown.values() if value is not None), len(hidden))
    return {key for position, key in enumerate(hidden) if len({split[position] for split in splits}) == 1}


async def test_small_cells_are_suppressed_and_cannot_be_recovered_from_the_totals(api, org):
    assert api.harness.app.state.statistics_min_cell == 5  # the default, FEEDBACK_STATISTICS_MIN_CELL
    ugglan = str(org["FSK-UGGLAN"])
    # 12 cases: channels phone 7, letter 3, e_mail 1, in_person 1; kinds complaint 10, praise 2.
    channels = ["phone"] * 7 + ["letter"] * 3 + ["e_mail", "in_person"]
    kinds = ["complaint"] * 10 + ["praise"] * 2
    for number, (channel, kind) in enumerate(zip(channels, kinds, strict=True)):
        await api.create(unit_id=ugglan, channel=channel, kind=kind, description=f"Synpunkt nummer {number} om något helt eget")
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        body = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics")).json()
    assert (body["min_cell_size"], body["received"], body["by_status"]) == (5, 12, {"received": 12})
    # letter 3, e_mail 1 and in_person 1 are below 5; together 5, so phone 7 can stay.
    assert body["by_channel"] == {"phone": 7, "letter": None, "e_mail": None, "in_person": None}
    # praise 2 alone would be 12 - 10: complaint 10 is suppressed with it.
    assert body["by_kind"] == {"complaint": None, "praise": None}
    assert _recoverable(body["by_channel"], body["received"]) == set()
    assert _recoverable(body["by_kind"], body["received"]) == set()
    # Nothing answered or overdue: zero points at no one and is shown.
    assert (body["answered"], body["answered_in_time"], body["overdue"], body["average_rating"]) == (0, 0, 0, None)


def test_the_recovery_check_does_find_a_lone_suppressed_cell():
    # Without the complementary suppression, 12 - 10 gives the praise cell back.
    assert _recoverable({"complaint": 10, "praise": None}, 12) == {"praise"}


KIND_NAMES = ("complaint", "suggestion", "praise", "question")


def _published(body: dict, events: list[dict]) -> tuple[dict, list]:
    """What an outsider sees (the statistics and the events) as values with None for the unknown,
    and every sum relating them: the levels of the organisation (a unit is its units plus what it
    holds itself, unpublished), the kinds within each unit, the breakdowns of the committee."""
    values: dict = {}
    relations: list = []
    units = {unit["unit_id"]: unit for unit in body["units"]}
    for source in (*body["units"], *events):
        values[(source["unit_id"], "cases")] = source["cases"]
        for entry in source["by_kind"]:
            values[(source["unit_id"], entry["kind"])] = entry["cases"]
    children: dict = {}
    for unit in body["units"]:
        if unit["parent_id"] in units:
            children.setdefault(unit["parent_id"], []).append(unit["unit_id"])
    for unit_id in units:
        relations.append(((unit_id, "cases"), [(unit_id, kind) for kind in KIND_NAMES]))
        if unit_id in children:
            for measure in ("cases", *KIND_NAMES):
                values[("rest", unit_id, measure)] = None
                relations.append(((unit_id, measure), [*((kid, measure) for kid in children[unit_id]), ("rest", unit_id, measure)]))
    committee = body["committee_id"]
    for name, rows in (("category", body["by_category"]), ("channel", body["by_channel_figures"]), ("kind", body["by_kind_figures"])):
        for row in rows:
            values[(name, row["key"])] = row["cases"]
        relations.append(((committee, "cases"), [(name, row["key"]) for row in rows]))
    for kind, count in body["by_kind"].items():
        values[("kind", kind)] = count if values.get(("kind", kind), count) == count else "inconsistent"
        relations.append(((committee, kind), [("kind", kind)]))
    for status, count in body["by_status"].items():
        values[("status", status)] = count
    relations.append(((committee, "cases"), [("status", status) for status in body["by_status"]]))
    return values, relations


def _solve(values: dict, relations: list) -> dict:
    """Subtraction, repeated: every sum with one unknown gives it; whatever that makes known is used again."""
    known = dict(values)
    progress = True
    while progress:
        progress = False
        for total, parts in relations:
            unknown = [item for item in (total, *parts) if known.get(item) is None]
            if len(unknown) != 1:
                continue
            (item,) = unknown
            known[item] = (known[total] - sum(known[p] for p in parts if p != item)) if item != total else sum(known[p] for p in parts)
            progress = True
    return known


async def test_no_suppressed_count_is_recovered_by_subtraction_over_levels_rows_and_columns(api, org, harness, statistics_worker):
    # Ugglan 12 (complaints 10, praise 2), Björken 3, the department itself 1 question, Stadsmiljö 7
    # (complaints 6, a suggestion): small cells at every level, in every breakdown.
    made = [("FSK-UGGLAN", "complaint", "phone", "forskola")] * 10 + [("FSK-UGGLAN", "praise", "e_mail", "forskola")] * 2
    made += [("FSK-BJORKEN", "complaint", "phone", "forskola")] * 3 + [("SDF-SPT-FSK", "question", "letter", "ovrigt")]
    made += [("SDF-SPT-SM", "complaint", "phone", "park")] * 6 + [("SDF-SPT-SM", "suggestion", "in_person", "park")]
    for number, (code, kind, channel, category) in enumerate(made):
        await api.create(unit_id=str(org[code]), kind=kind, channel=channel, category_code=category,
                         description=f"Ärende {number}: {'x' * number} helt olika ord {number * 7919}")
    assert await statistics_worker.run(min_cell=5) > 0
    events = [e for e in await statistics_worker.published() if e["period"].endswith("-VB")]
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        body = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics")).json()
        harness.app.state.statistics_min_cell = 1
        truth = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics")).json()
    harness.app.state.statistics_min_cell = 5
    # The events say what the statistics say, unit for unit.
    assert {e["unit_id"]: (e["cases"], e["by_kind"]) for e in events} == {
        u["unit_id"]: (u["cases"], u["by_kind"]) for u in body["units"] if u["cases"] != 0}
    true_values, relations = _published(truth, [])
    assert true_values[(str(org["FSK-BJORKEN"]), "cases")] == 3 and true_values[(str(org["FSK-UGGLAN"]), "praise")] == 2
    for total, parts in relations:  # the attacker's sums hold on the true figures (rests worked out)
        if all(true_values.get(p) is not None for p in (total, *parts)):
            assert true_values[total] == sum(true_values[p] for p in parts)

    values, relations = _published(body, events)
    suppressed = {item for item, value in values.items() if value is None and item[0] != "rest"}
    assert (str(org["FSK-BJORKEN"]), "cases") in suppressed and ("channel", "e_mail") in suppressed
    recovered = {item for item in suppressed if _solve(values, relations).get(item) is not None}
    assert recovered == set()

    # Without the complementary suppression the same subtraction does recover cells (so the check can fail).
    naive = {item: (None if value is not None and 0 < value < 5 else value) for item, value in true_values.items()}
    naive_suppressed = {item for item, value in naive.items() if value is None and item[0] != "rest"}
    assert {item for item in naive_suppressed if _solve(naive, relations).get(item) is not None} >= {
        (str(org["FSK-UGGLAN"]), "praise")}


async def test_periods_rankings_and_scope(api, org):
    api.harness.app.state.statistics_min_cell = 1
    api.harness.app.state.ranking_min_volume = 2
    ugglan, bjorken, park = str(org["FSK-UGGLAN"]), str(org["FSK-BJORKEN"]), str(org["SDF-SPT-SM"])
    for number, (unit, received) in enumerate([
        (ugglan, "2015-02-03T10:00:00+01:00"), (ugglan, "2015-03-03T10:00:00+01:00"), (ugglan, "2015-06-03T10:00:00+02:00"),
        (bjorken, "2015-04-30T23:30:00+02:00"),  # 30 April in Stockholm: T1
        (bjorken, "2015-05-01T00:30:00+02:00"),  # 1 May: T2, not T1
        (park, "2015-10-01T10:00:00+02:00"),
    ]):
        await api.create(unit_id=unit, received_at=received, description=f"Synpunkt {number} {'y' * number}")
    async with api.staff("SDN-SPT", roles=["controller"]) as controller, api.staff("SDN-BRO", roles=["controller"]) as bromma:
        counts = {}
        for period in ("2015-T1", "2015-T2", "2015-VB"):
            body = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics", params={"period": period})).json()
            counts[period] = {u["code"]: u["cases"] for u in body["units"]}
        ranking = await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics/ranking",
                                       params={"period": "2015-VB", "measure": "median_working_days_to_answer"})
        below = await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics/ranking", params={"period": "2015-VB", "min_volume": 1})
        bad_period = await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics", params={"period": "2015-T3"})
        outside = await bromma.get(f"{P}/committees/{org['SDN-SPT']}/statistics", params={"period": "2015-VB"})
        outside_ranking = await bromma.get(f"{P}/committees/{org['SDN-SPT']}/statistics/ranking")
    assert counts["2015-T1"] == {"SDN-SPT": 3, "SDF-SPT": 3, "SDF-SPT-FSK": 3, "FSK-BJORKEN": 1, "FSK-UGGLAN": 2, "SDF-SPT-SM": 0}
    assert counts["2015-T2"] == {"SDN-SPT": 5, "SDF-SPT": 5, "SDF-SPT-FSK": 5, "FSK-BJORKEN": 2, "FSK-UGGLAN": 3, "SDF-SPT-SM": 0}
    assert counts["2015-VB"]["SDN-SPT"] == 6 and counts["2015-VB"]["SDF-SPT-SM"] == 1
    # At least 2 cases: the administration (6), the department (5), Ugglan (3), Björken (2); not Stadsmiljö (1).
    assert ranking.status_code == 200, ranking.text
    assert {u["code"] for u in ranking.json()["units"]} == {"SDF-SPT", "SDF-SPT-FSK", "FSK-UGGLAN", "FSK-BJORKEN"}
    assert [u["rank"] for u in ranking.json()["units"]] == [1, 2, 3, 4]
    assert below.status_code == 422 and below.json()["type"].endswith("/ranking-below-minimum-volume")
    assert bad_period.status_code == 422 and bad_period.json()["type"].endswith("/invalid-period")
    assert outside.status_code == 403 and outside_ranking.status_code == 403


def _over_periods(published: dict[str, tuple[dict, list]]) -> tuple[dict, list]:
    """The periods' figures together, with each later period as the earlier plus what came between."""
    values, relations = {}, []
    for part, (part_values, part_relations) in published.items():
        values |= {(part, item): value for item, value in part_values.items()}
        relations += [((part, total), [(part, p) for p in parts]) for total, parts in part_relations]
    for earlier, later in (("T1", "T2"), ("T2", "VB")):
        for item in {key[1] for key in values if key[0] == later and key[1][0] != "rest"}:
            values[("between", later, item)] = None
            relations.append(((later, item), [(earlier, item), ("between", later, item)]))
    return values, relations


async def test_no_count_of_the_months_between_two_periods_is_recovered(api, org, harness, statistics_worker):
    # Ugglan 10 in February and 2 in June; Björken 8 in February and 6 in June (2015).
    made = [("FSK-UGGLAN", "02")] * 10 + [("FSK-UGGLAN", "06")] * 2 + [("FSK-BJORKEN", "02")] * 8 + [("FSK-BJORKEN", "06")] * 6
    for number, (code, month) in enumerate(made):
        await api.create(unit_id=str(org[code]), received_at=f"2015-{month}-{3 + number % 20:02d}T10:00:00+01:00",
                         description=f"Period {number}: {'p' * number} {number * 104729}")
    await statistics_worker.run(min_cell=5)
    events = await statistics_worker.published()
    published, truth = {}, {}
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        for part in ("T1", "T2", "VB"):
            body = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics", params={"period": f"2015-{part}"})).json()
            published[part] = _published(body, [e for e in events if e["period"] == f"2015-{part}"])
    harness.app.state.statistics_min_cell = 1
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        for part in ("T1", "T2", "VB"):
            truth[part] = _published((await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics",
                                                           params={"period": f"2015-{part}"})).json(), [])
    harness.app.state.statistics_min_cell = 5
    ugglan = (str(org["FSK-UGGLAN"]), "cases")
    assert (truth["T1"][0][ugglan], truth["T2"][0][ugglan]) == (10, 12)  # 2 in between: too few to show

    values, relations = _over_periods(published)
    solved = _solve(values, relations)
    suppressed = {item for item, value in values.items() if value is None and item[0] != "between" and item[1][0] != "rest"}
    assert suppressed, "something is suppressed"
    assert {item for item in suppressed if solved.get(item) is not None} == set()
    assert solved.get(("between", "T2", ugglan)) is None

    # Each period protected on its own would give the 2 away: T2 − T1, both shown.
    naive_values, _ = _over_periods(truth)
    naive = {item: (None if value is not None and 0 < value < 5 else value) for item, value in naive_values.items()}
    assert naive[("T1", ugglan)] == 10 and naive[("T2", ugglan)] == 12
