"""The comparison index through the gateway: a member of one committee compares it with another.

Two committees built here, each with a unit, report one indicator of their own (higher is
better) for 2016-VB: A's unit 80, B's unit 60. minmax over the committees that have a figure
(other tests' committees have none): A (80 − 60) / 20 = 1, B 0; coverage 1 each; ranks 1 and 2.
The index is built from submitted reports only: both committees' 2016-VB reports are submitted
through the gateway first (by a committee member each); before that neither is ranked.
"""

import uuid

import httpx


def test_a_committee_member_compares_committees_on_an_indicator_through_the_gateway(gateway_url, stack, api_key):
    tag = uuid.uuid4().hex[:6].upper()
    key_client = httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30)
    cities = key_client.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    ids = {"city": cities[0]["id"]} if cities else {}
    specs = [] if cities else [("city", "STHLM", "Stockholms stad", "city", None)]
    for name in ("A", "B"):
        specs += [
            (f"committee {name}", f"SDN-{name}{tag}", f"Stadsdelsnämnd {name}", "district_committee", "city"),
            (f"administration {name}", f"SDF-{name}{tag}", f"Förvaltning {name}", "administration", f"committee {name}"),
            (f"unit {name}", f"SDF-{name}{tag}-1", f"Enhet {name}", "unit", f"administration {name}"),
        ]
    for key, code, unit_name, unit_type, parent in specs:
        created = key_client.post("/goals/v1/organisation-units", json={
            "code": code, "name": unit_name, "type": unit_type, "parent_id": ids.get(parent), "effective_date": "2016-01-01",
        })
        assert created.status_code == 201, created.text
        ids[key] = created.json()["id"]
    committees = {"A": ids["committee A"], "B": ids["committee B"]}
    indicator = key_client.post("/goals/v1/indicators", json={
        "code": f"NOJD-{tag}", "title": "Nöjda brukare", "unit_of_measure": "procent", "polarity": "higher_is_better",
    })
    assert indicator.status_code == 201, indicator.text
    csv = f"indicator,unit_code,period,value\nNOJD-{tag},SDF-A{tag}-1,2016-VB,80\nNOJD-{tag},SDF-B{tag}-1,2016-VB,60\n"
    imported = key_client.post("/goals/v1/indicator-values/imports/csv", content=csv.encode(), headers={"content-type": "text/csv"})
    assert imported.status_code == 200, imported.text

    index_params = {"period": "2016-VB", "indicator_id": indicator.json()["id"]}
    before = {c["committee_id"]: c for c in key_client.get("/goals/v1/comparison-index", params=index_params).json()["committees"]}
    assert all((before[committees[n]]["submitted"], before[committees[n]]["rank"]) == (False, None) for n in "AB")
    for name in ("A", "B"):
        token = stack.mint_token(["committee"], org=[committees[name]], sub=f"gw-namnd-{name}-{tag}")
        with httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=60) as member:
            submitted = member.post(f"/goals/v1/committees/{committees[name]}/reports", json={"period": "2016-VB"})
        assert submitted.status_code == 201, submitted.text

    token = stack.mint_token(["committee"], org=[committees["A"]], sub=f"gw-namnd-{tag}")
    with httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30) as member:
        response = member.get("/goals/v1/comparison-index", params={"period": "2016-VB", "indicator_id": indicator.json()["id"]})
        bad = member.get("/goals/v1/comparison-index", params={
            "period": "2016-VB", "indicator_id": indicator.json()["id"], "weights": f"NOJD-{tag}:2",
        })

    assert response.status_code == 200, response.text
    result = {c["committee_id"]: c for c in response.json()["committees"]}
    a, b = result[committees["A"]], result[committees["B"]]
    assert (a["submitted"], a["index"], a["coverage"], a["rank"]) == (True, 1.0, 1.0, 1)
    assert (b["index"], b["coverage"], b["rank"]) == (0.0, 1.0, 2)
    assert a["components"][0]["raw"] == 80.0 and b["components"][0]["raw"] == 60.0
    others = [c for key, c in result.items() if key not in committees.values()]
    assert all(c["rank"] is None and c["reason"] == ("no-figures" if c["submitted"] else "report-not-submitted") for c in others)
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["type"].endswith("weight-out-of-range")
    key_client.close()
