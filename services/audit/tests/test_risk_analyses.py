"""Risk scales and risk analyses (ROV): values on the scale, lineage year to year, adoption by someone else."""

CITY_SCALE_CODE = "STHLM-4X4"


async def test_the_city_scale_shows_the_product_and_the_grid_level(people):
    reader = people(["controller"])
    scales = (await reader.get("/risk-scales", params={"code": CITY_SCALE_CODE})).json()["items"]
    assert [s["version"] for s in scales] == [1] and scales[0]["is_default"]
    cells = {(c["probability"], c["consequence"]): c for c in scales[0]["cells"]}
    assert len(cells) == 16
    # Sannolik (4) × Allvarlig (4) = 16, mycket hög; Möjlig (3) × Lindrig (2) = 6, medel; 1 × 4 = 4, medel.
    assert (cells[4, 4]["value"], cells[4, 4]["level"]) == (16, "very_high")
    assert (cells[3, 2]["value"], cells[3, 2]["level"]) == (6, "medium")
    assert (cells[1, 4]["value"], cells[1, 4]["level"]) == (4, "medium")
    assert [step["label"] for step in scales[0]["probability_levels"]] == ["Osannolik", "Mindre sannolik", "Möjlig", "Sannolik"]


async def test_a_risk_gets_its_value_and_level_and_a_fraud_risk_is_a_category(people, tree, year):
    auditor = people(["internal_auditor"])
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/risk-analyses/{analysis['id']}"
    fraud = year.risk(process="Kontanthantering", description="Förskingring av kontanta medel.", category="fraud",
                 probability=2, consequence=4)
    analysis = (await auditor.post(f"{path}/risks", fraud, expect=201, if_match_of=path)).json()
    (added,) = analysis["risks"]
    assert (added["value"], added["level"], added["level_label"]) == (8, "high", "Hög")
    assert added["category"] == "fraud"


async def test_values_outside_the_scale_are_refused_and_change_nothing_but_the_log(people, tree, year, log_rows):
    auditor = people(["internal_auditor"], subject="auditor-a")
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/risk-analyses/{analysis['id']}"
    refused = await auditor.post(f"{path}/risks", year.risk(probability=5), expect=422, if_match_of=path)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/outside-scale")
    after = (await auditor.get(path)).json()
    assert after["risks"] == [] and after["revision"] == analysis["revision"]
    (entry,) = await log_rows(outcome="refused")
    assert entry["action"] == "add_risk" and entry["actor_subject"] == "auditor-a"
    assert entry["before"]["attempt"]["probability"] == 5 and entry["after"]["problem"] == "outside-scale"


async def test_a_scale_is_locked_once_an_analysis_uses_it(people, tree, log_rows):
    auditor = people(["internal_auditor"])
    scale = (await auditor.post("/risk-scales", {
        "code": "SDN-SPT-3X3", "owner_unit_id": str(tree["SDN-SPT"]), "name": "Nämndens 3×3",
        "probability_levels": [{"value": n, "label": label, "description": label} for n, label in ((1, "Låg"), (2, "Medel"), (3, "Hög"))],
        "consequence_levels": [{"value": n, "label": label, "description": label} for n, label in ((1, "Liten"), (2, "Märkbar"), (3, "Stor"))],
        "levels": [{"key": "low", "label": "Låg", "description": "Godtas"}, {"key": "high", "label": "Hög", "description": "Åtgärdas"}],
        "grid": [["low", "low", "high"], ["low", "high", "high"], ["high", "high", "high"]],
    }, expect=201)).json()
    content = {key: scale[key] for key in ("name", "description", "probability_levels", "consequence_levels", "levels", "grid")}
    path = f"/risk-scales/{scale['id']}"
    await auditor.put(path, content | {"name": "Nämndens riskmatris 3×3"}, expect=200, if_match_of=path)
    await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-FSK"]), "year": 2015, "scale_id": scale["id"]}, expect=201)
    locked = await auditor.put(path, content | {"name": "Ändrad"}, expect=409, if_match_of=path)
    assert locked.json()["type"].endswith("/scale-locked")
    shown = (await auditor.get(path)).json()
    assert shown["locked"] and shown["name"] == "Nämndens riskmatris 3×3"
    # A new version of the same code is free to differ.
    second = await auditor.post("/risk-scales", content | {"code": "SDN-SPT-3X3", "owner_unit_id": str(tree["SDN-SPT"])}, expect=201)
    assert second.json()["version"] == 2
    # A grid naming a level that does not exist is bad input.
    await auditor.post("/risk-scales", content | {"code": "X", "owner_unit_id": str(tree["SDN-SPT"]),
                                                   "grid": [["low"] * 3, ["low"] * 3, ["low", "low", "nope"]]}, expect=422)


async def test_start_from_last_year_copies_the_risks_with_their_lineage(people, tree, year):
    auditor = people(["internal_auditor"])
    first = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-AOF"]), "year": 2014}, expect=201)).json()
    path = f"/risk-analyses/{first['id']}"
    first = (await auditor.post(f"{path}/risks", year.risk(process="Läkemedelshantering"), expect=201, if_match_of=path)).json()
    first = (await auditor.post(f"{path}/risks", year.risk(process="Mutor", category="fraud"), expect=201, if_match_of=path)).json()
    second = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-AOF"]), "year": 2015,
                                                   "start_from_previous": True}, expect=201)).json()
    assert second["based_on_id"] == first["id"]
    assert {(r["process"], r["previous_risk_id"]) for r in second["risks"]} == {(r["process"], r["id"]) for r in first["risks"]}
    none_before = await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-IOF"]), "year": 2015,
                                                       "start_from_previous": True}, expect=422)
    assert none_before.json()["type"].endswith("/no-previous-analysis")


async def test_adoption_needs_another_person_and_an_adopted_analysis_is_read_only(people, tree, year, log_rows):
    auditor = people(["internal_auditor"], subject="auditor-a")
    both = people(["internal_auditor", "committee"], subject="auditor-a")  # the same person holding both roles
    committee = people(["committee"], subject="nämnd-1")
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT"]), "year": 2015}, expect=201)).json()
    path = f"/risk-analyses/{analysis['id']}"
    await auditor.post(f"{path}/risks", year.risk(), expect=201, if_match_of=path)
    await auditor.post(f"{path}/adoption-request", expect=200, if_match_of=path)

    own = await both.post(f"{path}/adoption", year.decision(tree["SDN-SPT"], "2014-12-10"), expect=403, if_match_of=path)
    assert own.json()["type"].endswith("/own-request")
    assert (await auditor.get(path)).json()["status"] == "adoption_requested"

    wrong_body = await committee.post(f"{path}/adoption", year.decision(tree["SDN-RKI"], "2014-12-10"), expect=422, if_match_of=path)
    assert wrong_body.json()["type"].endswith("/invalid-decision-body")
    adopted = (await committee.post(f"{path}/adoption", year.decision(tree["SDN-SPT"], "2014-12-10"), expect=200, if_match_of=path)).json()
    assert adopted["status"] == "adopted"
    assert adopted["decision"] == {"reference": "SDN 2015/12 § 7", "decided_on": "2014-12-10",
                                   "body_id": str(tree["SDN-SPT"]), "recorded_by": "nämnd-1"}

    risk_id = adopted["risks"][0]["id"]
    edit = await auditor.put(f"{path}/risks/{risk_id}", year.risk(probability=1), expect=409, if_match_of=path)
    assert edit.json()["type"].endswith("/analysis-not-draft")
    assert (await auditor.get(path)).json() == adopted
    refused = [entry["action"] for entry in await log_rows(outcome="refused")]
    assert refused == ["adopt_risk_analysis", "adopt_risk_analysis", "change_risk"]
    done = [entry["action"] for entry in await log_rows(outcome="done")]
    assert done == ["risk_analysis.created", "risk_analysis.risk_added", "risk_analysis.adoption_requested", "risk_analysis.adopted"]


async def test_analyses_follow_the_committee_concerned(people, tree):
    auditor = people(["internal_auditor"], org_code="SDF-SPT")  # scoped at the administration, works on the committee's data
    analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-FSK"]), "year": 2015}, expect=201)).json()
    outsider = people(["internal_auditor"], org_code="SDN-RKI")
    await outsider.get(f"/risk-analyses/{analysis['id']}", expect=403)
    assert (await outsider.get("/risk-analyses")).json()["items"] == []
    city = people(["city_controller"], org_code=None)
    assert [a["id"] for a in (await city.get("/risk-analyses")).json()["items"]] == [analysis["id"]]
    await people(["unit_manager"], org_code="SDF-SPT-FSK").get(f"/risk-analyses/{analysis['id']}", expect=403)


async def test_lists_page_by_cursor_and_refuse_a_forged_one(people, tree):
    auditor = people(["internal_auditor"])
    for unit in ("SDF-SPT-FSK", "SDF-SPT-AOF", "SDF-SPT-IOF"):
        await auditor.post("/risk-analyses", {"unit_id": str(tree[unit]), "year": 2015}, expect=201)
    first = (await auditor.get("/risk-analyses", params={"limit": 2})).json()
    rest = (await auditor.get("/risk-analyses", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {a["unit_id"] for a in first["items"] + rest["items"]} == {str(tree[u]) for u in ("SDF-SPT-FSK", "SDF-SPT-AOF", "SDF-SPT-IOF")}
    forged = await auditor.get("/risk-analyses", params={"cursor": "eyJ5ZWFyIjoieCJ9"}, expect=400)  # {"year":"x"}
    assert forged.json()["type"].endswith("/invalid-cursor")
