"""The demo's verksamhetsberättelse 2014 of Spånga-Tensta (seed 004), submitted once, with the committee's verdicts.

Figures by hand from the demo's 2014 content (our reading of §5.1, see decisions): nämndmål
"Förvaltningen har en hållbar ..." one commitment fulfilled → 1.0; "Kvalitet, hållbarhet ... upphandling"
one partly → 0.5; "Planering, stöd ..." four fulfilled and one partly → (4 + 0.5) / 5 = 0.9. Seven
commitments: five fulfilled, two partly. The budget table 2014 (§5.2, mkr): costs 5.2 / 5.0 → 0.2,
net 5.2 / 5.0 → 0.2.

The report is submitted by goals' second demo hook (``finish``), which the stack runs after audit's
demo and which waits until audit's lex Sarah summary 2014 of the committee has reached goals. Here
audit's summary (19 reports, none serious: audit's demo figures) comes through goals' real consumer
on a per-test stream (test_foreign_figures.streams), then ``finish`` runs twice.
"""

import io

import openpyxl
import pytest
from contracts.organisation import OrganisationUnitType
from test_foreign_figures import deliver, lex_sarah, publish, streams  # noqa: F401  (streams: the fixture)

from goals.budget import demo as budget_demo
from goals.commitments import demo as commitments_demo
from goals.demo import CITY_CODE, DEMO_START, SEED_COMMITTEE_CODE, DemoLoadError, UnitSpec, load_units, seed_committee
from goals.follow_ups import demo as follow_ups_demo
from goals.reports import demo as reports_demo
from goals.rollup import demo as rollup_demo
from goals.structure import demo as structure_demo

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def demo_2014(harness, admin, streams):  # noqa: F811
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", OrganisationUnitType.city, None), *seed_committee()]
    tree = await load_units(admin, specs, effective_date=DEMO_START)
    committee_goals = await structure_demo.load(harness, tree)
    await commitments_demo.load(harness, tree, committee_goals)
    await follow_ups_demo.load(harness, tree)
    await budget_demo.load(harness)
    for _ in range(2):  # idempotent: the second round adds nothing
        await rollup_demo.load(harness, tree, committee_goals)
        await reports_demo.load(harness, tree)
    # Before audit's summary has arrived, finish waits (bounded) and submits nothing.
    with pytest.raises(DemoLoadError, match="lex Sarah summary 2014 of SDN-SPT has not reached goals"):
        await reports_demo.finish(harness, wait_seconds=0)
    committee = tree.ids[SEED_COMMITTEE_CODE]
    assert (await admin.get(f"/goals/v1/committees/{committee}/reports")).json()["items"] == []
    await publish(harness, streams, lex_sarah(committee, revision=1, reports=19, year=2014))
    await deliver(harness, streams)
    for _ in range(2):  # idempotent: the second round submits nothing
        await reports_demo.finish(harness)
    return tree


async def test_the_seed_committees_2014_annual_report_is_submitted_once_and_downloads_as_xlsx(admin, demo_2014):
    committee = demo_2014.ids[SEED_COMMITTEE_CODE]
    (report,) = (await admin.get(f"/goals/v1/committees/{committee}/reports")).json()["items"]
    assert (report["period"], report["kind"], report["version"]) == ("2014-VB", "annual_report", 1)

    document = (await admin.get(f"/goals/v1/reports/{report['id']}/document")).json()
    assert document["title"] == "Verksamhetsberättelse 2014, Spånga-Tensta stadsdelsnämnd"
    shown = [(g["title"][:20], g["fulfilment"]["score"], g["committee_verdict"]["assessment"]) for g in document["goals"]]
    assert shown == [
        ("Förvaltningen har en", 1.0, "fulfilled"), ("Kvalitet, hållbarhet", 0.5, "partly_fulfilled"),
        ("Planering, stöd, sty", 0.9, "fulfilled"),
    ]
    summary = document["summary"]
    assert (summary["commitments"], summary["commitments_fulfilled"], summary["commitments_partly_fulfilled"]) == (7, 5, 2)
    lex_sarah_2014 = document["foreign"]["lex_sarah"]
    assert (lex_sarah_2014["year"], lex_sarah_2014["reports"], lex_sarah_2014["serious"]) == (2014, 19, 0)
    lines = {line["line"]: (line["budget"], line["outcome"], line["deviation"]) for line in document["budget"][0]["lines"]}
    assert lines["costs"] == (5.2, 5, 0.2) and lines["net"] == (5.2, 5, 0.2)

    download = await admin.get(f"/goals/v1/reports/{report['id']}/document", params={"format": "xlsx"})
    assert download.headers["content-type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(download.content))["Mål"]
    assert [(row[8], row[11]) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        (1, "Uppfyllt"), (0.5, "Delvis uppfyllt"), (0.9, "Uppfyllt"),
    ]


async def test_the_submitted_2014_annual_report_lets_the_seed_committee_into_the_comparison_index(harness, demo_2014):
    """The index is built from submitted reports only; the demo's verksamhetsberättelse 2014 is one.
    On nämndmål "Planering, stöd ..." the follow-up component is (4 + 0.5) / 5 = 0.9 from five
    commitments followed up at 2014-VB; the only committee with a figure normalises to 0.5 (minmax)."""
    committee = demo_2014.ids[SEED_COMMITTEE_CODE]
    async with harness.client(roles=("committee",), org=(committee,), subject="demo-reader") as member:
        (report,) = (await member.get(f"/goals/v1/committees/{committee}/reports")).json()["items"]
        document = (await member.get(f"/goals/v1/reports/{report['id']}/document")).json()
        goal = next(g for g in document["goals"] if g["title"].startswith("Planering, stöd"))
        response = await member.get("/goals/v1/comparison-index", params={"period": "2014-VB", "goal_id": goal["id"]})
    assert response.status_code == 200, response.text
    (seed,) = [c for c in response.json()["committees"] if c["committee_id"] == str(committee)]
    assert (seed["submitted"], seed["reason"]) == (True, None) and seed["rank"] == 1
    follow_ups = next(f for f in seed["components"] if f["key"] == "follow-ups")
    assert (follow_ups["raw"], follow_ups["reported"], follow_ups["normalised"]) == (0.9, 5, 0.5)
