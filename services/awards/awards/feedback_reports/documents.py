"""PDF and DOCX of a released feedback report (återkopplingsrapport), rendered from its frozen snapshot only.

PDF with fpdf2 and DOCX with python-docx, both pure Python. The PDF embeds DejaVu Sans, a TrueType
font with every Swedish letter (å ä ö Å Ä Ö é), taken from matplotlib's bundled fonts, so a fresh
machine needs nothing from the operating system's packages. The documents name the unit, the
round and the registration number, never a person.
"""

import importlib.util
import io
from functools import cache
from pathlib import Path

from docx import Document
from docx.shared import Pt
from fpdf import FPDF

LENS_LABELS = {
    "benefit_to_residents": "nytta för medborgarna",
    "spreading_good_examples": "sprida och använda goda exempel",
    "analysis_for_improvement": "analys för ständiga förbättringar",
}


@cache
def font_dir() -> Path:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib (which ships the DejaVu fonts) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


def _finding_line(finding: dict) -> str:
    lenses = ", ".join(LENS_LABELS.get(lens, lens) for lens in finding.get("lenses", []))
    questions = ", ".join(finding.get("questions", []))
    tail = "; ".join(part for part in (f"perspektiv: {lenses}" if lenses else "", f"frågor: {questions}" if questions else "") if part)
    return f"{finding['text']}" + (f" ({tail})" if tail else "")


def _heading(document: dict) -> list[str]:
    unit = document["unit"]
    return [
        f"Enhet: {unit['name'] or unit['code'] or unit['id']}",
        f"Diarienummer: {document['registration_number']}",
        f"Lämnad: {document['released_on']}",
    ]


def _band_text(area: dict) -> str | None:
    if not area.get("band"):
        return None
    return f"Poängintervall {area['band'].replace('-', '–')}: {area.get('band_label') or ''}".rstrip(": ")


def _provenance(sha256: str) -> str:
    return f"Återgiven ur rapportens frysta ögonblicksbild, SHA-256 {sha256}."


class _ReportPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, f"Sida {self.page_no()}/{{nb}}", align="C")


def render_pdf(document: dict, *, sha256: str) -> bytes:
    pdf = _ReportPDF(format="A4")
    pdf.set_title(document["title"])
    pdf.set_creator("Stockholms stad, Kvalitetsutmärkelsen")
    fonts = font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(width, 8, document["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    for line in _heading(document):
        pdf.multi_cell(width, 5, line, new_x="LMARGIN", new_y="NEXT")
    if document.get("summary"):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(width, 7, "Sammanfattning", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=10)
        pdf.multi_cell(width, 5, document["summary"], new_x="LMARGIN", new_y="NEXT")
    for area in document["areas"]:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(width, 7, f"{area['number']}. {area['title']}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=10)
        band = _band_text(area)
        if band:
            pdf.multi_cell(width, 5, band, new_x="LMARGIN", new_y="NEXT")
        for label, key in (("Styrkor", "strengths"), ("Förbättringsområden", "improvements")):
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(width, 6, label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", size=10)
            findings = area.get(key) or []
            if not findings:
                pdf.multi_cell(width, 5, "–", new_x="LMARGIN", new_y="NEXT")
            for finding in findings:
                pdf.set_x(pdf.l_margin + 3)
                pdf.multi_cell(width - 3, 5, f"• {_finding_line(finding)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", size=7)
    pdf.multi_cell(width, 4, _provenance(sha256), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_docx(document: dict, *, sha256: str) -> bytes:
    docx = Document()
    docx.core_properties.title = document["title"]
    docx.core_properties.author = "Stockholms stad, Kvalitetsutmärkelsen"
    docx.styles["Normal"].font.size = Pt(10)
    docx.add_heading(document["title"], level=0)
    for line in _heading(document):
        docx.add_paragraph(line)
    if document.get("summary"):
        docx.add_heading("Sammanfattning", level=1)
        docx.add_paragraph(document["summary"])
    for area in document["areas"]:
        docx.add_heading(f"{area['number']}. {area['title']}", level=1)
        band = _band_text(area)
        if band:
            docx.add_paragraph(band)
        for label, key in (("Styrkor", "strengths"), ("Förbättringsområden", "improvements")):
            docx.add_heading(label, level=2)
            findings = area.get(key) or []
            if not findings:
                docx.add_paragraph("–")
            for finding in findings:
                docx.add_paragraph(_finding_line(finding), style="List Bullet")
    docx.add_paragraph(_provenance(sha256)).runs[0].font.size = Pt(7)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
