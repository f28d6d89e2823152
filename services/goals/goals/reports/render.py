"""XLSX and CSV of a report, rendered from its document alone (a snapshot's stored JSON, or the live one).

Both come from the same tables, so a spreadsheet's cells are the document's figures: shares and
coverage as fractions (0.8 is 80 %), scores as computed, amounts in the table's own unit. The CSV
is the tables one after another, each row starting with its section's name (UTF-8, RFC 4180).
"""

import csv
import io
from dataclasses import dataclass
from typing import Any

from contracts.lex_sarah import AREA_NAMES_SV
from openpyxl import Workbook
from openpyxl.styles import Font

from servicekit import snapshots

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
RENDERED = ("xlsx", "csv")
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
FOREIGN_HEADER = ["Uppgifter från synpunktshanteringen, lex Sarah och Kvalitetsutmärkelsen"]


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


SUPPRESSED = "–"  # a cell feedback suppressed (below its minimum cell size, or protecting one that is)
KIND_SV = {"complaint": "Klagomål", "suggestion": "Förslag", "praise": "Beröm", "question": "Frågor"}
UNIT_KIND_SV = {"committee": "Nämnd", "administration": "Förvaltning", "department": "Avdelning", "unit": "Enhet",
                "contractor": "Utförare"}
PRIZE_SV = {"quality_award": "Kvalitetsutmärkelsen", "renewal_prize": "Förnyelsepriset"}
PLACEMENT_SV = {"winner": "Vinnare", "honourable_mention": "Hedersomnämnande"}
COMPLAINT_HEADER = [
    "Enhet", "Enhetstyp", "Ärenden", *(KIND_SV[kind] for kind in KIND_SV),
    "Median arbetsdagar till bekräftelse", "P90 arbetsdagar till bekräftelse", "Median arbetsdagar till svar",
    "P90 arbetsdagar till svar", "Andel bekräftade inom tidsgräns", "Andel besvarade inom tidsgräns", "Garantier ej hållna",
    "Upprepade klagomål", "Nöjdhet (antal svar)", "Nöjdhet (medel)",
]
LEX_SARAH_HEADER = ["År", "Rapporter", "Allvarliga", "Andel allvarliga", "IVO-anmälningar", "Avslutade", "Ändrade rutiner"]
AWARD_HEADER = ["Pris", "Placering", "År", "Enhet", "Motivering"]
GOOD_EXAMPLE_HEADER = ["Titel", "År", "Enhet", "Områden"]


def unit_names(document: dict) -> dict[str, str]:
    """The names the document itself gives units (the committee, commitments' and budget's units); others by id."""
    names = {str(unit["id"]): unit["name"] for unit in (
        *(c["unit"] for c in document["commitments"]), *(b["unit"] for b in document["budget"]),
        *document.get("foreign_units", ()),  # absent from snapshots submitted before it was added
    ) if unit.get("name")}
    committee = document["committee"]
    if committee.get("id"):
        names[str(committee["id"])] = committee["name"]
    return names


def shown(value: Any) -> Any:
    return SUPPRESSED if value is None else value


def complaint_row(figures: dict, names: dict[str, str]) -> list[Any]:
    by_kind = {item["kind"]: item["cases"] for item in figures["by_kind"]}
    return [
        names.get(str(figures["unit_id"]), str(figures["unit_id"])), UNIT_KIND_SV.get(figures["unit_kind"], figures["unit_kind"]),
        shown(figures["cases"]), *(shown(by_kind[kind]) if kind in by_kind else None for kind in KIND_SV),
        *(shown(figures[key]) for key in (
            "median_working_days_to_acknowledgement", "p90_working_days_to_acknowledgement", "median_working_days_to_answer",
            "p90_working_days_to_answer", "share_acknowledged_within_deadline", "share_answered_within_deadline",
            "guarantees_not_kept", "repeats", "satisfaction_ratings", "satisfaction_mean",
        )),
    ]


def _foreign(foreign: dict, names: dict[str, str]) -> list[list[Any]]:
    """The figures of feedback, audit and awards as tables one under another, each under its heading."""
    rows: list[list[Any]] = [["Klagomål och synpunkter"]]
    complaints = foreign.get("complaints")
    listed = [] if complaints is None else [f for f in (complaints["committee"], *complaints["units"]) if f is not None]
    if listed:
        minimum = sorted({f["minimum_cell"] for f in listed})
        rows.append([f"Färre än {', '.join(map(str, minimum))} ärenden visas som {SUPPRESSED} (minsta cellstorlek; "
                     "skyddar också celler som annars kunde räknas fram). Andelar som bråkdel (0,8 = 80 %)."])
        rows.append(COMPLAINT_HEADER)
        rows.extend(complaint_row(figures, names) for figures in listed)
    else:
        rows.append(["Inga uppgifter från synpunktshanteringen för perioden."])
    rows += [[], ["Lex Sarah"]]
    summary = foreign.get("lex_sarah")
    if summary is None:
        rows.append(["Ingen sammanställning för perioden (endast i verksamhetsberättelsen)."])
    else:
        rows.append(LEX_SARAH_HEADER)
        rows.append([summary["year"], *(summary[key] for key in (
            "reports", "serious", "share_serious", "ivo_notifications", "closed", "routines_changed"))])
        rows.append(["Område", "Rapporter"])
        rows.extend([AREA_NAMES_SV.get(area["area"], area["area"]), area["reports"]] for area in summary["by_area"])
    rows += [[], ["Utmärkelser"]]
    if foreign.get("awards"):
        rows.append(AWARD_HEADER)
        rows.extend([PRIZE_SV.get(a["prize"], a["prize"]), PLACEMENT_SV.get(a["placement"], a["placement"]), a.get("year"),
                     names.get(str(a["unit_id"]), str(a["unit_id"])), a["rationale"]] for a in foreign["awards"])
    else:
        rows.append(["Inga utmärkelser under året."])
    rows += [[], ["Goda exempel"]]
    if foreign.get("good_examples"):
        rows.append(GOOD_EXAMPLE_HEADER)
        rows.extend([e["title"], e["year"], names.get(str(e["unit_id"]), str(e["unit_id"])), ", ".join(e["areas"])]
                    for e in foreign["good_examples"])
    else:
        rows.append(["Inga goda exempel publicerade."])
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
        Sheet("Från andra tjänster", FOREIGN_HEADER, _foreign(document["foreign"], unit_names(document))),
    ]


def etag(sha256: str, chosen: str) -> str:
    """The ETag of a frozen report in one format: JSON the stored bytes' SHA-256 (strong), XLSX and
    CSV their own weak tags (``snapshots.rendered_etag``: rendered again on each request)."""
    if chosen in RENDERED:
        return snapshots.rendered_etag(sha256, chosen)
    return snapshots.etag(sha256)


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
