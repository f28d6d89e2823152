"""Demo organisation: the seed's real committee and a generated city of about a thousand units.

(a) Spånga-Tensta, as its development unit describes itself in its quality-award application
(seed 004): the stadsdelsförvaltning's four departments (avdelningar) and the five units of
Strategiska staben, among them Enheten för verksamhetsutveckling.
(b) Stockholms stad around it: the other twelve district committees with real district and
neighbourhood names, fifteen specialist committees with their administrations, and departments,
units, nested förskolor and contractors, with hierarchical codes (SDN-BRO, SDF-BRO-FSK-03-2).

Everything is created through the public API, so the same loader fills a test harness, a
development stack or the benchmark's service; units already there (by code) are skipped, so a
load interrupted half-way can be run again.
"""

import uuid
from dataclasses import dataclass
from datetime import date

import httpx
from contracts.organisation import OrganisationUnitType as T

PATH = "/goals/v1/organisation-units"
DEMO_START = date(2012, 1, 1)
CITY_CODE = "STHLM"
SEED_COMMITTEE_CODE = "SDN-SPT"
SEED_ADMINISTRATION_CODE = "SDF-SPT"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    type: T
    parent_code: str | None


@dataclass(frozen=True)
class DemoTree:
    ids: dict[str, uuid.UUID]  # code → unit id

    @property
    def city_id(self) -> uuid.UUID:
        return self.ids[CITY_CODE]

    @property
    def seed_committee_id(self) -> uuid.UUID:
        return self.ids[SEED_COMMITTEE_CODE]


class DemoLoadError(RuntimeError):
    pass


def seed_committee(city_code: str = CITY_CODE) -> list[UnitSpec]:
    """Spånga-Tensta stadsdelsnämnd as named in seed 004 (Kvalitetsutmärkelsen 2015)."""
    admin = SEED_ADMINISTRATION_CODE
    staff = f"{admin}-STAB"
    specs = [
        UnitSpec(SEED_COMMITTEE_CODE, "Spånga-Tensta stadsdelsnämnd", T.district_committee, city_code),
        UnitSpec(admin, "Spånga-Tensta stadsdelsförvaltning", T.administration, SEED_COMMITTEE_CODE),
        # "Strategiska staben som är en av fyra avdelningar inom stadsdelsförvaltningen"
        UnitSpec(staff, "Strategiska staben", T.department, admin),
        UnitSpec(f"{admin}-AOF", "Äldre och funktionsnedsättning", T.department, admin),
        UnitSpec(f"{admin}-FSK", "Förskola", T.department, admin),
        UnitSpec(f"{admin}-IOF", "Individ och familj", T.department, admin),
    ]
    # The five units of Strategiska staben in the application's organisation chart.
    for code, name in (
        ("VU", "Enheten för verksamhetsutveckling"),
        ("EKL", "Ekonomi och lokaler"),
        ("HRIT", "HR och IT"),
        ("MBK", "Medborgarkontoret"),
        ("SM", "Stadsmiljö"),
    ):
        specs.append(UnitSpec(f"{staff}-{code}", name, T.unit, staff))
    return specs


# The other twelve stadsdelsnämnder (abbreviation, district, neighbourhoods).
DISTRICTS = (
    ("RKI", "Rinkeby-Kista", ("Rinkeby", "Kista", "Husby", "Akalla", "Eriksberg")),
    ("HVB", "Hässelby-Vällingby", ("Hässelby gård", "Hässelby strand", "Vällingby", "Grimsta", "Råcksta")),
    ("BRO", "Bromma", ("Abrahamsberg", "Alvik", "Blackeberg", "Ängby", "Olovslund")),
    ("KUN", "Kungsholmen", ("Fredhäll", "Kristineberg", "Stadshagen", "Marieberg", "Lilla Essingen")),
    ("NOR", "Norrmalm", ("Vasastan", "Birkastan", "Hagastaden", "Sibirien", "Norrmalm")),
    ("OST", "Östermalm", ("Gärdet", "Hjorthagen", "Lärkstaden", "Djurgården", "Ladugårdsgärdet")),
    ("SOD", "Södermalm", ("Hornstull", "Skanstull", "Sofia", "Katarina", "Maria")),
    ("EAV", "Enskede-Årsta-Vantör", ("Enskede", "Årsta", "Högdalen", "Rågsved", "Hagsätra")),
    ("SKA", "Skarpnäck", ("Skarpnäck", "Bagarmossen", "Kärrtorp", "Björkhagen", "Hammarbyhöjden")),
    ("FAR", "Farsta", ("Farsta", "Fagersjö", "Hökarängen", "Sköndal", "Gubbängen")),
    ("HAL", "Hägersten-Älvsjö", ("Hägersten", "Västertorp", "Fruängen", "Älvsjö", "Mälarhöjden")),
    ("SKH", "Skärholmen", ("Skärholmen", "Bredäng", "Sätra", "Vårberg", "Vårby gård")),
)
PRESCHOOL_NAMES = (
    "Blåklinten", "Solrosen", "Ekorren", "Lärkan", "Humlan", "Myrstacken", "Regnbågen", "Tallkotten",
    "Vitsippan", "Snäckan", "Äppellunden", "Nyckelpigan", "Ugglan", "Kastanjen", "Fjärilen",
    "Lingonet", "Stjärnan", "Björken", "Igelkotten", "Måsen", "Skogsgläntan", "Kotten", "Linden", "Rönnen", "Vågen",
)
CARE_PROVIDERS = ("Attendo", "Vardaga")

# Fackförvaltningar (abbreviation, committee, administration, two line departments).
SPECIALISTS = (
    ("AMN", "Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen", ("Jobbtorg Stockholm", "Vuxenutbildning")),
    ("EXP", "Exploateringsnämnden", "Exploateringskontoret", ("Markavdelningen", "Projektavdelningen")),
    ("FAS", "Fastighetsnämnden", "Fastighetskontoret", ("Fastighetsavdelningen", "Byggprojektavdelningen")),
    ("IDR", "Idrottsnämnden", "Idrottsförvaltningen", ("Anläggningsavdelningen", "Föreningsavdelningen")),
    ("KUL", "Kulturnämnden", "Kulturförvaltningen", ("Stadsbiblioteket", "Stadsarkivet")),
    ("KYR", "Kyrkogårdsnämnden", "Kyrkogårdsförvaltningen", ("Skogskyrkogården", "Driftavdelningen")),
    ("MHN", "Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen", ("Livsmedelsavdelningen", "Miljöbalksavdelningen")),
    ("SER", "Servicenämnden", "Serviceförvaltningen", ("Kontaktcenter Stockholm", "Ekonomiservice")),
    ("SOC", "Socialnämnden", "Socialförvaltningen", ("Stöd till vuxna", "Barn och ungdom")),
    ("SBN", "Stadsbyggnadsnämnden", "Stadsbyggnadskontoret", ("Planavdelningen", "Bygglovsavdelningen")),
    ("TRN", "Trafiknämnden", "Trafikkontoret", ("Trafikavdelningen", "Stadsmiljöavdelningen")),
    ("UTN", "Utbildningsnämnden", "Utbildningsförvaltningen", ("Grundskoleavdelningen", "Gymnasieavdelningen")),
    ("ALN", "Äldrenämnden", "Äldreförvaltningen", ("Stöd och utveckling", "Uppföljningsavdelningen")),
    ("OFN", "Överförmyndarnämnden", "Överförmyndarförvaltningen", ("Tillsynsavdelningen", "Ställföreträdarservice")),
    ("KS", "Kommunstyrelsen", "Stadsledningskontoret", ("Ekonomiavdelningen", "Kvalitets- och utvecklingsavdelningen")),
)
CITY_AREAS = ("Innerstaden", "Söderort", "Västerort")


def _district(abbr: str, district: str, places: tuple[str, ...], city_code: str) -> list[UnitSpec]:
    committee, admin = f"SDN-{abbr}", f"SDF-{abbr}"
    specs = [
        UnitSpec(committee, f"{district} stadsdelsnämnd", T.district_committee, city_code),
        UnitSpec(admin, f"{district} stadsdelsförvaltning", T.administration, committee),
    ]

    def department(code: str, name: str, units: list[tuple[str, T]]) -> None:
        parent = f"{admin}-{code}"
        specs.append(UnitSpec(parent, name, T.department, admin))
        specs.extend(UnitSpec(f"{parent}-{n:02d}", unit_name, unit_type, parent) for n, (unit_name, unit_type) in enumerate(units, 1))

    department(
        "AO", "Äldreomsorg",
        [(f"{place} vård- och omsorgsboende", T.unit) for place in places[:3]]
        + [(f"Hemtjänsten {place}", T.unit) for place in places[:3]]
        + [(f"Dagverksamhet {places[3]}", T.unit)]
        + [(f"{provider} {place} (entreprenad)", T.contractor) for provider, place in zip(CARE_PROVIDERS, places[3:])],
    )
    # Förskola: five förskoleenheter, each grouping five förskolor (units nested under units).
    preschools = f"{admin}-FSK"
    specs.append(UnitSpec(preschools, "Förskola", T.department, admin))
    for n, place in enumerate(places, 1):
        group = f"{preschools}-{n:02d}"
        specs.append(UnitSpec(group, f"Förskoleenhet {place}", T.unit, preschools))
        names = PRESCHOOL_NAMES[(n - 1) * 5 : n * 5]
        specs.extend(UnitSpec(f"{group}-{m}", f"Förskolan {name}", T.unit, group) for m, name in enumerate(names, 1))
    department(
        "IOF", "Individ och familj",
        [(name, T.unit) for name in ("Mottagningsenheten", "Barn och ungdom", "Vuxenenheten", "Ekonomiskt bistånd", "Fältassistenterna")],
    )
    department(
        "FN", "Funktionsnedsättning",
        [(f"Gruppbostad {place}", T.unit) for place in places[:3]] + [(f"Daglig verksamhet {places[3]}", T.unit), ("Socialpsykiatri", T.unit)],
    )
    department("ADM", "Administrativa avdelningen", [(name, T.unit) for name in ("Ekonomi", "HR", "Kommunikation", "Kansli")])
    department("KSM", "Kultur och stadsmiljö", [(f"Fritidsgården {places[0]}", T.unit), ("Parkenheten", T.unit)])
    return specs


def _specialist(abbr: str, committee_name: str, admin_name: str, lines: tuple[str, str], city_code: str) -> list[UnitSpec]:
    committee, admin = f"FN-{abbr}", f"FV-{abbr}"
    specs = [
        UnitSpec(committee, committee_name, T.specialist_committee, city_code),
        UnitSpec(admin, admin_name, T.administration, committee),
        UnitSpec(f"{admin}-ADM", "Administrativa avdelningen", T.department, admin),
    ]
    specs.extend(
        UnitSpec(f"{admin}-ADM-{n:02d}", name, T.unit, f"{admin}-ADM")
        for n, name in enumerate(("Ekonomienheten", "HR-enheten", "Kommunikationsenheten", "Juridiska enheten"), 1)
    )
    for d, line in enumerate(lines, 1):
        department = f"{admin}-L{d}"
        specs.append(UnitSpec(department, line, T.department, admin))
        specs.extend(
            UnitSpec(f"{department}-{n:02d}", f"{line}, {area}", T.unit, department) for n, area in enumerate(CITY_AREAS, 1)
        )
    return specs


# The seed names Spånga-Tensta's Förskola department but no preschool; the demo's published
# quality guarantee (goals/guarantees/demo.py) needs one.
SEED_PRESCHOOL = UnitSpec(f"{SEED_ADMINISTRATION_CODE}-FSK-01", "Förskolan Tenstaparken", T.unit, f"{SEED_ADMINISTRATION_CODE}-FSK")
# Nor does it name the providers its 2014 follow-ups visited ("26 verksamhetsuppföljningar och fyra
# uppföljningar av entreprenadavtal", a night inspection of the district's care homes); audit's demo
# (audit/follow_up_plans/demo.py) follows up these in-house units and two contractors (invented names).
SEED_PROVIDERS = [
    UnitSpec(f"{SEED_ADMINISTRATION_CODE}-AOF-{code}", name, unit_type, f"{SEED_ADMINISTRATION_CODE}-AOF")
    for code, name, unit_type in (
        ("01", "Tensta vård- och omsorgsboende", T.unit),
        ("02", "Spånga vård- och omsorgsboende", T.unit),
        ("03", "Hemtjänsten Spånga-Tensta", T.unit),
        ("04", "Dagverksamhet Hjulsta", T.unit),
        ("E1", "Solhems vård- och omsorgsboende (entreprenad)", T.contractor),
        ("E2", "Bromstens vård- och omsorgsboende (entreprenad)", T.contractor),
    )
]


def demo_city() -> list[UnitSpec]:
    """Stockholms stad with the seed committee and the generated rest; parents come before children."""
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", T.city, None), *seed_committee(CITY_CODE), SEED_PRESCHOOL, *SEED_PROVIDERS]
    for abbr, district, places in DISTRICTS:
        specs.extend(_district(abbr, district, places, CITY_CODE))
    for abbr, committee, admin, lines in SPECIALISTS:
        specs.extend(_specialist(abbr, committee, admin, lines, CITY_CODE))
    return specs


async def existing_units(client: httpx.AsyncClient, *, as_of: date) -> dict[str, uuid.UUID]:
    """Codes and ids of the units in effect on ``as_of``, read page by page."""
    found: dict[str, uuid.UUID] = {}
    params: dict[str, str | int] = {"as_of": as_of.isoformat(), "limit": 500}
    while True:
        response = await client.get(PATH, params=params)
        if response.status_code != 200:
            raise DemoLoadError(f"listing units answered {response.status_code}: {response.text}")
        page = response.json()
        found.update((unit["code"], uuid.UUID(unit["id"])) for unit in page["items"])
        if page["next_cursor"] is None:
            return found
        params = {"cursor": page["next_cursor"], "limit": 500}


async def load_units(client: httpx.AsyncClient, specs: list[UnitSpec], *, effective_date: date = DEMO_START) -> DemoTree:
    """Create ``specs`` in order through the API (each parent before its children).

    Units whose code is already in effect on ``effective_date`` are taken as loaded, so a load
    that stopped half-way can simply be run again. One request at a time: the API is CPU-bound
    per worker, and a test harness serves every request on one database connection.
    """
    ids = await existing_units(client, as_of=effective_date)
    for spec in specs:
        if spec.code in ids:
            continue
        body = {
            "code": spec.code, "name": spec.name, "type": spec.type.value,
            "parent_id": str(ids[spec.parent_code]) if spec.parent_code else None,
            "effective_date": effective_date.isoformat(),
        }
        response = await client.post(PATH, json=body)
        if response.status_code != 201:
            raise DemoLoadError(f"creating {spec.code} answered {response.status_code}: {response.text}")
        ids[spec.code] = uuid.UUID(response.json()["id"])
    return DemoTree(ids={spec.code: ids[spec.code] for spec in specs})


async def load_demo(client: httpx.AsyncClient, *, effective_date: date = DEMO_START) -> DemoTree:
    """Load the whole demo city (about a thousand units) through the API."""
    return await load_units(client, demo_city(), effective_date=effective_date)


async def load(api) -> None:
    """First-start content of goals (`python -m goals demo`, `make run`): a short sequence of per-area loaders.

    Each goes through the API and skips what exists, so the whole load can run again.
    """
    # The area loaders import this module's codes and errors, so they are imported here.
    from goals.budget import demo as budget_demo
    from goals.commitments import demo as commitments_demo
    from goals.follow_ups import demo as follow_ups_demo
    from goals.guarantees import demo as guarantees_demo
    from goals.indicators import demo as indicators_demo
    from goals.reports import demo as reports_demo
    from goals.rollup import demo as rollup_demo
    from goals.structure import demo as structure_demo

    async with api.client(roles=("admin",), subject="demo-admin") as admin:
        tree = await load_demo(admin)
    committee_goals = await structure_demo.load(api, tree)
    await commitments_demo.load(api, tree, committee_goals)
    await follow_ups_demo.load(api, tree)
    await indicators_demo.load(api)
    await budget_demo.load(api)
    await guarantees_demo.load(api)
    await rollup_demo.load(api, tree, committee_goals)
    await reports_demo.load(api, tree)


async def finish(api) -> None:
    """Goals' second first-start hook (``python -m goals demo --finish``), run after every service's demo:
    the seed committee's verksamhetsberättelse 2014, submitted once audit's lex Sarah summary is here."""
    from goals.reports import demo as reports_demo

    await reports_demo.finish(api)

