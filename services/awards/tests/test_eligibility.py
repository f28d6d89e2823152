"""Eligibility rules as the round's data, checked per application with a reason for each rule."""

BASE = "/awards/v1"


async def test_each_rule_is_checked_and_explained(award):
    await award.create(eligibility_rules=[
        {"kind": "unit_types", "types": ["unit"]},
        {"kind": "min_time_in_operation", "months": 12},
        {"kind": "not_recent_winner", "years": 3},
    ])
    winner = await award.apply("SDF-SPT-STAB-VU")
    department = await award.apply("SDF-RKI-AO")
    fine = await award.apply("SDF-SPT-FSK-01", sector="preschool")
    recorded = await award.admin.post(f"{BASE}/award-winners", json={
        "prize": "quality_award", "year": award.year - 2, "unit_id": str(award.city.ids["SDF-SPT-STAB-VU"]),
        "decision": {"reference": "KS 2024/17", "decided_on": f"{award.year - 2}-11-20",
                     "body_id": str(award.city.ids["STHLM"]), "recorded_by": "somebody-else"},
    })
    assert recorded.status_code == 201 and recorded.json()["decision"]["recorded_by"] == "award-office"
    await award.close_applications()

    checked = await award.check_eligibility()

    verdicts = {a["application_id"]: a["eligibility"] for a in checked["applications"]}
    assert (checked["eligible"], checked["not_eligible"]) == (1, 2)
    assert verdicts[fine["id"]]["eligible"] is True
    by_kind = {rule["kind"]: rule for rule in verdicts[winner["id"]]["rules"]}
    assert by_kind["not_recent_winner"]["passed"] is False
    assert str(award.year - 2) in by_kind["not_recent_winner"]["explanation"]
    assert by_kind["unit_types"]["passed"] and by_kind["min_time_in_operation"]["passed"] and by_kind["unit_in_effect"]["passed"]
    department_rules = {rule["kind"]: rule for rule in verdicts[department["id"]]["rules"]}
    assert department_rules["unit_types"]["passed"] is False and "department" in department_rules["unit_types"]["explanation"]
    stored = (await award.admin.get(f"{BASE}/applications/{winner['id']}")).json()["eligibility"]
    assert stored["eligible"] is False and stored["reference_date"] == (await award.read())["deadlines"]["open_for_applications"]

    # Only the eligible application gets a team: the solver is given exactly one.
    for n, code in enumerate(("FV-SOC-L1-01", "FV-UTN-L1-01", "FV-UTN-L1-02")):
        await award.examiner(f"ex-{n}", code, experienced=n == 0)
    proposal = (await award.propose()).json()
    assert [team["application_id"] for team in proposal["teams"]] == [fine["id"]]


async def test_eligibility_is_checked_only_in_its_phase(award):
    await award.create()
    await award.apply("SDF-SPT-STAB-VU")

    early = await award.admin.post(f"{BASE}/rounds/{award.id}/eligibility-checks")

    assert early.status_code == 409 and early.json()["type"].endswith("/round-phase-closed")


async def test_the_renewal_prize_has_its_own_criteria(award):
    created = await award.create(prize="renewal_prize")
    rubric = (await award.admin.get(f"{BASE}/rounds/{award.id}/rubric")).json()

    assert created["name"] == f"Förnyelsepriset {award.year}"
    assert [area["title"] for area in rubric["areas"]] == [
        "Bättre kvalitet", "Ökad effektivitet", "Hållbar utveckling", "Enklare arbete", "Nytta för medborgarna",
    ]
    assert sum(float(area["weight"]) for area in rubric["areas"]) == 100
    duplicate = await award.admin.post(f"{BASE}/rounds", json={"prize": "renewal_prize", "year": award.year, "deadlines": created["deadlines"]})
    assert duplicate.status_code == 409
