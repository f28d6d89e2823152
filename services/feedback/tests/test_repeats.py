"""Possible repeats (upprepade klagomål): flagged at intake, decided by the handler, counted.

Similarities are rapidfuzz's token sort ratio, 100 · 2·LCS / (len a + len b) over the normalised
texts with their words sorted; the expected figures are worked out by hand beside each case.
"""

from datetime import UTC, datetime, timedelta

from feedback.repeats.similarity import normalise

P = "/feedback/v1"
GATE = "Grinden till gården är trasig."


def test_normalising_casefolds_keeps_swedish_letters_and_collapses_punctuation():
    assert normalise("  GRINDEN, till   gården — ÄR trasig!! ") == "grinden till gården är trasig"
    assert normalise("Gård") != normalise("gard")  # å is a letter of its own, not an a


async def _case(api, case_id):
    async with api.staff("FSK-UGGLAN") as handler:
        response = await handler.get(f"{P}/cases/{case_id}")
    assert response.status_code == 200
    return response


async def _decide(api, case_id, decision, expect=200, **extra):
    current = await _case(api, case_id)
    async with api.staff("FSK-UGGLAN", subject="handler-2") as handler:
        response = await handler.post(
            f"{P}/cases/{case_id}/repeat-decision", json={"decision": decision, **extra},
            headers={"If-Match": current.headers["etag"]},
        )
    assert response.status_code == expect, response.text
    return response


async def test_a_repeat_is_flagged_confirmed_or_dismissed_and_counted(api, org):
    api.harness.app.state.statistics_min_cell = 1  # figures this small are shown here (suppression: test_statistics)
    ugglan = str(org["FSK-UGGLAN"])
    first = (await api.create(unit_id=ugglan, description=GATE)).json()["id"]
    # Same words in another order, other case and punctuation: the sorted normalised words are equal → 100.
    again = (await api.create(unit_id=ugglan, description="TRASIG är grinden, till gården!!")).json()["id"]
    flag = (await _case(api, again)).json()["repeat"]
    assert (flag["similar_case_id"], flag["similarity"], flag["decision"]) == (first, 100.0, None)
    assert (await _case(api, first)).json()["repeat"] is None  # nothing open before it

    confirmed = (await _decide(api, again, "confirmed")).json()
    assert (confirmed["status"], confirmed["parent_case_id"]) == ("duplicate", first)
    assert confirmed["repeat"]["decision"] == "confirmed" and confirmed["repeat"]["decided_by"] == "handler-2"
    assert confirmed["history"][-1]["to_status"] == "duplicate"
    await _decide(api, again, "dismissed", expect=409)  # decided once

    # One word more: "grinden gården till trasig är" (29 characters) is a subsequence of
    # "grinden gården igen till trasig är" (34): 100 · 2·29 / 63 = 92.06 ≥ 80. The duplicate is
    # no longer open, so the first case is the only candidate.
    third = (await api.create(unit_id=ugglan, description="Grinden till gården är trasig igen")).json()["id"]
    assert (await _case(api, third)).json()["repeat"]["similarity"] == round(100 * 2 * 29 / 63, 2)
    dismissed = (await _decide(api, third, "dismissed", reason="Annan grind")).json()
    assert dismissed["status"] == "received" and dismissed["parent_case_id"] is None
    assert dismissed["repeat"]["decision"] == "dismissed" and dismissed["history"][-1]["reason"] == "Annan grind"

    # Not flagged: other words ("maten var kall", 14 characters, so at most 100 · 2·14 / 43 = 65 < 80),
    # another category, another unit.
    for body in ({"description": "Maten var kall"}, {"category_code": "ovrigt", "description": GATE}):
        other = (await api.create(unit_id=ugglan, **body)).json()["id"]
        assert (await _case(api, other)).json()["repeat"] is None
    elsewhere = (await api.create(unit_id=str(org["FSK-BJORKEN"]), description=GATE)).json()["id"]
    async with api.staff("FSK-BJORKEN") as handler:
        assert (await handler.get(f"{P}/cases/{elsewhere}")).json()["repeat"] is None

    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        stats = (await controller.get(f"{P}/committees/{org['SDN-SPT']}/statistics")).json()
    assert stats["repeats"] == {"flagged": 2, "confirmed": 1, "dismissed": 1, "undecided": 0}
    assert stats["by_status"]["duplicate"] == 1


async def test_only_open_cases_within_the_window_count(api, org):
    bjorken = str(org["FSK-BJORKEN"])
    now = datetime.now(UTC)
    fence = "Staketet vid sandlådan är trasigt"
    old = (await api.create(unit_id=bjorken, description=fence, received_at=(now - timedelta(days=31)).isoformat())).json()["id"]
    async with api.staff("FSK-BJORKEN") as handler:
        today = (await api.create(unit_id=bjorken, description=fence)).json()["id"]
        assert (await handler.get(f"{P}/cases/{today}")).json()["repeat"] is None  # 31 days > the 30-day window
        # Received 29 days ago (registered late): the old case lies 2 days before it, inside its window.
        late = (await api.create(unit_id=bjorken, description=fence, received_at=(now - timedelta(days=29)).isoformat())).json()["id"]
        assert (await handler.get(f"{P}/cases/{late}")).json()["repeat"]["similar_case_id"] == old

    answered = (await api.create(unit_id=bjorken, description="Lampan i hallen är trasig")).json()["id"]
    await api.walk(answered, "acknowledged", "assigned", "in_progress", "answered")
    async with api.staff("FSK-BJORKEN") as handler:
        after = (await api.create(unit_id=bjorken, description="Lampan i hallen är trasig")).json()["id"]
        assert (await handler.get(f"{P}/cases/{after}")).json()["repeat"] is None  # answered: no longer open


async def test_deciding_wrongly_changes_nothing(api, org):
    ugglan = str(org["FSK-UGGLAN"])
    alone = (await api.create(unit_id=ugglan, description=GATE)).json()["id"]
    before = await _case(api, alone)
    problem = (await _decide(api, alone, "dismissed", expect=409)).json()
    assert problem["type"].endswith("not-flagged")
    repeat = (await api.create(unit_id=ugglan, description=GATE)).json()["id"]
    await _decide(api, repeat, "maybe", expect=422)
    async with api.staff("FSK-UGGLAN") as handler:
        assert (await handler.post(f"{P}/cases/{repeat}/repeat-decision", json={"decision": "dismissed"})).status_code == 428
    async with api.staff("FSK-BJORKEN") as outsider:
        current = await _case(api, repeat)
        refused = await outsider.post(f"{P}/cases/{repeat}/repeat-decision", json={"decision": "dismissed"},
                                      headers={"If-Match": current.headers["etag"]})
    assert refused.status_code == 404  # a case outside one's scope does not exist for the caller
    after = await _case(api, alone)
    assert after.headers["etag"] == before.headers["etag"]
    assert (await _case(api, repeat)).json()["repeat"]["decision"] is None
