"""The committee's feedback report per period: frozen at submission, rendered from the snapshot,
corrected only by a correction that supersedes it (both kept)."""

import csv
import hashlib
import io

import orjson
from openpyxl import load_workbook

P = "/feedback/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_submitted_report_is_frozen_and_a_correction_supersedes_it(api, org):
    api.harness.app.state.statistics_min_cell = 1
    committee = org["SDN-SPT"]
    for number in range(3):
        await api.create(unit_id=str(org["FSK-UGGLAN"]), received_at=f"2015-0{number + 2}-03T10:00:00+01:00",
                         description=f"Synpunkt {number} {'z' * number}")
    async with api.staff("SDN-SPT", roles=["controller"], subject="controller-1") as controller, \
            api.staff("FSK-UGGLAN") as handler, api.staff("SDN-BRO", roles=["controller"]) as bromma:
        path = f"{P}/committees/{committee}/statistics-reports"
        refused = await handler.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/101"})
        outside = await bromma.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/101"})
        bad = await controller.post(path, json={"period": "2015-T4", "registration_number": "SDN-SPT-2015/101"})
        assert (refused.status_code, outside.status_code, bad.status_code) == (403, 403, 422)
        assert (await controller.get(path)).json() == []  # nothing was stored by the refused ones

        first = await controller.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/101"})
        assert first.status_code == 201, first.text
        report = first.json()
        assert (report["status"], report["submitted_by"], report["period"]) == ("submitted", "controller-1", "2015-T1")
        snapshot = await controller.get(f"{P}/statistics-reports/{report['id']}/snapshot")
        assert hashlib.sha256(snapshot.content).hexdigest() == report["sha256"] == snapshot.headers["etag"].strip('"')
        document = orjson.loads(snapshot.content)
        assert (document["registration_number"], document["statistics"]["received"]) == ("SDN-SPT-2015/101", 3)

        # A case registered late for February: the frozen report does not change, the live statistics do.
        await api.create(unit_id=str(org["FSK-BJORKEN"]), received_at="2015-02-10T10:00:00+01:00", description="Sen registrering")
        again = await controller.get(f"{P}/statistics-reports/{report['id']}/snapshot")
        assert again.content == snapshot.content
        live = (await controller.get(f"{P}/committees/{committee}/statistics", params={"period": "2015-T1"})).json()
        assert live["received"] == 4

        twice = await controller.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/102"})
        assert twice.status_code == 409 and twice.json()["type"].endswith("/report-submitted")
        no_reason = await controller.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/102",
                                                      "corrects": report["id"]})
        assert no_reason.status_code == 422
        corrected = await controller.post(path, json={
            "period": "2015-T1", "registration_number": "SDN-SPT-2015/102", "corrects": report["id"],
            "correction_reason": "Ett ärende registrerades sent"})
        assert corrected.status_code == 201, corrected.text
        correction = corrected.json()
        listed = {r["id"]: r for r in (await controller.get(path, params={"period": "2015-T1"})).json()}
        assert (listed[report["id"]]["status"], listed[report["id"]]["superseded_by_id"]) == ("superseded", correction["id"])
        assert (listed[correction["id"]]["status"], listed[correction["id"]]["corrects_id"]) == ("submitted", report["id"])
        assert (await controller.get(f"{P}/statistics-reports/{report['id']}/snapshot")).content == snapshot.content
        stale = await controller.post(path, json={"period": "2015-T1", "registration_number": "SDN-SPT-2015/103",
                                                  "corrects": report["id"], "correction_reason": "Igen"})
        assert stale.status_code == 422  # the superseded one is no longer the report in force

        workbook = await controller.get(f"{P}/statistics-reports/{correction['id']}/snapshot.xlsx")
        table = await controller.get(f"{P}/statistics-reports/{correction['id']}/snapshot.csv")
        assert (await bromma.get(f"{P}/statistics-reports/{correction['id']}/snapshot.xlsx")).status_code == 403
    assert workbook.status_code == 200 and workbook.headers["content-type"] == XLSX
    # Each format its own validator from the snapshot's digest: the JSON's strong, the renderings' weak.
    assert (workbook.headers["etag"], table.headers["etag"]) == (f'W/"{correction["sha256"]}.xlsx"', f'W/"{correction["sha256"]}.csv"')
    assert workbook.headers["content-disposition"] == 'attachment; filename="synpunkter-2015-T1-SDN-SPT-2015-102.xlsx"'
    sheets = load_workbook(io.BytesIO(workbook.content))
    summary = {row[0]: row[1] for row in sheets["Sammanfattning"].iter_rows(values_only=True)}
    assert (summary["Diarienummer"], summary["Mottagna ärenden"], summary["SHA-256"]) == ("SDN-SPT-2015/102", 4, correction["sha256"])
    figures = {(row[0], row[1]): row[3] for row in sheets["Nyckeltal"].iter_rows(min_row=2, values_only=True)}
    assert (figures[("Nämnd", "SDN-SPT")], figures[("Enhet", "FSK-UGGLAN")], figures[("Enhet", "FSK-BJORKEN")]) == (4, 3, 1)
    rows = list(csv.reader(io.StringIO(table.text), delimiter=";"))
    assert rows[0][:4] == ["Indelning", "Nyckel", "Namn", "Ärenden"]
    assert {(row[1], row[3]) for row in rows[1:] if row[0] == "Enhet"} == {("FSK-UGGLAN", "3"), ("FSK-BJORKEN", "1"), ("SDF-SPT-SM", "0")}


async def test_a_registration_number_beyond_latin1_still_downloads(api, org):
    """A diarienummer with a dash a header cannot carry (en dash) names the downloads in UTF-8, beside an ASCII name."""
    async with api.staff("SDN-SPT", roles=["controller"]) as controller:
        submitted = await controller.post(f"{P}/committees/{org['SDN-SPT']}/statistics-reports",
                                          json={"period": "2015-T1", "registration_number": "SDN–SPT 2015/104"})
        assert submitted.status_code == 201, submitted.text
        for extension in ("xlsx", "csv"):
            download = await controller.get(f"{P}/statistics-reports/{submitted.json()['id']}/snapshot.{extension}")
            assert download.status_code == 200
            assert download.headers["content-disposition"] == (
                f'attachment; filename="synpunkter-2015-T1-SDN-SPT 2015-104.{extension}"; '
                f"filename*=UTF-8''synpunkter-2015-T1-SDN%E2%80%93SPT%202015-104.{extension}")
