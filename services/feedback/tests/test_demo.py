"""The first-start content loads through the API, is the same every time, and loads only once."""

import uuid
from collections import Counter
from datetime import datetime

import pytest

from contracts.organisation import UNIT_CREATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion
from goals.demo import CITY_CODE, seed_committee
from sqlalchemy import func, select

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.orgtree import org_event_handlers

from feedback.deadlines.calendar import STOCKHOLM
from feedback.demo import CASE_COUNT, HISTORY_COUNT, OPEN311_COUNT, REPORT_NUMBER, REPORT_PERIOD, history_handling, load, plan
from feedback.models import cases, org_tables
from feedback.open311.mapping import CLOSED

START = "2015-01-01"


async def _seed_tree(harness) -> dict[str, uuid.UUID]:
    """Goals' seed committee, as its events reach feedback's read model."""
    consumer = EventConsumer(group="feedback", redis=harness.redis, sessions=harness.app.state.sessionmaker, streams=[],
                             handlers=org_event_handlers(org_tables), dead_letter_stream="unused")
    specs = [(CITY_CODE, "Stockholms stad", "city", None)] + [(s.code, s.name, s.type.value, s.parent_code) for s in seed_committee()]
    ids = {code: uuid.uuid4() for code, *_ in specs}
    for code, name, unit_type, parent in specs:
        version = OrganisationUnitVersion(valid_from=START, code=code, name=name, type=unit_type, parent_id=ids.get(parent))
        data = OrganisationUnitChanged(unit=OrganisationUnitState(id=ids[code], revision=1, versions=[version]),
                                       effective_date=START, changed=[])
        await consumer.apply(Envelope(source="/goals", type=UNIT_CREATED, subject=str(ids[code]), data=data.model_dump(mode="json")))
    return ids


async def test_the_demo_fills_the_seed_committee_with_cases_in_every_state(harness):
    ids = await _seed_tree(harness)
    await load(harness, parallel=1)  # the harness runs every request on one connection
    rows = (await harness.session.execute(select(cases.c.kind, cases.c.channel, cases.c.status, cases.c.privacy,
                                                 cases.c.committee_id, cases.c.answer))).all()
    assert len(rows) == CASE_COUNT + OPEN311_COUNT + HISTORY_COUNT
    assert {row.kind for row in rows} == {"complaint", "suggestion", "praise", "question"}
    assert {row.channel for row in rows} == {"portal", "open311", "phone", "letter", "e_mail", "in_person"}
    assert {row.status for row in rows} >= {"received", "acknowledged", "assigned", "in_progress", "answered", "closed",
                                           "reopened", "duplicate", "withdrawn"}
    privacy = Counter(row.privacy for row in rows)
    assert privacy["anonymous"] > 50 and privacy["named"] > 50 and privacy["confidential"] > 5
    assert all(row.answer for row in rows if row.status in ("answered", "closed"))

    async with harness.client(roles=["controller"], org=[ids["SDN-SPT"]]) as controller:
        listed = (await controller.get("/feedback/v1/cases", params={"committee_id": str(ids["SDN-SPT"]), "limit": 500})).json()
        overdue = (await controller.get("/feedback/v1/cases", params={"overdue": "true", "limit": 500})).json()
    assert len(listed["items"]) > 150
    assert len(overdue["items"]) > 10
    async with harness.client(roles=[], actor="anonymous", scopes=[], subject="anonymous") as anyone:
        public = (await anyone.get("/open311/v2/requests.json")).json()
    assert len(public) > 100 and any(item["status"] == CLOSED for item in public)

    # The committee's follow-up: statistics of 2015-T1 and its submitted report, downloadable as XLSX.
    async with harness.client(roles=["controller"], org=[ids["SDN-SPT"]]) as controller:
        statistics = (await controller.get(f"/feedback/v1/committees/{ids['SDN-SPT']}/statistics", params={"period": REPORT_PERIOD})).json()
        reports = (await controller.get(f"/feedback/v1/committees/{ids['SDN-SPT']}/statistics-reports")).json()
        workbook = await controller.get(f"/feedback/v1/statistics-reports/{reports[0]['id']}/snapshot.xlsx")
    assert statistics["received"] == HISTORY_COUNT and len(statistics["units"]) > 5
    assert [(r["period"], r["registration_number"], r["status"]) for r in reports] == [(REPORT_PERIOD, REPORT_NUMBER, "submitted")]
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    # The previous register's handling, counted from the plan: every case acknowledged, the late ones
    # past their deadline; all but the withdrawn answered, the late ones past theirs; the rated ones.
    handled = history_handling()
    answered = [h for h in handled if not h.withdrawn]
    rated = [h.rating for h in handled if h.rating is not None]
    assert 0 < sum(h.ack_late for h in handled) < 20 and 0 < sum(h.answer_late for h in answered) < 20 and len(rated) > 20
    whole = statistics["figures"]
    assert whole["share_acknowledged_within_deadline"] == pytest.approx(sum(not h.ack_late for h in handled) / HISTORY_COUNT, abs=0.006)
    assert whole["share_answered_within_deadline"] == pytest.approx(sum(not h.answer_late for h in answered) / len(answered), abs=0.006)
    assert whole["satisfaction_ratings"] == len(rated)
    assert whole["satisfaction_mean"] == pytest.approx(sum(rated) / len(rated), abs=0.06)
    assert 0 <= whole["median_working_days_to_acknowledgement"] <= 2 <= whole["p90_working_days_to_acknowledgement"] <= 4
    assert 1 <= whole["median_working_days_to_answer"] <= 10

    await load(harness, parallel=1)  # a second run adds nothing
    async with harness.client(roles=["controller"], org=[ids["SDN-SPT"]]) as controller:
        assert len((await controller.get(f"/feedback/v1/committees/{ids['SDN-SPT']}/statistics-reports")).json()) == 1
    assert await harness.session.scalar(select(func.count()).select_from(cases)) == CASE_COUNT + OPEN311_COUNT + HISTORY_COUNT


def test_the_demo_is_deterministic():
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM)
    assert plan(moment) == plan(moment)
    cases, _ = plan(moment)
    duplicates = [step["parent_index"] for case in cases for step in case.steps if step["to"] == "duplicate"]
    assert duplicates and all(not any(s["to"] == "duplicate" for s in cases[parent].steps) for parent in duplicates)
