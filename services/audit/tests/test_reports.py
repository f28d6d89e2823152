"""Reports to the committee: frozen snapshots with SHA-256 and registration number, JSON and XLSX."""

import hashlib
import io

from openpyxl import load_workbook


async def _report(people, tree, year):
    plan = await year.adopted_plan(year=2015)
    await year.finding_with_action_plan(plan)
    auditor = people(["internal_auditor"], subject="auditor-a")
    report = (await auditor.post("/reports", {
        "committee_id": str(tree["SDN-SPT"]), "year": 2015, "period": "T2",
        "title": "Internkontroll 2015 med tertialrapport 2", "meeting_date": "2015-09-24",
    }, expect=201)).json()
    return auditor, f"/reports/{report['id']}", report


async def test_a_report_is_frozen_when_sending_is_requested_and_sent_by_another(people, tree, year, log_rows):
    auditor, path, report = await _report(people, tree, year)
    await auditor.get(f"{path}/snapshot", expect=409)
    await auditor.patch(path, {"meeting_date": "2015-09-25"}, expect=200, if_match_of=path)
    frozen = (await auditor.post(f"{path}/sending-request", {"registration_number": "SDN 2015/321"}, expect=200,
                                 if_match_of=path)).json()
    assert frozen["status"] == "sending_requested" and frozen["registration_number"] == "SDN 2015/321"

    snapshot = await auditor.get(f"{path}/snapshot")
    assert hashlib.sha256(snapshot.content).hexdigest() == frozen["sha256"]
    document = snapshot.json()
    assert (document["meeting_date"], document["registration_number"], document["period"]) == ("2015-09-25", "SDN 2015/321", "T2")
    assert document["summary"]["controls"] == 1 and document["summary"]["reviews_with_deficiencies"] == 1
    assert document["summary"]["findings_by_severity"] == {"high": 1}
    assert document["findings"][0]["unit"]["code"] == "SDF-SPT-FSK"
    assert document["control_plan"]["decision"]["reference"] == "SDN 2015/12 § 7"
    for subject in ("chef-fsk", "granskare-1", "nämnd-1", "auditor-a"):
        assert subject not in snapshot.content.decode(), "no people in the document"

    edit = await auditor.patch(path, {"title": "Ny titel"}, expect=409, if_match_of=path)
    assert edit.json()["type"].endswith("/report-frozen")
    own = await auditor.post(f"{path}/sending", expect=403, if_match_of=path)
    assert own.json()["type"].endswith("/own-request")
    sent = (await people(["controller"], subject="controller-1").post(f"{path}/sending", expect=200, if_match_of=path)).json()
    assert sent["status"] == "sent" and sent["sent_by"] == "controller-1"

    # Later changes to the data do not touch the sent report.
    await year.adopted_plan(year=2016)
    again = await auditor.get(f"{path}/snapshot")
    assert again.content == snapshot.content
    await auditor.patch(path, {"title": "Ny titel"}, expect=409, if_match_of=path)
    assert (await auditor.get(path)).json()["title"] == "Internkontroll 2015 med tertialrapport 2"
    refused = [(e["action"], e["after"]["problem"]) for e in await log_rows(outcome="refused")]
    assert refused == [  # the refused GET of a draft snapshot is a read, not logged
        ("change_report", "report-frozen"), ("send_report", "own-request"), ("change_report", "report-frozen"),
    ]

    download = await auditor.get(f"{path}/snapshot.xlsx")
    assert download.headers["etag"] == f'W/"{frozen["sha256"]}.xlsx"'  # its own validator, the JSON's is "<sha256>"
    workbook = load_workbook(io.BytesIO(download.content))
    assert workbook.sheetnames == ["Sammanfattning", "Internkontrollplan", "Granskningar", "Brister", "Uppföljning"]
    summary = {row[0]: row[1] for row in workbook["Sammanfattning"].iter_rows(values_only=True)}
    assert summary["Diarienummer"] == "SDN 2015/321" and summary["SHA-256"] == frozen["sha256"] and summary["Öppna brister"] == 1
    findings = list(workbook["Brister"].iter_rows(values_only=True))
    assert findings[1][1:5] == ("SDF-SPT-FSK", "Förskola", "Hög", "Fakturor betalas utan attest.")


async def test_reports_follow_the_committee_and_one_per_period(people, tree, year):
    auditor, path, report = await _report(people, tree, year)
    await people(["committee"], org_code="SDN-RKI").get(path, expect=403)
    assert [r["id"] for r in (await people(["committee"]).get("/reports")).json()["items"]] == [report["id"]]
    twice = await auditor.post("/reports", {"committee_id": str(tree["SDN-SPT"]), "year": 2015, "period": "T2",
                                            "title": "x", "meeting_date": "2015-09-24"}, expect=409)
    assert twice.json()["type"].endswith("/report-exists")
