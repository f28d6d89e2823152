"""Feedback's statistics through the real gateway: a committee's figures for a period, the ranking
refused below the minimum volume, another committee's controller refused, the report frozen at
submission (a second one refused) and downloaded as XLSX, and the worker publishing the unit's
figures as feedback.unit-statistics.changed on the stream, figures only."""

import json
import uuid

import httpx
import pytest
import redis as redis_lib
from platform_support import unit_in, wait_until

PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def tree(system) -> dict:
    found = system.get("/goals/v1/organisation-units", params={"type": "city"}).json()["items"]
    city = found[0] if found else system.post("/goals/v1/organisation-units", json={
        "code": "STHLM", "name": "Stockholms stad", "type": "city", "effective_date": "2010-01-01"}).json()
    suffix = uuid.uuid4().hex[:6].upper()

    def create(code, name, unit_type, parent) -> dict:
        response = system.post("/goals/v1/organisation-units", json={
            "code": code, "name": name, "type": unit_type, "parent_id": parent["id"], "effective_date": "2014-01-01"})
        assert response.status_code == 201, response.text
        return response.json()

    committee = create(f"SDN-S{suffix}", "Hässelby-Vällingby stadsdelsnämnd", "district_committee", city)
    administration = create(f"SDF-S{suffix}", "Hässelby-Vällingby stadsdelsförvaltning", "administration", committee)
    preschool = create(f"FSK-S{suffix}", "Förskolan Ekorren", "unit", administration)
    wait_until(lambda: unit_in(system, "feedback", preschool["id"]), what="unit in feedback")
    return {"committee": committee, "administration": administration, "unit": preschool}


def _client(gateway_url, token) -> httpx.Client:
    return httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30)


def test_statistics_ranking_and_report_through_the_gateway(gateway_url, system, admin_token, tree, stack):
    committee, unit = tree["committee"]["id"], tree["unit"]["id"]
    category = f"fsk-{uuid.uuid4().hex[:6]}"
    with _client(gateway_url, admin_token) as admin:
        assert admin.post("/feedback/v1/categories", json={"code": category, "name_sv": "Förskola"}).status_code == 201
    kinds = ["complaint"] * 4 + ["praise"] * 3
    for number, kind in enumerate(kinds):  # February 2015: the first tertial
        created = system.post("/feedback/v1/cases", json={
            "kind": kind, "channel": "phone", "category_code": category, "unit_id": unit, "privacy": "anonymous",
            "description": f"Synpunkt {number} om förskolans {'gård' * (number + 1)}",
            "received_at": f"2015-02-{10 + number}T10:00:00+01:00"})
        assert created.status_code == 201, created.text

    controller = _client(gateway_url, stack.mint_token(["controller"], org=[committee], sub="controller-hv"))
    stranger = _client(gateway_url, stack.mint_token(["controller"], org=[str(uuid.uuid4())], sub="controller-elsewhere"))
    with controller, stranger:
        statistics = controller.get(f"/feedback/v1/committees/{committee}/statistics", params={"period": "2015-T1"})
        assert statistics.status_code == 200, statistics.text
        body = statistics.json()
        # 7 cases, 4 complaints and 3 praise: 3 is below the minimum cell of 5, and 4 would give it back (7 − 4).
        assert (body["received"], body["min_cell_size"], body["by_kind"]) == (7, 5, {"complaint": None, "praise": None})
        units = {u["unit_id"]: u for u in body["units"]}
        assert units[unit]["cases"] == 7 and units[committee]["unit_kind"] == "committee"

        below = controller.get(f"/feedback/v1/committees/{committee}/statistics/ranking", params={"period": "2015-T1", "min_volume": 2})
        assert below.status_code == 422 and below.headers["content-type"].startswith(PROBLEM)
        outside = stranger.get(f"/feedback/v1/committees/{committee}/statistics", params={"period": "2015-T1"})
        assert outside.status_code == 403 and outside.headers["content-type"].startswith(PROBLEM)

        path = f"/feedback/v1/committees/{committee}/statistics-reports"
        number = f"HV-{uuid.uuid4().hex[:6]}"
        submitted = controller.post(path, json={"period": "2015-T1", "registration_number": number})
        assert submitted.status_code == 201, submitted.text
        again = controller.post(path, json={"period": "2015-T1", "registration_number": number + "-2"})
        assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
        assert stranger.post(path, json={"period": "2015-T2", "registration_number": number + "-3"}).status_code == 403
        workbook = controller.get(f"/feedback/v1/statistics-reports/{submitted.json()['id']}/snapshot.xlsx")
        assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX and workbook.content[:2] == b"PK"
        assert [r["registration_number"] for r in controller.get(path).json()] == [number]

    # The worker publishes the unit's figures (and every level's) for T1, T2 and VB of 2015.
    client = redis_lib.Redis.from_url(stack.redis_url)
    stream = f"{stack.stream_prefix}feedback.events"

    def published() -> list[dict]:
        found = []
        for _, fields in client.xrange(stream):
            envelope = json.loads(fields[b"event"])
            if envelope["type"] == "feedback.unit-statistics.changed" and envelope["data"]["statistics"]["unit_id"] == unit:
                found.append(envelope["data"]["statistics"])
        return found if {s["period"] for s in found} >= {"2015-T1", "2015-T2", "2015-VB"} else []

    events = wait_until(published, what="feedback.unit-statistics.changed for the unit")
    latest = max((s for s in events if s["period"] == "2015-T1"), key=lambda s: s["revision"])
    assert latest["cases"] == 7 and latest["committee_id"] == committee and latest["minimum_cell"] == 5
    assert "Synpunkt" not in json.dumps(events)
