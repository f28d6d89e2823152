"""Other services' figures reach goals through the platform: every process running, events through
each producer's real outbox, relay and Redis stream into goals' worker, read through the gateway.

(a) audit's lex Sarah yearly summary appears for the committee in goals, the newest publication winning.
(b) after a burst of cases, goals' complaint figures for every unit of the committee equal feedback's own,
    through forced redeliveries (a consumer that died holding the messages, so goals' worker reclaims
    them; the same messages added to the stream again, newest revisions first) and a replay of
    feedback's outbox (`python -m feedback replay`).
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import httpx
import orjson
import pytest
import redis
from platform_support import create_units, unit_in, wait_until


@pytest.fixture(scope="module")
def org(request, gateway_url, api_key):
    """A committee → administration → department → unit of its own, known to every read model; ``org.person(...)``
    mints a staff client."""
    if os.environ.get("QM_GATEWAY_URL"):
        pytest.skip("minting tokens for several people needs the local stack")
    stack = request.getfixturevalue("stack")
    clients: list[httpx.Client] = []
    with httpx.Client(base_url=gateway_url, headers={"x-api-key": api_key}, timeout=30) as keyed:
        suffix = uuid.uuid4().hex[:5].upper()
        units = create_units(keyed, [
            ("committee", f"SDN-FF{suffix}", "district_committee", "city"),
            ("administration", f"SDF-FF{suffix}", "administration", "committee"),
            ("department", f"SDF-FF{suffix}-AOF", "department", "administration"),
            ("unit", f"SDF-FF{suffix}-AOF-1", "unit", "department"),
        ], effective_date="2014-01-01")
        for service in ("audit", "feedback", "awards"):
            wait_until(lambda service=service: unit_in(keyed, service, units["unit"]), what=f"the unit in {service}'s read model")

    class Org:
        ids = units
        platform = stack

        @staticmethod
        def person(roles: list[str], sub: str, at: str | None = "committee") -> httpx.Client:
            token = stack.mint_token(roles, org=[units[at]] if at else [], sub=sub, ttl=3600)
            clients.append(httpx.Client(base_url=gateway_url, headers={"authorization": f"Bearer {token}"}, timeout=30))
            return clients[-1]

    yield Org
    for client in clients:
        client.close()


def _summary_in_goals(client: httpx.Client, committee: str, year: int, revision: int):
    response = client.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": year})
    return response.json() if response.status_code == 200 and response.json()["revision"] >= revision else None


def test_audits_lex_sarah_summary_appears_for_the_committee_in_goals(org):
    committee, department = org.ids["committee"], org.ids["department"]
    staff = org.person(["unit_manager"], "ff-underskoterska", at="department")
    officer, controller = org.person(["lex_sarah_officer"], "ff-lex-sarah"), org.person(["controller"], "ff-controller")
    outsider = org.person(["controller"], "ff-other-controller", at=None)

    def report(day: str) -> None:
        created = staff.post("/audit/v1/lex-sarah/reports", json={
            "unit_id": department, "area": "elderly_care", "occurred_on": day, "reported_on": day,
            "description": "Brukaren fick inte sin kvällsmedicin."})
        assert created.status_code == 201, created.text

    def publish() -> dict:
        published = officer.post("/audit/v1/lex-sarah/yearly-summaries", json={"committee_id": committee, "year": 2014})
        assert published.status_code == 201, published.text
        return published.json()

    report("2014-03-03")
    report("2014-05-05")
    first = publish()
    assert (first["revision"], first["reports"]) == (1, 2)
    shown = wait_until(lambda: _summary_in_goals(controller, committee, 2014, 1), what="the summary in goals")
    assert shown == first  # the figures as audit published them, nothing recomputed in goals

    report("2014-09-09")  # a third case, published again: goals shows the newer revision
    second = publish()
    shown = wait_until(lambda: _summary_in_goals(controller, committee, 2014, 2), what="the second publication in goals")
    assert (shown["revision"], shown["reports"], shown["serious"]) == (2, 3, 0)
    assert [(a["area"], a["reports"]) for a in shown["by_area"]] == [("elderly_care", 3)]
    assert shown == second

    # Outside the committee's scope: a problem document; another year: nothing published, 404.
    refused = outsider.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": 2014})
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    assert controller.get(f"/goals/v1/committees/{committee}/lex-sarah-summary", params={"year": 2015}).status_code == 404


def test_the_merged_openapi_document_has_goals_foreign_figures(gateway_url):
    paths = httpx.get(f"{gateway_url}/openapi.json", timeout=30).json()["paths"]
    for path in ("/goals/v1/organisation-units/{unit_id}/complaint-figures", "/goals/v1/organisation-units/{unit_id}/quality-overview",
                 "/goals/v1/committees/{committee_id}/lex-sarah-summary", "/goals/v1/committees/{committee_id}/award-results",
                 "/goals/v1/committees/{committee_id}/good-examples"):
        assert path in paths, path
    assert "klagomålsstatistik" in paths["/goals/v1/organisation-units/{unit_id}/complaint-figures"]["get"]["description"].lower()
    assert "goda exempel" in paths["/goals/v1/committees/{committee_id}/good-examples"]["get"]["description"].lower()


# --- (b) feedback → goals -------------------------------------------------------------------------

FIGURE_FIELDS = (
    "cases", "by_kind", "median_working_days_to_acknowledgement", "p90_working_days_to_acknowledgement",
    "median_working_days_to_answer", "p90_working_days_to_answer", "share_acknowledged_within_deadline",
    "share_answered_within_deadline", "guarantees_not_kept", "promises_not_kept", "repeats", "satisfaction_ratings",
    "satisfaction_mean",
)


def _figures(document: dict) -> dict:
    return {name: document[name] for name in FIGURE_FIELDS}


def _statistics_events(client: redis.Redis, stream: str, unit_ids: set[str], *, after: str = "-") -> list[tuple[bytes, dict]]:
    """(message id, fields) of feedback.unit-statistics.changed entries about ``unit_ids`` on the stream."""
    found = []
    for message_id, fields in client.xrange(stream, min=after):
        envelope = orjson.loads(fields[b"event"])
        if envelope["type"] == "feedback.unit-statistics.changed" and envelope["data"]["statistics"]["unit_id"] in unit_ids:
            found.append((message_id, fields))
    return found


def _consumed(client: redis.Redis, stream: str, group: str) -> bool:
    """The group has been handed every entry of the stream and acknowledged them all."""
    last = client.xrevrange(stream, count=1)
    info = next((g for g in client.xinfo_groups(stream) if g["name"] in (group, group.encode())), None)
    if not last or info is None:
        return False
    delivered = info["last-delivered-id"]
    delivered = delivered.decode() if isinstance(delivered, bytes) else delivered
    return delivered == last[0][0].decode() and info["pending"] == 0


def test_goals_complaint_figures_equal_feedbacks_after_a_burst_with_redeliveries_and_a_replay(org, gateway_url):
    stack = org.platform
    units = org.ids
    period = f"{datetime.now(UTC).year}-VB"  # cases received now: this year's verksamhetsberättelse
    admin, controller = org.person(["admin"], "ff-admin", at=None), org.person(["controller"], "ff-controller-b")
    handler = org.person(["feedback_handler"], "ff-handlaggare")
    key = httpx.Client(base_url=gateway_url, headers={"x-api-key": stack.create_api_key(
        ["feedback:write", "feedback:submit"], actor="system", name=f"ff-intake-{uuid.uuid4().hex[:6]}")}, timeout=30)
    category = f"ff-{uuid.uuid4().hex[:6]}"
    made = admin.post("/feedback/v1/categories", json={"code": category, "name_sv": "Bemötande", "group_sv": "Omsorg"})
    assert made.status_code == 201, made.text
    stream = f"{stack.stream_prefix}feedback.events"
    client = redis.Redis.from_url(stack.redis_url)
    start = client.xrevrange(stream, count=1)
    start_id = start[0][0].decode() if start else "0-0"
    since = datetime.now(UTC).isoformat()

    # goals' worker is down while the burst arrives (a deploy, say) ...
    stack.stop_process("goals-worker")
    try:
        # The burst: 15 complaints and 8 praises about the unit, 7 complaints about the department itself.
        burst = [("unit", "complaint")] * 15 + [("unit", "praise")] * 8 + [("department", "complaint")] * 7
        received = []
        for number, (where, kind) in enumerate(burst):
            created = key.post("/feedback/v1/cases", json={
                "kind": kind, "channel": "phone", "category_code": category, "unit_id": units[where], "privacy": "anonymous",
                "description": f"Ärende {number}: {'bemötandet i telefon' if kind == 'complaint' else 'tack för hjälpen'} vecka {number % 7}"})
            assert created.status_code == 201, created.text
            received.append(created.json()["id"])
        for case_id in received[:6]:  # six of the unit's complaints acknowledged at once
            etag = handler.get(f"/feedback/v1/cases/{case_id}").headers["etag"]
            moved = handler.post(f"/feedback/v1/cases/{case_id}/transitions", json={"to": "acknowledged"}, headers={"if-match": etag})
            assert moved.status_code == 200, moved.text

        # Feedback publishes the figures of every level; wait for the committee's to count the whole burst.
        def committee_published() -> bool:
            return any(
                orjson.loads(fields[b"event"])["data"]["statistics"]["cases"] == len(burst)
                for _, fields in _statistics_events(client, stream, {units["committee"]}, after=start_id)
            )

        wait_until(committee_published, timeout=60, what="feedback's figures for the whole burst on its stream")
        time.sleep(1.0)  # the same round's other units and the acknowledgements' round
        # ... and a consumer of goals' group read everything new, then died before acknowledging it:
        # goals' worker gets these messages only by reclaiming them (XAUTOCLAIM), as redeliveries.
        stolen = client.xreadgroup("goals", "goals-worker-that-died", {stream: ">"}, count=100_000)
        assert stolen and stolen[0][1], "the dead consumer held messages"
    finally:
        stack.start_process("goals-worker")

    ours = {units[name] for name in ("committee", "administration", "department", "unit")}
    published = _statistics_events(client, stream, ours, after=start_id)
    assert published, "feedback published figures for our units"
    # The same messages once more, newest first (so every older revision arrives after a newer one) ...
    for _, fields in reversed(published):
        client.xadd(stream, fields)
    # ... and a replay of feedback's outbox since the burst began.
    replayed = subprocess.run(
        [sys.executable, "-P", "-m", "feedback", "replay", "--since", since], env=stack.process_env("feedback"),
        capture_output=True, text=True, timeout=120,
    )
    assert replayed.returncode == 0, replayed.stderr

    wait_until(lambda: _consumed(client, stream, "goals"), timeout=120, interval=0.5,
               what="goals' group consumed feedback's stream to its end, reclaimed messages included")
    own = admin.get(f"/feedback/v1/committees/{units['committee']}/statistics", params={"period": period})
    assert own.status_code == 200, own.text
    theirs = {unit["unit_id"]: unit for unit in own.json()["units"]}
    assert set(theirs) == ours
    newest = {}
    for _, fields in _statistics_events(client, stream, ours, after=start_id):  # everything feedback published since
        statistics = orjson.loads(fields[b"event"])["data"]["statistics"]
        if statistics["period"] == period:
            newest[statistics["unit_id"]] = max(newest.get(statistics["unit_id"], 0), statistics["revision"])
    for unit_id, figures in theirs.items():
        shown = controller.get(f"/goals/v1/organisation-units/{unit_id}/complaint-figures", params={"period": period})
        assert shown.status_code == 200, shown.text
        (in_goals,) = shown.json()
        assert _figures(in_goals) == _figures(figures), figures["unit_kind"]
        assert in_goals["revision"] == newest[unit_id]  # the highest revision feedback published, whatever arrived last

    # By hand: the unit 15 + 8 = 23 cases, the department 23 + its own 7 = 30, and the whole burst above it.
    by_unit = {unit_id: controller.get(f"/goals/v1/organisation-units/{unit_id}/complaint-figures",
                                       params={"period": period}).json()[0] for unit_id in ours}
    kinds = {name: {k["kind"]: k["cases"] for k in by_unit[units[name]]["by_kind"]} for name in ("unit", "department")}
    assert [by_unit[units[name]]["cases"] for name in ("unit", "department", "administration", "committee")] == [23, 30, 30, 30]
    assert (kinds["unit"]["complaint"], kinds["unit"]["praise"], kinds["department"]["complaint"]) == (15, 8, 22)
    key.close()
    client.close()
