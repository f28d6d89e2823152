"""Blinding for the jury (avidentifiering): neutral codes for applicants and every name that would reveal them.

Each examined application of a round gets a letter by a hash of the round's and the application's
ids (stable, and saying nothing about who applied first): "Sökande A", "Sökande B", ... From the
organisation read model, every name (every dated version) of the applying unit and of each unit
above it up to the city is replaced, case-insensitively and wherever it occurs in a text, by the
unit's code: the applicant by its own label, departments by "Avdelning n", administrations by
"Förvaltning n", committees and boards by "Nämnd n", other units by "Enhet n". District names
(the name of a stadsdelsnämnd/stadsdelsförvaltning without that word, e.g. "Spånga-Tensta", and
each part of it, "Spånga", "Tensta") become "Stadsdel n". People named in the answers, as
recorded by the award office, become "Person n", places it records (an area such as "Järva") "Plats n",
other organisations it records "Organisation n". Each unit name is also blinded in its short form,
the name without a generic prefix ("Enheten för verksamhetsutveckling" → "verksamhetsutveckling",
``short_name``), since an org chart in an answer names units that way. Every term is matched as a
whole word (not inside a longer word: "Kista" does not touch "kistan"), case-insensitively, with an
optional genitive s kept ("Tenstas" → "Stadsdel 1s"). Sibling units (the applicant's neighbours in
the org chart) keep their names: they are not the applicant, and their parent is already coded.
Longer names are replaced first, so
"Spånga-Tensta stadsdelsförvaltning" becomes "Förvaltning 1", not "Stadsdel 1 stadsdelsförvaltning";
a name broken over lines ("Enheten för\nverksamhetsutveckling") is found too.
"""

import hashlib
import re
import string
import uuid
from dataclasses import dataclass, field
from datetime import date

from contracts.organisation import OrganisationUnitType
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.orgtree import unit_and_ancestor_ids
from servicekit.orgtree.queries import load_states

from awards.models import org_tables

APPLICANT_LABEL = "Sökande"
CATEGORY = {
    OrganisationUnitType.department: "Avdelning",
    OrganisationUnitType.administration: "Förvaltning",
    OrganisationUnitType.district_committee: "Nämnd",
    OrganisationUnitType.specialist_committee: "Nämnd",
    OrganisationUnitType.company_board: "Nämnd",
}
DISTRICT_LABEL = "Stadsdel"
PERSON_LABEL = "Person"
PLACE_LABEL = "Plats"
ORGANISATION_LABEL = "Organisation"
# Generic words before a unit's own name ("Enheten för verksamhetsutveckling") and after it as a separate
# word ("Spånga-Tensta förvaltning"); compounds such as "Socialförvaltningen" are left whole.
GENERIC_PREFIX = re.compile(r"^(?:enhete?n?|avdelning(?:en)?|sektion(?:en)?|staben|kontoret|gruppen|team(?:et)?)\s+för\s+", re.IGNORECASE)
GENERIC_SUFFIX = re.compile(r"\s+(?:stadsdelsnämnd|stadsdelsförvaltning|förvaltning|nämnd)(?:en)?$", re.IGNORECASE)
WORD = r"\w"  # Unicode: letters with å, ä, ö (and é, ü) are word characters
DISTRICT_WORDS = re.compile(r"\s*\b(stadsdelsnämnd|stadsdelsförvaltning|stadsdelsområde|stadsdel)\w*", re.IGNORECASE)
MIN_PART = 4  # parts of a district name shorter than this are too common to blind on their own


def _key(name: str) -> str:
    """A name as looked up: white space folded to single spaces, case folded."""
    return " ".join(name.split()).casefold()


def letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA, ..."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = string.ascii_uppercase[rest] + letters
    return letters


def blind_order(round_id: uuid.UUID, application_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Application id → its code letter, ordered by a hash so the letters say nothing about the applicants."""
    ranked = sorted(application_ids, key=lambda a: hashlib.sha256(f"{round_id}:{a}".encode()).hexdigest())
    return {application_id: letter(n) for n, application_id in enumerate(ranked)}


def district_names(name: str) -> list[str]:
    """'Spånga-Tensta stadsdelsförvaltning' → ['Spånga-Tensta', 'Spånga', 'Tensta']; [] for a name that is no district's.

    A genitive s before the district word is dropped ('Hägersten-Liljeholmens stadsdelsnämnd' →
    'Hägersten-Liljeholmen'), so both the plain and the genitive form are found.
    """
    if not DISTRICT_WORDS.search(name):
        return []
    district = DISTRICT_WORDS.sub("", name).strip(" -")
    if not district:
        return []
    if district.endswith("s") and len(district) > MIN_PART:
        district = district[:-1]  # the genitive of "Östermalms stadsdelsnämnd": "Östermalm" also finds "Östermalms"
    parts = [p for p in re.split(r"[-\s]+", district) if len(p) >= MIN_PART]
    return [district, *(p for p in parts if p != district)]


def short_name(name: str) -> str | None:
    """A unit's name without its generic words, or None when there is nothing to strip or too little is left.

    'Enheten för verksamhetsutveckling' → 'verksamhetsutveckling'; 'Avdelningen för stöd och service' →
    'stöd och service'; 'Spånga-Tensta förvaltning' → 'Spånga-Tensta'; 'Socialförvaltningen' → None.
    """
    short = GENERIC_SUFFIX.sub("", GENERIC_PREFIX.sub("", " ".join(name.split()))).strip(" -,")
    if short.casefold() == _key(name) or len(short) < MIN_PART:
        return None
    return short


@dataclass
class Blinder:
    codes: dict[uuid.UUID, str]  # application id → letter
    replacements: dict[str, str] = field(default_factory=dict)  # lower-cased name → label
    counters: dict[str, int] = field(default_factory=dict)
    _pattern: re.Pattern | None = None

    def label(self, application_id: uuid.UUID) -> str:
        return f"{APPLICANT_LABEL} {self.codes[application_id]}"

    def add(self, name: str, label: str) -> None:
        key = _key(name)
        if len(key) >= 2 and key not in self.replacements:
            self.replacements[key] = label
            self._pattern = None

    def numbered(self, kind: str, names: list[str]) -> None:
        """Give the names (one unit's or one district's, all versions) one label 'kind n', reusing a label already given."""
        existing = next((self.replacements[_key(n)] for n in names if _key(n) in self.replacements), None)
        if existing is None:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            existing = f"{kind} {self.counters[kind]}"
        for name in names:
            self.add(name, existing)

    def text(self, value: str | None) -> str | None:
        if not value or not self.replacements:
            return value
        if self._pattern is None:
            names = sorted(self.replacements, key=len, reverse=True)
            # A space in a name matches any run of white space, so a name broken over lines is found too; a name
            # is a whole word (no word character before it, none after it but an optional genitive s, kept).
            alternatives = "|".join(r"\s+".join(map(re.escape, n.split(" "))) for n in names)
            self._pattern = re.compile(f"(?<!{WORD})(?:{alternatives})(?=s?(?!{WORD}))", re.IGNORECASE)
        return self._pattern.sub(lambda m: self.replacements[_key(m.group(0))], value)

    def json(self, value):
        """Blind every string inside a JSON-like value (dicts, lists), keys kept."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value


async def blinder_for(
    session: AsyncSession, *, round_id: uuid.UUID, applications: list, as_of: date, terms: dict[uuid.UUID, dict[str, list[str]]],
) -> Blinder:
    """The round's blinder over its examined applications (rows with id and unit_id), names as of ``as_of`` and every version.

    ``terms``: per application the award office's recorded "people", "places" and "organisations".
    """
    blinder = Blinder(blind_order(round_id, [a.id for a in applications]))
    chains = {a.id: await unit_and_ancestor_ids(session, org_tables, unit_id=a.unit_id, as_of=as_of) or [a.unit_id] for a in applications}
    states = await load_states(session, org_tables, sorted({u for chain in chains.values() for u in chain}))
    ordered = sorted(applications, key=lambda a: blinder.codes[a.id])
    for application in ordered:  # the applicants first, so a unit's own names always carry its applicant label
        state = states.get(application.unit_id)
        if state is not None:
            for version in state.versions:
                blinder.add(version.name, blinder.label(application.id))
                if short := short_name(version.name):
                    blinder.add(short, blinder.label(application.id))
    for application in ordered:
        for unit_id in chains[application.id][1:]:
            state = states.get(unit_id)
            if state is None or state.versions[-1].type == OrganisationUnitType.city:
                continue
            kind = CATEGORY.get(state.versions[-1].type, "Enhet")
            names = [v.name for v in state.versions]
            # A district's administration or committee: its short form is the district's, labelled below.
            shorts = [short_name(n) for n in names if not district_names(n)]
            blinder.numbered(kind, names + [s for s in shorts if s])
    for application in ordered:
        for unit_id in chains[application.id]:
            state = states.get(unit_id)
            for version in state.versions if state else []:
                names = district_names(version.name)
                if names:
                    blinder.numbered(DISTRICT_LABEL, names)
        recorded = terms.get(application.id, {})
        for label, kind in ((PERSON_LABEL, "people"), (PLACE_LABEL, "places"), (ORGANISATION_LABEL, "organisations")):
            for term in recorded.get(kind, []):
                blinder.numbered(label, [term])
    return blinder
