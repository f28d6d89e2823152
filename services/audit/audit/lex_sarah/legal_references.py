"""The legal references (lagrum) of lex Sarah as versioned data, loaded by migration 0004.

Socialtjänstlagen (2001:453) was replaced by socialtjänstlagen (2025:400) from 1 July 2025
(prop. 2024/25:89). A case keeps the ids of the references in force on the day it was reported,
so a 2014 case cites 14 kap. SoL (2001:453) for ever. The chapter and section numbers of the new
act were not available to check when this was written; its rows name the act and the provisions'
content, and a later migration adds the exact sections as a new version (docs/decisions.md).
Ids are fixed (uuid5) so every database holds the same rows.
"""

import uuid
from datetime import date
from typing import NamedTuple

NAMESPACE = uuid.UUID("7c0f3f3e-5a39-4d7e-9a55-1e5a7ab0c2f1")
SOL_2001, SOL_2025, LSS, SOSFS = "Socialtjänstlag (2001:453)", "Socialtjänstlag (2025:400)", \
    "Lag (1993:387) om stöd och service till vissa funktionshindrade", "SOSFS 2011:5 (lex Sarah)"
LEX_SARAH_2011, NEW_ACT = date(2011, 7, 1), date(2025, 7, 1)


class Reference(NamedTuple):
    id: uuid.UUID
    topic: str
    act: str
    provision: str
    title: str
    valid_from: date
    valid_to: date | None


def _ref(topic: str, act: str, provision: str, title: str, valid_from: date, valid_to: date | None) -> Reference:
    return Reference(uuid.uuid5(NAMESPACE, f"{act}|{provision}|{topic}"), topic, act, provision, title, valid_from, valid_to)


REFERENCES = (
    _ref("report_duty", SOL_2001, "14 kap. 3 §", "Skyldighet att rapportera missförhållanden och påtagliga risker för "
         "missförhållanden", LEX_SARAH_2011, NEW_ACT),
    _ref("remedy_and_investigate", SOL_2001, "14 kap. 6 §", "Missförhållandet ska dokumenteras, utredas och avhjälpas eller "
         "undanröjas utan dröjsmål", LEX_SARAH_2011, NEW_ACT),
    _ref("ivo_notification", SOL_2001, "14 kap. 7 §", "Allvarliga missförhållanden och påtagliga risker för allvarliga "
         "missförhållanden anmäls snarast till Inspektionen för vård och omsorg", LEX_SARAH_2011, NEW_ACT),
    _ref("report_duty", SOL_2025, "lex Sarah: rapporteringsskyldighet", "Skyldighet att rapportera missförhållanden och påtagliga "
         "risker för missförhållanden (ersätter 14 kap. 3 § SoL 2001:453)", NEW_ACT, None),
    _ref("remedy_and_investigate", SOL_2025, "lex Sarah: utredning och avhjälpande", "Dokumentera, utreda och avhjälpa eller "
         "undanröja missförhållandet (ersätter 14 kap. 6 § SoL 2001:453)", NEW_ACT, None),
    _ref("ivo_notification", SOL_2025, "lex Sarah: anmälan till IVO", "Anmälan av allvarliga missförhållanden till Inspektionen "
         "för vård och omsorg (ersätter 14 kap. 7 § SoL 2001:453)", NEW_ACT, None),
    _ref("lss", LSS, "24 a–24 g §§", "Lex Sarah inom verksamhet enligt LSS", LEX_SARAH_2011, None),
    _ref("regulation", SOSFS, "3–7 kap.", "Socialstyrelsens föreskrifter och allmänna råd om lex Sarah: rutiner, rapport, "
         "utredning (dess innehåll) och anmälan", LEX_SARAH_2011, None),
)
