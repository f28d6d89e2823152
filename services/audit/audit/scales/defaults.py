"""The city's 4×4 scale (Stockholms stads riskmatris), installed by migration 0003 as the default.

Risk value (riskvärde) = probability × consequence, 1–16; the grid names each cell's level.
"""

CITY_SCALE = {
    "code": "STHLM-4X4",
    "name": "Stockholms stads riskmatris 4×4",
    "description": "Sannolikhet × konsekvens ger riskvärdet 1–16; rutnätet anger risknivån.",
    "probability_levels": [
        {"value": 1, "label": "Osannolik", "description": "Risken är praktiskt taget obefintlig att fel ska uppstå."},
        {"value": 2, "label": "Mindre sannolik", "description": "Risken är mycket liten att fel ska uppstå."},
        {"value": 3, "label": "Möjlig", "description": "Det finns en möjlig risk att fel ska uppstå."},
        {"value": 4, "label": "Sannolik", "description": "Det är mycket troligt att fel kommer att uppstå."},
    ],
    "consequence_levels": [
        {"value": 1, "label": "Försumbar", "description": "Obetydlig konsekvens för verksamheten, brukarna eller ekonomin."},
        {"value": 2, "label": "Lindrig", "description": "Konsekvensen uppfattas som liten av berörda."},
        {"value": 3, "label": "Kännbar", "description": "Konsekvensen uppfattas som besvärande av berörda."},
        {"value": 4, "label": "Allvarlig", "description": "Konsekvensen är så stor att verksamheten inte når sina mål."},
    ],
    "levels": [
        {"key": "low", "label": "Låg", "description": "Riskvärde 1–3: hanteras i den löpande verksamheten."},
        {"key": "medium", "label": "Medel", "description": "Riskvärde 4–6: bevakas; åtgärder övervägs."},
        {"key": "high", "label": "Hög", "description": "Riskvärde 8–9: åtgärder och kontroll i internkontrollplanen."},
        {"key": "very_high", "label": "Mycket hög", "description": "Riskvärde 12–16: åtgärdas omedelbart och kontrolleras."},
    ],
    # Rows by probability 1..4, columns by consequence 1..4.
    "grid": [
        ["low", "low", "low", "medium"],
        ["low", "medium", "medium", "high"],
        ["low", "medium", "high", "very_high"],
        ["medium", "high", "very_high", "very_high"],
    ],
}
