"""A committee's reports: live figures, the frozen snapshot, its XLSX and CSV, double submission, corrections.

The data (the roll-up test's small tree, 2015-T1, built in test_rollup.small_tree): Spånga-Tensta's
nämndmål C1 with K1 (sjukfrånvaro 1.8 < 2: fulfilled) and K2 (2.1, verdict not fulfilled, an override
of the suggested partly), nämndmål C2 with K3 (not reported). Added here: a target on K1 for 2015-T1
(sjukfrånvaro < 2) with the imported value 1.8, and the unit's 2015 budget table (costs 5.2 / 5.0,
net 6.8 / 7.1). Figures by hand:
- C1: fulfilled 1 (share 0.5), not fulfilled 1 (0.5), coverage 1; score (1 + 0) / 2 = 0.5 → partly fulfilled.
- C2: K3 not reported: 1 input, coverage 0 < 0.5 → nothing computed (coverage-below-minimum).
- commitments 3: fulfilled 1, not fulfilled 1, not reported 1; targets 1, met 1 (1.8 < 2).
- budget: costs deviation 5.2 − 5.0 = 0.2, net 6.8 − 7.1 = −0.3.
"""

import csv
import hashlib
import io
import uuid
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select
from test_foreign_figures import streams  # noqa: F401  (the fixture: goals' consumer on per-test streams)
from test_rollup import small_tree  # noqa: F401  (the fixture)

from servicekit.tables import OutboxEvent

G = "/goals/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def report_data(admin, manager, small_tree, sick_leave_indicator, tree):
    t = small_tree
    target = await manager.post(f"{G}/indicator-targets", json={
        "indicator_id": str(sick_leave_indicator), "commitment_id": t.k1["id"], "period": "2015-T1", "target_value": 2,
        "comparison": "less_than",
    })
    assert target.status_code == 201, target.text
    values = "indicator;unit_code;period;gender;value\nSJUKFRANVARO;SDF-SPT-STAB-VU;2015-T1;T;1,8\n"
    imported = await admin.post(f"{G}/indicator-values/imports/csv", content=values.encode(), headers={"content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    budget = await admin.post(f"{G}/budget-figures/imports", json={"items": [{
        "unit_id": str(tree.ids["SDF-SPT-STAB-VU"]), "year": 2015, "amount_unit": "mkr",
        "lines": {"costs": {"budget": 5.2, "outcome": 5.0}, "net": {"budget": 6.8, "outcome": 7.1}},
    }]})
    assert budget.status_code == 200, budget.text
    return t


def committee_path(tree, *rest: str) -> str:
    return "/".join((f"{G}/committees/{tree.ids['SDN-SPT']}", *rest))


async def live(client, tree, period="2015-T1", expect=200, headers=None, **params):
    response = await client.get(committee_path(tree, "reports", "live"), params={"period": period, **params}, headers=headers)
    assert response.status_code == expect, response.text
    return response


async def test_the_live_report_holds_goals_commitments_indicators_and_budget(controller, report_data, tree):
    t = report_data
    body = (await live(controller, tree)).json()

    assert (body["kind"], body["period"], body["frozen"]) == ("tertial_report", "2015-T1", None)
    assert body["title"] == "Tertialrapport 1 2015, Spånga-Tensta stadsdelsnämnd"
    c1, c2 = body["goals"]
    assert c1["id"] == t.chain.committee["id"] and c2["id"] == t.c2["id"]
    assert [(c1["distribution"][k]["count"], c1["distribution"][k]["share"]) for k in ("fulfilled", "not_fulfilled")] == [
        (1, 0.5), (1, 0.5)]
    assert c1["distribution"]["coverage"] == 1.0
    assert c1["fulfilment"] == {"score": 0.5, "assessment": "partly_fulfilled", "reason": None}
    assert [i["id"] for i in c1["explanation"]["inputs"]] == [t.k1["id"], t.k2["id"]]
    assert c1["explanation"]["overrides"][0]["source_id"] == t.k2["id"]
    assert (c2["distribution"]["total"], c2["distribution"]["coverage"]) == (1, 0.0)
    assert c2["fulfilment"] == {"score": None, "assessment": None, "reason": "coverage-below-minimum"}

    assert [(c["id"], (c["follow_up"] or {}).get("assessment")) for c in body["commitments"]] == [
        (t.k1["id"], "fulfilled"), (t.k2["id"], "not_fulfilled"), (t.k3["id"], None),
    ]
    assert body["commitments"][1]["follow_up"]["analysis"] == "Långtidssjukskrivningar ökade."
    assert body["summary"] == {
        "goals": 2, "commitments": 3, "commitments_fulfilled": 1, "commitments_partly_fulfilled": 0,
        "commitments_not_fulfilled": 1, "commitments_not_reported": 1, "targets": 1, "targets_met": 1,
    }
    (indicator,) = body["indicators"]
    assert (indicator["commitment_id"], indicator["target"], indicator["value"], indicator["met"]) == (t.k1["id"], 2, 1.8, True)
    (table,) = body["budget"]
    assert table["unit"]["code"] == "SDF-SPT-STAB-VU" and table["amount_unit"] == "mkr"
    assert {line["line"]: (line["budget"], line["outcome"], line["deviation"]) for line in table["lines"]} == {
        "costs": (5.2, 5, 0.2), "net": (6.8, 7.1, -0.3),
    }
    assert body["foreign"] == {"complaints": None, "lex_sarah": None, "awards": [], "good_examples": []}
    # No person is named: the document carries no subject ids.
    text = (await live(controller, tree)).text
    assert "manager-vu" not in text and "committee-1" not in text and "admin-1" not in text


async def test_a_submitted_report_is_frozen_and_its_xlsx_and_csv_come_from_the_snapshot(
    committee, manager, controller, report_data, tree,
):
    t = report_data
    submitted = await committee.post(committee_path(tree, "reports"), json={"period": "2015-T1"})
    assert submitted.status_code == 201, submitted.text
    report = submitted.json()
    assert (report["version"], report["supersedes_id"], report["superseded_by_id"]) == (1, None, None)
    assert report["registration_number"].startswith("GR-")
    stored = await controller.get(f"{G}/reports/{report['id']}/document")
    assert stored.status_code == 200
    assert hashlib.sha256(stored.content).hexdigest() == report["sha256"] == stored.headers["etag"].strip('"')
    snapshot = stored.json()
    assert snapshot["frozen"]["registration_number"] == report["registration_number"]
    assert snapshot["goals"][0]["fulfilment"]["score"] == 0.5

    # K1's follow-up is corrected after submission: the live report changes, the snapshot does not.
    follow_up = t.follow_ups[t.k1["id"]]
    corrected = await manager.patch(
        f"{G}/follow-ups/{follow_up['id']}", json={"outcome_value": 2.5, "assessment": "not_fulfilled", "analysis": "Ökade."},
        headers={"if-match": '"1"'},
    )
    assert corrected.status_code == 200, corrected.text
    now_live = (await live(controller, tree)).json()
    assert now_live["goals"][0]["fulfilment"] == {"score": 0.0, "assessment": "not_fulfilled", "reason": None}  # (0 + 0) / 2
    again = await controller.get(f"{G}/reports/{report['id']}/document")
    assert again.content == stored.content and hashlib.sha256(again.content).hexdigest() == report["sha256"]

    download = await controller.get(f"{G}/reports/{report['id']}/document", headers={"accept": XLSX})
    assert download.status_code == 200 and download.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(download.content))
    summary = {row[0]: row[1] for row in book["Sammanfattning"].iter_rows(min_row=2, values_only=True)}
    assert summary["Diarienummer"] == report["registration_number"] and summary["SHA-256"] == report["sha256"]
    assert summary["Åtaganden uppfyllda"] == snapshot["summary"]["commitments_fulfilled"] == 1
    goals_sheet = list(book["Mål"].iter_rows(min_row=2, values_only=True))
    for row, goal in zip(goals_sheet, snapshot["goals"], strict=True):
        d, f = goal["distribution"], goal["fulfilment"]
        assert row[:10] == (
            goal["id"], goal["title"], d["fulfilled"]["count"], d["partly_fulfilled"]["count"], d["not_fulfilled"]["count"],
            d["not_reported"]["count"], d["total"], d["coverage"], f["score"],
            {"partly_fulfilled": "Delvis uppfyllt", None: None}[f["assessment"]],
        )
    assert goals_sheet[0][2:10] == (1, 0, 1, 0, 2, 1, 0.5, "Delvis uppfyllt")  # the figures as submitted, not today's
    commitments_sheet = {row[0]: row for row in book["Åtaganden"].iter_rows(min_row=2, values_only=True)}
    assert (commitments_sheet[t.k1["id"]][7], commitments_sheet[t.k1["id"]][8]) == ("Uppfyllt", 1.8)
    assert commitments_sheet[t.k3["id"]][7] is None
    budget_sheet = [row[4:] for row in book["Budget"].iter_rows(min_row=2, values_only=True)]
    assert budget_sheet == [
        (line["name_sv"], line["budget"], line["outcome"], line["deviation"]) for line in snapshot["budget"][0]["lines"]
    ] == [("Kostnader", 5.2, 5, 0.2), ("Netto", 6.8, 7.1, -0.3)]
    indicator_row = next(book["Indikatorer"].iter_rows(min_row=2, values_only=True))
    assert indicator_row[9:] == (2, 1.8, "Ja")

    as_csv = await controller.get(f"{G}/reports/{report['id']}/document", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    goal_rows = [row for row in rows if row[0] == "Mål"]
    assert goal_rows[1][1:11] == [t.chain.committee["id"], t.chain.committee["title"], "1", "0", "1", "0", "2", "1.0", "0.5",
                                  "Delvis uppfyllt"]


async def test_each_format_of_a_submitted_report_has_its_own_etag_and_the_accept_header_varies_it(
    committee, controller, small_tree, tree,
):
    submitted = await committee.post(committee_path(tree, "reports"), json={"period": "2015-T1"})
    assert submitted.status_code == 201, submitted.text
    sha = submitted.json()["sha256"]
    path = f"{G}/reports/{submitted.json()['id']}/document"
    as_json = await controller.get(path)
    as_xlsx = await controller.get(path, headers={"accept": XLSX})
    as_csv = await controller.get(path, headers={"accept": "text/csv"})
    xlsx_by_format = await controller.get(path, params={"format": "xlsx"}, headers={"accept": "application/json"})
    live_xlsx = await live(controller, tree, headers={"accept": XLSX})
    live_by_format = await live(controller, tree, format="csv")

    # The stored JSON keeps its SHA-256 (strong: the same bytes); XLSX and CSV, rendered again each time, their own weak tags.
    assert hashlib.sha256(as_json.content).hexdigest() == sha and as_json.headers["etag"] == f'"{sha}"'
    assert as_xlsx.headers["content-type"] == XLSX and as_xlsx.headers["etag"] == f'W/"{sha}.xlsx"'
    assert as_csv.headers["content-type"].startswith("text/csv") and as_csv.headers["etag"] == f'W/"{sha}.csv"'
    assert len({as_json.headers["etag"], as_xlsx.headers["etag"], as_csv.headers["etag"]}) == 3
    # The format parameter names the representation itself; Accept chose the others, so they vary by it.
    assert xlsx_by_format.headers["etag"] == as_xlsx.headers["etag"] and "vary" not in xlsx_by_format.headers
    assert as_json.headers["vary"] == as_xlsx.headers["vary"] == as_csv.headers["vary"] == "Accept"
    # The live report has no ETag (its figures may change), but Accept varies it too.
    assert "etag" not in live_xlsx.headers and live_xlsx.headers["vary"] == "Accept"
    assert "etag" not in live_by_format.headers and "vary" not in live_by_format.headers


async def test_a_second_submission_is_refused_and_a_correction_supersedes_the_first(committee, controller, report_data, tree, harness):
    first = (await committee.post(committee_path(tree, "reports"), json={"period": "2015-T1"})).json()

    twice = await committee.post(committee_path(tree, "reports"), json={"period": "2015-T1"})
    assert twice.status_code == 409 and twice.json()["type"].endswith("/report-already-submitted")
    no_reason = await committee.post(committee_path(tree, "reports"), json={"period": "2015-T1", "correction": True})
    assert no_reason.status_code == 422
    nothing = await committee.post(committee_path(tree, "reports"), json={
        "period": "2015-T2", "correction": True, "correction_reason": "Fel."})
    assert nothing.status_code == 422 and nothing.json()["type"].endswith("/nothing-to-correct")
    listed = (await controller.get(committee_path(tree, "reports"))).json()["items"]
    assert [r["id"] for r in listed] == [first["id"]]

    corrected = await committee.post(committee_path(tree, "reports"), json={
        "period": "2015-T1", "correction": True, "correction_reason": "K2:s analys kompletterad."})
    assert corrected.status_code == 201, corrected.text
    second = corrected.json()
    assert (second["version"], second["supersedes_id"], second["correction_reason"]) == (2, first["id"], "K2:s analys kompletterad.")
    assert second["registration_number"] != first["registration_number"]
    listed = (await controller.get(committee_path(tree, "reports"), params={"period": "2015-T1"})).json()["items"]
    assert [(r["id"], r["version"], r["superseded_by_id"]) for r in listed] == [
        (first["id"], 1, second["id"]), (second["id"], 2, None),
    ]
    # Both stay readable, the first byte for byte as frozen.
    old = await controller.get(f"{G}/reports/{first['id']}/document")
    assert hashlib.sha256(old.content).hexdigest() == first["sha256"]
    assert old.json()["frozen"]["version"] == 1
    new = (await controller.get(f"{G}/reports/{second['id']}/document")).json()
    assert new["frozen"]["supersedes_id"] == first["id"]

    rows = await harness.session.execute(select(OutboxEvent.envelope).where(OutboxEvent.type == "goals.report.submitted"))
    payloads = sorted((row.envelope["data"] for row in rows), key=lambda data: data["version"])
    assert [(p["report_id"], p["version"], p["sha256"], p["period"], p["supersedes_id"]) for p in payloads] == [
        (first["id"], 1, first["sha256"], "2015-T1", None), (second["id"], 2, second["sha256"], "2015-T1", first["id"]),
    ]


async def test_reports_are_read_within_the_committees_scope_and_bad_periods_are_problems(
    harness, controller, manager, committee, report_data, tree, bromma,
):
    async with harness.client(roles=("committee",), org=(bromma,), subject="bromma-1") as other:
        refused = await live(other, tree, expect=403)
        assert refused.json()["type"].endswith("/out-of-scope")
        submit = await other.post(committee_path(tree, "reports"), json={"period": "2015-T1"})
        assert submit.status_code == 403
    await live(manager, tree, expect=403)  # a unit's manager does not read the committee's unsubmitted figures
    assert (await controller.post(committee_path(tree, "reports"), json={"period": "2015-T1"})).status_code == 403
    for period in ("2015-T3", "0000-T1", "15-T1"):
        assert (await live(controller, tree, period=period, expect=422)).json()["type"].endswith("/period-invalid")
    unit = await controller.get(f"{G}/committees/{tree.ids['SDF-SPT-STAB-VU']}/reports/live", params={"period": "2015-T1"})
    assert unit.status_code == 422 and unit.json()["type"].endswith("/not-a-committee")
    nowhere = await controller.get(f"{G}/committees/{uuid.uuid4()}/reports/live", params={"period": "2015-T1"})
    assert nowhere.status_code == 422
    next_year = f"{date.today().year + 1}-VB"
    early = await committee.post(committee_path(tree, "reports"), json={"period": next_year})
    assert early.status_code == 422 and early.json()["type"].endswith("/period-not-ended")
    assert (await controller.get(committee_path(tree, "reports"))).json()["items"] == []
    as_xlsx = await live(controller, tree, format="xlsx")
    assert as_xlsx.headers["content-type"] == XLSX
    assert openpyxl.load_workbook(io.BytesIO(as_xlsx.content))["Sammanfattning"]["B6"].value == "Aktuella uppgifter (ej inlämnad)"


async def test_the_foreign_sheet_holds_feedbacks_audits_and_awards_figures_of_the_snapshot(
    committee, controller, report_data, tree, harness, streams,
):
    """Figures from the other services, as goals' consumer applied them, in the submitted 2015 annual report's
    sheet "Från andra tjänster": one row per unit (suppressed cells as "–"), lex Sarah, awards, good examples."""
    from test_foreign_figures import award, decided, deliver, example, lex_sarah, publish, statistics

    committee_id, unit = tree.ids["SDN-SPT"], tree.ids["SDF-SPT-STAB-VU"]
    winner = award(unit, committee_id)
    await publish(
        harness, streams, statistics(committee_id, committee_id, kind="committee", revision=1, cases=41),
        statistics(unit, committee_id, kind="unit", revision=1, cases=None),
        lex_sarah(committee_id, revision=1, reports=19), decided(uuid.uuid4(), revision=1, awards=[winner]),
        example(uuid.uuid4(), unit, committee_id, revision=1, title="Årshjul för uppföljning"),
    )
    await deliver(harness, streams)
    submitted = await committee.post(committee_path(tree, "reports"), json={"period": "2015-VB"})
    assert submitted.status_code == 201, submitted.text
    report_id = submitted.json()["id"]
    snapshot = (await controller.get(f"{G}/reports/{report_id}/document")).json()
    foreign = snapshot["foreign"]
    assert foreign["lex_sarah"]["reports"] == 19 and len(foreign["complaints"]["units"]) == 1
    download = await controller.get(f"{G}/reports/{report_id}/document", headers={"accept": XLSX})
    rows = [tuple(c for c in row if c is not None) for row in book_rows(download.content, "Från andra tjänster")]

    def table(heading: str) -> list[tuple]:
        start = rows.index((heading,)) + 1
        end = rows.index((), start) if () in rows[start:] else len(rows)
        return rows[start:end]

    complaints = table("Klagomål och synpunkter")
    assert "minsta cellstorlek" in complaints[0][0] and "Färre än 5" in complaints[0][0]
    assert complaints[1][:4] == ("Enhet", "Enhetstyp", "Ärenden", "Klagomål")
    own, below = foreign["complaints"]["committee"], foreign["complaints"]["units"][0]
    # By hand (test_foreign_figures.statistics): complaint cases as the total, praise suppressed, no suggestions/questions
    # (no cell, so an empty one), acknowledgement 1 / 3 days, answer 6.5 / 12, shares 0.9 / 0.8; repeats and
    # satisfaction suppressed.
    names = {u["id"]: u["name"] for u in snapshot["foreign_units"]}
    assert names[str(committee_id)] == snapshot["committee"]["name"] and names[str(unit)]
    assert complaints[2] == (
        snapshot["committee"]["name"], "Nämnd", own["cases"], 41, "–",
        1, 3, 6.5, 12, 0.9, 0.8, "–", "–", "–", "–",
    )
    assert complaints[3] == (
        names[str(unit)], "Enhet", "–", "–", "–", 1, 3, 6.5, 12, 0.9, 0.8, "–", "–", "–", "–",
    )
    assert below["cases"] is None and own["cases"] == 41
    summary = foreign["lex_sarah"]
    assert table("Lex Sarah") == [
        ("År", "Rapporter", "Allvarliga", "Andel allvarliga", "IVO-anmälningar", "Avslutade", "Ändrade rutiner"),
        (2015, summary["reports"], summary["serious"], summary["share_serious"], 0, 19, 17),  # routines 19 − 2
        ("Område", "Rapporter"), ("Äldreomsorg", 19),  # the area by the Swedish name audit gives it, not its code
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content))["Från andra tjänster"]
    area_header = next(row[0] for row in sheet.iter_rows() if row[0].value == "Område")
    area_cell = sheet.cell(row=area_header.row + 1, column=1)
    assert (area_cell.value, sheet.cell(row=area_cell.row, column=2).value) == ("Äldreomsorg", 19)
    assert (summary["reports"], summary["serious"], summary["routines_changed"]) == (19, 0, 17)
    unit_name = names[str(unit)]
    assert table("Utmärkelser") == [
        ("Pris", "Placering", "År", "Enhet", "Motivering"),
        ("Kvalitetsutmärkelsen", "Vinnare", 2015, unit_name, winner.rationale),
    ]
    assert table("Goda exempel") == [("Titel", "År", "Enhet", "Områden"), ("Årshjul för uppföljning", 2015, unit_name, "leadership")]
    assert [e["title"] for e in foreign["good_examples"]] == ["Årshjul för uppföljning"]

    as_csv = await controller.get(f"{G}/reports/{report_id}/document", params={"format": "csv"})
    foreign_csv = [row[1:] for row in csv.reader(io.StringIO(as_csv.text)) if row[0] == "Från andra tjänster"]
    assert ["Lex Sarah"] in foreign_csv and ["2015", "19", "0", "0.0", "0", "19", "17"] in foreign_csv
    assert ["Äldreomsorg", "19"] in foreign_csv and ["elderly_care", "19"] not in foreign_csv


def book_rows(content: bytes, title: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content))[title].iter_rows(min_row=2, values_only=True))
