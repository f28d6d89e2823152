"""A committee follows up its feedback: counts computed by hand from the cases made here."""


async def test_a_committee_follows_up_the_year(api, org):
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
