"""Conflicts of interest (jäv) read from the organisation tree on a date; hard, never overridden.

An examiner may not examine an application from their own unit, from a unit below theirs, or
from a unit sharing their department (avdelning), administration (förvaltning) or district
committee (stadsdelsnämnd). The tree is read as of each of the round's dates, so a move during
the round counts too. One conflict per pair and date, the most specific reason first.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from contracts.organisation import OrganisationUnitState, OrganisationUnitType

# (kind, the unit type whose shared ancestor makes it, words)
SHARED_LEVELS = (
    ("same_department", OrganisationUnitType.department, "department (avdelning)"),
    ("same_administration", OrganisationUnitType.administration, "administration (förvaltning)"),
    ("same_district_committee", OrganisationUnitType.district_committee, "district committee (stadsdelsnämnd)"),
)


@dataclass(frozen=True)
class UnitOnDate:
    id: uuid.UUID
    code: str
    name: str
    type: OrganisationUnitType
    parent_id: uuid.UUID | None


@dataclass(frozen=True)
class OrganisationConflict:
    kind: str
    on_date: date
    explanation: str
    shared_unit_id: uuid.UUID | None


class TreeOnDate:
    """The organisation tree as of one date, held in memory for many pair checks."""

    def __init__(self, states: dict[uuid.UUID, OrganisationUnitState], on: date) -> None:
        self.on = on
        self.units: dict[uuid.UUID, UnitOnDate] = {}
        for state in states.values():
            for version in state.versions:
                if version.valid_from <= on and (version.valid_to is None or on < version.valid_to):
                    self.units[state.id] = UnitOnDate(state.id, version.code, version.name, version.type, version.parent_id)
                    break
        self._chains: dict[uuid.UUID, list[UnitOnDate]] = {}
        self._id_sets: dict[uuid.UUID, frozenset[uuid.UUID]] = {}

    def id_set(self, unit_id: uuid.UUID) -> frozenset[uuid.UUID]:
        """The ids of the unit and its ancestors, for a quick test of what two units share."""
        found = self._id_sets.get(unit_id)
        if found is None:
            found = self._id_sets[unit_id] = frozenset(unit.id for unit in self.chain(unit_id))
        return found

    def chain(self, unit_id: uuid.UUID) -> list[UnitOnDate]:
        """The unit followed by its ancestors up to the root; empty when not in effect on the date."""
        cached = self._chains.get(unit_id)
        if cached is not None:
            return cached
        chain: list[UnitOnDate] = []
        seen: set[uuid.UUID] = set()
        current = self.units.get(unit_id)
        while current is not None and current.id not in seen:  # a read model may hold a cycle for a moment
            chain.append(current)
            seen.add(current.id)
            current = self.units.get(current.parent_id) if current.parent_id else None
        self._chains[unit_id] = chain
        return chain


def organisation_conflict(tree: TreeOnDate, *, examiner_unit_id: uuid.UUID, applicant_unit_id: uuid.UUID) -> OrganisationConflict | None:
    shared = tree.id_set(examiner_unit_id) & tree.id_set(applicant_unit_id)
    if len(shared) <= 1 and examiner_unit_id not in shared:
        return None  # nothing in common but the city: most pairs end here
    examiner_chain, applicant_chain = tree.chain(examiner_unit_id), tree.chain(applicant_unit_id)
    examiner, applicant = examiner_chain[0], applicant_chain[0]
    if examiner.id == applicant.id:
        return OrganisationConflict(
            "same_unit", tree.on, f"The examiner works in {applicant.name}, the applying unit itself.", applicant.id,
        )
    if any(unit.id == examiner.id for unit in applicant_chain[1:]):
        return OrganisationConflict(
            "examiner_unit_above_applicant", tree.on,
            f"The examiner's unit {examiner.name} is above the applying unit {applicant.name} in the organisation.",
            examiner.id,
        )
    for kind, unit_type, words in SHARED_LEVELS:
        common = next((unit for unit in applicant_chain if unit.type == unit_type and unit.id in shared), None)
        if common is not None:
            return OrganisationConflict(
                kind, tree.on,
                f"The examiner's unit {examiner.name} and the applying unit {applicant.name} are in the same "
                f"{words}: {common.name}.",
                common.id,
            )
    return None


def conflict_pairs(
    trees: list[TreeOnDate], *, examiner_units: dict[uuid.UUID, uuid.UUID], applicant_units: dict[uuid.UUID, uuid.UUID]
) -> dict[tuple[uuid.UUID, uuid.UUID], list[OrganisationConflict]]:
    """(application id, examiner id) → its organisation conflicts over the dates (checked once per unit pair)."""
    by_unit_pair: dict[tuple[uuid.UUID, uuid.UUID], list[OrganisationConflict]] = {}
    for examiner_unit in set(examiner_units.values()):
        for applicant_unit in set(applicant_units.values()):
            found = []
            for tree in trees:
                conflict = organisation_conflict(tree, examiner_unit_id=examiner_unit, applicant_unit_id=applicant_unit)
                if conflict is not None and all(c.kind != conflict.kind for c in found):
                    found.append(conflict)
            if found:
                by_unit_pair[examiner_unit, applicant_unit] = found
    return {
        (application_id, examiner_id): by_unit_pair[examiner_unit, applicant_unit]
        for application_id, applicant_unit in applicant_units.items()
        for examiner_id, examiner_unit in examiner_units.items()
        if (examiner_unit, applicant_unit) in by_unit_pair
    }
