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
