"""The first-start content loads through the API, is the same every time, and loads only once."""

import uuid
from collections import Counter
from datetime import datetime

from contracts.organisation import UNIT_CREATED, OrganisationUnitChanged, OrganisationUnitState, OrganisationUnitVersion
from goals.demo import CITY_CODE, seed_committee
from sqlalchemy import func, select

from servicekit.events.consumer import EventConsumer
from servicekit.events.envelope import Envelope
from servicekit.orgtree import org_event_handlers

from feedback.deadlines.calendar import STOCKHOLM
from feedback.demo import CASE_COUNT, HISTORY_COUNT, OPEN311_COUNT, REPORT_NUMBER, REPORT_PERIOD, load, plan
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
    await load(harness)
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

    await load(harness)  # a second run adds nothing
    async with harness.client(roles=["controller"], org=[ids["SDN-SPT"]]) as controller:
        assert len((await controller.get(f"/feedback/v1/committees/{ids['SDN-SPT']}/statistics-reports")).json()) == 1
    assert await harness.session.scalar(select(func.count()).select_from(cases)) == CASE_COUNT + OPEN311_COUNT + HISTORY_COUNT


def test_the_demo_is_deterministic():
    moment = datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM)
    assert plan(moment) == plan(moment)
    cases, _ = plan(moment)
    duplicates = [step["parent_index"] for case in cases for step in case.steps if step["to"] == "duplicate"]
    assert duplicates and all(not any(s["to"] == "duplicate" for s in cases[parent].steps) for parent in duplicates)
