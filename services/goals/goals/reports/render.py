"""XLSX and CSV of a report, rendered from its document alone (a snapshot's stored JSON, or the live one).

Both come from the same tables, so a spreadsheet's cells are the document's figures: shares and
coverage as fractions (0.8 is 80 %), scores as computed, amounts in the table's own unit. The CSV
is the tables one after another, each row starting with its section's name (UTF-8, RFC 4180).
"""

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
ASSESSMENT_SV = {"fulfilled": "Uppfyllt", "partly_fulfilled": "Delvis uppfyllt", "not_fulfilled": "Ej uppfyllt", None: None}
GOAL_HEADER = [
    "Mål-id", "Mål", "Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt", "Ej rapporterat", "Totalt", "Täckningsgrad",
    "Poäng", "Beräknad måluppfyllelse", "Regel", "Nämndens bedömning", "Nämndens analys", "Beräkning",
]
INPUT_HEADER = ["Mål-id", "Typ", "Källa-id", "Titel", "Bedömning", "Poäng", "Vikt"]
COMMITMENT_HEADER = [
    "Åtagande-id", "Enhetskod", "Enhet", "Åtagande", "Nämndmål-id", "Version", "Förslag till bedömning", "Bedömning",
    "Utfall", "Resultat", "Analys", "Fortsatt arbete", "Rapporterad", "Sen",
]
INDICATOR_HEADER = [
    "Indikator", "Kod", "Mått", "Mål-id", "Åtagande-id", "Enhet-id", "Period", "Kön", "Jämförelse", "Målvärde", "Utfall", "Uppnått",
]
BUDGET_HEADER = ["Enhetskod", "Enhet", "År", "Belopp i", "Rad", "Budget", "Utfall", "Avvikelse"]
FOREIGN_HEADER = ["Avsnitt", "Nr", "Fält", "Värde"]


@dataclass(frozen=True)
class Sheet:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _summary(document: dict, *, sha256: str | None) -> list[list[Any]]:
    frozen = document.get("frozen") or {}
    rows = [
        ["Rapport", document["title"]], ["Nämnd", document["committee"]["name"]], ["Nämndens kod", document["committee"]["code"]],
        ["Period", document["period"]], ["Status", "Inlämnad" if frozen else "Aktuella uppgifter (ej inlämnad)"],
        ["Diarienummer", frozen.get("registration_number")], ["Version", frozen.get("version")],
        ["Rättelse av", frozen.get("supersedes_id")], ["Inlämnad", frozen.get("submitted_at")], ["SHA-256", sha256],
        ["Regel", f"{document['rule']['code']} v{document['rule']['version']}"],
    ]
    labels = {
        "goals": "Mål", "commitments": "Åtaganden", "commitments_fulfilled": "Åtaganden uppfyllda",
        "commitments_partly_fulfilled": "Åtaganden delvis uppfyllda", "commitments_not_fulfilled": "Åtaganden ej uppfyllda",
        "commitments_not_reported": "Åtaganden ej rapporterade", "targets": "Målvärden", "targets_met": "Målvärden uppnådda",
    }
    return rows + [[labels.get(key, key), value] for key, value in document["summary"].items()]


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _flatten(f"{prefix}.{key}" if prefix else key, item)]
    if isinstance(value, list):
        return [(prefix, ", ".join(str(item) for item in value))] if all(not isinstance(i, dict | list) for i in value) else [
            pair for n, item in enumerate(value) for pair in _flatten(f"{prefix}[{n}]", item)
        ]
    return [(prefix, value)]


def _foreign(foreign: dict) -> list[list[Any]]:
    rows = []
    for section, content in foreign.items():
        items = content if isinstance(content, list) else [] if content is None else [content]
        for n, item in enumerate(items, 1):
            rows.extend([section, n, field, value] for field, value in _flatten("", item))
    return rows


def sheets(document: dict, *, sha256: str | None) -> list[Sheet]:
    goals, inputs = [], []
    for goal in document["goals"]:
        d, f, verdict = goal["distribution"], goal["fulfilment"], goal["committee_verdict"] or {}
        goals.append([
            goal["id"], goal["title"], d["fulfilled"]["count"], d["partly_fulfilled"]["count"], d["not_fulfilled"]["count"],
            d["not_reported"]["count"], d["total"], d["coverage"], f["score"], ASSESSMENT_SV[f["assessment"]],
            f"{goal['explanation']['rule']['code']} v{goal['explanation']['rule']['version']}",
            ASSESSMENT_SV[verdict.get("assessment")], verdict.get("analysis"), goal["explanation"]["formula"],
        ])
        inputs.extend(
            [goal["id"], i["kind"], i["id"], i["title"], ASSESSMENT_SV[i["verdict"]], i["score"], i["weight"]]
            for i in goal["explanation"]["inputs"]
        )
    commitments = []
    for c in document["commitments"]:
        f = c["follow_up"] or {}
        commitments.append([
            c["id"], c["unit"]["code"], c["unit"]["name"], c["title"], c["committee_goal_id"], c["version"],
            ASSESSMENT_SV[f.get("suggested_assessment")], ASSESSMENT_SV[f.get("assessment")], f.get("outcome_value"),
            f.get("result"), f.get("analysis"), f.get("next_steps"), f.get("reported_on"),
            None if not f else ("Ja" if f["late"] else "Nej"),
        ])
    indicators = [
        [i["indicator"]["title"], i["indicator"]["code"], i["indicator"]["unit_of_measure"], i["goal_id"], i["commitment_id"],
         i["unit_id"], i["period"], i["gender"], i["comparison"], i["target"], i["value"],
         None if i["met"] is None else ("Ja" if i["met"] else "Nej")]
        for i in document["indicators"]
    ]
    budget = [
        [b["unit"]["code"], b["unit"]["name"], b["year"], b["amount_unit"], line["name_sv"], line["budget"], line["outcome"],
         line["deviation"]]
        for b in document["budget"] for line in b["lines"]
    ]
    return [
        Sheet("Sammanfattning", ["Uppgift", "Värde"], _summary(document, sha256=sha256)),
        Sheet("Mål", GOAL_HEADER, goals),
        Sheet("Underlag", INPUT_HEADER, inputs),
        Sheet("Åtaganden", COMMITMENT_HEADER, commitments),
        Sheet("Indikatorer", INDICATOR_HEADER, indicators),
        Sheet("Budget", BUDGET_HEADER, budget),
        Sheet("Från andra tjänster", FOREIGN_HEADER, _foreign(document["foreign"])),
    ]


def xlsx(document: dict, *, sha256: str | None) -> bytes:
    workbook = Workbook(write_only=False)
    workbook.remove(workbook.active)
    for sheet in sheets(document, sha256=sha256):
        out = workbook.create_sheet(sheet.title)
        out.append(sheet.header)
        for cell in out[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            out.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(document: dict, *, sha256: str | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for sheet in sheets(document, sha256=sha256):
        writer.writerow([sheet.title, *sheet.header])
        writer.writerows([sheet.title, *row] for row in sheet.rows)
    return buffer.getvalue()
