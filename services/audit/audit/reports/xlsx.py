"""XLSX of a frozen report, rendered from its JSON snapshot only (never from live data)."""

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

SEVERITY_SV = {"low": "Låg", "medium": "Medel", "high": "Hög", "critical": "Allvarlig"}
STATUS_SV = {"open": "Öppen", "closure_requested": "Avslut begärt", "closed": "Avslutad"}
RESULT_SV = {"no_remarks": "Utan anmärkning", "deficiencies": "Brister"}


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)


def _finding_rows(findings: list[dict]) -> list[list[Any]]:
    rows = []
    for f in findings:
        plan = f["action_plan"] or {}
        rows.append([
            f["plan_year"], f["unit"]["code"], f["unit"]["name"], SEVERITY_SV[f["severity"]], f["description"], f["root_cause"],
            STATUS_SV[f["status"]], plan.get("action"), plan.get("deadline"), plan.get("status"), plan.get("effect"),
            f["unresolved_on"], "; ".join(c["title"] for c in f["proposed_commitments"]),
        ])
    return rows


FINDING_HEADER = [
    "År", "Enhetskod", "Enhet", "Allvarlighetsgrad", "Brist", "Orsak", "Status", "Åtgärd", "Klart senast",
    "Åtgärdsstatus", "Effekt", "Kvarstående sedan", "Föreslaget åtagande",
]


def render(snapshot: dict[str, Any], *, sha256: str) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Sammanfattning"
    committee = snapshot["committee"]
    for label, value in (
        ("Rapport", snapshot["title"]), ("Nämnd", committee["name"]), ("År", snapshot["year"]), ("Period", snapshot["period"]),
        ("Sammanträde", snapshot["meeting_date"]), ("Diarienummer", snapshot.get("registration_number")),
        ("Fryst", snapshot["frozen_at"]), ("SHA-256", sha256),
        ("Kontrollmoment", snapshot["summary"]["controls"]), ("Granskningar", snapshot["summary"]["reviews"]),
        ("Granskningar med brister", snapshot["summary"]["reviews_with_deficiencies"]),
        ("Öppna brister", snapshot["summary"]["findings_open"]),
        ("Förra årets brister avslutade", snapshot["summary"]["follow_up_closed"]),
        ("Förra årets brister kvarstående", snapshot["summary"]["follow_up_unresolved"]),
    ):
        summary.append([label, value])
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    plan = snapshot["control_plan"] or {"items": []}
    _sheet(workbook, "Internkontrollplan", ["Vad kontrolleras", "Metod", "Urval", "Frekvens", "Ansvarig enhet", "Granskarens enhet"], [
        [i["control_object"], i["method"], i["sample"], i["frequency"], i["responsible_unit"]["name"], i["reviewer_unit"]["name"]]
        for i in plan["items"]
    ])
    _sheet(workbook, "Granskningar", ["Datum", "Metod", "Urval", "Resultat", "Sammanfattning"], [
        [r["performed_on"], r["method"], r["sample"], RESULT_SV[r["result"]], r["summary"]] for r in snapshot["reviews"]
    ])
    _sheet(workbook, "Brister", FINDING_HEADER, _finding_rows(snapshot["findings"]))
    _sheet(workbook, "Uppföljning", FINDING_HEADER, _finding_rows(snapshot["follow_up"]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
