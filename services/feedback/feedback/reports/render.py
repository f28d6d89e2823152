"""XLSX and CSV of a frozen report, rendered from its JSON snapshot only (never from live data)."""

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

KIND_SV = {"complaint": "Klagomål", "suggestion": "Förslag", "praise": "Beröm", "question": "Fråga"}
UNIT_KIND_SV = {"committee": "Nämnd", "administration": "Förvaltning", "department": "Avdelning", "unit": "Enhet",
                "contractor": "Entreprenör"}
FIGURE_HEADER = [
    "Ärenden", "Klagomål", "Förslag", "Beröm", "Frågor", "Median arbetsdagar till bekräftelse", "P90 arbetsdagar till bekräftelse",
    "Median arbetsdagar till svar", "P90 arbetsdagar till svar", "Andel bekräftade i tid", "Andel besvarade i tid",
    "Garantier som inte hållits", "Upprepade klagomål", "Betyg (antal)", "Medelbetyg",
]
SUPPRESSED = "–"  # shown for a suppressed cell (fewer than the minimum, or protecting one)


def _cell(value):
    return SUPPRESSED if value is None else value


def _figures(row: dict[str, Any]) -> list:
    kinds = {entry["kind"]: entry["cases"] for entry in row.get("by_kind", [])}
    values = [
        row["cases"], *(kinds.get(kind, "") if kinds else "" for kind in KIND_SV),
        row["median_working_days_to_acknowledgement"], row["p90_working_days_to_acknowledgement"],
        row["median_working_days_to_answer"], row["p90_working_days_to_answer"],
        row["share_acknowledged_within_deadline"], row["share_answered_within_deadline"],
        row["guarantees_not_kept"], row["repeats"], row["satisfaction_ratings"], row["satisfaction_mean"],
    ]
    return [_cell(value) for value in values]


def rows(snapshot: dict[str, Any]) -> list[list]:
    """One table: the committee, every unit, then the breakdowns by category, kind and channel."""
    statistics = snapshot["statistics"]
    out = [["Indelning", "Nyckel", "Namn", *FIGURE_HEADER]]
    for unit in statistics["units"]:
        out.append([UNIT_KIND_SV.get(unit["unit_kind"], unit["unit_kind"]), unit["code"], unit["name"], *_figures(unit)])
    for label, key in (("Kategori", "by_category"), ("Slag", "by_kind_figures"), ("Kanal", "by_channel_figures")):
        for row in statistics[key]:
            out.append([label, row["key"], KIND_SV.get(row["key"], row["key"]) if key == "by_kind_figures" else row["key"], *_figures(row)])
    return out


def _summary(snapshot: dict[str, Any], sha256: str) -> list[tuple]:
    statistics = snapshot["statistics"]
    return [
        ("Rapport", snapshot["title"]), ("Nämnd", snapshot["committee"]["name"]), ("Period", snapshot["period"]),
        ("Diarienummer", snapshot["registration_number"]), ("Fryst", snapshot["frozen_at"]), ("SHA-256", sha256),
        ("Rättelse av", snapshot.get("corrects") or ""), ("Minsta cellstorlek", statistics["min_cell_size"]),
        ("Mottagna ärenden", _cell(statistics["received"])), ("Försenade", _cell(statistics["overdue"])),
        ("Garantier som inte hållits", _cell(statistics["guarantees_not_kept"])),
        ("Medelbetyg", _cell(statistics["average_rating"])),
    ]


def xlsx(snapshot: dict[str, Any], *, sha256: str) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Sammanfattning"
    for label, value in _summary(snapshot, sha256):
        summary.append([label, value])
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    sheet = workbook.create_sheet("Nyckeltal")
    for row in rows(snapshot):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    promises = workbook.create_sheet("Löften")
    promises.append(["Garanti", "Löfte", "Text", "Angivet av avsändare", "Hölls inte", "Hölls"])
    for promise in snapshot["statistics"]["promises"]:
        promises.append([promise["guarantee_id"] or "", promise["promise_id"], promise["promise_text"] or "",
                         _cell(promise["named"]), _cell(promise["broken"]), _cell(promise["kept"])])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(snapshot: dict[str, Any]) -> str:
    """Semicolon-separated with a decimal comma, as Swedish spreadsheets read it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows(snapshot):
        writer.writerow([str(value).replace(".", ",") if isinstance(value, float) else value for value in row])
    return out.getvalue()
