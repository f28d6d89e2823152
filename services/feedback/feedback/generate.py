"""``python -m feedback generate``: a year of a large city's feedback, reproducibly (seeded).

A Stockholm-like city: the 14 district committees (stadsdelsnämnder) sized by population, each
with its administration, departments (förskola, äldreomsorg, individ och familj,
funktionsnedsättning, kultur och fritid, stadsmiljö, medborgarservice) and their units, and 13
specialist committees (facknämnder: trafik, utbildning, kultur, idrott, miljö, ...). Its
organisation rows go into feedback's read model (under the city already there, if any), with
categories, routes, deadline rules and published quality guarantees; then by default 200,000
cases received over the year, walked through the lifecycle with their whole history as of a
date after the year (so late-December cases are still open): acknowledgement and answer delays
in working days (some late, escalated as the worker would), transfers from the central intake,
withdrawals, reopenings, residents' ratings, possible repeats flagged and decided, and promises
named and assessed as broken or kept. The distributions are in docs/decisions.md (feedback).

Rows are written straight into the tables (COPY, one transaction), as an import from an earlier
register would be: no events are published for them. Contact details are one sealed dummy (no
person's data) for every named case. The same seed (and the same city row already present)
gives the same rows; registration numbers come from the case-number sequence in order of
receipt, so they are the same in a fresh database.
"""

import argparse
import asyncio
import bisect
import hashlib
import itertools
import json
import math
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import orjson
from contracts.feedback import CaseStatus as S

from feedback.cases.tokens import derive_token, token_digest
from feedback.deadlines.calendar import STOCKHOLM, is_working_day
from feedback.repeats.similarity import most_similar

TREE_START = date(2010, 1, 1)
ANY = "*"
CENTRAL_INTAKE = "registrator-centrala"

CATEGORIES = (
    # code, name, description, group, keywords
    ("forskola", "Förskola", "Synpunkter på förskolan: pedagogik, mat, lokaler, bemötande.", "Utbildning", "förskola,barn"),
    ("skola", "Skola", "Grundskola och gymnasium: undervisning, skolmat, trygghet.", "Utbildning", "skola,elev"),
    ("aldreomsorg", "Äldreomsorg", "Hemtjänst, vård- och omsorgsboende, dagverksamhet.", "Omsorg", "hemtjänst,äldreboende"),
    ("individ-familj", "Individ- och familjeomsorg", "Socialtjänstens stöd till barn, unga och vuxna.", "Omsorg", "socialtjänst"),
    ("funktionsnedsattning", "Funktionsnedsättning", "Boenden, daglig verksamhet och stöd enligt LSS.", "Omsorg", "lss,boende"),
    ("stadsmiljo", "Parker, gator och stadsmiljö", "Skötsel, klotter, nedskräpning, lekplatser.", "Stadsmiljö", "park,klotter,lekplats"),
    ("gator-trafik", "Gator och trafik", "Vägarbeten, belysning, cykelbanor, trafiksäkerhet.", "Stadsmiljö", "gata,trafik,cykel"),
    ("snorojning", "Snöröjning och halkbekämpning", "Plogning, sandning och snöröjning av gator och gångvägar.", "Stadsmiljö", "snö,halka"),
    ("parkering", "Parkering", "Parkeringsplatser, avgifter och felparkering.", "Stadsmiljö", "parkering"),
    ("kultur-fritid", "Kultur och fritid", "Bibliotek, fritidsgårdar, kulturhus.", "Kultur och fritid", "bibliotek,fritidsgård"),
    ("idrott", "Idrott och bad", "Simhallar, idrottsplatser, motionsspår.", "Kultur och fritid", "simhall,idrottsplats"),
    ("miljo-halsa", "Miljö och hälsa", "Buller, luft, livsmedel, inomhusmiljö.", "Miljö", "buller,livsmedel"),
    ("bygglov", "Bygglov och planer", "Bygglov, detaljplaner och handläggningstider.", "Samhällsbyggnad", "bygglov,plan"),
    ("arbetsmarknad", "Arbetsmarknad och vuxenutbildning", "Jobbtorg, SFI och vuxenutbildning.", "Arbete", "jobbtorg,sfi"),
    ("medborgarservice", "Bemötande och service", "Medborgarkontoret, telefon och e-post, tillgänglighet.", "Service", "bemötande"),
    ("kvalitetsgaranti", "Kvalitetsgaranti som inte hållits", "När en enhet inte håller det den lovat i sin kvalitetsgaranti.", "Kvalitet", "garanti"),
    ("ovrigt", "Övrigt", "Allt som inte passar någon annan kategori.", "Övrigt", ""),
)

# What residents write, per category: complaints, suggestions, questions (praise is generic).
TEXTS = {
    "forskola": (("Maten på förskolan var kall vid lunchen", "Grinden till gården går inte att stänga", "Ingen pedagog mötte oss vid lämningen",
                  "Vi fick inte veta att avdelningen skulle slås ihop", "Gården är lerig och sandlådan är smutsig"),
                 ("Inför veckobrev på flera språk", "Fler utflykter till skogen"), ("Hur ansöker jag om plats i förskola", "När stänger förskolan i sommar")),
    "skola": (("Mobbning på rasterna har inte åtgärdats", "Skolmaten räcker inte till alla", "Ingen vikarie när läraren var sjuk",
               "Toaletterna på skolan är trasiga", "Skolskjutsen kom inte i tid"),
              ("Fler vuxna på skolgården", "Läxhjälp efter skoltid"), ("Hur byter jag skola", "När kommer omdömena")),
    "aldreomsorg": (("Hemtjänsten kom två timmar för sent", "Min mamma fick inte hjälp med duschen", "Olika personal varje dag i hemtjänsten",
                     "Maten på boendet är kall och smaklös", "Ingen gick ut med min pappa på hela veckan"),
                    ("Fler aktiviteter på helgerna", "Samma kontaktperson hela tiden"), ("Hur ansöker jag om hemtjänst", "Vad kostar trygghetslarm")),
    "individ-familj": (("Handläggaren har inte hört av sig på flera veckor", "Beslutet om försörjningsstöd dröjer", "Jag blev illa bemött vid besöket",
                        "Svårt att nå socialtjänsten på telefon"),
                       ("Kvällsöppet för föräldrastöd", "Digitala möten med handläggare"), ("Hur ansöker jag om försörjningsstöd", "Var finns familjerådgivningen")),
    "funktionsnedsattning": (("Daglig verksamhet ställdes in utan besked", "Ledsagningen kom inte", "Personalen på gruppbostaden byts hela tiden"),
                             ("Fler fritidsaktiviteter för unga med funktionsnedsättning",), ("Hur ansöker jag om ledsagning",)),
    "stadsmiljo": (("Lekplatsen är trasig sedan flera veckor", "Det är nedskräpat vid torget", "Klotter på väggen vid tunnelbanan",
                    "Papperskorgarna i parken är överfulla", "Gräset i parken har inte klippts"),
                   ("Fler bänkar i parken", "Plantera fler träd på torget"), ("När töms papperskorgarna i parken", "Vem sköter dammen i parken")),
    "gator-trafik": (("Gatlyset är släckt på hela gatan", "Stora hål i asfalten på cykelbanan", "Vägarbetet saknar skyltning",
                      "Trafiksignalen vid övergångsstället fungerar inte", "Bilar kör för fort förbi skolan"),
                     ("Farthinder vid skolan", "Bättre belysning på gångvägen"), ("När blir vägarbetet klart", "Vem ansvarar för gatubelysningen")),
    "snorojning": (("Gångvägen är inte plogad", "Ingen sandning vid busshållplatsen", "Snövallen blockerar övergångsstället",
                    "Plogbilen kom mitt i natten och väckte alla"),
                   ("Sanda trapporna vid tunnelbanan tidigare",), ("När plogas min gata",)),
    "parkering": (("Bilar står felparkerade på cykelbanan", "Parkeringsautomaten är trasig", "Orimlig parkeringsavgift"),
                  ("Fler laddplatser för elbilar",), ("Hur ansöker jag om boendeparkering",)),
    "kultur-fritid": (("Biblioteket hade stängt trots utlovade öppettider", "Fritidsgården stängde tidigt utan förvarning", "För få datorer på biblioteket"),
                      ("Längre öppettider på biblioteket", "Fler aktiviteter för tjejer på fritidsgården"), ("Hur lånar jag e-böcker",)),
    "idrott": (("Simhallen var stängd utan förvarning", "Omklädningsrummen är smutsiga", "Belysningen i motionsspåret är trasig"),
               ("Fler tider för allmänhetens bad",), ("Vad kostar ett årskort i simhallen",)),
    "miljo-halsa": (("Buller från byggarbetsplatsen hela natten", "Restaurangen luktar illa och har möss", "Mögel i lägenheten"),
                    ("Mät luften vid den stora korsningen",), ("Hur anmäler jag buller",)),
    "bygglov": (("Mitt bygglov har tagit över ett halvår", "Ingen svarar på mina frågor om ärendet", "Avgiften för bygglovet är för hög"),
                ("Digital ansökan om bygglov",), ("Behöver jag bygglov för ett attefallshus",)),
    "arbetsmarknad": (("Min SFI-kurs ställdes in", "Ingen kontakt från jobbtorget på en månad"),
                      ("Kvällskurser i svenska",), ("Hur anmäler jag mig till SFI",)),
    "medborgarservice": (("Lång väntetid på svar i telefon", "Ingen återkoppling på mitt mejl", "Medborgarkontoret hade stängt"),
                         ("Kvällsöppet på medborgarkontoret",), ("Vart vänder jag mig med en fråga om avgifter",)),
    "kvalitetsgaranti": (("Ni lovade att svara inom en vecka men jag har inte fått svar", "Garantin om kontaktperson hölls inte"),
                         ("Gör garantierna tydligare",), ("Vad lovar er kvalitetsgaranti",)),
    "ovrigt": (("Ingen tar ansvar för problemet", "Informationen på webben stämmer inte"), ("Bättre information på webben",), ("Vem ska jag kontakta",)),
}
DETAILS = ("", "", " Det har pågått i flera veckor.", " Jag har hört av mig tidigare utan svar.", " Gäller även andra dagar.",
           " Det känns otryggt.", " Snälla åtgärda det snart.", " Det drabbar många i området.", " Det är andra gången i månaden.")
PLACES = ("", "", "", " vid entrén", " på eftermiddagen", " i morse", " förra veckan", " under helgen", " i vår del av området")
PRAISE = ("Tack för ett fantastiskt bemötande", "Stort tack till personalen", "Mycket bra och snabb hjälp", "Tack för att ni lyssnade")
REPEAT_OPENINGS = ("Igen: ", "Jag skrev om detta tidigare. ", "Fortfarande samma problem. ", "")
REPEAT_ENDINGS = (" Fortfarande inte åtgärdat.", " Samma sak igen.", "", " Ingen har gjort något.")
ANSWERS = {
    "complaint": ("Tack för att du hörde av dig. Vi har gått igenom rutinerna och åtgärdat bristen.",
                  "Vi beklagar det inträffade och har tagit upp det med personalgruppen.",
                  "Vi har undersökt saken och återkommer med en åtgärd inom kort."),
    "suggestion": ("Tack för förslaget! Vi tar med det i planeringen inför nästa år.", "Tack, förslaget är vidarebefordrat till verksamheten."),
    "praise": ("Tack för de fina orden, vi har förmedlat dem till medarbetarna.",),
    "question": ("Du hittar information och e-tjänsten på stadens webbplats; ring oss gärna om du har fler frågor.",),
}
MEASURES = ("Rutinen för återkoppling är uppdaterad.", "Felet är åtgärdat.", "Personalen har fått utbildning i bemötande.",
            "Schemat är ändrat.", None, None)
ASSESSMENT_REASONS = {True: ("Svaret dröjde längre än garantin lovar.", "Utlovad kontaktperson saknades.", "Vi höll inte det vi lovat."),
                      False: ("Garantin hölls: svaret kom i tid.", "Det som hände omfattas inte av löftet.")}
PROMISES = {
    "forskola": ("Ditt barn har en egen kontaktpedagog.", "Du får en skriftlig planering varje termin.", "Vi svarar på synpunkter inom fem arbetsdagar.",
                 "Maten lagas från grunden varje dag."),
    "aldreomsorg": ("Du har en fast kontaktperson.", "Vi kommer på utlovad tid, annars ringer vi.", "Du får en genomförandeplan inom två veckor.",
                    "Vi svarar på synpunkter inom fem arbetsdagar."),
    "medborgarservice": ("Vi svarar på e-post inom två arbetsdagar.", "Du får hjälp samma dag vid besök.", "Vi ringer upp inom en arbetsdag."),
    "kultur-fritid": ("Biblioteket håller öppet de tider vi lovat.", "Du får svar på ditt förslag inom två veckor."),
    "idrott": ("Anläggningen är städad varje dag.", "Vi informerar om stängning minst en vecka i förväg."),
    "skola": ("Vi kontaktar dig samma dag om ditt barn inte kommit till skolan.", "Du får ett utvecklingssamtal varje termin."),
    "default": ("Vi svarar på synpunkter inom tio arbetsdagar.", "Du blir väl bemött."),
}
CHANNELS_LOCATED = (("portal", 33), ("open311", 30), ("phone", 15), ("e_mail", 15), ("letter", 2), ("in_person", 5))
CHANNELS_SERVICE = (("portal", 38), ("phone", 24), ("e_mail", 22), ("letter", 6), ("in_person", 10))
KINDS_DEFAULT = (("complaint", 50), ("suggestion", 22), ("question", 16), ("praise", 12))
KINDS_CARE = (("complaint", 46), ("suggestion", 18), ("question", 16), ("praise", 20))
KINDS_LOCATED = (("complaint", 68), ("suggestion", 18), ("question", 10), ("praise", 4))
PRIVACY = (("named", 64), ("anonymous", 31), ("confidential", 5))
# Seasons: relative volume per month (January first).
SEASONS = {
    "flat": (1.0, 1.0, 1.05, 1.0, 1.05, 0.95, 0.6, 0.85, 1.15, 1.1, 1.1, 0.8),
    "school": (1.0, 1.05, 1.1, 1.0, 1.1, 0.8, 0.25, 0.7, 1.3, 1.15, 1.1, 0.75),
    "summer": (0.5, 0.5, 0.7, 1.0, 1.5, 1.7, 1.5, 1.5, 1.2, 0.9, 0.6, 0.5),
    "winter": (4.0, 3.5, 1.5, 0.2, 0.02, 0.01, 0.01, 0.01, 0.02, 0.2, 1.5, 3.0),
}
CATEGORY_SEASON = {"forskola": "school", "skola": "school", "stadsmiljo": "summer", "idrott": "summer", "snorojning": "winter",
                   "gator-trafik": "flat"}


@dataclass(frozen=True)
class Profile:
    """A kind of department and its units: what their residents write about, and how much."""

    department: str
    unit_name: str  # the units' names, numbered
    categories: tuple[tuple[str, float], ...]
    volume: float  # cases per unit and year, before the unit's own factor
    guarantee: float  # probability that a unit has a published quality guarantee
    kinds: tuple = KINDS_DEFAULT
    located: bool = False  # cases carry a position (Open311 and portal reports of places)
    promises: str = "default"


DISTRICT_PROFILES = (
    (Profile("Förskola", "Förskolan {n}", (("forskola", 0.92), ("kvalitetsgaranti", 0.04), ("ovrigt", 0.04)), 38, 0.55, KINDS_CARE,
             promises="forskola"), 0.22),  # units per 1,000 inhabitants
    (Profile("Äldreomsorg", "Äldreomsorgsenhet {n}", (("aldreomsorg", 0.92), ("kvalitetsgaranti", 0.05), ("ovrigt", 0.03)), 85, 0.65,
             KINDS_CARE, promises="aldreomsorg"), 0.08),
    (Profile("Individ och familj", "Socialtjänstenhet {n}", (("individ-familj", 0.95), ("ovrigt", 0.05)), 90, 0.15), 0.05),
    (Profile("Funktionsnedsättning", "LSS-enhet {n}", (("funktionsnedsattning", 0.95), ("ovrigt", 0.05)), 30, 0.2, KINDS_CARE), 0.05),
    (Profile("Kultur och fritid", "Fritidsgård {n}", (("kultur-fritid", 0.9), ("ovrigt", 0.1)), 25, 0.3, promises="kultur-fritid"), 0.04),
    (Profile("Stadsmiljö", "Parkenhet {n}", (("stadsmiljo", 0.9), ("snorojning", 0.05), ("ovrigt", 0.05)), 380, 0.05, KINDS_LOCATED,
             located=True), 0.025),
    (Profile("Medborgarservice", "Medborgarkontor {n}", (("medborgarservice", 0.85), ("kvalitetsgaranti", 0.05), ("ovrigt", 0.1)), 160, 0.9,
             promises="medborgarservice"), 0.015),
)
# District committees (stadsdelsnämnder) and their inhabitants in thousands (about 2015).
DISTRICTS = (
    ("RK", "Rinkeby-Kista", 48), ("SPT", "Spånga-Tensta", 39), ("HV", "Hässelby-Vällingby", 70), ("BRO", "Bromma", 73),
    ("KUN", "Kungsholmen", 67), ("NOR", "Norrmalm", 68), ("OST", "Östermalm", 71), ("SOD", "Södermalm", 130),
    ("EAV", "Enskede-Årsta-Vantör", 97), ("SKA", "Skarpnäck", 46), ("FAR", "Farsta", 56), ("ALV", "Älvsjö", 28),
    ("HL", "Hägersten-Liljeholmen", 82), ("SKH", "Skärholmen", 36),
)
# Specialist committees (facknämnder): code, committee, administration, [(department, units, profile)].
SPECIALISTS = (
    ("TN", "Trafiknämnden", "Trafikkontoret", (
        ("Gatudrift", 6, Profile("", "Driftområde {n}", (("gator-trafik", 0.55), ("snorojning", 0.35), ("stadsmiljo", 0.1)), 2600, 0.0,
                                 KINDS_LOCATED, located=True)),
        ("Parkering", 3, Profile("", "Parkeringsenhet {n}", (("parkering", 0.95), ("ovrigt", 0.05)), 1500, 0.0, KINDS_LOCATED, located=True)),
        ("Trafikplanering", 3, Profile("", "Trafikplaneringsenhet {n}", (("gator-trafik", 1.0),), 700, 0.0, KINDS_LOCATED, located=True)),
    )),
    ("UTN", "Utbildningsnämnden", "Utbildningsförvaltningen", (
        ("Grundskola", 40, Profile("", "Grundskola {n}", (("skola", 0.95), ("ovrigt", 0.05)), 75, 0.3, promises="skola")),
        ("Gymnasieskola", 12, Profile("", "Gymnasium {n}", (("skola", 0.95), ("ovrigt", 0.05)), 50, 0.25, promises="skola")),
    )),
    ("KN", "Kulturnämnden", "Kulturförvaltningen", (
        ("Stadsbiblioteket", 16, Profile("", "Bibliotek {n}", (("kultur-fritid", 0.95), ("ovrigt", 0.05)), 60, 0.5, promises="kultur-fritid")),
    )),
    ("IDN", "Idrottsnämnden", "Idrottsförvaltningen", (
        ("Anläggningar", 14, Profile("", "Idrottsanläggning {n}", (("idrott", 0.95), ("ovrigt", 0.05)), 110, 0.4, promises="idrott")),
    )),
    ("MHN", "Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen", (
        ("Tillsyn", 4, Profile("", "Tillsynsenhet {n}", (("miljo-halsa", 1.0),), 700, 0.1)),
    )),
    ("SBN", "Stadsbyggnadsnämnden", "Stadsbyggnadskontoret", (
        ("Bygglov", 4, Profile("", "Bygglovsenhet {n}", (("bygglov", 1.0),), 450, 0.1)),
    )),
    ("SN", "Socialnämnden", "Socialförvaltningen", (
        ("Stöd och skydd", 6, Profile("", "Socialjourenhet {n}", (("individ-familj", 0.9), ("ovrigt", 0.1)), 160, 0.1)),
    )),
    ("AMN", "Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen", (
        ("Jobbtorg", 8, Profile("", "Jobbtorg {n}", (("arbetsmarknad", 0.95), ("ovrigt", 0.05)), 160, 0.2)),
    )),
    ("AN", "Äldrenämnden", "Äldreförvaltningen", (
        ("Äldre direkt", 2, Profile("", "Äldre direkt {n}", (("aldreomsorg", 0.9), ("medborgarservice", 0.1)), 500, 0.5, KINDS_CARE,
                                    promises="aldreomsorg")),
    )),
    ("FN", "Fastighetsnämnden", "Fastighetskontoret", (
        ("Förvaltning", 3, Profile("", "Fastighetsenhet {n}", (("ovrigt", 0.7), ("stadsmiljo", 0.3)), 250, 0.0, located=True)),
    )),
    ("EXN", "Exploateringsnämnden", "Exploateringskontoret", (
        ("Mark", 2, Profile("", "Markenhet {n}", (("bygglov", 0.5), ("stadsmiljo", 0.5)), 150, 0.0, located=True)),
    )),
    ("SVN", "Servicenämnden", "Serviceförvaltningen", (
        ("Kontaktcenter", 2, Profile("", "Kontaktcenter {n}", (("medborgarservice", 0.9), ("ovrigt", 0.1)), 1400, 0.9,
                                     promises="medborgarservice")),
    )),
    ("OFN", "Överförmyndarnämnden", "Överförmyndarförvaltningen", (
        ("Tillsyn", 1, Profile("", "Överförmyndarenhet {n}", (("ovrigt", 1.0),), 500, 0.0)),
    )),
)
# Deadline rules (bekräftelse, svar in working days): committees' defaults and special categories.
DISTRICT_RULES = (((ANY, 2, 10), ("individ-familj", 1, 5)), ((ANY, 1, 10),), ((ANY, 2, 15), ("aldreomsorg", 1, 7)))
SPECIALIST_RULE = {"TN": (ANY, 2, 15), "SBN": (ANY, 3, 20), "UTN": (ANY, 2, 10), "SVN": (ANY, 1, 5)}


@dataclass
class OrgUnit:
    id: uuid.UUID
    code: str
    name: str
    type: str
    parent_id: uuid.UUID | None
    committee_id: uuid.UUID | None = None
    profile: Profile | None = None
    weight: float = 0.0  # expected cases per year
    diligence: float = 1.0  # < 1: quicker than most, > 1: slower
    promises: list[uuid.UUID] = field(default_factory=list)
    promise_texts: dict[uuid.UUID, str] = field(default_factory=dict)
    guarantee_id: uuid.UUID | None = None


@dataclass
class Case:
    """One generated case; times are epoch seconds (UTC)."""

    id: uuid.UUID
    unit: OrgUnit
    category: str
    kind: str
    channel: str
    privacy: str
    received: float
    description: str
    submitted_by: tuple[str, str]
    location: tuple[float, float] | None
    transferred_from_city: bool = False
    number: int = 0
    # Filled by the lifecycle:
    status: str = S.received
    acknowledged: float | None = None
    answered: float | None = None
    closed: float | None = None
    updated: float = 0.0
    revision: int = 1
    acknowledge_due: date | None = None
    answer_due: date | None = None
    assignee: str | None = None
    answer: str | None = None
    measures: str | None = None
    rating: int | None = None
    promise_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    token_hash: str = ""
    open311_token: str = ""
    events: list[tuple] = field(default_factory=list)  # (action, from, to, from_unit, to_unit, by, kind, at, reason)


@dataclass
class GeneratedYear:
    seed: int
    year: int
    as_of: datetime
    units: list[OrgUnit]
    city_id: uuid.UUID
    city_generated: bool
    rules: list[tuple[uuid.UUID, str, int, int]]
    routes: list[tuple[uuid.UUID, str, uuid.UUID]]
    cases: list[Case]
    repeats: list[tuple]  # (case_id, similar_case_id, similarity, flagged_at, decision, decided_by, decided_at, reason)
    assessments: list[tuple]  # (case_id, guarantee_id, promise_id, promise_text, broken, by, at, reason)
    escalations: list[tuple]  # (case_id, deadline, due, unit_id, escalated_at)

    @property
    def committees(self) -> list[OrgUnit]:
        return [unit for unit in self.units if unit.type in ("district_committee", "specialist_committee")]


class _Calendar:
    """Working days of the year before to the year after, as day ordinals, and local midnights."""

    def __init__(self, year: int) -> None:
        first, last = date(year - 1, 1, 1), date(year + 2, 1, 31)
        self.first = first.toordinal()
        self.working = [d.toordinal() for d in _days(first, last) if is_working_day(d)]
        self.midnight = {d.toordinal(): datetime(d.year, d.month, d.day, tzinfo=STOCKHOLM).timestamp() for d in _days(first, last)}

    def add(self, day: int, days: int) -> int:
        """feedback.deadlines.calendar.add_working_days on ordinals."""
        if days == 0:
            return self.working[bisect.bisect_left(self.working, day)]
        return self.working[bisect.bisect_right(self.working, day) + days - 1]

    def at(self, day: int, seconds: float) -> float:
        return self.midnight[day] + seconds

    def day_of(self, moment: float) -> int:
        """The Stockholm day of a moment (local midnights differ by 23, 24 or 25 hours)."""
        day = self.first + int((moment - self.midnight[self.first]) // 86400)
        while moment < self.midnight[day]:
            day -= 1
        while moment >= self.midnight[day + 1]:
            day += 1
        return day


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _choice(rng: random.Random, items):
    """``rng.choice`` without its rejection sampling (a fraction of the cost; the same for a given seed)."""
    return items[int(rng.random() * len(items))]


def _pick(rng: random.Random, weighted) -> str:
    return rng.choices([item[0] for item in weighted], weights=[item[1] for item in weighted])[0]


def _sampler(weighted):
    """A fast weighted choice: (values, cumulative weights) for bisect."""
    values = [item[0] for item in weighted]
    cumulative = list(itertools.accumulate(item[1] for item in weighted))
    return values, cumulative


def _draw(rng: random.Random, sampler):
    values, cumulative = sampler
    return values[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def build_tree(rng: random.Random, ids, *, city_id: uuid.UUID | None, code_prefix: str, scale: float) -> tuple[list[OrgUnit], uuid.UUID, bool]:
    units: list[OrgUnit] = []

    def add(code: str, name: str, unit_type: str, parent: uuid.UUID | None, committee: uuid.UUID | None = None) -> OrgUnit:
        unit = OrgUnit(next(ids), f"{code_prefix}{code}", name, unit_type, parent, committee)
        units.append(unit)
        return unit

    generated_city = city_id is None
    if generated_city:
        city_id = add("STHLM", "Stockholms stad", "city", None).id
    for code, district, thousands in DISTRICTS:
        committee = add(f"SDN-{code}", f"{district} stadsdelsnämnd", "district_committee", city_id)
        committee.committee_id = committee.id
        admin = add(f"SDF-{code}", f"{district} stadsdelsförvaltning", "administration", committee.id, committee.id)
        for k, (profile, per_thousand) in enumerate(DISTRICT_PROFILES):
            department = add(f"SDF-{code}-{k}", profile.department, "department", admin.id, committee.id)
            department.profile = profile
            count = max(1, round(thousands * per_thousand * scale))
            for n in range(count):
                unit = add(f"SDF-{code}-{k}-{n + 1:02d}", f"{profile.unit_name.format(n=n + 1)} {district}", "unit", department.id, committee.id)
                unit.profile = profile
    for code, name, administration, departments in SPECIALISTS:
        committee = add(f"FN-{code}", name, "specialist_committee", city_id)
        committee.committee_id = committee.id
        admin = add(f"FF-{code}", administration, "administration", committee.id, committee.id)
        for k, (department_name, count, profile) in enumerate(departments):
            department = add(f"FF-{code}-{k}", department_name, "department", admin.id, committee.id)
            department.profile = profile
            for n in range(max(1, round(count * scale))):
                unit = add(f"FF-{code}-{k}-{n + 1:02d}", profile.unit_name.format(n=n + 1), "unit", department.id, committee.id)
                unit.profile = profile
    for unit in units:
        if unit.profile is None:
            continue
        # Most cases name a unit; those routed by category land on the department (its intake).
        share = 0.35 if unit.type == "department" else 1.0
        unit.weight = unit.profile.volume * share * rng.lognormvariate(0, 0.6)
        unit.diligence = rng.lognormvariate(0, 0.35)
        if unit.type == "unit" and rng.random() < unit.profile.guarantee:
            unit.guarantee_id = next(ids)
            texts = PROMISES[unit.profile.promises]
            for text in rng.sample(texts, k=min(len(texts), _choice(rng, range(2, 5)))):
                promise_id = next(ids)
                unit.promises.append(promise_id)
                unit.promise_texts[promise_id] = text
    return units, city_id, generated_city


def _text(rng: random.Random, category: str, kind: str) -> str:
    complaints, suggestions, questions = TEXTS[category]
    if kind == "complaint":
        return f"{_choice(rng, complaints)}{_choice(rng, PLACES)}.{_choice(rng, DETAILS)}"
    if kind == "suggestion":
        return f"Förslag: {_choice(rng, suggestions)}{_choice(rng, PLACES)}.{_choice(rng, DETAILS[:2] + DETAILS[7:])}"
    if kind == "question":
        return f"{_choice(rng, questions)}?"
    return f"{_choice(rng, PRAISE)}{_choice(rng, PLACES)}!"


def generate_year(
    *, seed: int = 2015, cases: int = 200_000, year: int = 2015, city_id: uuid.UUID | None = None, code_prefix: str = "G-",
    token_key: bytes = b"", repeat_window_days: int = 30, repeat_threshold: float = 80.0,
    default_acknowledge_days: int = 2, default_answer_days: int = 10,
) -> GeneratedYear:
    """The whole year in memory: the tree, its configuration and ``cases`` cases with their history."""
    rng = random.Random(seed)
    ids = (uuid.UUID(int=rng.getrandbits(128), version=4) for _ in iter(int, 1))
    scale = max(0.05, min(1.0, cases / 200_000)) ** 0.5  # a small run gets a smaller city, still every committee
    units, city_id, city_generated = build_tree(rng, ids, city_id=city_id, code_prefix=code_prefix, scale=scale)
    calendar = _Calendar(year)
    as_of = datetime(year + 1, 2, 1, tzinfo=STOCKHOLM)
    as_of_ts = as_of.timestamp()

    # Configuration: deadline rules per committee, category routes to the departments.
    rules: list[tuple[uuid.UUID, str, int, int]] = []
    rule_of: dict[tuple[uuid.UUID, str], tuple[int, int]] = {}
    committees = [u for u in units if u.type in ("district_committee", "specialist_committee")]
    for index, committee in enumerate(committees):
        if committee.type == "district_committee":
            chosen = DISTRICT_RULES[index % len(DISTRICT_RULES)]
        else:
            special = SPECIALIST_RULE.get(committee.code.removeprefix(f"{code_prefix}FN-"))
            chosen = (special,) if special else ()
        for category, ack, answer in chosen:
            rules.append((committee.id, category, ack, answer))
            rule_of[(committee.id, category)] = (ack, answer)
    routes: list[tuple[uuid.UUID, str, uuid.UUID]] = []
    routed: set[tuple[uuid.UUID, str]] = set()
    for unit in units:
        if unit.type == "department":
            for category, _ in unit.profile.categories:
                if category != "ovrigt" and (unit.committee_id, category) not in routed:
                    routed.add((unit.committee_id, category))
                    routes.append((unit.committee_id, category, unit.id))

    def deadlines(committee_id: uuid.UUID | None, category: str) -> tuple[int, int]:
        if committee_id is not None:
            rule = rule_of.get((committee_id, category)) or rule_of.get((committee_id, ANY))
            if rule:
                return rule
        return default_acknowledge_days, default_answer_days

    # Days of the year by season, weekday and holiday (fewer on weekends, fewer still on holidays).
    first = date(year, 1, 1).toordinal()
    days = list(range(first, date(year, 12, 31).toordinal() + 1))
    day_samplers = {}
    for season, months in SEASONS.items():
        weights = []
        for day in days:
            d = date.fromordinal(day)
            weights.append(months[d.month - 1] * (1.0 if is_working_day(d) else (0.45 if d.weekday() >= 5 else 0.3)))
        day_samplers[season] = (days, list(itertools.accumulate(weights)))
    unit_sampler = _sampler([(unit, unit.weight) for unit in units if unit.weight > 0])
    category_samplers = {id(p): _sampler(p.categories) for p in {id(u.profile): u.profile for u in units if u.profile}.values()}
    kind_samplers = {kinds: _sampler(kinds) for kinds in (KINDS_DEFAULT, KINDS_CARE, KINDS_LOCATED)}
    channel_located, channel_service, privacy_sampler = _sampler(CHANNELS_LOCATED), _sampler(CHANNELS_SERVICE), _sampler(PRIVACY)
    office_hours = _sampler([(h, w) for h, w in zip(range(8, 17), (6, 9, 9, 8, 6, 8, 8, 7, 4), strict=True)])
    any_hours = _sampler([(h, w) for h, w in zip(range(0, 23), (1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 8, 8, 8, 8, 8, 8, 8, 9, 10, 10, 8, 5),
                                                   strict=True)])

    generated: list[Case] = []
    for _ in range(cases):
        unit: OrgUnit = _draw(rng, unit_sampler)
        profile = unit.profile
        category = _draw(rng, category_samplers[id(profile)])
        kind = _draw(rng, kind_samplers[profile.kinds])
        channel = _draw(rng, channel_located if profile.located else channel_service)
        day = _draw(rng, day_samplers[CATEGORY_SEASON.get(category, "flat")])
        staffed = channel in ("phone", "letter", "in_person")
        if staffed:
            day = calendar.add(day, 0)
            if day > days[-1]:
                day = calendar.working[bisect.bisect_left(calendar.working, days[-1]) - 1]
        hour = _draw(rng, office_hours if staffed else any_hours)
        received = calendar.at(day, hour * 3600 + rng.random() * 3599)
        privacy = "anonymous" if channel == "open311" and rng.random() < 0.6 else _draw(rng, privacy_sampler)
        if staffed or channel == "e_mail":
            submitter = (f"handlaggare-{unit.code.lower()}-{_choice(rng, range(1, 4))}", "staff")
        elif channel == "open311":
            submitter = ("open311-felanmalan", "portal")
        else:
            submitter = ("e-tjanst-synpunkter", "portal")
        location = (round(rng.uniform(59.25, 59.40), 5), round(rng.uniform(17.80, 18.17), 5)) if profile.located and (
            channel in ("open311", "portal") or rng.random() < 0.3) else None
        case = Case(
            id=next(ids), unit=unit, category=category, kind=kind, channel=channel, privacy=privacy, received=received,
            description=_text(rng, category, kind), submitted_by=submitter, location=location,
            transferred_from_city=unit.type == "unit" and rng.random() < 0.03,
        )
        if kind == "complaint" and unit.promises and rng.random() < (0.35 if category == "kvalitetsgaranti" else 0.06):
            case.promise_id = _choice(rng, unit.promises)
        generated.append(case)

    # Registration numbers rise with receipt (ties by id, so the order never depends on the rng's history).
    generated.sort(key=lambda c: (c.received, c.id))
    for number, case in enumerate(generated, start=1):
        case.number = number

    repeats: list[tuple] = []
    assessments: list[tuple] = []
    escalations: list[tuple] = []
    groups: dict[tuple[uuid.UUID, str], list[Case]] = {}
    for case in generated:
        groups.setdefault((case.unit.id, case.category), []).append(case)
    window = repeat_window_days * 86400
    for group in groups.values():
        for index, case in enumerate(group):
            parent = None
            if case.kind == "complaint" and rng.random() < 0.07:
                parent = _open_parent(group, index, window)
            if parent is not None:
                case.description = f"{_choice(rng, REPEAT_OPENINGS)}{parent.description}{_choice(rng, REPEAT_ENDINGS)}"
                found = most_similar(case.description, {parent.id: parent.description}, threshold=repeat_threshold)
                if found is None:
                    parent = None
            ack_days, answer_days = deadlines(None if case.transferred_from_city else case.unit.committee_id, case.category)
            received_day = calendar.day_of(case.received)
            case.acknowledge_due = date.fromordinal(calendar.add(received_day, ack_days))
            case.answer_due = date.fromordinal(calendar.add(received_day, answer_days))
            _lifecycle(rng, calendar, case, city_id=city_id, as_of=as_of_ts, parent=parent, repeats=repeats)
            _assess(rng, case, as_of_ts, assessments)
            _escalate(calendar, case, as_of_ts, escalations)
    for case in generated:
        case.token_hash = token_digest(derive_token(token_key, case.id))
        case.open311_token = hashlib.sha256(case.id.bytes + b"open311").hexdigest()[:32]
    return GeneratedYear(seed, year, as_of, units, city_id, city_generated, rules, routes, generated, repeats, assessments, escalations)


def _open_parent(group: list[Case], index: int, window: float) -> Case | None:
    """The latest earlier case of the unit and category, received within the window and still open
    (not answered nor finished) when this one came in: what intake's detection compares with."""
    case = group[index]
    for position in range(index - 1, -1, -1):
        earlier = group[position]
        if case.received - earlier.received > window:
            return None
        if earlier.status == S.duplicate or earlier.parent_id is not None:
            continue
        open_until = min(t for t in (earlier.answered, earlier.closed, float("inf")) if t is not None)
        if earlier.received < case.received < open_until:
            return earlier
    return None


def _working_time(rng: random.Random, calendar: _Calendar, day: int, after: float) -> float:
    """A moment during office hours on ``day``, after ``after`` (minutes to an hour later if need be)."""
    moment = calendar.at(day, (8 + rng.random() * 8.5) * 3600)
    if moment <= after:
        moment = after + 600 + rng.random() * 3000
    return moment


def _lifecycle(rng: random.Random, calendar: _Calendar, case: Case, *, city_id: uuid.UUID, as_of: float, parent: Case | None,
               repeats: list[tuple]) -> None:
    """Walk the case through its states; keep only what happened before ``as_of``."""
    unit = case.unit
    handler = f"handlaggare-{unit.code.lower()}-{_choice(rng, range(1, 4))}"
    received_day = calendar.day_of(case.received)
    steps: list[tuple[float, str, dict]] = []  # (at, action, details)
    now = case.received
    if case.transferred_from_city:
        now = _working_time(rng, calendar, calendar.add(received_day, _choice(rng, (0, 1, 1, 2))), now)
        steps.append((now, "transfer", {}))
    slow = unit.diligence * (1.6 if rng.random() < 0.08 else 1.0)
    ack_in = min(12, int(rng.expovariate(1.4) * slow))
    ack_at = _working_time(rng, calendar, calendar.add(received_day, ack_in), now)
    if parent is not None:
        similarity = most_similar(case.description, {parent.id: parent.description}, threshold=0)[1]
        decision = _pick(rng, (("confirmed", 55), ("dismissed", 35), ("undecided", 10)))
        decided_at = ack_at if decision != "undecided" else None
        if decided_at is not None and decided_at >= as_of:
            decision, decided_at = "undecided", None
        repeats.append((case.id, parent.id, similarity, case.received, None if decision == "undecided" else decision,
                        handler if decided_at else None, decided_at, None if decided_at is None else
                        ("Samma ärende som tidigare anmälan." if decision == "confirmed" else "Ett nytt, eget ärende.")))
        if decision == "confirmed":
            steps.append((ack_at, S.duplicate, {"parent": parent.id, "reason": f"Samma ärende som SYN-{parent.number:06d}."}))
            _apply(case, steps, city_id=city_id, handler=handler, as_of=as_of)
            return
    steps.append((ack_at, S.acknowledged, {}))
    if rng.random() < 0.015:
        steps.append((_working_time(rng, calendar, calendar.add(calendar.day_of(ack_at), _choice(rng, range(0, 6))), ack_at), S.withdrawn,
                      {"reason": "Invånaren återkallade ärendet."}))
        _apply(case, steps, city_id=city_id, handler=handler, as_of=as_of)
        return
    assigned_at = _working_time(rng, calendar, calendar.add(calendar.day_of(ack_at), _choice(rng, (0, 0, 1))), ack_at)
    steps.append((assigned_at, S.assigned, {"assignee": handler}))
    median = {"complaint": 6.0, "suggestion": 8.0, "question": 2.5, "praise": 2.0}[case.kind]
    answer_in = max(ack_in, min(90, round(rng.lognormvariate(math.log(median), 0.65) * slow)))
    working_at = _working_time(rng, calendar, calendar.add(calendar.day_of(assigned_at), 0 if answer_in <= ack_in + 1 else 1), assigned_at)
    steps.append((working_at, S.in_progress, {}))
    if rng.random() < 0.012:  # never answered: still with the unit, overdue (a signal in the statistics)
        _apply(case, steps, city_id=city_id, handler=handler, as_of=as_of)
        return
    answered_at = _working_time(rng, calendar, calendar.add(received_day, answer_in), working_at)
    answer = _choice(rng, ANSWERS[case.kind])
    measures = _choice(rng, MEASURES) if case.kind == "complaint" else None
    steps.append((answered_at, S.answered, {"answer": answer, "measures": measures}))
    closed_at = _working_time(rng, calendar, calendar.add(calendar.day_of(answered_at), _choice(rng, (0, 0, 1, 2, 5))), answered_at)
    if rng.random() < 0.04:
        closed_at = None  # the handler never closed it (answered is where it stays)
    else:
        steps.append((closed_at, S.closed, {}))
    answered_in_time = calendar.day_of(answered_at) <= case.answer_due.toordinal()
    last = closed_at or answered_at
    if rng.random() < 0.2:
        rated_at = last + rng.uniform(600, 8 * 86400)
        weights = (2, 3, 6, 12, 27) if case.kind == "praise" else ((6, 8, 18, 35, 33) if answered_in_time else (20, 22, 25, 20, 13))
        steps.append((rated_at, "rating", {"rating": rng.choices((1, 2, 3, 4, 5), weights=weights)[0]}))
        last = max(last, rated_at)
    if closed_at is not None and rng.random() < 0.01:
        reopened_at = _working_time(rng, calendar, calendar.add(calendar.day_of(last), _choice(rng, range(1, 11))), last)
        steps.append((reopened_at, S.reopened, {"reason": "Invånaren hörde av sig igen: problemet kvarstår."}))
        if rng.random() < 0.7:
            again = _working_time(rng, calendar, calendar.add(calendar.day_of(reopened_at), 1), reopened_at)
            steps.append((again, S.in_progress, {}))
            answered_again = _working_time(rng, calendar, calendar.add(calendar.day_of(again), _choice(rng, range(1, 9))), again)
            steps.append((answered_again, S.answered, {"answer": answer, "measures": measures}))
            steps.append((answered_again + rng.uniform(600, 7200), S.closed, {}))
    _apply(case, sorted(steps, key=lambda step: step[0]), city_id=city_id, handler=handler, as_of=as_of)


def _apply(case: Case, steps: list[tuple[float, str, dict]], *, city_id: uuid.UUID, handler: str, as_of: float) -> None:
    """The case's state and history from its steps up to ``as_of``, as the service would record them."""
    first_unit = city_id if case.transferred_from_city else case.unit.id
    by, by_kind = case.submitted_by
    case.events.append(("created", None, S.received, None, first_unit, by, by_kind, case.received, None))
    case.updated = case.received
    for at, action, details in steps:
        if at >= as_of:
            break
        case.revision += 1
        case.updated = at
        if action == "transfer":
            case.events.append(("transfer", case.status, case.status, city_id, case.unit.id, CENTRAL_INTAKE, "staff", at,
                                "Överlämnat till ansvarig enhet."))
            continue
        if action == "rating":
            case.rating = details["rating"]
            case.events.append(("rating", None, None, None, None, "resident", "resident", at, None))
            continue
        previous, case.status = case.status, action
        if action == S.acknowledged:
            case.acknowledged = at
        elif action == S.assigned:
            case.assignee = details["assignee"]
        elif action == S.answered:
            case.answered, case.answer, case.measures = at, details["answer"], details["measures"]
        elif action in (S.closed, S.duplicate, S.withdrawn):
            case.closed = at
            case.parent_id = details.get("parent")
        elif action == S.reopened:
            case.closed = case.answered = None
        case.events.append(("transition", previous, action, None, None, handler, "staff", at, details.get("reason")))


def _assess(rng: random.Random, case: Case, as_of: float, assessments: list[tuple]) -> None:
    """Garantin hölls inte? The handler assesses a named promise (and sometimes names one) on answering."""
    unit = case.unit
    if not unit.promises or case.kind != "complaint" or case.answered is None:
        return
    promise_id = case.promise_id
    if promise_id is None:
        if rng.random() >= 0.015:
            return
        promise_id = _choice(rng, unit.promises)
        broken = rng.random() < 0.7
    elif rng.random() < 0.85:
        broken = rng.random() < 0.55
    else:
        return
    at = case.answered - rng.uniform(60, 1800)
    if at >= as_of or at <= case.received:
        return
    reason = _choice(rng, ASSESSMENT_REASONS[broken])
    assessments.append((case.id, unit.guarantee_id, promise_id, unit.promise_texts[promise_id], broken, case.assignee or
                        f"handlaggare-{unit.code.lower()}-1", at, reason))
    case.revision += 1
    case.events.append(("promise_assessed", None, None, None, None, case.assignee or f"handlaggare-{unit.code.lower()}-1", "staff", at,
                        ("broken: " if broken else "kept: ") + reason))
    case.events.sort(key=lambda event: event[7])


def _escalate(calendar: _Calendar, case: Case, as_of: float, escalations: list[tuple]) -> None:
    """What the worker's overdue job records: the first round after the due day, if still unmet then."""
    finished_at = case.closed if case.status in (S.duplicate, S.withdrawn) else None
    for deadline, due, met_at in (("acknowledge", case.acknowledge_due, case.acknowledged),
                                  ("answer", case.answer_due, case.answered)):
        at = calendar.at(due.toordinal() + 1, 300)
        unmet_then = (met_at is None or met_at > at) and (finished_at is None or finished_at > at)
        if deadline == "acknowledge" and case.status == S.duplicate and case.acknowledged is None:
            unmet_then = finished_at is None or finished_at > at
        if unmet_then and at < as_of and at > case.received:
            escalations.append((case.id, deadline, due, case.unit.id, at))


# ------------------------------------------------------------------------------------- the database

CASE_COLUMNS = (
    "id", "registration_number", "revision", "kind", "channel", "category_code", "unit_id", "committee_id", "routed_by", "status",
    "privacy", "description", "lat", "long", "attributes", "guarantee_promise_id", "parent_case_id", "assignee", "answer",
    "measures", "rating", "received_at", "acknowledged_at", "answered_at", "closed_at", "updated_at", "acknowledge_due",
    "answer_due", "submitted_by", "submitted_by_kind", "resident_token_sha256", "open311_token",
)
EVENT_COLUMNS = ("case_id", "action", "from_status", "to_status", "from_unit_id", "to_unit_id", "by_subject", "by_kind", "at", "reason")
DUMMY_CONTACT = {"name": "Genererad invånare"}  # no person's data: the same sealed dummy for every named case


def _ts(moment: float | None) -> datetime | None:
    return None if moment is None else datetime.fromtimestamp(moment, UTC)


async def existing_city(connection) -> uuid.UUID | None:
    """The city already in the read model (goals' tree), to hang the generated committees under."""
    return await connection.fetchval(
        "SELECT unit_id FROM org_unit_versions WHERE type = 'city' AND valid_to IS NULL ORDER BY valid_from, unit_id LIMIT 1"
    )


async def insert_year(connection, generated: GeneratedYear, *, sealed_contact: bytes, key_id: str) -> dict[str, int]:
    """Write everything in one transaction (COPY); returns the row counts. Refuses a tree written before."""
    counts: dict[str, int] = {}
    async with connection.transaction():
        if await connection.fetchval("SELECT count(*) FROM org_units WHERE id = ANY($1::uuid[])", [u.id for u in generated.units[:50]]):
            raise SystemExit(f"seed {generated.seed}'s city is in this database already (generate into another database or use another seed)")
        await connection.executemany(
            "INSERT INTO categories (code, name_sv, description_sv, group_sv, keywords, active, revision) "
            "VALUES ($1, $2, $3, $4, $5, true, 1) ON CONFLICT (code) DO NOTHING", CATEGORIES,
        )
        await _copy(connection, counts, "org_units", ("id", "revision"), [(u.id, 1) for u in generated.units])
        await _copy(connection, counts, "org_unit_versions", ("unit_id", "valid_from", "valid_to", "code", "name", "type", "parent_id"),
                    [(u.id, TREE_START, None, u.code, u.name, u.type, u.parent_id) for u in generated.units])
        await _copy(connection, counts, "deadline_rules", ("committee_id", "category_code", "acknowledge_days", "answer_days", "updated_by"),
                    [(*rule, "generator") for rule in generated.rules])
        await _copy(connection, counts, "category_routes", ("committee_id", "category_code", "unit_id", "updated_by"),
                    [(*route, "generator") for route in generated.routes])
        published = datetime(generated.year - 1, 12, 15, 9, tzinfo=STOCKHOLM)
        guaranteed = [u for u in generated.units if u.guarantee_id]
        await _copy(connection, counts, "guarantees",
                    ("id", "unit_id", "year", "version", "revision", "status", "business_idea", "feedback_routine", "published_at"),
                    [(u.guarantee_id, u.id, generated.year, 1, 1, "published", f"{u.name} finns till för invånarna.",
                      "Lämna synpunkter via e-tjänsten, telefon eller på plats.", published) for u in guaranteed])
        await _copy(connection, counts, "guarantee_promises", ("guarantee_id", "promise_id", "position", "text"),
                    [(u.guarantee_id, promise, position, u.promise_texts[promise]) for u in guaranteed
                     for position, promise in enumerate(u.promises)])
        await connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
        await connection.execute("SET LOCAL synchronous_commit = off")  # a generator's load; nothing is lost but the last moment on a crash
        foreign_keys = await _drop_foreign_keys(connection, FK_TABLES)
        indexes = await _drop_plain_indexes(connection, FK_TABLES)
        # The statistics' marking trigger would leave a mark per case; one per committee says the same
        # (below). Every other trigger (the working days kept on the case) runs as for any insert.
        marks = await connection.fetchval("SELECT to_regclass('statistics_dirty') IS NOT NULL")
        marking = await connection.fetchval(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND tgname = $1", MARKING_TRIGGER)
        if marking:
            await connection.execute(f"ALTER TABLE cases DISABLE TRIGGER {MARKING_TRIGGER}")
        numbers = await connection.fetch("SELECT nextval('case_number_seq') AS n FROM generate_series(1, $1)", len(generated.cases))
        by_number = sorted(row["n"] for row in numbers)
        rows = []
        for case, number in zip(generated.cases, by_number, strict=True):
            received = _ts(case.received)
            lat, long = case.location or (None, None)
            routed_by = "transfer" if case.transferred_from_city else ("category" if case.unit.type == "department" else "sender")
            rows.append((
                case.id, f"SYN-{received.astimezone(STOCKHOLM).year}-{number:06d}", case.revision, case.kind, case.channel,
                case.category, case.unit.id, case.unit.committee_id, routed_by, str(case.status), case.privacy, case.description,
                lat, long, "{}", case.promise_id, case.parent_id, case.assignee, case.answer, case.measures, case.rating, received,
                _ts(case.acknowledged), _ts(case.answered), _ts(case.closed), _ts(case.updated), case.acknowledge_due,
                case.answer_due, case.submitted_by[0], case.submitted_by[1], case.token_hash, case.open311_token,
            ))
        await _copy(connection, counts, "cases", CASE_COLUMNS, rows)
        del rows
        await _copy(connection, counts, "case_events", EVENT_COLUMNS, [
            (case.id, action, from_status and str(from_status), to_status and str(to_status), from_unit, to_unit, by, kind, _ts(at), reason)
            for case in generated.cases for action, from_status, to_status, from_unit, to_unit, by, kind, at, reason in case.events
        ])
        await _copy(connection, counts, "case_contacts", ("case_id", "ciphertext", "key_id"),
                    [(case.id, sealed_contact, key_id) for case in generated.cases if case.privacy != "anonymous"])
        await _copy(connection, counts, "case_repeats",
                    ("case_id", "similar_case_id", "similarity", "flagged_at", "decision", "decided_by", "decided_at", "reason"),
                    [(r[0], r[1], r[2], _ts(r[3]), r[4], r[5], _ts(r[6]), r[7]) for r in generated.repeats])
        await _copy(connection, counts, "broken_promise_assessments",
                    ("case_id", "guarantee_id", "promise_id", "promise_text", "broken", "assessed_by", "assessed_at", "reason"),
                    [(*a[:6], _ts(a[6]), a[7]) for a in generated.assessments])
        await _copy(connection, counts, "escalations", ("case_id", "deadline", "due", "unit_id", "escalated_at"),
                    [(*e[:4], _ts(e[4])) for e in generated.escalations])
        if marking:
            await connection.execute(f"ALTER TABLE cases ENABLE TRIGGER {MARKING_TRIGGER}")
        if marks:  # a case received on 1 January counts in every period of the year: the worker recomputes them all
            await connection.executemany(
                "INSERT INTO statistics_dirty (committee_id, received_on) VALUES ($1, $2)",
                [(committee.id, date(generated.year, 1, 1)) for committee in generated.committees],
            )
            counts["statistics_marks"] = len(generated.committees)
        started = time.monotonic()
        for definition in indexes:  # built once, sorted, instead of kept up to date row by row
            await connection.execute(definition)
        counts["indexes_s"] = round(time.monotonic() - started, 1)
        started = time.monotonic()
        for table, name, definition in foreign_keys:  # validated in one pass per constraint, not row by row
            await connection.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        counts["foreign_keys_s"] = round(time.monotonic() - started, 1)
    # Fresh planner statistics, and the visibility map set, so the statistics' scan is index-only at once
    # (autovacuum would get there later).
    started = time.monotonic()
    await connection.execute("VACUUM (ANALYZE) cases, case_repeats, broken_promise_assessments, org_unit_versions")
    await connection.execute("ANALYZE case_events")
    counts["vacuum_analyze_s"] = round(time.monotonic() - started, 1)
    return counts


# Tables whose foreign keys are dropped during the load and added again after it (inside the
# transaction: PostgreSQL checks an added constraint with one join instead of a trigger per row).
MARKING_TRIGGER = "cases_mark_statistics"  # feedback.statistics: a mark per changed case for the worker
FK_TABLES = ("cases", "case_events", "case_contacts", "case_repeats", "broken_promise_assessments", "escalations")


async def _drop_foreign_keys(connection, tables: tuple[str, ...]) -> list[tuple[str, str, str]]:
    rows = await connection.fetch(
        "SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY($1::text[]::regclass[]) ORDER BY conrelid::regclass::text, conname", list(tables),
    )
    for row in rows:
        await connection.execute(f'ALTER TABLE {row["table_name"]} DROP CONSTRAINT "{row["conname"]}"')
    return [(row["table_name"], f'"{row["conname"]}"', row["definition"]) for row in rows]


async def _drop_plain_indexes(connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes that back no constraint (unique and primary keys stay); returns their definitions."""
    rows = await connection.fetch(
        "SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i "
        "WHERE i.indrelid = ANY($1::text[]::regclass[]) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1", list(tables),
    )
    for row in rows:
        await connection.execute(f'DROP INDEX {row["name"]}')
    return [row["definition"] for row in rows]


async def _copy(connection, counts: dict[str, int], table: str, columns: tuple[str, ...], records: list[tuple]) -> None:
    started = time.monotonic()
    if records:
        await connection.copy_records_to_table(table, columns=columns, records=records)
    counts[table] = len(records)
    if len(records) > 10_000:
        counts[f"{table}_s"] = round(time.monotonic() - started, 1)


def summary(generated: GeneratedYear) -> dict:
    cases = generated.cases
    statuses: dict[str, int] = {}
    for case in cases:
        statuses[str(case.status)] = statuses.get(str(case.status), 0) + 1
    answered = [c for c in cases if c.answered is not None]
    late = sum(1 for c in answered if datetime.fromtimestamp(c.answered, STOCKHOLM).date() > c.answer_due)
    return {
        "seed": generated.seed, "year": generated.year, "as_of": generated.as_of.isoformat(),
        "organisation_units": len(generated.units), "committees": len(generated.committees), "cases": len(cases),
        "statuses": dict(sorted(statuses.items())), "answered_late_share": round(late / len(answered), 3) if answered else None,
        "ratings": sum(1 for c in cases if c.rating is not None), "repeats_flagged": len(generated.repeats),
        "promise_assessments": len(generated.assessments), "escalations": len(generated.escalations),
    }


async def _main(args: argparse.Namespace) -> int:
    import asyncpg

    from servicekit.dburl import plain_url

    from feedback.config import FeedbackSettings
    from feedback.contacts.crypto import ContactCipher

    settings = FeedbackSettings()
    started = time.monotonic()
    connection = await asyncpg.connect(plain_url(args.database_url or settings.database_url))
    try:
        city = await existing_city(connection)
        generated = generate_year(
            seed=args.seed, cases=args.cases, year=args.year, city_id=city, code_prefix=args.code_prefix,
            token_key=settings.token_key(), repeat_window_days=settings.repeat_window_days,
            repeat_threshold=settings.repeat_threshold, default_acknowledge_days=settings.default_acknowledge_days,
            default_answer_days=settings.default_answer_days,
        )
        generated_s = time.monotonic() - started
        cipher = ContactCipher(settings.contact_key_list())
        counts = await insert_year(connection, generated, sealed_contact=cipher.seal(orjson.dumps(DUMMY_CONTACT)),
                                   key_id=cipher.current_key_id)
    finally:
        await connection.close()
    result = summary(generated) | {
        "city": "generated" if generated.city_generated else f"existing {city}", "rows": counts,
        "generate_s": round(generated_s, 1), "total_s": round(time.monotonic() - started, 1),
        "committee_ids": {c.code: str(c.id) for c in generated.committees},
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback generate", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--year", type=int, default=2015, help="the year the cases are received in (Europe/Stockholm)")
    parser.add_argument("--code-prefix", default="G-", help="prefix of the generated units' codes (default G-)")
    parser.add_argument("--database-url", help="default: FEEDBACK_DATABASE_URL (the service's database)")
    args = parser.parse_args(argv)
    return asyncio.run(_main(args))
