"""Conflicts explained from the tree, declared and lifted; every team edit re-checked; who sees which application."""

import pytest

BASE = "/awards/v1"


@pytest.fixture
async def teams(award):
    """Two Spånga-Tensta applications in the eligibility phase, a pool with conflicted and untrained examiners."""
    await award.create()
    vu = await award.apply("SDF-SPT-STAB-VU")
    fsk = await award.apply("SDF-SPT-FSK-01", sector="preschool")
    await award.close_applications()
    await award.check_eligibility()
    ids = {
        "soc1": await award.examiner("ex-soc-1", "FV-SOC-L1-01"),
        "soc2": await award.examiner("ex-soc-2", "FV-SOC-L1-02", experienced=False, sectors=("preschool",)),
        "utn1": await award.examiner("ex-utn-1", "FV-UTN-L1-01"),
        "utn2": await award.examiner("ex-utn-2", "FV-UTN-L1-02", capacity=1),
        "same_admin": await award.examiner("ex-fsk", "SDF-SPT-FSK-01"),
        "above": await award.examiner("ex-stab", "SDF-SPT-STAB"),
        "untrained": await award.examiner("ex-new", "SDF-RKI-AO-02", experienced=False, trained_year=0),
        "declared": await award.examiner("ex-rki", "SDF-RKI-AO-01"),
    }
    examiner = award.harness.client(roles=["examiner"], subject="ex-rki")
    declared = await examiner.post(f"{BASE}/declared-conflicts", json={
        "examiner_id": ids["declared"], "unit_id": str(award.city.ids["SDF-SPT-STAB-VU"]), "kind": "earlier_employment",
        "description": "Arbetade på enheten 2012–2014.",
    })
    assert declared.status_code == 201, declared.text
    return {"vu": vu["id"], "fsk": fsk["id"], "examiners": ids, "declared_conflict": declared.json()["id"]}


async def _add(award, application_id, examiner_id):
    plan = await award.plan()
    return await award.admin.post(
        f"{BASE}/rounds/{award.id}/assignment/members", json={"application_id": application_id, "examiner_id": examiner_id},
        headers={"if-match": plan.headers["etag"]},
    )


async def test_each_conflict_explains_itself(award, teams):
    conflicts = (await award.admin.get(f"{BASE}/rounds/{award.id}/conflicts", params={"application_id": teams["vu"]})).json()
    by_examiner = {(c["examiner_id"], c["source"]): c for c in conflicts}
    ex = teams["examiners"]

    same_admin = by_examiner[ex["same_admin"], "organisation"]
    above = by_examiner[ex["above"], "organisation"]
    declared = by_examiner[ex["declared"], "declared"]
    assert same_admin["kind"] == "same_administration" and "Spånga-Tensta stadsdelsförvaltning" in same_admin["explanation"]
    assert above["kind"] == "examiner_unit_above_applicant" and "Strategiska staben" in above["explanation"]
    assert declared["kind"] == "earlier_employment" and declared["blocking"] is True
    assert "Arbetade på enheten" in declared["explanation"]
    assert (ex["soc1"], "organisation") not in by_examiner


async def test_the_proposal_avoids_conflicts_and_the_untrained(award, teams):
    proposal = (await award.propose()).json()
    ex = teams["examiners"]
    # Both applicants are in Spånga-Tensta; the declared conflict is with the development unit only.
    excluded = {ex["same_admin"], ex["above"], ex["untrained"]}
    members = {team["application_id"]: {m["examiner_id"] for m in team["members"]} for team in proposal["teams"]}
    assert set(members) == {teams["vu"], teams["fsk"]}
    assert not members[teams["vu"]] & (excluded | {ex["declared"]})
    assert not members[teams["fsk"]] & excluded
    pool = {m["examiner"]["id"]: m for m in (await award.admin.get(f"{BASE}/rounds/{award.id}/examiners")).json()}
    assert pool[ex["untrained"]]["assignable"] is False
    assert pool[ex["untrained"]]["reasons"][0].startswith(f"No training record for {award.year}")


@pytest.mark.parametrize(
    ("who", "kind"),
    [("same_admin", "conflict-of-interest"), ("above", "conflict-of-interest"), ("declared", "conflict-of-interest"),
     ("untrained", "examiner-not-assignable")],
)
async def test_an_edit_that_breaks_a_rule_is_refused_and_changes_nothing(award, teams, who, kind):
    await award.propose()
    before = (await award.plan()).json()

    refused = await _add(award, teams["vu"], teams["examiners"][who])

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json" and refused.json()["type"].endswith(f"/{kind}")
    assert (await award.plan()).json() == before


async def test_over_capacity_is_refused(award, teams):
    await award.propose()
    plan = (await award.plan()).json()
    utn2 = teams["examiners"]["utn2"]  # capacity 1
    holder = next((t for t in plan["teams"] if utn2 in {m["examiner_id"] for m in t["members"]}), None)
    if holder is None:  # the solver left utn2 out: put them in one team first
        first = plan["teams"][0]
        drop = next(m["examiner_id"] for m in first["members"] if m["examiner_id"] != utn2)
        removed = await award.admin.delete(
            f"{BASE}/rounds/{award.id}/assignment/members/{first['application_id']}/{drop}",
            headers={"if-match": (await award.plan()).headers["etag"]},
        )
        assert removed.status_code == 200
        assert (await _add(award, first["application_id"], utn2)).status_code == 200
        holder = first
    other = teams["fsk"] if holder["application_id"] == teams["vu"] else teams["vu"]
    before = (await award.plan()).json()

    refused = await _add(award, other, utn2)

    assert refused.status_code == 422 and refused.json()["type"].endswith("/over-capacity")
    assert refused.json()["capacity"] == 1
    assert (await award.plan()).json() == before


async def test_lifting_a_declared_conflict_needs_a_reason_and_is_shown(award, teams):
    url = f"{BASE}/declared-conflicts/{teams['declared_conflict']}/lifting"
    examiner = award.harness.client(roles=["examiner"], subject="ex-rki")

    assert (await examiner.post(url, json={"reason": "Felaktigt anmält"})).status_code == 403
    assert (await award.admin.post(url, json={})).status_code == 422
    lifted = await award.admin.post(url, json={"reason": "Anställningen upphörde för över fem år sedan."})
    assert lifted.status_code == 200
    assert lifted.json()["lifted"]["lifted_by"] == "award-office"
    again = await award.admin.post(url, json={"reason": "Igen"})
    assert again.status_code == 409

    conflicts = (await award.admin.get(f"{BASE}/rounds/{award.id}/conflicts", params={"examiner_id": teams["examiners"]["declared"]})).json()
    declared = next(c for c in conflicts if c["source"] == "declared")
    assert declared["blocking"] is False and declared["lifted"]["reason"] == "Anställningen upphörde för över fem år sedan."


async def test_confirmation_checks_the_whole_plan(award, teams):
    await award.propose()
    plan = (await award.plan()).json()
    team = plan["teams"][0]
    for member in team["members"][: len(team["members"]) - 2]:  # leave two
        response = await award.admin.delete(
            f"{BASE}/rounds/{award.id}/assignment/members/{team['application_id']}/{member['examiner_id']}",
            headers={"if-match": (await award.plan()).headers["etag"]},
        )
        assert response.status_code == 200

    refused = await award.confirm(expect=422)

    assert refused.json()["type"].endswith("/plan-breaks-constraints")
    assert any("has 2 examiners" in problem for problem in refused.json()["problems"])
    assert (await award.plan()).json()["status"] == "proposed"


async def test_a_confirmed_plan_is_replaced_only_when_if_match_names_it(award, teams):
    await award.propose()
    confirmed = await award.confirm()

    missing = await award.propose(expect=428)
    stale = await award.admin.post(f"{BASE}/rounds/{award.id}/assignment-proposals", headers={"if-match": '"1"'})

    assert missing.json()["type"].endswith("/if-match-required") and stale.status_code == 412
    assert (await award.plan()).json()["status"] == "confirmed"
    replaced = await award.admin.post(
        f"{BASE}/rounds/{award.id}/assignment-proposals", headers={"if-match": confirmed.headers["etag"]},
    )
    assert replaced.status_code == 201 and replaced.json()["status"] == "proposed"


async def test_no_edit_once_the_phase_is_over(award, teams):
    await award.propose()
    await award.confirm()
    await award.move("individual_assessment")

    refused = await _add(award, teams["vu"], teams["examiners"]["soc2"])

    assert refused.status_code == 409 and refused.json()["type"].endswith("/round-phase-closed")


async def test_examiners_see_only_their_confirmed_assignments_and_units_only_their_own(award, teams):
    await award.propose()
    plan = (await award.plan()).json()
    team = plan["teams"][0]
    member = team["members"][0]["subject_id"]
    examiner = award.harness.client(roles=["examiner"], subject=member)
    assert (await examiner.get(f"{BASE}/applications")).json()["items"] == [], "a proposal is not yet an assignment"

    await award.confirm()
    seen = {a["id"] for a in (await examiner.get(f"{BASE}/applications")).json()["items"]}
    assigned = {t["application_id"] for t in plan["teams"] if member in {m["subject_id"] for m in t["members"]}}
    assert seen == assigned
    for application_id in (teams["vu"], teams["fsk"]):
        status = (await examiner.get(f"{BASE}/applications/{application_id}")).status_code
        assert status == (200 if application_id in assigned else 404)

    manager = award.manager("SDF-SPT-STAB-VU")
    own = (await manager.get(f"{BASE}/applications")).json()["items"]
    assert [a["id"] for a in own] == [teams["vu"]]
    assert (await manager.get(f"{BASE}/applications/{teams['fsk']}")).status_code == 404
    outsider = award.harness.client(roles=["examiner"], subject="ex-new")
    assert (await outsider.get(f"{BASE}/applications/{teams['vu']}")).status_code == 404
